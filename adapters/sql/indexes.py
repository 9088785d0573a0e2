"""Which mapped tables lack an index on their subject-code column (`check-config`).

Every lookup asks a mapped table for the rows of a batch of subject codes; without
an index leading with the code column, each such question reads the whole table,
and lookup latency grows with the provider's data (issue 12: flat from 10^4 to
10^7 records only with one). A view is not judged: its tables' indexes decide.
"""

from __future__ import annotations

from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import create_async_engine

from adapters.sql.config import SqlSourceConfig, TableMapping


async def unindexed(name: str, config: SqlSourceConfig) -> list[str]:
    """A warning for each mapped table of source ``name`` whose code column leads no
    index; one warning if the database cannot be inspected at all."""
    engine = create_async_engine(config.url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(_judge, name, config.mappings)
    except (SQLAlchemyError, OSError) as exc:
        return [f"source {name}: could not inspect its indexes ({type(exc).__name__})"]
    finally:
        await engine.dispose()


def _judge(connection: Connection, name: str, mappings: tuple[TableMapping, ...]) -> list[str]:
    inspector = inspect(connection)
    warnings = []
    for mapping in mappings:
        if mapping.table in inspector.get_view_names(schema=mapping.schema):
            continue
        if mapping.code_column.lower() not in _leading(inspector, mapping):
            warnings.append(
                f"source {name}, mapping {mapping.name}: table {mapping.table} has no index "
                f"leading with {mapping.code_column}; every lookup reads the whole table"
            )
    return warnings


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
