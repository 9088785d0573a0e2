"""`make bench`: the gateway against a bare strawberry reference, in the same run.

For each data set (the small demo data and the 1,000,000-record one) it
starts the bureau simulator (20 ms), the gateway and the reference as
separate processes, then loads each scenario at a fixed concurrency for a
fixed time. It reports requests per second, p50/p99 latency, source calls
per request, and the gateway's throughput as a ratio of the reference's.
The bureau cache is off, so every request really asks the bureau (as the
reference does); the declarations cache stays on, as shipped.
Bounded: about 3 minutes on a 2-core machine, all traffic on 127.0.0.1.
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
from benchmarks.load import Result, run
from benchmarks.scenarios import Scenario, batch_codes, consents, scenarios
from benchmarks.servers import Servers, servers
from demo.generate import demo_data_present, generate
from gateway.config.loader import PROJECT_ROOT

WORK = PROJECT_ROOT / "var" / "bench"
BUREAU_LATENCY_MS = 20.0


def main() -> None:
    parser = argparse.ArgumentParser(prog="make bench")
    parser.add_argument("--seconds", type=float, default=6.0, help="load time per measurement")
    parser.add_argument("--skip-large", action="store_true", help="only the small data set")
    args = parser.parse_args()
    print(machine())
    rows = []
    sizes = ["small"] if args.skip_large else ["small", "large"]
    for size in sizes:
        data_dir = WORK / size
        if not demo_data_present(data_dir):
            print(f"generating the {size} data set ...", flush=True)
            print(generate(data_dir, size=size), flush=True)
        rows += asyncio.run(measure(size, data_dir, args.seconds))
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
