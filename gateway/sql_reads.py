"""Read statements, run the cheapest safe way for their engine.

An indexed lookup in a local SQLite file takes microseconds; handing it to
aiosqlite's worker thread and back costs about 150 µs a hop on this class of
machine, and SQLAlchemy's async connection makes several hops per statement
(check-out, execute, fetch, release): a millisecond for a lookup, more than
the whole rest of a request. So for a SQLite *file* a read first runs on the
event loop itself, through a synchronous connection to the same file, under
two guards that keep a slow read from stalling every other request:

* a time budget (``budget_s``, a few milliseconds), enforced by SQLite's
  progress handler, which interrupts the statement when it runs past it;
* no waiting for a lock (``timeout=0``): a file locked by a writer answers
  "busy" at once instead of blocking the loop.

A statement that is interrupted, or fails in any way, runs again on the
async engine, off the loop, as every statement did before; that run's
outcome (rows or the error) is the answer, so errors read exactly as they
did. A statement object that overran is sent straight to the async engine
for the next minute (the SQL sources, and the store's marks and consents
reads, reuse theirs; a statement built afresh per call is tried on the loop
each time). Any other
database (PostgreSQL, MySQL, an in-memory SQLite, which a second connection
could not see) always uses the async engine.

On the loop, a statement object seen twice with the same shape is rendered
once for SQLite's own cursor (:mod:`gateway.sql_prepared`), checked against
SQLAlchemy's run, and then sent straight to the cursor: SQLAlchemy's work per
execution was most of such a lookup's cost. While anything listens to the
engine's cursor events (OpenTelemetry's instrumentation, a test counting
statements), SQLAlchemy runs every statement, so they see each one.
"""

from __future__ import annotations

import logging
import math
import sqlite3
import time
from collections.abc import Mapping
from typing import Any

from cachetools import LRUCache, TTLCache
from sqlalchemy import Connection, CursorResult, Engine, Result, create_engine, event
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql import Executable

from gateway.sql_prepared import Prepared, Rows, Shape, matches, prepare, shape_of

log = logging.getLogger(__name__)

# SQLite's own errors about a statement (busy, interrupted, no such table), as
# SQLAlchemy wraps them and as the cursor raises them.
_STATEMENT_ERRORS = (DBAPIError, sqlite3.Error)

# How many SQLite virtual-machine steps run between two looks at the clock.
_STEPS_PER_CHECK = 1_000
_SLOW_FOR_S = 60.0


class SqlReads:
    """Runs read-only statements against ``engine``'s database (see the module doc).

    For one event loop: the reads on it share one held connection and one budget
    clock, which another thread or loop must not use at the same time.
    """

    def __init__(self, engine: AsyncEngine, *, budget_s: float = 0.005) -> None:
        self.engine = engine
        self.budget_s = budget_s
        self.inline: Engine | None = inline_engine(engine)
        if self.inline is not None:
            # The budget is the statement's own time in SQLite, from the moment it
            # is sent (SQLAlchemy's first compile of a statement comes before).
            event.listen(self.inline, "connect", self._watch)
            event.listen(self.inline, "before_cursor_execute", self._start_clock)
        self._limit = math.inf
        self._held: Connection | None = None
        self._closed = False
        self._slow: TTLCache[Executable, bool] = TTLCache(256, _SLOW_FOR_S)
        # By statement and shape: seen once (False), rendered (Prepared), or
        # left to SQLAlchemy (None). Holds its statements, so ids are not reused.
        self._prepared: LRUCache[tuple[Executable, Shape], Prepared | bool | None] = LRUCache(512)
        self.prepared_runs = 0  # statements of those on the loop sent straight to the cursor
        self.inline_runs = 0  # statements answered on the loop
        self.offloaded = 0  # statements answered by the async engine

    @property
    def engines(self) -> tuple[Engine, ...]:
        """The synchronous engines statements run through, for instrumentation
        (SQLAlchemy's cursor events, OpenTelemetry's SQLAlchemy instrumentation)."""
        own = self.engine.sync_engine
        return (own,) if self.inline is None else (own, self.inline)

    async def rows(self, statement: Executable, params: Mapping[str, Any] | None = None) -> Rows:
        """Every row of ``statement`` as a dict by column name."""
        if self.inline is not None and not self._closed and statement not in self._slow:
            try:
                rows = self._inline(self.inline, statement, dict(params or {}))
            except (SQLAlchemyError, sqlite3.Error) as exc:
                if isinstance(exc, _STATEMENT_ERRORS) and _interrupted(exc):
                    self._slow[statement] = True
                    log.info(
                        "a read ran past %.0f ms on the loop; off it for a while",
                        self.budget_s * 1000,
                    )
            else:
                self.inline_runs += 1
                return rows
        self.offloaded += 1
        async with self.engine.connect() as connection:
            result = await connection.execute(statement, dict(params or {}))
            return _dicts(result)

    def _inline(self, engine: Engine, statement: Executable, params: dict[str, Any]) -> Rows:
        # One connection serves every read on the loop, held between them: the
        # loop runs one statement at a time, and in autocommit a finished read
        # leaves no transaction open, so holding it locks nothing, and saves a
        # pool check-out and reset per statement (a tenth of a lookup's CPU).
        connection = self._held
        if connection is None:
            connection = self._held = engine.connect()
        try:
            key = (statement, shape_of(params))
            prepared = self._prepared.get(key, True)
            if isinstance(prepared, Prepared) and not _observed(engine):
                self.prepared_runs += 1
                return self._run_prepared(connection, prepared, params)
            result = connection.execute(statement, params)
            rows = _dicts(result)
            if prepared is True:
                self._prepared[key] = False  # seen once; rendered if seen again
            elif prepared is False:
                self._prepared[key] = self._prepare(connection, statement, params, result, rows)
            return rows
        except _STATEMENT_ERRORS:
            # SQLite's own error about this statement (busy, interrupted, no such
            # table): the connection is as good as before, and is kept.
            raise
        except BaseException:
            # Anything else may have left it in any state: the next read starts afresh.
            self._held = None
            connection.close()
            raise
        finally:
            self._limit = math.inf

    def _prepare(
        self,
        connection: Connection,
        statement: Executable,
        params: dict[str, Any],
        result: CursorResult[Any],
        rows: Rows,
    ) -> Prepared | None:
        """``statement`` rendered for the cursor, if it sends and reads exactly
        what SQLAlchemy's run ``result`` sent and read (see gateway/sql_prepared.py)."""
        found = prepare(statement, connection.dialect, params, list(result.keys()))
        context = result.context
        if found is None or len(context.parameters) != 1:
            return None
        sent = context.parameters[0]
        if not isinstance(sent, list | tuple):
            return None
        run = lambda p: self._run_prepared(connection, p, params)  # noqa: E731
        return found if matches(found, params, context.statement, sent, rows, run) else None

    def _run_prepared(
        self, connection: Connection, prepared: Prepared, params: dict[str, Any]
    ) -> Rows:
        cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            self._start_clock()
            cursor.execute(prepared.sql, prepared.parameters(params))
            return prepared.rows(cursor.fetchall())
        finally:
            cursor.close()
            self._limit = math.inf

    def _watch(self, dbapi_connection: Any, _record: object) -> None:
        dbapi_connection.set_progress_handler(self._overran, _STEPS_PER_CHECK)

    def _start_clock(self, *_: object) -> None:
        self._limit = time.perf_counter() + self.budget_s

    def _overran(self) -> bool:
        return time.perf_counter() > self._limit

    async def aclose(self) -> None:
        """Close the held connection; later reads, if any, go to the async engine."""
        self._closed = True
        held, self._held = self._held, None
        try:
            if held is not None:
                held.close()
        finally:
            if self.inline is not None:
                self.inline.dispose()


def inline_engine(engine: AsyncEngine) -> Engine | None:
    """A synchronous engine on the same SQLite file, or None where there is none to share."""
    url = engine.url
    if url.get_backend_name() != "sqlite":
        return None
    database = url.database or ""
    if database in ("", ":memory:") or "mode=memory" in str(url):
        return None
    return create_engine(
        url.set(drivername="sqlite+pysqlite"),
        # Never wait on the loop for a writer's lock: "busy" at once, and the
        # async engine (which waits, off the loop) answers instead.
        connect_args={"timeout": 0},
        isolation_level="AUTOCOMMIT",
    )


def _dicts(result: Result[Any]) -> Rows:
    """Every row of ``result`` as a dict by column name: zipped with the keys,
    twice as fast as a dict of each row's mapping and the same dict (of two
    columns of one name in a text() statement, the last, as the mapping gives)."""
    keys = tuple(result.keys())
    return [dict(zip(keys, row, strict=True)) for row in result]


def _interrupted(exc: Exception) -> bool:
    return "interrupted" in str(exc.orig if isinstance(exc, DBAPIError) else exc)


def _observed(engine: Engine) -> bool:
    """Whether anything but SqlReads' own clock listens to ``engine``'s cursor events."""
    dispatch = engine.dispatch
    return len(dispatch.before_cursor_execute) > 1 or bool(dispatch.after_cursor_execute)
