"""A provider-unit database as a batched source (issue 2, item 5).

One statement per batch, whatever the number of subjects or mapped tables:
``WHERE code IN (...)`` over a UNION ALL of the mapped tables, with a branch
more for each list whose entries name responsible persons by ID number, so a
person's file shows the entries naming them (001 art. 26). Values keep the
driver's types (see :mod:`adapters.sql.statements`); only Decimals become
plain numbers here, and the catalogue's field types do the rest. A list's
records can also be browsed across subjects (:meth:`SqlSource.entries`). A
fetch whose query shows no details reads no detail columns (issue 12, item 2).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.sql import Executable

from adapters.errors import SourceRejected, SourceUnavailable
from adapters.protocol import Capabilities, EntriesRequest, FetchRequest, SearchRequest
from adapters.sql.config import SqlSourceConfig, TableMapping
from adapters.sql.rows import (
    Ranked,
    kind,
    merged,
    on_persons_files,
    responsible_records,
    subject_record,
)
from adapters.sql.statements import (
    RESPONSIBLE,
    RecordsQuery,
    entries_query,
    records_query,
    search_statement,
)
from gateway.domain import RawRecord, SubjectHit, SubjectKind
from gateway.sql_reads import SqlReads

log = logging.getLogger(__name__)


def read_engine(url: str) -> AsyncEngine:
    """An engine for reading only: no BEGIN/ROLLBACK round trip around each batch,
    and a liveness check on checkout only where there is a network to fail."""
    local = make_url(url).get_backend_name() == "sqlite"
    return create_async_engine(url, isolation_level="AUTOCOMMIT", pool_pre_ping=not local)


class SqlSource:
    """Reads records from any table layout through :class:`TableMapping` config."""

    def __init__(self, config: SqlSourceConfig, engine: AsyncEngine | None = None) -> None:
        self.config = config
        self.engine = engine or read_engine(config.url)
        self.reads = SqlReads(self.engine)
        self._by_name = {m.name: m for m in config.mappings}
        # Asked on every fan-out; the mappings never change, so work it out once.
        items: frozenset[str] = frozenset().union(*(m.items for m in config.mappings))
        browsable: frozenset[str] = frozenset().union(*(m.subject_items for m in config.mappings))
        searchable = any(m.searchable for m in config.mappings)
        self._capabilities = Capabilities(items, searchable, browsable)
        self._queries: dict[tuple[frozenset[str], frozenset[str], bool], RecordsQuery] = {}

    @property
    def name(self) -> str:
        return self.config.name

    def capabilities(self) -> Capabilities:
        return self._capabilities

    async def fetch(self, request: FetchRequest) -> Mapping[str, Sequence[RawRecord]]:
        result: dict[str, list[RawRecord]] = {code: [] for code in request.codes}
        items = request.items
        subjects = [m for m in self.config.mappings if items is None or m.subject_items & items]
        persons = [
            m
            for m in self.config.mappings
            if m.responsible_item and (items is None or m.responsible_item in items)
        ]
        if not (subjects or persons) or not request.codes:
            return result
        details = request.details
        query = self._query(subjects, persons, details)
        own: list[RawRecord] = []
        theirs: list[Ranked] = []
        for row in await self._run(query.statement, {"codes": list(request.codes)}):
            mapping, record = self._record(query, row)
            if record is None:
                continue
            if row["side"] == RESPONSIBLE:
                cells = query.cells(mapping, row)
                theirs.extend(responsible_records(record, mapping, cells, result))
            else:
                own.append(record)
        for record in [*merged(own), *on_persons_files(theirs)]:
            wanted = items is None or record.item in items
            if wanted and record.subject_code in result:
                result[record.subject_code].append(record)
        return result

    async def entries(self, request: EntriesRequest) -> Sequence[RawRecord]:
        """The organisations' own records only, never those on responsible persons' files."""
        wanted = [m for m in self.config.mappings if m.subject_items & request.items]
        if not wanted or request.limit <= 0:
            return []
        dialect = self.engine.dialect.name
        query = entries_query(wanted, request.items, dialect, request.after, request.limit)
        rows = await self._run(query.statement, {})
        found = [r for row in rows if (r := self._record(query, row)[1]) is not None]
        records = [r for r in merged(found) if r.item in request.items]
        # Python compares str by code point, as the statement's binary collations do.
        records.sort(key=lambda r: (r.subject_code, r.record_id))
        return records[: request.limit]

    async def search(self, request: SearchRequest) -> Sequence[SubjectHit]:
        mappings = [m for m in self.config.mappings if m.searchable]
        if not mappings or not request.text:
            return []
        dialect = self.engine.dialect.name
        statement = search_statement(mappings, dialect, request.text, request.after, request.limit)
        hits = []
        for row in await self._run(statement, {}):
            mapping = self._by_name[str(row["mapping"])]
            subject_kind = kind(mapping, row["kind"]) or SubjectKind.LEGAL_PERSON
            if subject_kind in request.kinds and row["name"]:
                hit = SubjectHit(str(row["code"]), str(row["name"]), subject_kind, self.name)
                hits.append(hit)
        return hits

    async def aclose(self) -> None:
        await self.reads.aclose()
        await self.engine.dispose()

    def _query(
        self, subjects: list[TableMapping], persons: list[TableMapping], details: bool
    ) -> RecordsQuery:
        key = (frozenset(m.name for m in subjects), frozenset(m.name for m in persons), details)
        if key not in self._queries:
            dialect = self.engine.dialect.name
            self._queries[key] = records_query(subjects, persons, details=details, dialect=dialect)
        return self._queries[key]

    async def _run(
        self, statement: Executable, params: dict[str, object]
    ) -> Sequence[Mapping[str, object]]:
        try:
            return await self.reads.rows(statement, params)
        except (DBAPIError, OSError) as exc:
            # Connection refused, missing table, lost server: the source is down
            # for this request; details go to the log, never to the client.
            log.warning("source %s failed: %s", self.name, exc)
            raise SourceUnavailable(self.name, type(exc).__name__) from exc
        except SQLAlchemyError as exc:
            log.warning("source %s rejected the statement: %s", self.name, exc)
            raise SourceRejected(self.name, type(exc).__name__) from exc

    def _record(
        self, query: RecordsQuery, row: Mapping[str, object]
    ) -> tuple[TableMapping, RawRecord | None]:
        """The row's mapping and the record about the row's own subject (None without keys)."""
        mapping = self._by_name[str(row["mapping"])]
        cells = query.cells(mapping, row)
        return mapping, subject_record(self.name, mapping, cells, details=query.details)
