"""The store as one object owned by the application's lifespan."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.sql_reads import SqlReads
from gateway.store.consents import Consents
from gateway.store.declarations import Declarations
from gateway.store.engine import store_engine
from gateway.store.marks import RecordMarks
from gateway.store.migrate import upgrade
from gateway.store.querylog import QueryLog
from gateway.store.record_watch import RecordWatch
from gateway.store.reports import IssuedReports
from gateway.store.workflows import Workflows


class Store:
    """Consents, the query log, declarations and record marks over one engine."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        # The reads on every lookup's path (marks, consents): see gateway/sql_reads.py.
        self.reads = SqlReads(engine)
        self.consents = Consents(engine, self.reads)
        self.query_log = QueryLog(engine)
        self.declarations = Declarations(engine)
        self.marks = RecordMarks(engine, reads=self.reads)
        self.workflows = Workflows(engine, self.marks)
        self.record_watch = RecordWatch(engine, self.workflows)
        self.reports = IssuedReports(engine)

    @classmethod
    def open(cls, url: str) -> Store:
        return cls(store_engine(url))

    async def migrate(self) -> None:
        await upgrade(self.engine)

    async def aclose(self) -> None:
        await self.reads.aclose()
        await self.engine.dispose()
