"""The shapes' report: the issue's table, the gateway's ratios, and how it was measured."""

from __future__ import annotations

from collections.abc import Sequence

from benchmarks.shape_bench import Measurement, Row
from benchmarks.shapes import Shape

RATIOS = (("apollo", "Apollo"), ("strawberry", "strawberry"), ("floor", "floor"))


def table(rows: Sequence[Row], shapes: Sequence[Shape]) -> str:
    head = "| implementation | " + " | ".join(f"{s.key} req/s" for s in shapes)
    lines = [head + " | CPU per Q1 request |", "| --- " * (len(shapes) + 2) + "|"]
    for row in rows:
        cells = [_rps(row.median(s.key)) for s in shapes]
        q1 = row.median("Q1")
        cpu = "—" if q1 is None else f"{q1.cpu_ms:.2f} ms"
        title = row.implementation.title + (" (not measured: see below)" if row.problem else "")
        lines.append(f"| {title} | {' | '.join(cells)} | {cpu} |")
    return "\n".join(lines)


def ratios(rows: Sequence[Row], shapes: Sequence[Shape]) -> str:
    """The gateway's throughput as a share of each other row's, and its CPU per Q1 request
    as a multiple of theirs."""
    by_key = {r.implementation.key: r for r in rows}
    gateway = by_key["gateway"]
    head = "| gateway / | " + " | ".join(f"{s.key} req/s" for s in shapes)
    lines = [head + " | CPU per Q1 request |", "| --- " * (len(shapes) + 2) + "|"]
    for key, label in RATIOS:
        other = by_key.get(key)
        if other is None:
            continue
        cells = [_share(gateway.median(s.key), other.median(s.key)) for s in shapes]
        lines.append(f"| {label} | {' | '.join(cells)} | {_cpu(gateway, other)} |")
    return "\n".join(lines)


def sqlite_versions(rows: Sequence[Row]) -> str:
    """Which SQLite each row reads the same files with: not always the same library."""
    used: dict[str, list[str]] = {}
    for row in rows:
        if row.implementation.skipped is None:
            used.setdefault(row.implementation.sqlite, []).append(row.implementation.key)
    return "sqlite: " + "; ".join(f"{v} ({', '.join(keys)})" for v, keys in used.items())


def problems(rows: Sequence[Row]) -> list[str]:
    return [f"- {r.implementation.title}: {r.problem}" for r in rows if r.problem]


def idle_servers(rows: Sequence[Row], shapes: Sequence[Shape], busy: float = 0.85) -> list[str]:
    """Measurements whose server core was not saturated (CPU time x req/s below ``busy``):
    something else, the load generator or other work on the machine, held them back."""
    found = []
    for row in rows:
        for shape in shapes:
            m = row.median(shape.key)
            if m is not None and m.cpu_ms * m.rps / 1000 < busy:
                share = m.cpu_ms * m.rps / 1000
                found.append(f"{row.implementation.key} {shape.key} {share:.0%}")
    if not found:
        return []
    return [
        f"- server core less than {busy:.0%} busy while timed, so these understate the "
        f"server: {', '.join(found)}"
    ]


def _rps(m: Measurement | None) -> str:
    if m is None:
        return "—"
    return f"{m.rps:,.0f}" if m.rps >= 100 else f"{m.rps:.1f}"


def _share(gateway: Measurement | None, other: Measurement | None) -> str:
    if gateway is None or other is None or not other.rps:
        return "—"
    return f"{gateway.rps / other.rps:.0%}"


def _cpu(gateway: Row, other: Row) -> str:
    mine, theirs = gateway.median("Q1"), other.median("Q1")
    if mine is None or theirs is None or not theirs.cpu_ms:
        return "—"
    return f"{mine.cpu_ms / theirs.cpu_ms:.1f}x"
