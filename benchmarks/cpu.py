"""Cores and CPU time: servers on one core, the load generator on another.

CPU time is a process's user + system time from ``/proc/<pid>/stat``, all of
its threads included (aiosqlite's, Node's). Where there is no /proc or fewer
than two cores, nothing is pinned and the report says so.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


@dataclass(frozen=True, slots=True)
class Cores:
    """Where the servers and the load generator run; None for unpinned."""

    server: set[int] | None
    load: set[int] | None

    def describe(self) -> str:
        if self.server is None or self.load is None:
            return "not pinned (fewer than two cores available): servers and load share the CPU"
        return (
            f"each server pinned to core {_cores(self.server)}, "
            f"the load generator (and the bureau simulator) to core {_cores(self.load)}"
        )


def split_cores() -> Cores:
    """The last available core for servers, the others for the load generator."""
    if not hasattr(os, "sched_getaffinity"):
        return Cores(None, None)
    available = sorted(os.sched_getaffinity(0))
    if len(available) < 2:
        return Cores(None, None)
    return Cores({available[-1]}, set(available[:-1]))


@contextmanager
def pinned(cores: Cores) -> Iterator[None]:
    """This process (the load generator) on the load cores until the block ends."""
    if cores.load is None:
        yield
        return
    before = os.sched_getaffinity(0)
    os.sched_setaffinity(0, cores.load)
    try:
        yield
    finally:
        os.sched_setaffinity(0, before)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of ``pid`` so far; NaN where /proc cannot tell."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return float("nan")
    # Fields after the command name, which may hold spaces and parentheses.
    fields = stat.rsplit(")", 1)[1].split()
    utime, stime = int(fields[11]), int(fields[12])
    return (utime + stime) / _TICKS


def _cores(cores: set[int]) -> str:
    return ",".join(str(c) for c in sorted(cores))
