"""`make bench`: the gateway beside a floor, Apollo Server and bare strawberry, in one run.

First the three shapes of issue 12 (benchmarks/shapes.py): Q1-Q3 answered by
the gateway, a floor with no GraphQL, Apollo Server 5 on Node and bare
strawberry over the same SQLite files, each answer checked identical to the
gateway's before timing, each server pinned to one core and the load
generator to the other, medians over interleaved rounds, CPU per request and
the gateway's ratios (printed, and written to benchmarks/last-run-shapes.txt
by a full run). `--seconds 2 --rounds 1 --shapes-data small` is a smoke run.

Then the scenarios of issue 4, against a reference sharing the gateway's data
path: for each data set (the small demo data and the 1,000,000-record one) it
starts the bureau simulator (20 ms), the gateway and the reference as
separate processes, then loads each scenario at a fixed concurrency for a
fixed time. It reports requests per second, p50/p99 latency, source calls
per request, and the gateway's throughput as a ratio of the reference's.
The bureau cache is off, so every request really asks the bureau (as the
reference does); the declarations cache stays on, as shipped.
Last the scale part (benchmarks/scale.py): lookup latency one request at a
time over 10^4, 10^5 and 10^6 provider records (10^7 with
`--scale-up-to 10000000`), in-process.

Bounded: the shapes take about 5 minutes with the defaults (more the first
time, to generate their data and install Apollo's npm packages), the
scenarios about 3, the scale part under a minute once its data exists; all
traffic on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import urllib.request
from pathlib import Path

from adapters.kinds import load_config
from benchmarks import scale, shape_report
from benchmarks.cpu import pinned, split_cores
from benchmarks.load import Result, run
from benchmarks.scenarios import Scenario, batch_codes, consents, scenarios
from benchmarks.servers import Servers, servers
from benchmarks.shape_bench import run_rows
from benchmarks.shape_servers import implementations
from benchmarks.shapes import Shape, ShapeData, choose_subjects, shapes, size_for_organisations
from demo.generate import demo_data_present, generate
from gateway.config.loader import PROJECT_ROOT

WORK = PROJECT_ROOT / "var" / "bench"
BUREAU_LATENCY_MS = 20.0
SECONDS = 6.0
ROUNDS = 3
SHAPES_REPORT = Path(__file__).parent / "last-run-shapes.txt"
SCALE_UP_TO = 10**6
SCALE_REPORT = Path(__file__).parent / "last-run-scale.txt"


def main() -> None:
    parser = argparse.ArgumentParser(prog="make bench")
    parser.add_argument("--seconds", type=float, default=SECONDS, help="load time per measurement")
    parser.add_argument(
        "--rounds", type=int, default=ROUNDS, help="interleaved rounds of the shapes"
    )
    parser.add_argument(
        "--shapes-data",
        choices=("10k", "small"),
        default="10k",
        help="the shapes' data: 10,000 organisations (default) or the small set",
    )
    parser.add_argument("--shapes-only", action="store_true", help="only the shapes")
    parser.add_argument("--skip-shapes", action="store_true", help="only the scenarios")
    parser.add_argument("--skip-large", action="store_true", help="only the small data set")
    parser.add_argument(
        "--scale-up-to",
        type=int,
        default=SCALE_UP_TO,
        metavar="RECORDS",
        help="the largest data set of the scale part, which measures each power of ten "
        "from 10^4 up to it (default 10^6; 10^7 takes about 2 minutes and 3 GB to "
        "generate the first time)",
    )
    parser.add_argument("--scale-only", action="store_true", help="only the scale part")
    args = parser.parse_args()
    print(machine(), flush=True)
    if args.scale_only:
        run_scale(args.scale_up_to)
        return
    if not args.skip_shapes:
        run_shapes(args.shapes_data, args.seconds, args.rounds)
    if not args.shapes_only:
        run_scenarios(args.seconds, args.skip_large)
        run_scale(args.scale_up_to)


def run_shapes(data: str, seconds: float, rounds: int) -> None:
    size = "small" if data == "small" else str(size_for_organisations())
    data_dir = _data_set(WORK / ("small" if data == "small" else f"shapes-{size}"), size)
    chosen = choose_subjects(data_dir)
    shape_list = shapes(chosen)
    cores = split_cores()
    with pinned(cores), implementations(data_dir, WORK / "shapes", cores) as running:
        rows = run_rows(running, shape_list, seconds, rounds)
    report = "\n".join(
        [
            "## The shapes (issue 12): the gateway, a floor, Apollo Server, bare strawberry",
            "",
            machine(),
            _method(chosen, size, shape_list, seconds, rounds, cores.describe()),
            shape_report.sqlite_versions(rows),
            "",
            shape_report.table(rows, shape_list),
            "",
            shape_report.ratios(rows, shape_list),
            *_notes(shape_report.problems(rows) + shape_report.idle_servers(rows, shape_list)),
        ]
    )
    print()
    print(report, flush=True)
    if data != "small" and rounds >= ROUNDS and seconds >= SECONDS:
        SHAPES_REPORT.write_text(f".venv/bin/python -m benchmarks\n{report}\n", encoding="utf-8")
        print(f"\nwritten to {SHAPES_REPORT.relative_to(PROJECT_ROOT)}")
    else:
        print(f"\n(a smoke run: {SHAPES_REPORT.name} is written by full runs only)")
    print()


def _notes(notes: list[str]) -> list[str]:
    return ["", *notes] if notes else []


def _method(
    chosen: ShapeData, size: str, shape_list: list[Shape], seconds: float, rounds: int, cores: str
) -> str:
    concurrency = ", ".join(f"{s.key} {s.concurrency}" for s in shape_list)
    return (
        f"{chosen.describe(size)}.\n"
        f"method: medians of {rounds} interleaved round(s), each measuring every "
        f"implementation once in turn on each shape for {seconds:g} s after a warm-up; "
        f"concurrency {concurrency}; {cores}; CPU per request is the server process's "
        "user + system time (/proc/<pid>/stat) over the requests answered.\n"
        "answers: before timing, each row's answer to each shape was checked identical to "
        "the gateway's (JSON, keys sorted) over every selected field; a row that differed "
        "would be listed below the tables instead of measured."
    )


def _data_set(data_dir: Path, size: str) -> Path:
    if not demo_data_present(data_dir):
        print(f"generating the data set ({size}) in {data_dir} ...", flush=True)
        print(generate(data_dir, size=size), flush=True)
    return data_dir


def run_scenarios(seconds: float, skip_large: bool) -> None:
    rows = []
    sizes = ["small"] if skip_large else ["small", "large"]
    for size in sizes:
        data_dir = _data_set(WORK / size, size)
        rows += asyncio.run(measure(size, data_dir, seconds))
    print()
    print(table(rows))


async def measure(size: str, data_dir: Path, seconds: float) -> list[str]:
    work = WORK / f"run-{size}"
    work.mkdir(parents=True, exist_ok=True)
    rows = []
    with servers(data_dir, work, BUREAU_LATENCY_MS, no_cache=True) as running:
        config = load_config(running.config_dir, data_dir)
        codes = batch_codes(data_dir, 100)
        tokens = await consents(running.gateway, config, codes)
        for scenario in scenarios(config, codes, tokens):
            print(f"[{size}] scenario {scenario.key}: {scenario.title}", flush=True)
            gateway, calls = await _gateway(running, scenario, seconds)
            reference = await run(
                running.reference,
                scenario.reference_payload or scenario.payload,
                concurrency=scenario.concurrency,
                seconds=seconds,
            )
            if reference.errors:  # a failing reference answers fast and flatters nothing
                raise SystemExit(
                    f"scenario {scenario.key}: the reference failed {reference.errors} requests"
                )
            rows.append(_row(size, scenario, gateway, reference, calls))
    return rows


async def _gateway(running: Servers, scenario: Scenario, seconds: float) -> tuple[Result, float]:
    before = _fetch_calls(running.gateway)
    result = await run(
        running.gateway,
        scenario.payload,
        headers=scenario.headers,
        concurrency=scenario.concurrency,
        seconds=seconds,
        warmup=20,
    )
    calls = (_fetch_calls(running.gateway) - before) / (result.requests + 20)
    if result.errors:
        raise SystemExit(f"scenario {scenario.key}: {result.errors} requests failed")
    return result, calls


def _fetch_calls(gateway_url: str) -> int:
    with urllib.request.urlopen(gateway_url.replace("/graphql", "/metrics")) as response:
        sources = json.load(response)["sources"]
    return sum(int(s["calls"]["fetch"]["calls"]) for s in sources.values())


def _row(size: str, s: Scenario, g: Result, r: Result, calls: float) -> str:
    ratio = g.rps / r.rps if r.rps else float("nan")
    return (
        f"| {s.key} | {size} | {s.concurrency} | {g.rps:,.0f} | {g.p50:.1f} | "
        f"{g.percentile(99):.1f} | {calls:.2f} | {r.rps:,.0f} | {r.p50:.1f} | "
        f"{ratio:.0%} |"
    )


def table(rows: list[str]) -> str:
    head = (
        "| scenario | data | concurrency | gateway req/s | p50 ms | p99 ms | "
        "source calls/req | reference req/s | reference p50 ms | gateway/reference |"
    )
    rule = "|" + "---|" * 10
    return "\n".join([head, rule, *rows])


def run_scale(up_to: int) -> None:
    sizes = [10**k for k in range(4, 8) if 10**k <= up_to]
    rows = []
    for size in sizes:
        data_dir = _data_set(WORK / f"scale-{size}", str(size))
        print(f"[scale] lookups over {size:,} provider records", flush=True)
        rows += asyncio.run(scale.measure(size, data_dir))
    report = "\n".join(
        [
            "## Scale (issue 12): one lookup at a time as the data grows",
            "",
            machine(),
            "",
            scale.table(rows),
        ]
    )
    print()
    print(report, flush=True)
    if up_to >= 10**7:
        SCALE_REPORT.write_text(
            f".venv/bin/python -m benchmarks --scale-only --scale-up-to {up_to}\n{report}\n",
            encoding="utf-8",
        )
        print(f"\nwritten to {SCALE_REPORT.relative_to(PROJECT_ROOT)}")


def machine() -> str:
    cpu = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        names = [
            line.split(":", 1)[1].strip()
            for line in cpuinfo.read_text().splitlines()
            if line.startswith("model name")
        ]
        cpu = names[0] if names else cpu
    return (
        f"machine: {cpu}, {os.cpu_count()} cores, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}"
    )


if __name__ == "__main__":
    main()
