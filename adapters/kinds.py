"""Dispatch on a source's ``kind`` (STYLE.md rule 3).

A new kind of source is one module plus one line in :data:`KINDS`; the
resolvers never change for it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from adapters.protocol import Source
from adapters.sql.config import parse_sql_source
from adapters.sql.source import SqlSource
from gateway.config.reader import Table


@dataclass(frozen=True, slots=True)
class SourceKind:
    """How to read one kind of source's configuration and build it."""

    parse: Callable[[Table, str, str], Any]
    items: Callable[[Any], frozenset[str]]
    create: Callable[[Any], Source]


def _sql_items(config: Any) -> frozenset[str]:
    return frozenset().union(*(m.items for m in config.mappings))


KINDS: dict[str, SourceKind] = {
    "sql": SourceKind(parse=parse_sql_source, items=_sql_items, create=SqlSource),
}
