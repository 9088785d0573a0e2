"""Which lookups would read a whole mapped table (`check-config`).

Every lookup asks a mapped table for the rows of a batch of subject codes (and,
where entries name responsible persons, for the rows naming a batch of ID
numbers); without an index leading with the column asked, each such question
reads the whole table, and lookup latency grows with the provider's data
(issue 12: flat from 10^4 to 10^7 records only with one).

Two checks. On every database, a mapped table must have an index leading with
each column a lookup goes by; a view is not judged this way, its tables'
indexes decide. On SQLite, the plan of each lookup is read too (EXPLAIN QUERY
PLAN), views included, from a copy of the schema without its statistics: the
plan the schema allows at any size, not the one a small table's row counts
choose today. A plan that still reads a table whole (a SCAN) is named.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, inspect
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import create_async_engine

from adapters.sql.config import SqlSourceConfig, TableMapping
from adapters.sql.statements import lookups

# Two codes, so that the plan is that of an IN list, as a batch asks it.
_PLAN_CODES = ["code-a", "code-b"]


async def unindexed(name: str, config: SqlSourceConfig) -> list[str]:
    """A warning for each lookup of source ``name`` that would read a whole table;
    one warning if the database cannot be inspected at all."""
    engine = create_async_engine(config.url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(_judge, name, config.mappings)
    except (SQLAlchemyError, OSError, sqlite3.Error) as exc:
        return [f"source {name}: could not inspect its indexes ({type(exc).__name__})"]
    finally:
        await engine.dispose()


def _judge(connection: Connection, name: str, mappings: tuple[TableMapping, ...]) -> list[str]:
    inspector = inspect(connection)
    warnings = []
    named: set[tuple[str, str]] = set()  # (mapping, column): already said, plan or not
    for mapping in mappings:
        if mapping.table in inspector.get_view_names(schema=mapping.schema):
            continue
        leading = _leading(inspector, mapping)
        for by, _ in lookups(mapping, connection.dialect.name):
            if by.lower() not in leading:
                named.add((mapping.name, by))
                warnings.append(
                    f"source {name}, mapping {mapping.name}: table {mapping.table} has no "
                    f"index leading with {by}; every lookup reads the whole table"
                )
    if connection.dialect.name == "sqlite":
        planned = [m for m in mappings if m.schema is None]
        warnings += _scans(connection, name, planned, named)
    return warnings


def _scans(
    connection: Connection,
    name: str,
    mappings: Sequence[TableMapping],
    named: set[tuple[str, str]],
) -> list[str]:
    """A warning for each lookup not ``named`` yet whose SQLite plan reads a table whole."""
    schema = connection.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'"
    ).scalars()
    copy = sqlite3.connect(":memory:")
    try:
        for statement in schema:
            # What the copy cannot take is left out: a full-text table's shadow
            # tables, which creating it has made already; a module not loaded here.
            with contextlib.suppress(sqlite3.Error):
                copy.execute(statement)
        warnings = []
        for mapping in mappings:
            for by, lookup in lookups(mapping, "sqlite"):
                try:
                    scanned = _scanned(copy, lookup)
                except sqlite3.Error as exc:
                    warnings.append(
                        f"source {name}, mapping {mapping.name}: could not read the plan of "
                        f"a lookup by {by} ({type(exc).__name__})"
                    )
                    continue
                if scanned and (mapping.name, by) not in named:
                    plan = "; ".join(f"SCAN {alias}" for alias in scanned)
                    warnings.append(
                        f"source {name}, mapping {mapping.name}: a lookup by {by} reads a "
                        f"whole table (SQLite's plan: {plan}); every lookup reads it all"
                    )
        return warnings
    finally:
        copy.close()


def _scanned(db: sqlite3.Connection, lookup: Select[Any]) -> list[str]:
    """The tables (or their aliases in a view) ``lookup``'s plan reads whole."""
    state = lookup.compile(dialect=sqlite.dialect()).construct_expanded_state(
        {"codes": _PLAN_CODES}
    )
    plan = db.execute(f"EXPLAIN QUERY PLAN {state.statement}", state.positional_parameters)
    # A detail reads "SCAN t", "SCAN t USING INDEX i" (the whole index, as slow),
    # "SEARCH t USING INDEX i (c=?)"; before SQLite 3.36, "SCAN TABLE t AS a".
    # A view that is DISTINCT or grouped is computed first ("CO-ROUTINE v",
    # "MATERIALIZE v"), from its tables' indexes, and then scanned: only its
    # tables are judged.
    details = [str(row[3]) for row in plan]
    computed = {
        words[1]
        for words in (d.split() for d in details)
        if len(words) > 1 and words[0] in ("CO-ROUTINE", "MATERIALIZE")
    }
    scanned = [scanned_name(d) for d in details]
    return [name for name in scanned if name and name not in computed]


def scanned_name(detail: str) -> str | None:
    """The table (or alias) a plan's SCAN detail names ("SCAN t ...", or before
    SQLite 3.36 "SCAN TABLE t [AS a]"); None for any other detail."""
    words = detail.split()
    if words[:1] != ["SCAN"]:
        return None
    rest = words[1:]
    if rest[:1] == ["TABLE"]:
        rest = rest[1:]
        if rest[1:2] == ["AS"] and len(rest) > 2:
            return rest[2]
    return rest[0] if rest else None


def _leading(inspector: object, mapping: TableMapping) -> set[str]:
    """The first column of every index, unique constraint and the primary key."""
    table, schema = mapping.table, mapping.schema
    firsts: set[str] = set()
    for index in inspector.get_indexes(table, schema=schema):  # type: ignore[attr-defined]
        columns = [c for c in index.get("column_names") or [] if c]
        if columns:
            firsts.add(str(columns[0]).lower())
    for unique in inspector.get_unique_constraints(table, schema=schema):  # type: ignore[attr-defined]
        if unique.get("column_names"):
            firsts.add(str(unique["column_names"][0]).lower())
    primary = inspector.get_pk_constraint(table, schema=schema)  # type: ignore[attr-defined]
    if primary.get("constrained_columns"):
        firsts.add(str(primary["constrained_columns"][0]).lower())
    return firsts
