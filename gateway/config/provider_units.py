"""The provider units whose operators act on their own records (001 art. 34(2), 004 art. 53)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from gateway.config.reader import Problems, Table


@dataclass(frozen=True, slots=True)
class ProviderUnit:
    code: str
    name: str
    sources: frozenset[str]


def load_provider_units(
    path: Path, sources: Iterable[str], problems: Problems
) -> Mapping[str, ProviderUnit]:
    """Read `provider_units.toml`, by unit code; a missing file means no operators."""
    if not path.exists():
        return {}
    known = set(sources)
    root = Table.load(path, problems)
    root.unknown_keys({"unit"})
    units: dict[str, ProviderUnit] = {}
    for t in root.tables("unit"):
        t.unknown_keys({"code", "name", "sources"})
        unit = ProviderUnit(t.string("code"), t.string("name"), frozenset(t.strings("sources")))
        for name in sorted(unit.sources - known):
            t.problem("sources", f"{name!r} is not a [[source]] of sources.toml")
        if unit.code in units:
            t.problem("code", f"unit {unit.code!r} is listed twice")
        units[unit.code] = unit
    return units
