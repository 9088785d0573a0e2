"""SQL built from table mappings: one UNION ALL statement per batch.

Every branch selects the same named columns, cast to text so PostgreSQL,
MySQL/MariaDB and SQLite accept the union whatever the source column types
are; the adapter converts them back (dates, numbers) in Python.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Executable,
    Select,
    String,
    and_,
    bindparam,
    cast,
    column,
    literal,
    null,
    or_,
    select,
    table,
    text,
    union_all,
)

from adapters.sql.config import TableMapping

# Binary collation per dialect, so every backend orders names by code point
# and keyset pages from several sources merge without gaps or repeats.
_BINARY_COLLATION = {"postgresql": "C", "mysql": "utf8mb4_bin", "mariadb": "utf8mb4_bin"}
_FIXED = (
    "mapping",
    "code",
    "record_id",
    "item",
    "title",
    "occurred",
    "decided",
    "ended",
    "name",
    "kind",
)


def detail_label(index: int) -> str:
    return f"d{index}"


def detail_keys(mappings: Sequence[TableMapping]) -> list[str]:
    """Every detail key used by ``mappings``, in a stable order."""
    keys: list[str] = []
    for mapping in mappings:
        keys.extend(k for k in mapping.details if k not in keys)
    return keys


def records_statement(
    mappings: Sequence[TableMapping],
) -> Executable:
    """One statement for all ``mappings``, filtered by the expanding ``codes`` parameter."""
    keys = detail_keys(mappings)
    branches = [_branch(m, keys) for m in mappings]
    return branches[0] if len(branches) == 1 else union_all(*branches)


def _text(name: str | None) -> ColumnElement[str]:
    return cast(column(name), String) if name else cast(null(), String)


def _branch(m: TableMapping, keys: list[str]) -> Select[*tuple[Any, ...]]:
    source = table(m.table, schema=m.schema)
    item = _text(m.item_column) if m.item_column else literal(m.item, String)
    kind = _text(m.kind_column) if m.kind_column else cast(null(), String)
    fixed = [
        literal(m.name, String),
        _text(m.code_column),
        _text(m.id_column),
        item,
        literal(m.title, String) if m.title and not m.title_column else _text(m.title_column),
        _text(m.occurred_column),
        _text(m.decided_column),
        _text(m.ended_column),
        _text(m.name_column),
        kind,
    ]
    details = [_text(m.details.get(key)) for key in keys]
    columns = [c.label(n) for c, n in zip(fixed, _FIXED, strict=True)]
    columns += [c.label(detail_label(i)) for i, c in enumerate(details)]
    stmt: Select[*tuple[Any, ...]] = select(*columns).select_from(source)
    stmt = stmt.where(column(m.code_column).in_(bindparam("codes", expanding=True)))
    if m.item_column:
        stmt = stmt.where(column(m.item_column).in_(list(m.item_values)))
    if m.where:
        stmt = stmt.where(text(m.where))
    return stmt


def search_statement(
    mappings: Sequence[TableMapping],
    dialect: str,
    text_: str,
    after: tuple[str, str] | None,
    limit: int,
) -> Executable:
    """Names containing ``text_`` (LIKE wildcards escaped), in binary (name, code) order."""
    collation = _BINARY_COLLATION.get(dialect)
    branches = []
    for m in mappings:
        name: ColumnElement[Any] = column(m.name_column or "")
        code: ColumnElement[Any] = column(m.code_column)
        if collation:
            name, code = name.collate(collation), code.collate(collation)
        kind = _text(m.kind_column) if m.kind_column else cast(null(), String)
        stmt = select(
            code.label("code"),
            name.label("name"),
            kind.label("kind"),
            literal(m.name, String).label("mapping"),
        ).select_from(table(m.table, schema=m.schema))
        stmt = stmt.where(name.contains(text_, autoescape=True))
        if after is not None:
            stmt = stmt.where(or_(name > after[0], and_(name == after[0], code > after[1])))
        if m.where:
            stmt = stmt.where(text(m.where))
        branches.append(stmt.order_by(name, code).limit(limit))
    if len(branches) == 1:
        return branches[0]
    return union_all(*(b.subquery().select() for b in branches))
