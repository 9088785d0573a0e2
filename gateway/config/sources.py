"""The `[[source]]` entries of `config/sources.toml`, dispatched on ``kind``."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from gateway.config.reader import Table
from gateway.config.resilience import Resilience, parse_resilience
from gateway.domain import Provenance


class KindParser(Protocol):
    """How the configuration of one kind of source is read (adapters.kinds has them all)."""

    @property
    def parse(self) -> Callable[[Table, str, str], Any]: ...

    @property
    def items(self) -> Callable[[Any], frozenset[str]]: ...


@dataclass(frozen=True, slots=True)
class SourceSpec:
    """One configured source: common settings plus its kind's own config."""

    name: str
    kind: str
    provenance: Provenance
    resilience: Resilience
    config: Any
    items: frozenset[str]

    @property
    def timeout_s(self) -> float:
        return self.resilience.timeout_s


def parse_sources(root: Table, data_dir: str, kinds: Mapping[str, KindParser]) -> list[SourceSpec]:
    """Every ``[[source]]``, its own settings read by the parser of its ``kind``."""
    root.unknown_keys({"source"})
    specs: list[SourceSpec] = []
    for table in root.tables("source"):
        name, kind_name = table.string("name"), table.string("kind")
        kind = kinds.get(kind_name)
        if kind is None:
            if kind_name:
                table.problem("kind", f"unknown source kind {kind_name!r}; one of {sorted(kinds)}")
            continue
        if any(s.name == name for s in specs):
            table.problem("name", f"duplicate source name {name!r}")
        config = kind.parse(table, name, data_dir)
        specs.append(
            SourceSpec(
                name=name,
                kind=kind_name,
                provenance=table.enum("provenance", Provenance, Provenance.PUBLIC_CREDIT),
                resilience=parse_resilience(table),
                config=config,
                items=kind.items(config),
            )
        )
    return specs
