"""SQLite file reads run on the loop, bounded; all others off it (gateway/sql_reads.py)."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import cast

import pytest
from sqlalchemy import column, select, table, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import QueuePool

from gateway.sql_reads import SqlReads, inline_engine

ROWS = table("t", column("k"), column("v"))


@pytest.fixture
async def reads(tmp_path: Path) -> AsyncIterator[SqlReads]:
    path = tmp_path / "provider.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER)")
        db.executemany("INSERT INTO t VALUES (?, ?)", [(f"k{i}", i) for i in range(2_000)])
    engine = create_async_engine(f"sqlite+aiosqlite:///{path}")
    found = SqlReads(engine)
    yield found
    await found.aclose()
    await engine.dispose()


async def test_an_indexed_read_runs_on_the_loop(reads: SqlReads) -> None:
    rows = await reads.rows(select(ROWS).where(ROWS.c.k.in_(["k1", "k2"])).order_by(ROWS.c.k))
    assert rows == [{"k": "k1", "v": 1}, {"k": "k2", "v": 2}]
    assert (reads.inline_runs, reads.offloaded) == (1, 0)


async def test_a_read_past_its_budget_is_interrupted_and_answered_off_the_loop(
    reads: SqlReads,
) -> None:
    reads.budget_s = 0.0  # every statement overruns at its first look at the clock
    slow = text("SELECT count(*) AS n FROM t a, t b")  # 4 million rows to count
    rows = await reads.rows(slow)
    assert rows == [{"n": 4_000_000}]
    assert (reads.inline_runs, reads.offloaded) == (0, 1)
    # The same statement is not tried on the loop again for a while.
    reads.budget_s = 10.0
    await reads.rows(slow)
    assert (reads.inline_runs, reads.offloaded) == (0, 2)


async def test_a_file_locked_by_a_writer_is_read_off_the_loop_without_waiting(
    reads: SqlReads, tmp_path: Path
) -> None:
    writer = sqlite3.connect(tmp_path / "provider.db", isolation_level=None)
    writer.execute("BEGIN EXCLUSIVE")  # no reader may start (rollback journal)
    try:
        inline = reads.inline
        assert inline is not None
        with pytest.raises(OperationalError, match="locked"), inline.connect() as connection:
            connection.execute(text("SELECT 1 FROM t"))  # "busy" at once, no wait
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert await reads.rows(select(ROWS.c.v).where(ROWS.c.k == "k7")) == [{"v": 7}]


def _pool(reads: SqlReads) -> QueuePool:
    assert reads.inline is not None
    return cast(QueuePool, reads.inline.pool)


async def test_reads_on_the_loop_share_one_connection_that_holds_no_lock_between_them(
    reads: SqlReads, tmp_path: Path
) -> None:
    for key in ("k1", "k2", "k3"):
        await reads.rows(select(ROWS.c.v).where(ROWS.c.k == key))
    assert (reads.inline_runs, _pool(reads).checkedout(), _pool(reads).checkedin()) == (3, 1, 0)
    # Between reads a writer may take the whole file: no read is left open.
    writer = sqlite3.connect(tmp_path / "provider.db", isolation_level=None, timeout=0)
    try:
        writer.execute("BEGIN EXCLUSIVE")
        writer.execute("UPDATE t SET v = -1 WHERE k = 'k1'")
        writer.execute("COMMIT")
    finally:
        writer.close()
    assert await reads.rows(select(ROWS.c.v).where(ROWS.c.k == "k1")) == [{"v": -1}]
    held = reads._held  # closed by aclose, not left to the garbage collector
    await reads.aclose()
    assert held is not None
    assert held.closed
    assert _pool(reads).checkedout() == 0


async def test_sqlites_own_error_keeps_the_connection_anything_else_gives_it_up(
    reads: SqlReads,
) -> None:
    await reads.rows(select(ROWS.c.v).where(ROWS.c.k == "k1"))
    held = reads._held
    with pytest.raises(OperationalError):  # no such table: said by SQLite, about the statement
        await reads.rows(text("SELECT * FROM missing"))
    assert reads._held is held
    assert await reads.rows(select(ROWS.c.v).where(ROWS.c.k == "k2")) == [{"v": 2}]
    assert (reads.inline_runs, _pool(reads).checkedout()) == (2, 1)
    # A connection closed under it fails otherwise (not SQLite's error): the read is
    # answered off the loop, and the next one on the loop opens a new connection.
    assert held is not None
    held.close()
    assert await reads.rows(select(ROWS.c.v).where(ROWS.c.k == "k3")) == [{"v": 3}]
    assert (reads.inline_runs, reads.offloaded) == (2, 2)
    assert await reads.rows(select(ROWS.c.v).where(ROWS.c.k == "k4")) == [{"v": 4}]
    assert reads.inline_runs == 3
    assert reads._held is not held


async def test_after_aclose_reads_hold_no_connection(reads: SqlReads) -> None:
    await reads.rows(select(ROWS.c.v).where(ROWS.c.k == "k1"))
    await reads.aclose()
    assert await reads.rows(select(ROWS.c.v).where(ROWS.c.k == "k2")) == [{"v": 2}]
    assert reads._held is None
    assert _pool(reads).checkedout() == 0


async def test_errors_are_the_async_engines_own(reads: SqlReads) -> None:
    with pytest.raises(OperationalError, match="no such table"):
        await reads.rows(text("SELECT * FROM missing"))
    assert reads.offloaded == 1


@pytest.mark.parametrize(
    "url",
    [
        "sqlite+aiosqlite://",
        "sqlite+aiosqlite:///:memory:",
        "sqlite+aiosqlite:///file:shared?mode=memory&cache=shared&uri=true",
        "postgresql+asyncpg://postgres@127.0.0.1/test",
    ],
)
def test_no_second_connection_where_it_could_not_see_the_same_data(url: str) -> None:
    assert inline_engine(create_async_engine(url)) is None


async def test_rows_read_as_dicts_by_column_name_on_and_off_the_loop(reads: SqlReads) -> None:
    statement = text("SELECT k, v, v + 1 AS next, NULL AS missing FROM t WHERE k = 'k5'")
    expected = [{"k": "k5", "v": 5, "next": 6, "missing": None}]
    assert await reads.rows(statement) == expected  # on the loop
    reads.budget_s = 0.0
    slow = text("SELECT count(*) AS n, max(a.v) AS top FROM t a, t b")
    assert await reads.rows(slow) == [{"n": 4_000_000, "top": 1_999}]  # off it
    assert (reads.inline_runs, reads.offloaded) == (1, 1)
