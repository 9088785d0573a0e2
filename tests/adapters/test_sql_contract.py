"""The SQL adapter's contract, run once per backend: SQLite always, PostgreSQL and
MariaDB on the real servers (required under CI=true)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import event
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.ext.asyncio import create_async_engine

from adapters.errors import SourceUnavailable
from adapters.protocol import FetchRequest, SearchRequest
from adapters.sql.config import SqlSourceConfig
from adapters.sql.source import SqlSource
from gateway.config.catalogue import Catalogue
from gateway.domain import Provenance, RawRecord, SubjectKind
from gateway.records import Normaliser
from resolvers.records import _detail as rendered  # the schema's RecordDetail of a Detail
from tests.adapters import sql_fixture as fx
from tests.adapters import sql_typed_fixture as typed
from tests.backends import MARIADB, POSTGRES, fresh_database
from tests.codes import org_code
from tests.factories import item

ALL_KINDS = frozenset(SubjectKind)


class Counted:
    """A source plus the number of SQL statements it has sent."""

    def __init__(self, source: SqlSource) -> None:
        self.source = source
        self.statements = 0
        # Statements that answered: a read interrupted on the loop and answered off
        # it (gateway/sql_reads.py, under load) is one statement, not two.
        for engine in source.reads.engines:
            event.listen(engine, "before_cursor_execute", self._count)
            event.listen(engine, "handle_error", self._interrupted)

    def _count(self, *args: object) -> None:
        self.statements += 1

    def _interrupted(self, context: ExceptionContext) -> None:
        if "interrupted" in str(context.original_exception):
            self.statements -= 1


BACKENDS = ["sqlite", "postgresql", "mariadb"]


async def _database(stack: AsyncExitStack, backend: str, tmp_path: Path) -> str:
    if backend == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'provider.db'}"
    server = POSTGRES if backend == "postgresql" else MARIADB
    return await stack.enter_async_context(fresh_database(server))


@pytest.fixture(params=BACKENDS)
async def provider(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Counted]:
    async with AsyncExitStack() as stack:
        url = await _database(stack, request.param, tmp_path)
        engine = create_async_engine(url)
        await fx.populate(engine, extra_subjects=60)
        source = SqlSource(fx.source_config(url), engine)
        stack.push_async_callback(source.aclose)
        yield Counted(source)


@pytest.fixture(params=BACKENDS)
async def typed_provider(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Counted]:
    """The provider plus a third table with INTEGER, DECIMAL, DATETIME, DATE columns."""
    async with AsyncExitStack() as stack:
        url = await _database(stack, request.param, tmp_path)
        engine = create_async_engine(url)
        await fx.populate(engine)
        await typed.populate(engine)
        config = SqlSourceConfig("provider", url, (*fx.mappings(), typed.MAPPING))
        source = SqlSource(config, engine)
        stack.push_async_callback(source.aclose)
        yield Counted(source)


def registration_origin(by_id: dict[str, RawRecord]) -> str | None:
    return by_id["qy_djxx:1"].origin


async def test_rows_map_to_records_through_config(provider: Counted) -> None:
    answer = await provider.source.fetch(FetchRequest((fx.ACME,)))
    by_id = {r.record_id: r for r in answer[fx.ACME]}
    # The row filter drops the revoked penalty (zt = '0').
    assert set(by_id) == {"qy_djxx:1", "xzcf_xx:11", "xzcf_xx:12"}
    penalty = by_id["xzcf_xx:11"]
    # Ids name the table, whatever the mapping is called; the mapping is its origin.
    assert (penalty.item, penalty.origin, registration_origin(by_id)) == ("PENALTY", "cf", "reg")
    assert penalty.title == "未按规定公示年度报告"
    assert penalty.decided_on == date(2024, 3, 15)  # 'YYYYMMDD' text column
    assert float(penalty.details["fine_amount"]) == 5000  # type: ignore[arg-type]
    assert "zjxy" not in penalty.details
    assert "religion" not in penalty.details
    assert by_id["xzcf_xx:12"].item == "WARNING"
    registration = by_id["qy_djxx:1"]
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
    assert [r.record_id for r in answer[fx.ACME]] == ["xzcf_xx:12"]


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


async def test_a_record_claims_no_kind_its_mapping_does_not_give(provider: Counted) -> None:
    # The normaliser drops records by their subject's kind; a guessed kind would
    # drop a person's registration row for a mapping that forgot `kind`.
    registration = replace(fx.mappings()[0], kind_values={})
    config = replace(provider.source.config, mappings=(registration,))
    source = SqlSource(config, provider.source.engine)
    answer = await source.fetch(FetchRequest((fx.ACME,)))
    assert [r.subject_kind for r in answer[fx.ACME]] == [None]
    hits = await source.search(SearchRequest("杭州甲", ALL_KINDS, limit=5))
    assert [h.kind for h in hits] == [SubjectKind.LEGAL_PERSON]  # a hit needs one: the default


async def test_missing_table_is_source_unavailable(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}"
    source = SqlSource(fx.source_config(url, name="empty"))
    with pytest.raises(SourceUnavailable) as failure:
        await source.fetch(FetchRequest((fx.ACME,)))
    assert failure.value.source == "empty"
    assert "qy_djxx" not in failure.value.public_message  # no SQL details for clients
    await source.aclose()


async def _arrears(provider: Counted) -> RawRecord:
    answer = await provider.source.fetch(FetchRequest((fx.ACME,)))
    assert provider.statements == 1  # three tables of unlike column types, one statement
    (arrears,) = (r for r in answer[fx.ACME] if r.item == "TAX_ARREARS")
    return arrears


async def test_values_keep_the_drivers_types(typed_provider: Counted) -> None:
    raw = await _arrears(typed_provider)
    year, amount = raw.details["tax_year"], raw.details["arrears_amount"]
    assert type(year) is int
    assert year == typed.YEAR  # an INTEGER column: not "2025", not 2025.0
    assert type(raw.details["evaluation_year"]) is int  # a whole NUMERIC(4): an int too
    assert raw.details["evaluation_year"] == typed.YEAR
    assert type(amount) is float
    assert amount == typed.AMOUNT  # a DECIMAL column: a number, equal to the source's
    assert raw.details["tax_type"] == "增值税"
    assert raw.details["remark"] is None
    assert type(raw.occurred_on) is date
    assert raw.occurred_on == typed.RECOGNISED_AT.date()  # a DATETIME column
    assert raw.ended_on == typed.PAID_ON  # a DATE column
    assert raw.record_id == "qs_xx:21"


async def test_values_are_converted_once_to_the_declared_types(typed_provider: Counted) -> None:
    raw = await _arrears(typed_provider)
    catalogue = Catalogue({"TAX_ARREARS": replace(item("TAX_ARREARS"), fields=typed.FIELDS)})
    record = Normaliser(catalogue).normalise(raw, Provenance.PUBLIC_CREDIT)
    assert record is not None
    details = {d.key: d for d in record.details}
    for year in (details["tax_year"], details["evaluation_year"]):
        assert type(year.value) is int
        assert (rendered(year).text, rendered(year).number) == ("2025", 2025.0)
    assert details["arrears_amount"].value == typed.AMOUNT
    assert rendered(details["arrears_amount"]).text == "12345.75"
    for key, expected in [("recognised_on", date(2025, 4, 1)), ("paid_on", typed.PAID_ON)]:
        value = details[key].value
        assert type(value) is date  # a DATETIME column too: a date, not a datetime
        assert value == expected
    assert details["tax_type"].value == "增值税"
    assert details["remark"].value is None


async def test_a_fetch_without_details_reads_no_detail_column(provider: Counted) -> None:
    sent: list[str] = []

    def keep(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        sent.append(statement)

    for engine in provider.source.reads.engines:
        event.listen(engine, "before_cursor_execute", keep)
    full = await provider.source.fetch(FetchRequest((fx.ACME, fx.BETA)))
    lean = await provider.source.fetch(FetchRequest((fx.ACME, fx.BETA), details=False))
    assert len(sent) == 2
    # The fine and the legal representative are details only; the penalty's
    # violation is its title too, the founding day its decision day: read either way.
    columns = ("fkje", "fddbr", "wfxw", "clrq")
    assert [c for c in columns if c in sent[0]] == ["fkje", "fddbr", "wfxw", "clrq"]
    assert [c for c in columns if c in sent[1]] == ["wfxw", "clrq"]
    assert any(r.details for records in full.values() for r in records)
    assert {code: [replace(r, details={}) for r in records] for code, records in full.items()} == {
        code: list(records) for code, records in lean.items()
    }
