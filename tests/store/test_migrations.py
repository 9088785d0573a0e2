"""The migrations build exactly the tables the code declares, on every backend."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection

from gateway.store.store import Store
from gateway.store.tables import metadata


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "compare_server_default": False}
    )
    found = compare_metadata(context, metadata)
    # alembic's own bookkeeping table is not in the metadata.
    return [d for d in found if not (d[0] == "remove_table" and d[1].name == "alembic_version")]


async def test_the_migrated_store_matches_the_declared_tables(store: Store) -> None:
    async with store.engine.connect() as connection:
        differences = await connection.run_sync(_differences)
    assert differences == []
