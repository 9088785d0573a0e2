"""The query log is append-only and hash-chained; `audit verify` finds tampering."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from gateway.config.loader import PROJECT_ROOT
from gateway.store.querylog import LogEntry
from gateway.store.store import Store
from service.cli import main

ENTRY = LogEntry(
    at=datetime(2026, 11, 23, 4, 0, 1, 999, tzinfo=UTC),
    viewer_kind="INSTITUTION",
    viewer_code="91330000MA27XX0C6N",
    viewer_name="示例银行",
    subject_code="330106198507152318",
    items=("REGISTRATION_PERSON", "TAX_PAYMENT"),
    purpose="02",
    duty_matter=None,
    consent_id="c-1",
)


def _entries(count: int, subject: str = ENTRY.subject_code) -> list[LogEntry]:
    return [replace(ENTRY, subject_code=subject, consent_id=f"c-{i}") for i in range(count)]


async def _drop_triggers(store: Store) -> None:
    """What an attacker with database access would do first."""
    async with store.engine.begin() as connection:
        if store.engine.dialect.name == "postgresql":
            await connection.execute(text("DROP TRIGGER query_log_no_change ON query_log"))
        else:
            await connection.execute(text("DROP TRIGGER query_log_no_update"))
            await connection.execute(text("DROP TRIGGER query_log_no_delete"))


async def test_appends_chain_and_read_back_newest_first(store: Store) -> None:
    await store.query_log.append(_entries(3))
    await store.query_log.append(_entries(2, "91330106MA2H7K3Q0L"))
    verification = await store.query_log.verify()
    assert verification.ok
    assert verification.checked == 5
    mine = await store.query_log.for_subject(ENTRY.subject_code, 10, None)
    assert [e.seq for e in mine] == [3, 2, 1]
    assert mine[0].entry.items == ENTRY.items
    assert mine[0].entry.at == ENTRY.at.replace(microsecond=0)
    older = await store.query_log.for_subject(ENTRY.subject_code, 10, before=3)
    assert [e.seq for e in older] == [2, 1]


async def test_the_database_refuses_edits_and_deletes(store: Store) -> None:
    await store.query_log.append(_entries(1))
    for statement in ("UPDATE query_log SET purpose = '01'", "DELETE FROM query_log"):
        with pytest.raises(DBAPIError):
            async with store.engine.begin() as connection:
                await connection.execute(text(statement))
    assert (await store.query_log.verify()).ok


async def test_verify_names_the_first_edited_entry(store: Store) -> None:
    await store.query_log.append(_entries(5))
    await _drop_triggers(store)
    async with store.engine.begin() as connection:
        await connection.execute(text("UPDATE query_log SET viewer_code = 'X' WHERE seq = 3"))
    verification = await store.query_log.verify()
    assert not verification.ok
    assert verification.first_bad_seq == 3
    assert verification.problem == "entry was altered"


async def test_verify_names_a_deleted_entry(store: Store) -> None:
    await store.query_log.append(_entries(4))
    await _drop_triggers(store)
    async with store.engine.begin() as connection:
        await connection.execute(text("DELETE FROM query_log WHERE seq = 2"))
    verification = await store.query_log.verify()
    assert (verification.ok, verification.first_bad_seq) == (False, 2)
    assert verification.problem == "entry is missing"


async def test_verify_notices_a_truncated_tail(store: Store) -> None:
    await store.query_log.append(_entries(4))
    await _drop_triggers(store)
    async with store.engine.begin() as connection:
        await connection.execute(text("DELETE FROM query_log WHERE seq = 4"))
    verification = await store.query_log.verify()
    assert (verification.ok, verification.first_bad_seq) == (False, 4)


async def test_concurrent_appends_from_two_processes_keep_one_chain(
    store: Store, store_url: str
) -> None:
    other = Store.open(store_url)  # a second gateway process's engine
    try:
        await asyncio.gather(
            *((store if i % 2 else other).query_log.append(_entries(3)) for i in range(20))
        )
    finally:
        await other.aclose()
    verification = await store.query_log.verify()
    assert verification.ok
    assert verification.checked == 60


async def test_audit_verify_command(
    store: Store,
    store_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("CREDIT_GATEWAY_STORE_URL", store_url)
    args = ["--config", str(PROJECT_ROOT / "config"), "audit", "verify"]
    await store.query_log.append(_entries(3))
    assert await asyncio.to_thread(main, args) == 0
    assert "3 entries, hash chain verified" in capsys.readouterr().out
    await _drop_triggers(store)
    async with store.engine.begin() as connection:
        await connection.execute(text("UPDATE query_log SET items = '[]' WHERE seq = 2"))
    assert await asyncio.to_thread(main, args) == 1
    assert "BROKEN at entry 2: entry was altered" in capsys.readouterr().err
