"""A migrated store on each backend: SQLite always, PostgreSQL on the real server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from pathlib import Path

import pytest

from gateway.store.store import Store
from tests.backends import POSTGRES, fresh_database


@pytest.fixture(params=["sqlite", "postgresql"])
async def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    async with AsyncExitStack() as stack:
        if request.param == "sqlite":
            yield f"sqlite+aiosqlite:///{tmp_path / 'store.db'}"
        else:
            yield await stack.enter_async_context(fresh_database(POSTGRES))


@pytest.fixture
async def store(store_url: str) -> AsyncIterator[Store]:
    store = Store.open(store_url)
    await store.migrate()
    yield store
    await store.aclose()
