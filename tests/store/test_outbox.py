"""The webhook outbox on every backend: due rows oldest first, leased to one claimer,
delivered or failed (again later, or given up), never claimed by two at once."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.store.outbox import Outbox
from gateway.store.store import Store
from gateway.store.workflow_tables import cases, notifications
from tests.backends import MARIADB, POSTGRES, fresh_database

T0 = datetime(2026, 11, 23, 4, 0, tzinfo=UTC)
COMPANY = "91330100MA2B3C4D5E"


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
async def engine(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """A migrated store's engine on each backend."""
    if request.param == "sqlite":
        async with _migrated(f"sqlite+aiosqlite:///{tmp_path / 'store.db'}") as engine:
            yield engine
        return
    server = POSTGRES if request.param == "postgresql" else MARIADB
    async with fresh_database(server) as url, _migrated(url) as engine:
        yield engine


@asynccontextmanager
async def _migrated(url: str) -> AsyncIterator[AsyncEngine]:
    store = Store.open(url)
    await store.migrate()
    try:
        yield store.engine
    finally:
        await store.aclose()


async def _add(engine: AsyncEngine, due: datetime | None, **values: Any) -> str:
    """A notification due at ``due`` (None: never), as the workflow store writes one."""
    id_ = str(uuid.uuid4())
    row = {"subject_code": COMPANY, "seq": 1, "at": T0, "kind": "OBJECTION_ANNOTATED"}
    row |= {"text": "异议已受理", "next_attempt_at": due, **values}
    async with engine.begin() as connection:
        await connection.execute(notifications.insert().values(id=id_, **row))
    return id_


async def _row(engine: AsyncEngine, id_: str) -> dict[str, Any]:
    async with engine.connect() as connection:
        query = select(notifications).where(notifications.c.id == id_)
        return dict((await connection.execute(query)).mappings().one())


def _at(seconds: int) -> datetime:
    return T0 + timedelta(seconds=seconds)


async def _ids(outbox: Outbox, now: datetime, limit: int = 10, lease_s: int = 30) -> list[str]:
    return [pending.id for pending in await outbox.claim(now, limit, lease_s)]


async def test_claim_takes_due_rows_oldest_first_and_leases_them(engine: AsyncEngine) -> None:
    outbox = Outbox(engine, max_attempts=3)
    first, second, third = [await _add(engine, _at(s)) for s in (-2, -1, 0)]
    later = await _add(engine, _at(10))
    await _add(engine, _at(-5), delivered_at=_at(-4))
    await _add(engine, None, attempts=1, delivery_error="HTTP 500")  # given up
    await _add(engine, _at(-5), attempts=3)  # no attempt left
    assert await _ids(outbox, T0, limit=2) == [first, second]
    # Leased: not claimed again while the lease runs, even by the same claimer.
    assert await _ids(outbox, T0) == [third]
    assert await _ids(outbox, _at(29)) == [later]
    # The leases ran out (their claimer died, say): due again, at least once.
    assert set(await _ids(outbox, _at(30))) == {first, second, third}
    row = await _row(engine, first)
    assert row["attempts"] == 0  # a lease is not an attempt


async def test_delivered_is_final(engine: AsyncEngine) -> None:
    outbox = Outbox(engine)
    id_ = await _add(engine, T0)
    (pending,) = await outbox.claim(T0, 10, 30)
    assert (pending.id, pending.kind, pending.attempts, pending.at) == (
        id_,
        "OBJECTION_ANNOTATED",
        0,
        T0,
    )
    assert await outbox.delivered(id_, _at(1))
    row = await _row(engine, id_)
    assert (row["attempts"], row["next_attempt_at"], row["delivery_error"]) == (1, None, None)
    assert row["delivered_at"].replace(tzinfo=UTC) == _at(1)
    assert await _ids(outbox, _at(10_000)) == []
    # Another process that delivered it too (its lease ran out) changes nothing.
    assert not await outbox.delivered(id_, _at(2))
    assert not await outbox.failed(id_, "HTTP 500", _at(60))
    assert (await _row(engine, id_))["attempts"] == 1


async def test_a_failure_is_due_again_at_its_time_or_given_up(engine: AsyncEngine) -> None:
    outbox = Outbox(engine)
    id_ = await _add(engine, T0)
    await outbox.claim(T0, 10, 30)
    assert await outbox.failed(id_, "HTTP 503", _at(2))
    row = await _row(engine, id_)
    assert (row["attempts"], row["delivery_error"]) == (1, "HTTP 503")
    assert await _ids(outbox, _at(1)) == []
    (again,) = await outbox.claim(_at(2), 10, 30)
    assert (again.id, again.attempts) == (id_, 1)
    assert await outbox.failed(id_, "x" * 2_000, None)
    row = await _row(engine, id_)
    assert (row["attempts"], row["next_attempt_at"], row["delivered_at"]) == (2, None, None)
    assert row["delivery_error"] == "x" * 500  # kept, bounded
    assert await _ids(outbox, _at(10_000)) == []


async def test_the_record_is_the_notifications_own_or_its_cases(engine: AsyncEngine) -> None:
    outbox = Outbox(engine)
    case_id = str(uuid.uuid4())
    async with engine.begin() as connection:
        await connection.execute(
            cases.insert().values(
                id=case_id,
                kind="OBJECTION",
                subject_code=COMPANY,
                record_id="market:ADM_PENALTY:1",
                item="ADM_PENALTY",
                reason="已撤销",
                status="ANNOTATED",
                profile="default",
                filed_at=T0,
                official=True,
            )
        )
    of_case = await _add(engine, _at(-2), case_id=case_id)
    own = await _add(engine, _at(-1), case_id=case_id, record_id="tax:TAX_ARREARS:7")
    alone = await _add(engine, T0)
    claimed = {p.id: (p.case_id, p.record_id) for p in await outbox.claim(T0, 10, 30)}
    assert claimed == {
        of_case: (case_id, "market:ADM_PENALTY:1"),
        own: (case_id, "tax:TAX_ARREARS:7"),
        alone: (None, None),
    }


async def test_two_claimers_never_get_the_same_row(engine: AsyncEngine) -> None:
    """Two gateway processes (two engines) claim the same due rows at once."""
    url = engine.url.render_as_string(hide_password=False)
    others = [Store.open(url) for _ in range(2)]
    try:
        outboxes = [Outbox(store.engine) for store in others] + [Outbox(engine)]
        for round_ in range(3):
            ids = {await _add(engine, T0) for _ in range(30)}
            now = _at(100 * round_)  # the earlier rounds' leases still hold
            claims = await asyncio.gather(*(_ids(o, now, limit=30) for o in outboxes))
            everyone = [id_ for claim in claims for id_ in claim]
            assert len(everyone) == len(set(everyone)), "a row was claimed twice"
            assert set(everyone) == ids
    finally:
        for store in others:
            await store.aclose()
