"""A migrated store on each backend (``store_url`` is in the top-level conftest)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from gateway.store.store import Store


@pytest.fixture
async def store(store_url: str) -> AsyncIterator[Store]:
    store = Store.open(store_url)
    await store.migrate()
    yield store
    await store.aclose()
