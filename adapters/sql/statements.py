"""SQL built from table mappings: one statement per batch, values as the driver types them.

A batch reads every mapping it needs (tables, or one table under several row
filters) in one UNION ALL. A union column has one type, and the mappings'
columns do not share types (an id is an integer here and text there, a date
is a DATE in one table and 'YYYYMMDD' text in the next), so no column is
shared: each mapping's columns get positional slots of their own, and each
branch selects its own slots and NULL in all the others. Nothing is cast, so
an integer arrives as int, a DECIMAL as Decimal and a DATE as date (SQLite,
which has no date type, gives the text it stores); each value is converted
once, in :mod:`gateway.records`, to the type the catalogue declares.

PostgreSQL types a chain of UNIONs pairwise from the left and resolves NULL
against NULL as text, which then refuses an integer or date slot further on.
So a union opens with a typing branch that returns no rows, whose every slot
is ``(SELECT column FROM table WHERE false)``: an empty scalar subquery of
exactly that column's type. (A cross join of the tables under a false WHERE
types the slots too, but PostgreSQL still searches its join orders, which
grows fast with the number of tables.) MySQL/MariaDB and SQLite, which type a
union from all its branches, do not need the typing branch and do not mind it.

The price is width: a row has as many columns as all the mappings together,
mostly NULL. The alternative, one statement per mapping (even run at once on
one connection), costs a round trip per table, and a source's contract is one
statement per batch, which the tests count.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Executable,
    Label,
    Select,
    String,
    and_,
    bindparam,
    cast,
    column,
    false,
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


@dataclass(frozen=True, slots=True)
class RecordsQuery:
    """One statement for some mappings, and the result column holding each of their columns."""

    statement: Executable
    slots: Mapping[str, Mapping[str, str]]  # mapping name -> source column -> result label

    def cells(self, mapping: TableMapping, row: Mapping[str, object]) -> dict[str, object]:
        """``mapping``'s columns in a result ``row``, by source column name."""
        return {name: row[label] for name, label in self.slots[mapping.name].items()}


def records_query(mappings: Sequence[TableMapping]) -> RecordsQuery:
    """One statement for all ``mappings``, filtered by the expanding ``codes`` parameter."""
    numbers = itertools.count()
    slots = {m.name: {c: f"s{next(numbers)}" for c in m.columns} for m in mappings}
    labels = [label for m in mappings for label in slots[m.name].values()]
    branches = [_branch(m, slots[m.name], labels) for m in mappings]
    if len(branches) == 1:
        return RecordsQuery(branches[0], slots)
    return RecordsQuery(union_all(_typing_branch(mappings, slots), *branches), slots)


def _branch(m: TableMapping, own: Mapping[str, str], labels: list[str]) -> Select[*tuple[Any, ...]]:
    """``m``'s rows: its columns in its own slots, NULL in every other mapping's."""
    names = {label: name for name, label in own.items()}
    cells: list[Label[Any]] = [literal(m.name, String).label("mapping")]
    cells += [(column(names[x]) if x in names else null()).label(x) for x in labels]
    stmt = select(*cells).select_from(table(m.table, schema=m.schema))
    stmt = stmt.where(column(m.code_column).in_(bindparam("codes", expanding=True)))
    if m.item_column:
        stmt = stmt.where(column(m.item_column).in_(list(m.item_values)))
    if m.where:
        stmt = stmt.where(text(m.where))
    return stmt


def _typing_branch(
    mappings: Sequence[TableMapping], slots: Mapping[str, Mapping[str, str]]
) -> Select[*tuple[Any, ...]]:
    """No rows; gives every slot its column's type (for PostgreSQL, see above)."""
    cells: list[Label[Any]] = [null().label("mapping")]
    for m in mappings:
        source = table(m.table, schema=m.schema)
        for name, label in slots[m.name].items():
            empty = select(column(name)).select_from(source).where(false()).scalar_subquery()
            cells.append(empty.label(label))
    return select(*cells).where(false())


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
        # The one cast left: a kind is only looked up in the config's string keys
        # (kind_values), never served, and the union needs one type for it.
        kind = cast(column(m.kind_column) if m.kind_column else null(), String)
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
