"""The adapter contract (adapters/protocol.py), one suite run against every kind of source.

Each kind is a small factory that starts a real backend (a fresh database, the
bureau simulator on a loopback port, a migrated store), puts known data in it
and says what it holds. Behaviour only one kind has stays in its own file
(test_sql_contract.py, test_bureau_contract.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import socket
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping, Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol, cast

import aiohttp
import pytest
from sqlalchemy import Engine, event
from sqlalchemy.engine import ExceptionContext, make_url
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import QueuePool

from adapters.bureau.config import BureauMode, BureauSourceConfig
from adapters.bureau.source import BureauSource
from adapters.declarations.source import DeclarationsConfig, DeclarationsSource
from adapters.errors import SourceError, SourceTimeout, SourceUnavailable
from adapters.kinds import KINDS
from adapters.protocol import EntriesRequest, FetchRequest, SearchRequest, Source
from adapters.sql.source import SqlSource
from demo.bureau_sim import Knobs, running
from demo.examples import ADVERSE_COMPANY, CLEAN_COMPANY, GOVERNMENT_BODY, PERSON
from gateway.config.loader import PROJECT_ROOT
from gateway.config.reader import Problems, Table
from gateway.config.sources import parse_sources
from gateway.domain import RawRecord, SubjectKind
from gateway.store.store import Store
from tests.adapters import sql_fixture as fx
from tests.backends import MARIADB, POSTGRES, Server, fresh_database
from tests.codes import org_code

# A valid code no backend holds anything for (the bureau does not rate 机关).
UNKNOWN = org_code(999, prefix="11330106")
# Items no source under test serves (other kinds' items, and one nobody's).
ELSEWHERE = frozenset({"ADM_LICENCE", "NO_SUCH_ITEM"})
ALL_KINDS = frozenset(SubjectKind)


# --- Counting calls to a backend ------------------------------------------------------


@dataclass(frozen=True)
class Usage:
    calls: int  # statements or HTTP requests sent
    peak: int  # most of them in flight at once


class Meter(Protocol):
    async def reset(self) -> None: ...
    async def usage(self) -> Usage: ...


class StatementMeter:
    """Statements sent through engines, counted by SQLAlchemy's cursor events."""

    def __init__(self, engines: Iterable[Engine]) -> None:
        self.calls = self.peak = self.open = 0
        for engine in engines:
            event.listen(engine, "before_cursor_execute", self._before)
            event.listen(engine, "after_cursor_execute", self._after)
            # A read interrupted on the loop (gateway/sql_reads.py) is answered
            # again off it: the same statement, counted once.
            event.listen(engine, "handle_error", self._failed)

    def _before(self, *_: object) -> None:
        self.calls, self.open = self.calls + 1, self.open + 1
        self.peak = max(self.peak, self.open)

    def _after(self, *_: object) -> None:
        self.open -= 1

    def _failed(self, context: ExceptionContext) -> None:
        if "interrupted" in str(context.original_exception):
            self.calls, self.open = self.calls - 1, self.open - 1

    async def reset(self) -> None:
        self.calls = self.peak = 0

    async def usage(self) -> Usage:
        return Usage(self.calls, self.peak)


@dataclass(frozen=True)
class SimulatorMeter:
    """Data requests the bureau simulator has served (demo/bureau_sim/stats.py)."""

    http: aiohttp.ClientSession

    async def reset(self) -> None:
        async with self.http.delete("/_stats") as response:
            assert response.status == 200

    async def usage(self) -> Usage:
        async with self.http.get("/_stats") as response:
            stats = await response.json()
        return Usage(sum(stats["requests"].values()), stats["max_in_flight"])


# --- One factory per kind ----------------------------------------------------------------


@dataclass(frozen=True)
class Backend:
    """A started source and what its backend holds, as the suite needs to know it."""

    source: Source
    records: Mapping[str, int]  # codes with records -> how many
    empty: str  # a code with no records of the items the source serves
    meter: Meter
    most_calls: Callable[[int], int]  # calls a fetch of n codes may make, as promised
    at_once: int  # most calls in flight at once, as promised
    held: Callable[[], int]  # connections or sessions open now
    owns_connections: bool  # False: they are lent by the application; aclose leaves them
    down: Callable[[], Awaitable[Source]]  # a source of this kind whose backend is down
    a_name: str | None = None  # a subject name a search finds (searchable sources)


def _shipped(name: str) -> Any:
    """A source's configuration as shipped in config/sources.toml."""
    root = Table.load(PROJECT_ROOT / "config" / "sources.toml", Problems())
    return next(s.config for s in parse_sources(root, "", KINDS) if s.name == name)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _pooled(engines: Iterable[Engine]) -> Callable[[], int]:
    """How many connections the engines' pools hold open now: idle, or checked out
    (the reads on the loop keep theirs between statements). The pools are taken
    now, since disposing of an engine replaces its pool with an empty one, which
    would hide a connection left open in the old."""
    pools = [cast(QueuePool, engine.pool) for engine in engines]
    return lambda: sum(pool.checkedin() + pool.checkedout() for pool in pools)


def _sqlite_workers() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if "_connection_worker_thread" in t.name}


async def _join(threads: set[threading.Thread]) -> None:
    for thread in threads:
        await asyncio.to_thread(thread.join, 5)


async def _sql(stack: AsyncExitStack, tmp_path: Path, server: Server | None) -> Backend:
    if server is None:
        url = f"sqlite+aiosqlite:///{tmp_path / 'provider.db'}"
        dead = f"sqlite+aiosqlite:///file:{tmp_path / 'missing' / 'provider.db'}?mode=ro&uri=true"
    else:
        url = await stack.enter_async_context(fresh_database(server))
        dead = make_url(url).set(port=_free_port()).render_as_string(hide_password=False)
    writer = create_async_engine(url)
    await fx.populate(writer)
    await writer.dispose()
    source = SqlSource(fx.source_config(url))
    stack.push_async_callback(source.aclose)

    async def down() -> Source:
        # aiosqlite stops a connection that failed to open without waiting for its
        # thread, which must not outlive the test's event loop: join it at the end.
        before = _sqlite_workers()
        stack.push_async_callback(lambda: _join(_sqlite_workers() - before))
        broken = SqlSource(fx.source_config(dead))
        stack.push_async_callback(broken.aclose)
        return broken

    return Backend(
        source=source,
        records=fx.RECORDS,
        empty=org_code(998),
        meter=StatementMeter(source.reads.engines),
        most_calls=lambda n: 1,
        at_once=1,
        held=_pooled(source.reads.engines),
        owns_connections=True,
        down=down,
        a_name=fx.NAMES[fx.ACME],
    )


async def _bureau(stack: AsyncExitStack, mode: BureauMode) -> Backend:
    # Some latency in per-subject mode, so requests overlap and the cap is tested.
    knobs = Knobs(latency_ms=20 if mode is BureauMode.PER_SUBJECT else 0)
    url = await stack.enter_async_context(running(knobs))
    http = await stack.enter_async_context(aiohttp.ClientSession(url))
    config: BureauSourceConfig = replace(
        _shipped("market_bureau"), base_url=url, mode=mode, max_concurrency=3
    )
    source = BureauSource(config)
    stack.push_async_callback(source.aclose)

    async def down() -> Source:
        broken = BureauSource(replace(config, base_url=f"http://127.0.0.1:{_free_port()}"))
        stack.push_async_callback(broken.aclose)
        return broken

    batch = mode is BureauMode.BATCH
    return Backend(
        source=source,
        # demo/bureau_sim/subjects.py: the demo subjects' hand-written records.
        records={ADVERSE_COMPANY.code: 3, CLEAN_COMPANY.code: 2, PERSON.code: 1},
        empty=GOVERNMENT_BODY.code,
        meter=SimulatorMeter(http),
        most_calls=(lambda n: math.ceil(n / config.max_batch)) if batch else (lambda n: n),
        at_once=config.max_concurrency,
        held=lambda: int(source.is_open),
        owns_connections=True,
        down=down,
    )


async def _declarations(stack: AsyncExitStack, tmp_path: Path) -> Backend:
    store = Store.open(f"sqlite+aiosqlite:///{tmp_path / 'store.db'}")
    stack.push_async_callback(store.aclose)
    await store.migrate()
    config: DeclarationsConfig = _shipped("declarations")
    declared = [
        (fx.ACME, "SELF_DECLARATION"),
        (fx.ACME, "CREDIT_COMMITMENT"),
        (fx.BETA, "CREDIT_COMMITMENT"),
        (fx.GAMMA_LP, "ADM_PENALTY"),  # stored, but not an item the source serves
    ]
    for code, item in declared:
        now = datetime(2026, 11, 1, tzinfo=UTC)
        await store.declarations.add(
            subject_code=code, item=item, title="承诺", details={"content": "按时履约"}, now=now
        )
    source = DeclarationsSource(config, store.declarations)
    stack.push_async_callback(source.aclose)

    async def down() -> Source:
        async with store.engine.begin() as connection:
            await connection.exec_driver_sql("DROP TABLE declarations")
        return source

    return Backend(
        source=source,
        records={fx.ACME: 2, fx.BETA: 1},
        empty=fx.GAMMA_LP,
        meter=StatementMeter([store.engine.sync_engine]),
        most_calls=lambda n: 1,
        at_once=1,
        held=_pooled([store.engine.sync_engine]),
        owns_connections=False,  # the store's engine belongs to the application
        down=down,
    )


Factory = Callable[[AsyncExitStack, Path], Awaitable[Backend]]
FACTORIES: dict[str, Factory] = {
    "sql-sqlite": lambda stack, tmp: _sql(stack, tmp, None),
    "sql-postgresql": lambda stack, tmp: _sql(stack, tmp, POSTGRES),
    "sql-mariadb": lambda stack, tmp: _sql(stack, tmp, MARIADB),
    "bureau": lambda stack, tmp: _bureau(stack, BureauMode.BATCH),
    "bureau-per-subject": lambda stack, tmp: _bureau(stack, BureauMode.PER_SUBJECT),
    "declarations": _declarations,
}
# (test, kind) -> why that kind fails that check today. Strict: fixing it fails the run.
KNOWN_GAPS: dict[tuple[str, str], str] = {}


@pytest.fixture(
    params=[
        "sql-sqlite",
        pytest.param("sql-postgresql", marks=pytest.mark.postgres),
        pytest.param("sql-mariadb", marks=pytest.mark.mariadb),
        "bureau",
        "bureau-per-subject",
        "declarations",
    ]
)
async def backend(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Backend]:
    """Every kind of source, started over known data (PostgreSQL and MariaDB skip
    when unreachable, except under CI=true: tests/backends.py)."""
    gap = KNOWN_GAPS.get((request.function.__name__, request.param))
    if gap is not None:
        request.applymarker(pytest.mark.xfail(reason=gap, strict=True))
    async with AsyncExitStack() as stack:
        yield await FACTORIES[request.param](stack, tmp_path)


def _all(answer: Mapping[str, Sequence[RawRecord]]) -> list[RawRecord]:
    return [record for records in answer.values() for record in records]


# --- The contract -------------------------------------------------------------------------


async def test_every_requested_code_comes_back(backend: Backend) -> None:
    first = next(iter(backend.records))
    codes = (*backend.records, backend.empty, UNKNOWN, first)  # `first` twice
    answer = await backend.source.fetch(FetchRequest(codes))
    assert set(answer) == set(codes)
    counts = {code: len(records) for code, records in answer.items()}
    assert counts == {**backend.records, backend.empty: 0, UNKNOWN: 0}


async def test_records_carry_source_code_served_item_and_unique_id(backend: Backend) -> None:
    items = backend.source.capabilities().items
    answer = await backend.source.fetch(FetchRequest((*backend.records, backend.empty)))
    for code, records in answer.items():
        for record in records:
            assert record.source == backend.source.name
            assert record.subject_code == code
            assert record.item in items
    ids = [record.record_id for record in _all(answer)]
    assert len(set(ids)) == len(ids) == sum(backend.records.values())


async def test_one_backend_call_per_fetch_of_many_codes(backend: Backend) -> None:
    many = tuple(org_code(2000 + i) for i in range(40))
    codes = (*backend.records, backend.empty, UNKNOWN, *many)
    await backend.meter.reset()
    answer = await backend.source.fetch(FetchRequest(codes))
    usage = await backend.meter.usage()
    assert set(answer) == set(codes)
    assert 1 <= usage.calls <= backend.most_calls(len(codes))
    assert usage.peak <= backend.at_once


@pytest.mark.parametrize("items", [frozenset(), ELSEWHERE], ids=["no-item", "unserved-items"])
async def test_unserved_items_answer_every_code_empty(
    backend: Backend, items: frozenset[str]
) -> None:
    assert not items & backend.source.capabilities().items
    codes = (*backend.records, UNKNOWN)
    answer = await backend.source.fetch(FetchRequest(codes, items))
    assert {code: list(records) for code, records in answer.items()} == {c: [] for c in codes}


async def test_unserved_items_cost_no_backend_call(backend: Backend) -> None:
    await backend.meter.reset()
    await backend.source.fetch(FetchRequest(tuple(backend.records), ELSEWHERE))
    assert (await backend.meter.usage()).calls == 0


async def test_capabilities_are_stable_and_match_the_answers(backend: Backend) -> None:
    capabilities = backend.source.capabilities()
    codes = tuple(backend.records)
    answer = _all(await backend.source.fetch(FetchRequest(codes)))
    assert backend.source.capabilities() == capabilities
    # The data holds every item the source lists, and nothing else comes back.
    assert {record.item for record in answer} == capabilities.items
    for item in sorted(capabilities.items):
        only = _all(await backend.source.fetch(FetchRequest(codes, frozenset({item}))))
        assert sorted(r.record_id for r in only) == sorted(
            r.record_id for r in answer if r.item == item
        )
    assert capabilities.searchable == (backend.a_name is not None)
    hits = await backend.source.search(SearchRequest(backend.a_name or "杭州", ALL_KINDS, 10))
    if capabilities.searchable:
        assert backend.a_name in {hit.name for hit in hits}
    else:
        assert hits == []
    assert backend.source.capabilities() == capabilities


async def test_entries_are_the_browsable_records_of_every_subject_in_order(
    backend: Backend,
) -> None:
    capabilities = backend.source.capabilities()
    assert capabilities.browsable <= capabilities.items
    # Every subject the backend holds: what browsing them all must give.
    answer = _all(await backend.source.fetch(FetchRequest(tuple(backend.records))))
    held = sorted(
        (r for r in answer if r.item in capabilities.browsable),
        key=lambda r: (r.subject_code, r.record_id),
    )
    listed = await backend.source.entries(EntriesRequest(capabilities.items, limit=100))
    assert list(listed) == held
    assert bool(held) == bool(capabilities.browsable)  # the data browses every kind that can
    assert await backend.source.entries(EntriesRequest(ELSEWHERE, limit=100)) == []


async def test_aclose_releases_what_the_source_owns_and_twice_is_harmless(
    backend: Backend,
) -> None:
    await backend.source.fetch(FetchRequest(tuple(backend.records)))
    held = backend.held()
    assert held > 0
    await backend.source.aclose()
    await backend.source.aclose()
    assert backend.held() == (0 if backend.owns_connections else held)
    # Asked afterwards, a source answers or raises its own errors, nothing else.
    with contextlib.suppress(SourceError):
        await backend.source.fetch(FetchRequest(tuple(backend.records)))


async def test_a_backend_that_is_down_raises_source_errors(backend: Backend) -> None:
    source = await backend.down()
    with pytest.raises((SourceUnavailable, SourceTimeout)) as failure:
        async with asyncio.timeout(10):
            await source.fetch(FetchRequest(tuple(backend.records)))
    assert failure.value.source == source.name
