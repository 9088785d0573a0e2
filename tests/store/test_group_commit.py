"""Concurrent query-log appends are written together (group commit), keeping the
chain, each request's own entries, and the fail-closed rule."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest
from sqlalchemy.exc import OperationalError

from gateway.store.store import Store
from tests.store.test_query_log import ENTRY, _entries


async def test_concurrent_appends_share_transactions_and_keep_the_chain(store: Store) -> None:
    log = store.query_log
    batches = [_entries(3, subject=f"33010619850715{n:04d}") for n in range(40)]
    await asyncio.gather(*(log.append(batch) for batch in batches))
    assert (await log.head())[0] == 120
    assert (await log.verify()).ok
    # Forty requests at once do not take forty transactions.
    assert log.transactions < 40
    for batch in batches:
        code = batch[0].subject_code
        mine = await log.for_subject(code, 10, None)
        # Each request's entries are there, in order, one after another.
        seqs = sorted(s.seq for s in mine)
        assert [s.entry.consent_id for s in sorted(mine, key=lambda s: s.seq)] == [
            e.consent_id for e in batch
        ]
        assert seqs == list(range(seqs[0], seqs[0] + 3))


async def test_a_failing_append_fails_only_its_own_request(store: Store) -> None:
    log = store.query_log
    good = [_entries(2, subject=f"33010619850715{n:04d}") for n in range(5)]
    bad = [replace(ENTRY, viewer_kind=None)]  # type: ignore[arg-type]
    results = await asyncio.gather(
        *(log.append(batch) for batch in [*good[:2], bad, *good[2:]]), return_exceptions=True
    )
    failed = [r for r in results if isinstance(r, Exception)]
    assert len(failed) == 1
    assert results[2] is failed[0]
    assert (await log.head())[0] == 10
    assert (await log.verify()).ok


async def test_when_the_store_fails_every_waiting_request_fails(store: Store) -> None:
    log = store.query_log
    await store.engine.dispose()
    broken = Store.open("sqlite+aiosqlite:////nonexistent-dir/x/y.db")
    log.engine = broken.engine
    results = await asyncio.gather(
        *(log.append(_entries(1)) for _ in range(5)), return_exceptions=True
    )
    assert all(isinstance(r, Exception) for r in results)
    with pytest.raises(OperationalError):
        await log.append(_entries(1))


async def test_a_writer_cancelled_mid_write_leaves_no_request_waiting(store: Store) -> None:
    log = store.query_log

    async def cancelled(batches: object) -> None:
        raise asyncio.CancelledError

    log._write = cancelled  # type: ignore[method-assign]
    results = await asyncio.wait_for(
        asyncio.gather(*(log.append(_entries(1)) for _ in range(3)), return_exceptions=True), 5
    )
    assert all(isinstance(r, Exception) for r in results), results


async def test_a_checkpoint_failure_after_the_commit_keeps_the_entries(store: Store) -> None:
    log = store.query_log

    class Failing:
        async def appended(self, *args: object) -> None:
            raise RuntimeError("the signing key is unreadable")

    log.checkpointing = Failing()  # type: ignore[assignment]
    await log.append(_entries(2))
    assert (await log.head())[0] == 2
    assert log.transactions == 1
