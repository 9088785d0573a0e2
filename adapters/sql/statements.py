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

A mapping may have two branches in one statement: its rows about the
requested subjects (side ``subject``), and its rows naming one of them as a
responsible person (side ``responsible``, 001 art. 26), one branch per column
holding a person's ID number, so that each is answered from its own index. All
read the same columns, so they share the mapping's slots; the ``side`` column
tells them apart.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnClause,
    ColumnElement,
    Executable,
    FromClause,
    Label,
    Select,
    String,
    TextClause,
    and_,
    bindparam,
    cast,
    column,
    false,
    func,
    literal,
    null,
    or_,
    select,
    table,
    text,
    union_all,
)
from sqlalchemy.dialects import mysql

from adapters.sql.config import TableMapping

# Binary collation per dialect, so every backend orders names by code point
# and keyset pages from several sources merge without gaps or repeats.
_BINARY_COLLATION = {"postgresql": "C", "mysql": "utf8mb4_bin", "mariadb": "utf8mb4_bin"}
# Which branch a row came from (the ``side`` column).
SUBJECT, RESPONSIBLE = "subject", "responsible"


@dataclass(frozen=True, slots=True)
class RecordsQuery:
    """One statement for some mappings, and the result column holding each of their columns."""

    statement: Executable
    slots: Mapping[str, Mapping[str, str]]  # mapping name -> source column -> result label
    details: bool = True  # whether the detail columns are read

    def cells(self, mapping: TableMapping, row: Mapping[str, object]) -> dict[str, object]:
        """``mapping``'s columns in a result ``row``, by source column name."""
        return {name: row[label] for name, label in self.slots[mapping.name].items()}


def records_query(
    subjects: Sequence[TableMapping],
    responsible: Sequence[TableMapping] = (),
    *,
    details: bool = True,
    dialect: str,
) -> RecordsQuery:
    """One statement, filtered by the expanding ``codes`` parameter: the rows of
    ``subjects`` about those codes, and the rows of ``responsible`` naming one
    of them as a responsible person; the detail columns only with ``details``."""
    mappings = list({m.name: m for m in (*subjects, *responsible)}.values())
    slots = _slots(mappings, details=details)
    labels = _labels(mappings, slots)
    codes: BindParameter[Any] = bindparam("codes", expanding=True)
    branches = [
        branch
        for m in mappings
        for _, branch in _lookups(m, slots, labels, codes, dialect, m in subjects, m in responsible)
    ]
    if len(branches) == 1:
        return RecordsQuery(branches[0], slots, details)
    typed = union_all(_typing_branch(mappings, slots), *branches)
    return RecordsQuery(typed, slots, details)


def lookups(m: TableMapping, dialect: str) -> list[tuple[str, Select[*tuple[Any, ...]]]]:
    """Each question a lookup may ask of ``m``, alone, with the column it goes by:
    its rows about the ``codes``, and its rows naming one of them as a
    responsible person (for `check-config`, which reads their plans)."""
    slots = _slots([m])
    codes: BindParameter[Any] = bindparam("codes", expanding=True)
    labels = _labels([m], slots)
    return _lookups(m, slots, labels, codes, dialect, True, bool(m.responsible_item))


def _lookups(
    m: TableMapping,
    slots: Mapping[str, Mapping[str, str]],
    labels: list[str],
    codes: BindParameter[Any],
    dialect: str,
    subject: bool,
    responsible: bool,
) -> list[tuple[str, Select[*tuple[Any, ...]]]]:
    found = []
    if subject:
        condition = _among(column(m.code_column), codes, dialect)
        found.append((m.code_column, _branch(m, slots[m.name], labels, SUBJECT).where(condition)))
    if responsible:
        for by, condition in _naming(m, codes, dialect):
            found.append((by, _branch(m, slots[m.name], labels, RESPONSIBLE).where(condition)))
    return found


def _naming(
    m: TableMapping, codes: BindParameter[Any], dialect: str
) -> list[tuple[str, ColumnElement[bool]]]:
    """The rows of ``m`` naming one of ``codes`` as a responsible person: one
    condition per column holding a person's ID number, with that column.

    One ``a IN codes OR b IN codes`` would say the same in one branch, but where
    ``a`` and ``b`` are on the two sides of a view's join no index answers it:
    SQLite reads the view's first table whole, and lookup latency grows with the
    data. A row naming a person in both columns comes once from each branch;
    both give the same record (:func:`adapters.sql.rows.responsible_records`
    takes the first role in the mapping's order), and
    :func:`adapters.sql.rows.on_persons_files` keeps one.
    """
    columns = dict.fromkeys(g.code_column for g in m.linked if g.code_column)
    return [(by, _among(column(by), codes, dialect)) for by in columns]


def _among(code: ColumnClause[Any], codes: BindParameter[Any], dialect: str) -> ColumnElement[bool]:
    """``code`` is one of ``codes``, said so that an index on ``code`` answers it.

    The ``code = code`` is true wherever the IN is, and tells SQLite (3.40) what
    the IN alone does not: that a row with no value there is not wanted. Where
    ``code`` is on the outer side of a view's LEFT JOIN (a responsible person's
    ID number in a table of their own), SQLite can then join as an inner join
    starting from that table's index, instead of reading the view's first table
    whole and looking up each row's persons. Only SQLite is told: other planners
    see the IN for what it is, and some (PostgreSQL before 14) would misjudge how
    many rows ``code = code`` leaves.
    """
    if dialect != "sqlite":
        return code.in_(codes)
    return and_(code.in_(codes), code == code)


def entries_query(
    mappings: Sequence[TableMapping],
    items: frozenset[str],
    dialect: str,
    after: tuple[str, str | None] | None,
    limit: int,
) -> RecordsQuery:
    """The rows of the first ``limit`` records of ``items`` of each mapping after
    ``after``, every row of each of them, in no particular order.

    A record may be several rows (a view joining one row per responsible
    person), so each branch picks its first ``limit`` (code, id) keys in binary
    order, in a derived table, and joins its rows back: no record is cut short
    by a row limit, and the first ``limit`` records of all the branches together
    are the first ``limit`` of the source. (LIMIT inside IN is not MySQL's.)
    """
    slots = _slots(mappings)
    labels = _labels(mappings, slots)
    branches = []
    for index, m in enumerate(mappings):
        keys = _entry_keys(m, items, dialect, after, limit).subquery(f"cg_keys{index}")
        source = table(m.table, column(m.code_column), column(m.id_column), schema=m.schema)
        joined = source.join(
            keys,
            and_(
                source.c[m.code_column] == keys.c.cg_code,
                source.c[m.id_column] == keys.c.cg_id,
            ),
        )
        branch = _branch(m, slots[m.name], labels, SUBJECT, joined, items)
        branches.append(branch)
    if len(branches) == 1:
        return RecordsQuery(branches[0], slots)
    return RecordsQuery(union_all(_typing_branch(mappings, slots), *branches), slots)


def _entry_keys(
    m: TableMapping,
    items: frozenset[str],
    dialect: str,
    after: tuple[str, str | None] | None,
    limit: int,
) -> Select[*tuple[Any, ...]]:
    """``m``'s first ``limit`` (code, id) keys after ``after``, in binary order."""
    code: ColumnClause[Any] = column(m.code_column)
    id_: ColumnClause[Any] = column(m.id_column)
    # Codes are served upper-cased (a citizen ID's check letter may be stored as
    # 'x'), so they are ordered and compared upper-cased too: a cursor must
    # always move forward.
    code_key = _binary(func.upper(cast(code, _text_type(dialect))), dialect)
    id_key = _binary(cast(id_, _text_type(dialect)), dialect)
    stmt = select(code.label("cg_code"), id_.label("cg_id"))
    stmt = stmt.select_from(table(m.table, schema=m.schema))
    stmt = stmt.where(code.is_not(None), id_.is_not(None), *_row_filters(m, items))
    if after is not None:
        stmt = stmt.where(_after(m, code_key, id_key, after))
    return stmt.group_by(code, id_).order_by(code_key, id_key).limit(limit)


def _after(
    m: TableMapping,
    code: ColumnElement[Any],
    id_: ColumnElement[Any],
    after: tuple[str, str | None],
) -> ColumnElement[bool]:
    """``m``'s rows after ``after`` in (code, record id) order.

    A record id is ``f"{table}:{id}"``: when the cursor's id is of ``m``'s
    table, compare ids; otherwise the table's prefix alone places all of the
    code's records before the cursor's id (code > c) or after it (code >= c).
    """
    after_code, after_id = after
    prefix = f"{m.table}:"
    if after_id is not None and after_id.startswith(prefix):
        return or_(code > after_code, and_(code == after_code, id_ > after_id[len(prefix) :]))
    if after_id is None or prefix < after_id:
        return code > after_code
    return code >= after_code


def _binary(value: ColumnElement[Any], dialect: str) -> ColumnElement[Any]:
    """``value`` compared and ordered by code point (SQLite's default already is)."""
    collation = _BINARY_COLLATION.get(dialect)
    return value.collate(collation) if collation else value


def _text_type(dialect: str) -> String:
    # A CAST AS CHAR has the connection's character set, which utf8mb4_bin may not fit.
    return mysql.CHAR(charset="utf8mb4") if dialect in ("mysql", "mariadb") else String()


def _slots(mappings: Sequence[TableMapping], *, details: bool = True) -> dict[str, dict[str, str]]:
    numbers = itertools.count()
    return {
        m.name: {c: f"s{next(numbers)}" for c in m.columns_for(details=details)} for m in mappings
    }


def _labels(mappings: Sequence[TableMapping], slots: Mapping[str, Mapping[str, str]]) -> list[str]:
    return [label for m in mappings for label in slots[m.name].values()]


def _branch(
    m: TableMapping,
    own: Mapping[str, str],
    labels: list[str],
    side: str,
    source: FromClause | None = None,
    items: frozenset[str] | None = None,
) -> Select[*tuple[Any, ...]]:
    """``m``'s rows: its columns in its own slots, NULL in every other mapping's."""
    names = {label: name for name, label in own.items()}
    cells: list[Label[Any]] = [
        literal(m.name, String).label("mapping"),
        literal(side, String).label("side"),
    ]
    cells += [(column(names[x]) if x in names else null()).label(x) for x in labels]
    stmt = select(*cells).select_from(
        source if source is not None else table(m.table, schema=m.schema)
    )
    return stmt.where(*_row_filters(m, items))


def _row_filters(
    m: TableMapping, items: frozenset[str] | None
) -> list[ColumnElement[bool] | TextClause]:
    """The rows ``m`` reads: its item values (those of ``items`` only) and its row filter."""
    filters: list[ColumnElement[bool] | TextClause] = []
    if m.item_column:
        values = [raw for raw, item in m.item_values.items() if items is None or item in items]
        filters.append(column(m.item_column).in_(values))
    if m.where:
        filters.append(text(m.where))
    return filters


def _typing_branch(
    mappings: Sequence[TableMapping], slots: Mapping[str, Mapping[str, str]]
) -> Select[*tuple[Any, ...]]:
    """No rows; gives every slot its column's type (for PostgreSQL, see above)."""
    cells: list[Label[Any]] = [null().label("mapping"), null().label("side")]
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
