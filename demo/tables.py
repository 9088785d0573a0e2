"""Table layouts of the four demo provider-unit databases.

Each unit keeps its own conventions, as real provincial systems do: pinyin
abbreviations for column names (lower case in registration systems, the
upper-case 双公示 reporting format for licences, penalties and enforcement),
and its own date encoding. The column comments end up in each database's
`sqlite_master`, so `.schema` explains every column in Chinese.

| database | dates stored as |
| --- | --- |
| market_regulation.db | TEXT 'YYYYMMDD' |
| court.db | TEXT 'YYYY-MM-DD' |
| tax.db | INTEGER yyyymmdd (periods as TEXT 'YYYYMM-YYYYMM') |
| civil_affairs.db | TEXT 'YYYY-MM-DD HH:MM:SS' |

The layouts themselves are in :mod:`demo.layouts`, one module per database.
A database may also hold views (:class:`ViewDef`), e.g. a list joined with
the persons it names, for a mapping that reads both at once.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class TableDef:
    """One table: its name, its columns (name, SQL type, comment) and indexed columns."""

    name: str
    comment: str
    columns: tuple[tuple[str, str, str], ...]
    indexes: tuple[str, ...]

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c[0] for c in self.columns)

    def create_sql(self) -> str:
        lines = [f"    {n} {t}, -- {c}" for n, t, c in self.columns]
        lines[-1] = lines[-1].replace(", --", "  --", 1)
        return f"CREATE TABLE {self.name} ( -- {self.comment}\n" + "\n".join(lines) + "\n)"

    def index_sql(self) -> list[str]:
        return [
            f"CREATE INDEX ix_{self.name}_{c.lower()} ON {self.name} ({c})" for c in self.indexes
        ]

    def insert_sql(self) -> str:
        marks = ", ".join("?" * len(self.columns))
        return f"INSERT INTO {self.name} ({', '.join(self.column_names)}) VALUES ({marks})"


def table_def(name: str, comment: str, spec: str, indexes: tuple[str, ...]) -> TableDef:
    """A table from a compact spec: one 'name TYPE 注释' per line."""
    columns = []
    for line in spec.strip().splitlines():
        column, rest = line.split(maxsplit=1)
        kind, _, note = rest.partition("  ")
        columns.append((column, kind.strip(), note.strip()))
    return TableDef(name, comment, tuple(columns), indexes)


@dataclass(frozen=True, slots=True)
class ViewDef:
    """A view: its name, its columns (name, comment) and the SELECT that fills them.

    The column list is written into ``CREATE VIEW`` with a comment per column,
    so `.schema` explains a view's columns as it does a table's.
    """

    name: str
    comment: str
    columns: tuple[tuple[str, str], ...]
    select: str

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c[0] for c in self.columns)

    def create_sql(self) -> str:
        lines = [f"    {n}, -- {c}" for n, c in self.columns]
        lines[-1] = lines[-1].replace(", --", "  --", 1)
        head = f"CREATE VIEW {self.name} ( -- {self.comment}\n"
        return head + "\n".join(lines) + f"\n) AS\n{self.select}"


def left_join_view(
    name: str, comment: str, left: TableDef, right: TableDef, on: str, picked: tuple[str, ...]
) -> ViewDef:
    """Every column of ``left`` and the ``picked`` columns of ``right``, joined on ``on``.

    One row per matching ``right`` row, and one with NULLs in the picked
    columns where there is none.
    """
    extra = [c for c in right.columns if c[0] in picked]
    clash = set(picked) & set(left.column_names)
    if clash or len(extra) != len(picked):
        raise ValueError(f"view {name}: picked columns {picked} clash or are not in {right.name}")
    columns = tuple((n, c) for n, _, c in (*left.columns, *extra))
    selected = [f"l.{n}" for n in left.column_names] + [f"r.{n}" for n, _, _ in extra]
    select = (
        f"SELECT {', '.join(selected)}\n"
        f"FROM {left.name} AS l LEFT JOIN {right.name} AS r ON r.{on} = l.{on}"
    )
    return ViewDef(name, comment, columns, select)
