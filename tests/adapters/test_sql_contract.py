"""The SQL adapter's contract, run once per backend: SQLite always, PostgreSQL and
MariaDB on the real servers (required under CI=true)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import create_async_engine

from adapters.errors import SourceUnavailable
from adapters.protocol import FetchRequest, SearchRequest
from adapters.sql.source import SqlSource
from gateway.domain import SubjectKind
from tests.adapters import sql_fixture as fx
from tests.backends import MARIADB, POSTGRES, fresh_database
from tests.codes import org_code

ALL_KINDS = frozenset(SubjectKind)


class Counted:
    """A source plus the number of SQL statements it has sent."""

    def __init__(self, source: SqlSource) -> None:
        self.source = source
        self.statements = 0
        event.listen(source.engine.sync_engine, "before_cursor_execute", self._count)

    def _count(self, *args: object) -> None:
        self.statements += 1


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
async def provider(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Counted]:
    async with AsyncExitStack() as stack:
        if request.param == "sqlite":
            url = f"sqlite+aiosqlite:///{tmp_path / 'provider.db'}"
        else:
            server = POSTGRES if request.param == "postgresql" else MARIADB
            url = await stack.enter_async_context(fresh_database(server))
        engine = create_async_engine(url)
        await fx.populate(engine, extra_subjects=60)
        source = SqlSource(fx.source_config(url), engine)
        stack.push_async_callback(source.aclose)
        yield Counted(source)


async def test_every_requested_code_comes_back(provider: Counted) -> None:
    unknown = org_code(999)
    answer = await provider.source.fetch(FetchRequest((fx.ACME, unknown)))
    assert set(answer) == {fx.ACME, unknown}
    assert answer[unknown] == []


async def test_rows_map_to_records_through_config(provider: Counted) -> None:
    answer = await provider.source.fetch(FetchRequest((fx.ACME,)))
    by_id = {r.record_id: r for r in answer[fx.ACME]}
    # The row filter drops the revoked penalty (zt = '0').
    assert set(by_id) == {"reg:1", "cf:11", "cf:12"}
    penalty = by_id["cf:11"]
    assert penalty.item == "PENALTY"
    assert penalty.title == "未按规定公示年度报告"
    assert penalty.decided_on == date(2024, 3, 15)  # 'YYYYMMDD' text column
    assert float(penalty.details["fine_amount"]) == 5000  # type: ignore[arg-type]
    assert "zjxy" not in penalty.details
    assert "religion" not in penalty.details
    assert by_id["cf:12"].item == "WARNING"
    registration = by_id["reg:1"]
    assert registration.decided_on == date(2015, 3, 2)  # DATE column
    assert registration.subject_name == fx.NAMES[fx.ACME]
    assert registration.subject_kind is SubjectKind.LEGAL_PERSON


async def test_unmapped_item_values_are_not_returned(provider: Counted) -> None:
    answer = await provider.source.fetch(FetchRequest((fx.BETA,)))
    assert [r.item for r in answer[fx.BETA]] == ["REG"]


async def test_one_statement_per_batch_whatever_its_size(provider: Counted) -> None:
    await provider.source.fetch(FetchRequest((fx.ACME,)))
    one = provider.statements
    codes = (*tuple(org_code(100 + i) for i in range(60)), fx.ACME, fx.BETA, fx.PERSON)
    provider.statements = 0
    answer = await provider.source.fetch(FetchRequest(codes))
    assert provider.statements == one == 1
    assert sum(len(v) for v in answer.values()) == 60 + 3 + 1 + 1


async def test_items_limit_the_tables_asked(provider: Counted) -> None:
    answer = await provider.source.fetch(FetchRequest((fx.ACME,), frozenset({"WARNING"})))
    assert [r.record_id for r in answer[fx.ACME]] == ["cf:12"]


async def test_capabilities_list_items_and_search(provider: Counted) -> None:
    capabilities = provider.source.capabilities()
    assert capabilities.items == {"REG", "PENALTY", "WARNING"}
    assert capabilities.searchable


async def test_search_pages_by_name_then_code(provider: Counted) -> None:
    first = await provider.source.search(SearchRequest("批量", ALL_KINDS, limit=25))
    assert [h.name for h in first] == [f"杭州批量{i:03d}有限公司" for i in range(25)]
    last = first[-1]
    second = await provider.source.search(
        SearchRequest("批量", ALL_KINDS, limit=50, after=(last.name, last.code))
    )
    assert [h.name for h in second] == [f"杭州批量{i:03d}有限公司" for i in range(25, 60)]


async def test_search_filters_kinds_and_escapes_wildcards(provider: Counted) -> None:
    unincorporated = frozenset({SubjectKind.UNINCORPORATED_ORG})
    hits = await provider.source.search(SearchRequest("杭州", unincorporated, limit=10))
    assert [(h.code, h.kind) for h in hits] == [(fx.GAMMA_LP, SubjectKind.UNINCORPORATED_ORG)]
    # '%' is a literal, not a LIKE wildcard: only the name containing it matches.
    hits = await provider.source.search(SearchRequest("%", ALL_KINDS, limit=10))
    assert [h.code for h in hits] == [fx.GAMMA_LP]


async def test_missing_table_is_source_unavailable(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}"
    source = SqlSource(fx.source_config(url, name="empty"))
    with pytest.raises(SourceUnavailable) as failure:
        await source.fetch(FetchRequest((fx.ACME,)))
    assert failure.value.source == "empty"
    assert "qy_djxx" not in failure.value.public_message  # no SQL details for clients
    await source.aclose()


async def test_unreachable_server_is_source_unavailable() -> None:
    source = SqlSource(fx.source_config("postgresql+asyncpg://nobody@127.0.0.1:1/none"))
    with pytest.raises(SourceUnavailable):
        await source.fetch(FetchRequest((fx.ACME,)))
    await source.aclose()
