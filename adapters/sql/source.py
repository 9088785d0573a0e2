"""A provider-unit database as a batched source (issue 2, item 5).

One statement per batch, whatever the number of subjects or mapped tables:
``WHERE code IN (...)`` over a UNION ALL of the mapped tables. Values keep the
driver's types (see :mod:`adapters.sql.statements`); only Decimals become
plain numbers here, and the catalogue's field types do the rest.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.sql import Executable

from adapters.errors import SourceRejected, SourceUnavailable
from adapters.protocol import Capabilities, FetchRequest, SearchRequest
from adapters.sql.config import SqlSourceConfig, TableMapping
from adapters.sql.statements import RecordsQuery, records_query, search_statement
from gateway.domain import RawRecord, SubjectHit, SubjectKind
from gateway.values import to_date, to_detail, to_text

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
        self._by_name = {m.name: m for m in config.mappings}
        # Asked on every fan-out; the mappings never change, so work it out once.
        items: frozenset[str] = frozenset().union(*(m.items for m in config.mappings))
        self._capabilities = Capabilities(items, any(m.searchable for m in config.mappings))
        self._queries: dict[frozenset[str], RecordsQuery] = {}

    @property
    def name(self) -> str:
        return self.config.name

    def capabilities(self) -> Capabilities:
        return self._capabilities

    async def fetch(self, request: FetchRequest) -> Mapping[str, Sequence[RawRecord]]:
        result: dict[str, list[RawRecord]] = {code: [] for code in request.codes}
        wanted = [
            m for m in self.config.mappings if request.items is None or m.items & request.items
        ]
        if not wanted or not request.codes:
            return result
        query = self._query(wanted)
        for row in await self._run(query.statement, {"codes": list(request.codes)}):
            record = self._record(query, row)
            if record is None or record.subject_code not in result:
                continue
            if request.items is None or record.item in request.items:
                result[record.subject_code].append(record)
        return result

    async def search(self, request: SearchRequest) -> Sequence[SubjectHit]:
        mappings = [m for m in self.config.mappings if m.searchable]
        if not mappings or not request.text:
            return []
        dialect = self.engine.dialect.name
        statement = search_statement(mappings, dialect, request.text, request.after, request.limit)
        hits = []
        for row in await self._run(statement, {}):
            mapping = self._by_name[str(row["mapping"])]
            kind = _kind(mapping, row["kind"]) or SubjectKind.LEGAL_PERSON
            if kind in request.kinds and row["name"]:
                hits.append(SubjectHit(str(row["code"]), str(row["name"]), kind, self.name))
        return hits

    async def aclose(self) -> None:
        await self.engine.dispose()

    def _query(self, wanted: list[TableMapping]) -> RecordsQuery:
        key = frozenset(m.name for m in wanted)
        if key not in self._queries:
            self._queries[key] = records_query(wanted)
        return self._queries[key]

    async def _run(
        self, statement: Executable, params: dict[str, object]
    ) -> list[Mapping[str, object]]:
        try:
            async with self.engine.connect() as connection:
                result = await connection.execute(statement, params)
                return [dict(row) for row in result.mappings()]
        except (DBAPIError, OSError) as exc:
            # Connection refused, missing table, lost server: the source is down
            # for this request; details go to the log, never to the client.
            log.warning("source %s failed: %s", self.name, exc)
            raise SourceUnavailable(self.name, type(exc).__name__) from exc
        except SQLAlchemyError as exc:
            log.warning("source %s rejected the statement: %s", self.name, exc)
            raise SourceRejected(self.name, type(exc).__name__) from exc

    def _record(self, query: RecordsQuery, row: Mapping[str, object]) -> RawRecord | None:
        mapping = self._by_name.get(str(row["mapping"]))
        if mapping is None:
            return None
        cells = query.cells(mapping, row)

        def cell(name: str | None) -> object:
            return None if name is None else cells[name]

        code, record_id = to_text(cell(mapping.code_column)), to_text(cell(mapping.id_column))
        item = mapping.item or mapping.item_values.get(str(cell(mapping.item_column)))
        if code is None or record_id is None or item is None:
            return None
        return RawRecord(
            source=self.name,
            # The table and its row: stable whatever the mapping is called, since
            # the gateway's own marks on a record refer to its id.
            record_id=f"{mapping.table}:{record_id}",
            origin=mapping.name,
            subject_code=code.upper(),
            item=item,
            title=to_text(cell(mapping.title_column)) if mapping.title_column else mapping.title,
            occurred_on=to_date(cell(mapping.occurred_column)),
            decided_on=to_date(cell(mapping.decided_column)),
            ended_on=to_date(cell(mapping.ended_column)),
            subject_name=to_text(cell(mapping.name_column)),
            subject_kind=_kind(mapping, cell(mapping.kind_column)) if mapping.searchable else None,
            details={key: to_detail(cells[name]) for key, name in mapping.details.items()},
        )


def _kind(mapping: TableMapping, raw: object) -> SubjectKind | None:
    """The kind the mapping says a row's subject is; None when it does not say, so a
    record claims no kind it does not know (gateway.records drops by kind)."""
    if mapping.kind_column is not None:
        return mapping.kind_values.get(str(raw), mapping.kind)
    return mapping.kind
