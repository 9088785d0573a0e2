"""Dispatch on a source's ``kind`` (STYLE.md rule 3).

A new kind of source is one module plus one line in :data:`KINDS`; the
resolvers never change for it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from adapters.bureau.config import parse_bureau_source
from adapters.bureau.source import BureauSource
from adapters.declarations.source import DeclarationsSource, parse_declarations_source
from adapters.protocol import Source
from adapters.sql.config import parse_sql_source
from adapters.sql.source import SqlSource
from gateway.config import loader
from gateway.config.loader import GatewayConfig
from gateway.config.reader import Table
from gateway.store.store import Store


@dataclass(frozen=True, slots=True)
class Resources:
    """What the gateway lends a source at build time: only the store, for now."""

    store: Store


@dataclass(frozen=True, slots=True)
class SourceKind:
    """How to read one kind of source's configuration and build it."""

    parse: Callable[[Table, str, str], Any]
    items: Callable[[Any], frozenset[str]]
    create: Callable[[Any, Resources], Source]


def _sql_items(config: Any) -> frozenset[str]:
    return frozenset().union(*(m.items for m in config.mappings))


def _bureau_items(config: Any) -> frozenset[str]:
    return frozenset(m.item for m in config.mappings)


def _declarations_items(config: Any) -> frozenset[str]:
    return frozenset(config.items)


KINDS: dict[str, SourceKind] = {
    "sql": SourceKind(parse_sql_source, _sql_items, lambda c, _: SqlSource(c)),
    "bureau": SourceKind(parse_bureau_source, _bureau_items, lambda c, _: BureauSource(c)),
    "declarations": SourceKind(
        parse_declarations_source,
        _declarations_items,
        lambda c, r: DeclarationsSource(c, r.store.declarations),
    ),
}


def load_config(directory: Path | None = None, data_dir: Path | None = None) -> GatewayConfig:
    """The gateway's configuration, every source read by its kind's parser."""
    return loader.load_config(KINDS, directory, data_dir)
