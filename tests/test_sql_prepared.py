"""Statements rendered once per shape and sent straight to SQLite's cursor
(gateway/sql_prepared.py, as gateway/sql_reads.py uses it)."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import (
    BindParameter,
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    column,
    create_engine,
    event,
    literal,
    select,
    table,
    text,
    union_all,
)
from sqlalchemy.dialects import sqlite
from sqlalchemy.ext.asyncio import create_async_engine

from gateway.sql_prepared import _Run, _runs, _Slot, matches, prepare, shape_of
from gateway.sql_reads import SqlReads

ROWS = table("t", column("k"), column("v"))
META = MetaData()
EVENTS = Table(
    "events",
    META,
    Column("k", String, primary_key=True),
    Column("at", DateTime),
    Column("n", Integer),
)
START = datetime(2026, 1, 1, 8, 30)
CODES: BindParameter[Any] = bindparam("codes", expanding=True)
# Two branches, each with a value of its own and the codes: a source's batch lookup.
UNION = union_all(
    select(literal("a").label("side"), ROWS.c.k, ROWS.c.v).where(ROWS.c.k.in_(CODES)),
    select(literal("b").label("side"), ROWS.c.k, ROWS.c.v).where(ROWS.c.v.in_(CODES)),
)


def _stored(at: datetime) -> str:
    """As SQLAlchemy stores a DateTime on SQLite."""
    return at.isoformat(" ", "microseconds")


@pytest.fixture
async def reads(tmp_path: Path) -> AsyncIterator[SqlReads]:
    path = tmp_path / "provider.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER)")
        db.executemany("INSERT INTO t VALUES (?, ?)", [(f"k{i}", i) for i in range(200)])
        db.execute("CREATE TABLE events (k TEXT PRIMARY KEY, at DATETIME, n INTEGER)")
        db.executemany(
            "INSERT INTO events VALUES (?, ?, ?)",
            [(f"e{i}", _stored(START + timedelta(hours=i)), i) for i in range(50)],
        )
    engine = create_async_engine(f"sqlite+aiosqlite:///{path}")
    found = SqlReads(engine)
    yield found
    await found.aclose()
    await engine.dispose()


async def _thrice(reads: SqlReads, statement: Any, params: dict[str, Any]) -> list[Any]:
    return [await reads.rows(statement, params) for _ in range(3)]


async def test_a_statement_seen_twice_in_one_shape_goes_straight_to_the_cursor(
    reads: SqlReads,
) -> None:
    params = {"codes": ["k3", "k1", "7"]}
    first, second, third = await _thrice(reads, UNION, params)
    assert first == second == third
    assert sorted(map(tuple, (r.values() for r in first))) == [
        ("a", "k1", 1),
        ("a", "k3", 3),
        ("b", "k7", 7),
    ]
    assert (reads.inline_runs, reads.prepared_runs, reads.offloaded) == (3, 1, 0)
    # Other values, same shape: straight to the cursor, and their own answer.
    assert await reads.rows(UNION, {"codes": ["k9", "k8", "x"]}) == [
        {"side": "a", "k": "k8", "v": 8},
        {"side": "a", "k": "k9", "v": 9},
    ]
    assert reads.prepared_runs == 2
    # Another length is another shape: SQLAlchemy again, twice.
    await _thrice(reads, UNION, {"codes": ["k1"]})
    assert reads.prepared_runs == 3


async def test_typed_columns_and_parameters_read_as_sqlalchemy_reads_them(
    reads: SqlReads,
) -> None:
    since = bindparam("since", type_=DateTime)
    statement = (
        select(EVENTS.c.k, EVENTS.c.at, EVENTS.c.n)
        .where(EVENTS.c.at >= since, EVENTS.c.k.in_(CODES))
        .order_by(EVENTS.c.n)
    )
    params = {"since": START + timedelta(hours=2), "codes": ["e1", "e2", "e3"]}
    first, _, third = await _thrice(reads, statement, params)
    assert reads.prepared_runs == 1
    assert (
        third
        == first
        == [
            {"k": "e2", "at": START + timedelta(hours=2), "n": 2},
            {"k": "e3", "at": START + timedelta(hours=3), "n": 3},
        ]
    )
    # A datetime parameter is processed as SQLAlchemy processes it (to its text).
    later = {"since": START + timedelta(hours=3), "codes": ["e1", "e2", "e3"]}
    assert await reads.rows(statement, later) == [first[1]]
    assert reads.prepared_runs == 2


async def test_while_something_listens_to_the_cursor_sqlalchemy_runs_every_statement(
    reads: SqlReads,
) -> None:
    params = {"codes": ["k1", "k2"]}
    await _thrice(reads, UNION, params)
    assert reads.prepared_runs == 1
    seen: list[str] = []
    engine = reads.inline
    assert engine is not None

    def keep(*args: Any) -> None:
        seen.append(args[2])

    event.listen(engine, "before_cursor_execute", keep)
    try:
        rows = await reads.rows(UNION, params)
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    assert rows == await reads.rows(UNION, params)
    assert len(seen) == 1
    assert "UNION ALL" in seen[0]
    assert reads.prepared_runs == 2  # the second, unobserved, went straight again


async def test_a_value_rendered_into_the_sql_stays_with_sqlalchemy(reads: SqlReads) -> None:
    limit = bindparam("n", type_=Integer, literal_execute=True)
    statement = select(ROWS.c.k).where(ROWS.c.k.in_(CODES)).order_by(ROWS.c.k).limit(limit)
    answers = [
        await reads.rows(statement, {"codes": ["k1", "k2", "k3"], "n": n}) for n in (1, 2, 3)
    ]
    assert [len(a) for a in answers] == [1, 2, 3]
    assert reads.prepared_runs == 0


async def test_a_prepared_read_past_its_budget_is_answered_off_the_loop(
    reads: SqlReads,
) -> None:
    slow = text("SELECT count(*) AS n FROM t a, t b WHERE a.k >= :low")
    params = {"low": "k"}
    reads.budget_s = 10.0
    await reads.rows(slow, params)
    await reads.rows(slow, params)
    reads.budget_s = 0.0  # the prepared run overruns at its first look at the clock
    assert await reads.rows(slow, params) == [{"n": 40_000}]
    assert (reads.inline_runs, reads.prepared_runs, reads.offloaded) == (2, 1, 1)
    reads.budget_s = 10.0
    await reads.rows(slow, params)  # off the loop for a while, as any slow statement
    assert reads.offloaded == 2


async def test_a_prepared_run_that_finds_the_file_locked_is_answered_off_the_loop(
    reads: SqlReads, tmp_path: Path
) -> None:
    statement = select(ROWS.c.v).where(ROWS.c.k.in_(CODES))
    await _thrice(reads, statement, {"codes": ["k1"]})
    held = reads._held
    writer = sqlite3.connect(tmp_path / "provider.db", isolation_level=None)
    writer.execute("BEGIN EXCLUSIVE")  # no reader may start (rollback journal)
    # Released while the async engine waits for it, off the loop.
    asyncio.get_running_loop().call_later(0.2, writer.execute, "ROLLBACK")
    try:
        assert await reads.rows(statement, {"codes": ["k2"]}) == [{"v": 2}]
    finally:
        writer.close()
    # Tried on the loop, "busy" at once, answered off it; SQLite's own error
    # about the statement leaves the held connection as good as before.
    assert (reads.prepared_runs, reads.offloaded) == (2, 1)
    assert reads._held is held
    assert await reads.rows(statement, {"codes": ["k3"]}) == [{"v": 3}]
    assert reads.prepared_runs == 3


_ENGINE = create_engine("sqlite://")
META.create_all(_ENGINE)


def _sent(statement: Any, params: dict[str, Any]) -> tuple[str, tuple[Any, ...]]:
    """What SQLAlchemy sends SQLite for ``statement`` with ``params``, as its
    cursor events see it."""
    seen: list[tuple[str, tuple[Any, ...]]] = []

    def keep(*args: Any) -> None:
        seen.append((args[2], tuple(args[3])))

    event.listen(_ENGINE, "before_cursor_execute", keep)
    try:
        with _ENGINE.connect() as connection:
            connection.execute(statement, params).fetchall()
    finally:
        event.remove(_ENGINE, "before_cursor_execute", keep)
    [sent] = seen
    return sent


@settings(max_examples=200, deadline=None)
@given(
    codes=st.lists(st.text(max_size=4), max_size=12),
    more=st.lists(st.integers(-(2**62), 2**62), min_size=1, max_size=4),
    since=st.datetimes(timezones=st.just(UTC)).map(lambda d: d.replace(tzinfo=None)),
)
def test_parameters_land_where_sqlalchemy_puts_them(
    codes: Sequence[str], more: Sequence[int], since: datetime
) -> None:
    others: BindParameter[Any] = bindparam("more", expanding=True)
    statement = union_all(
        select(literal("a").label("side"), literal(1).label("one"), EVENTS.c.k).where(
            EVENTS.c.k.in_(CODES), EVENTS.c.at >= bindparam("since", type_=DateTime)
        ),
        select(literal("b").label("side"), literal(2).label("one"), EVENTS.c.k).where(
            EVENTS.c.n.in_(others), EVENTS.c.k.in_(CODES)
        ),
    )
    params = {"codes": list(codes), "since": since, "more": list(more)}
    prepared = prepare(statement, sqlite.dialect(), params, ["side", "one", "k"])
    assert prepared is not None
    assert (prepared.sql, tuple(prepared.parameters(params))) == _sent(statement, params)
    # Other values of the same shape land in the same places.
    other = {
        "codes": [c + "x" for c in codes],
        "since": since - timedelta(days=1) if since.year > 1 else since,
        "more": [n + 1 for n in more],
    }
    assert (prepared.sql, tuple(prepared.parameters(other))) == _sent(statement, other)


def test_a_shape_is_the_names_and_each_lists_length() -> None:
    assert shape_of({"codes": ["a", "b"], "n": 3, "t": ("x",)}) == (
        ("codes", 2),
        ("n", -1),
        ("t", 1),
    )


def test_columns_that_cannot_be_told_apart_stay_with_sqlalchemy() -> None:
    statement = select(ROWS.c.k, ROWS.c.k.label("k"))
    assert prepare(statement, sqlite.dialect(), {}, ["k", "k"]) is None


def test_a_rendering_is_kept_only_if_it_sends_and_reads_what_sqlalchemy_did() -> None:
    statement = select(ROWS.c.k).where(ROWS.c.k.in_(CODES))
    params = {"codes": ["k1", "k2"]}
    prepared = prepare(statement, sqlite.dialect(), params, ["k"])
    assert prepared is not None
    rows = [{"k": "k1"}, {"k": "k2"}]
    sql, sent = prepared.sql, ("k1", "k2")
    assert matches(prepared, params, sql, sent, rows, lambda _: rows)
    assert not matches(prepared, params, sql + " ", sent, rows, lambda _: rows)
    assert not matches(prepared, params, sql, ("k2", "k1"), rows, lambda _: rows)
    assert not matches(prepared, params, sql, sent, rows, lambda _: rows[:1])


def test_only_a_whole_list_in_order_is_passed_as_it_is() -> None:
    whole = [_Slot("codes", i, None) for i in range(3)]
    assert _runs(whole, {"codes": 3}) == (_Run("codes"),)
    # Part of it, or out of order: item by item.
    assert _runs(whole[:2], {"codes": 3}) == tuple(whole[:2])
    assert _runs(whole[::-1], {"codes": 3}) == tuple(whole[::-1])
    shuffled = [whole[0], whole[2], whole[1]]
    assert _runs(shuffled, {"codes": 3}) == tuple(shuffled)
    own = [_Slot(None, None, None, "a"), _Slot(None, None, None, "b")]
    assert _runs([*own, *whole], {"codes": 3}) == (_Run(None, ("a", "b")), _Run("codes"))
