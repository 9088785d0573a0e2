"""The four implementations of the shapes, each its own process pinned to the server core.

The gateway is started as benchmarks/servers.py starts it for the scenarios
(`credit-gateway serve` over a copy of config/, a fresh store, the bureau
simulator beside it on the load core). An implementation that cannot start
here (no Node, a failed npm install, a crash) becomes a skipped row with the
reason; the gateway, whose answers the others are checked against, cannot.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from benchmarks import apollo_setup
from benchmarks.cpu import Cores
from benchmarks.public_data import SQL_DIR
from benchmarks.servers import bureau, free_port, gateway, gateway_config, process

TYPENAME = b'{"query": "{ __typename }"}'


@dataclass(frozen=True, slots=True)
class Implementation:
    key: str
    title: str
    url: str | None = None
    pid: int | None = None
    skipped: str | None = None
    sqlite: str = sqlite3.sqlite_version  # the SQLite library it reads the files with


TITLES = {
    "floor": "Starlette + orjson + aiosqlite, hand-written SQL, no GraphQL (the floor)",
    "apollo": "Apollo Server 5 on Node + better-sqlite3 + DataLoader",
    "strawberry": "bare strawberry + DataLoader + aiosqlite",
    "gateway": "credit-gateway (`credit-gateway serve`)",
}
ORDER = ("floor", "apollo", "strawberry", "gateway")


@contextmanager
def implementations(data_dir: Path, work: Path, cores: Cores) -> Iterator[list[Implementation]]:
    """Every implementation running over ``data_dir``, in the table's order."""
    work.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        bureau_port = free_port()
        stack.enter_context(bureau(bureau_port, 20.0, cpus=cores.load))
        config_dir = gateway_config(work, bureau_port)
        started = {"gateway": _gateway(stack, config_dir, data_dir, work, cores)}
        python = [sys.executable, "-m"]
        data = ["--data", str(data_dir)]
        started["floor"] = _start(
            stack, "floor", [*python, "benchmarks.floor", *data], work, cores, "/healthz"
        )
        started["strawberry"] = _start(
            stack, "strawberry", [*python, "benchmarks.bare_strawberry", *data], work, cores
        )
        started["apollo"] = _apollo(stack, data_dir, work, cores)
        yield [started[key] for key in ORDER]


def _gateway(
    stack: ExitStack, config_dir: Path, data_dir: Path, work: Path, cores: Cores
) -> Implementation:
    port = free_port()
    child = stack.enter_context(gateway(config_dir, data_dir, work, port, cpus=cores.server))
    return Implementation(
        "gateway", TITLES["gateway"], f"http://127.0.0.1:{port}/graphql", child.pid
    )


def _apollo(stack: ExitStack, data_dir: Path, work: Path, cores: Cores) -> Implementation:
    try:
        node, directory = apollo_setup.install(work.parent)
    except apollo_setup.Unavailable as exc:
        return Implementation("apollo", TITLES["apollo"], skipped=f"skipped: {exc}")
    command = [node, str(directory / "server.mjs"), "--data", str(data_dir.resolve())]
    command += ["--sql", str(SQL_DIR)]
    env = os.environ | {"NODE_ENV": "production"}
    started = _start(stack, "apollo", command, work, cores, env=env)
    return replace(started, sqlite=apollo_setup.sqlite_version(node, directory))


def _start(
    stack: ExitStack,
    key: str,
    command: Sequence[str],
    work: Path,
    cores: Cores,
    health: str | None = None,
    env: dict[str, str] | None = None,
) -> Implementation:
    port = free_port()
    url = f"http://127.0.0.1:{port}/graphql"
    log = work / f"{key}.log"
    try:
        child = stack.enter_context(
            process(
                [*command, "--port", str(port)],
                f"http://127.0.0.1:{port}{health}" if health else url,
                env,
                cpus=cores.server,
                health_body=None if health else TYPENAME,
                log=log,
            )
        )
    except RuntimeError as exc:
        return Implementation(key, TITLES[key], skipped=f"skipped: {exc} (see {log})")
    return Implementation(key, TITLES[key], url, child.pid)
