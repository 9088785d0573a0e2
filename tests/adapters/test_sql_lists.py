"""A SQL source's lists: entries naming responsible persons, the entries on those
persons' own files, and browsing a list across subjects; on every backend."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import create_async_engine

from adapters.fanout import SourceSet
from adapters.protocol import EntriesRequest, FetchRequest
from adapters.sql.source import SqlSource
from gateway.config.catalogue import Catalogue
from gateway.domain import RawRecord, ResponsibleParty, SubjectKind
from gateway.records import CreditRecord, Normaliser
from tests.adapters import sql_lists_fixture as fx
from tests.adapters.test_sql_contract import BACKENDS, Counted
from tests.adapters.test_sql_contract import _database as database
from tests.factories import item
from tests.gateway_config import sql_spec

EXTRA = 12  # more single-row serious entries of ORG_D: v_yzsx:100 ... v_yzsx:111
ORGS = (fx.ORG_A, fx.ORG_B, fx.ORG_C, fx.ORG_D)


@pytest.fixture(params=BACKENDS)
async def lists(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Counted]:
    async with AsyncExitStack() as stack:
        url = await database(stack, request.param, tmp_path)
        engine = create_async_engine(url)
        await fx.populate(engine, extra=EXTRA)
        source = SqlSource(fx.source_config(url), engine)
        stack.push_async_callback(source.aclose)
        yield Counted(source)


def by_id(records: Sequence[RawRecord]) -> dict[str, RawRecord]:
    ids = [r.record_id for r in records]
    assert len(ids) == len(set(ids)), ids  # the rows of one entry are one record
    return {r.record_id: r for r in records}


def key(record: RawRecord) -> tuple[str, str]:
    return record.subject_code, record.record_id


async def everything(source: SqlSource) -> list[RawRecord]:
    """The organisations' list records as fetch gives them, in (code, id) order."""
    answer = await source.fetch(FetchRequest(ORGS, fx.ORG_ITEMS))
    return sorted((r for records in answer.values() for r in records), key=key)


# --- The organisation's side --------------------------------------------------------------


async def test_an_entry_names_every_party_of_its_rows_once(lists: Counted) -> None:
    answer = await lists.source.fetch(FetchRequest((fx.ORG_A, fx.ORG_B, fx.ORG_C)))
    a, b = by_id(answer[fx.ORG_A]), by_id(answer[fx.ORG_B])
    legal = ResponsibleParty(fx.LEGAL, "张三", fx.P1)
    first = a["v_yzsx:1"].responsible  # three rows in the view
    assert first[0] == legal  # every row names the legal representative first
    assert len(first) == 4
    assert set(first) == {
        legal,
        ResponsibleParty(fx.CONTROLLER, "赵六", fx.P3),
        ResponsibleParty(fx.OTHER, "孙七", fx.P4),  # upper-cased: the view has 'x'
        ResponsibleParty(fx.CONTROLLER, "张三", fx.P1),  # one person, another role
    }
    assert a["v_yzsx:3"].responsible == (legal,)  # no others: one row, its others NULL
    # A party with neither name nor code names nobody; one without a code still counts.
    assert b["v_yzsx:2"].responsible == (
        ResponsibleParty(fx.LEGAL, "李四", fx.P2),
        ResponsibleParty(fx.CONTROLLER, "赵六", fx.P3),
    )
    assert b["v_yzsx:10"].responsible == (ResponsibleParty(fx.LEGAL, "王五", None),)
    details = a["v_yzsx:1"].details
    assert (set(details), details["reason"]) == ({"reason", "listed_on"}, "拒不履行")
    assert a["jyyc:J9"].responsible == ()  # a mapping naming nobody
    # The revoked entry is filtered out.
    assert fx.SERIOUS not in {r.item for r in answer[fx.ORG_C]}


# --- The persons' side ----------------------------------------------------------------


async def test_a_person_sees_each_entry_naming_them_once(lists: Counted) -> None:
    answer = await lists.source.fetch(FetchRequest((fx.P1, fx.P3, fx.P5)))
    orgs = by_id((await lists.source.fetch(FetchRequest((fx.ORG_A, fx.ORG_B))))[fx.ORG_A])
    mine = by_id(answer[fx.P1])
    # P1 is named in every row of entry 1, and twice in one of them: one record,
    # the first group's role.
    assert set(mine) == {"v_yzsx:1/responsible", "v_yzsx:3/responsible"}
    record, entry = mine["v_yzsx:1/responsible"], orgs["v_yzsx:1"]
    party = ResponsibleParty(fx.LEGAL, "张三", fx.P1)
    assert record == RawRecord(
        source="lists",
        record_id="v_yzsx:1/responsible",
        subject_code=fx.P1,
        item=fx.RESPONSIBLE,
        title=entry.title,
        decided_on=entry.decided_on,
        subject_kind=SubjectKind.NATURAL_PERSON,
        details={**entry.details, "organisation_code": fx.ORG_A, "role": fx.LEGAL},
        origin="serious",
        responsible=(party,),
    )
    theirs = by_id(answer[fx.P3])
    assert {r.details["organisation_code"] for r in theirs.values()} == {fx.ORG_A, fx.ORG_B}
    assert {r.details["role"] for r in theirs.values()} == {fx.CONTROLLER}
    assert answer[fx.P5] == []  # named only by a revoked entry


async def test_one_statement_answers_organisations_and_persons(lists: Counted) -> None:
    answer = await lists.source.fetch(FetchRequest((fx.ORG_A, fx.P1, fx.P3, fx.ORG_B)))
    assert lists.statements == 1
    assert {r.item for r in answer[fx.P1]} == {fx.RESPONSIBLE}
    assert fx.SERIOUS in {r.item for r in answer[fx.ORG_A]}
    assert fx.RESPONSIBLE not in {r.item for r in answer[fx.ORG_A]}


async def test_items_choose_the_side_asked(lists: Counted) -> None:
    codes = (fx.ORG_A, fx.P1)
    persons = await lists.source.fetch(FetchRequest(codes, frozenset({fx.RESPONSIBLE})))
    assert persons[fx.ORG_A] == []
    assert len(persons[fx.P1]) == 2
    organisations = await lists.source.fetch(FetchRequest(codes, frozenset({fx.SERIOUS})))
    assert organisations[fx.P1] == []
    assert len(organisations[fx.ORG_A]) == 2
    assert lists.statements == 2
    elsewhere = await lists.source.fetch(FetchRequest(codes, frozenset({fx.ABNORMAL})))
    assert elsewhere[fx.P1] == []


def test_capabilities_serve_both_sides_and_browse_the_organisations(lists: Counted) -> None:
    capabilities = lists.source.capabilities()
    assert capabilities.items == fx.ORG_ITEMS | {fx.RESPONSIBLE}
    assert capabilities.browsable == fx.ORG_ITEMS


# --- Browsing -------------------------------------------------------------------------


async def test_entries_are_every_subjects_records_in_code_point_order(lists: Counted) -> None:
    full = list(await lists.source.entries(EntriesRequest(fx.ORG_ITEMS, 1000)))
    assert lists.statements == 1
    assert full == await everything(lists.source)
    assert fx.RESPONSIBLE not in {r.item for r in full}
    # Ids compare as text, across tables: "J10" < "J9", "mdxx:20" < "mdxx:5".
    assert [r.record_id for r in full if r.subject_code == fx.ORG_A] == [
        "jyyc:J10",
        "jyyc:J9",
        "mdxx:20",
        "mdxx:5",
        "v_yzsx:1",
        "v_yzsx:3",
    ]
    assert [r.record_id for r in full if r.subject_code == fx.ORG_C] == [
        "jyyc:B1",
        "jyyc:a1",
        "mdxx:7",
    ]
    assert len(full) == 6 + 4 + 3 + (1 + EXTRA)


@pytest.mark.parametrize("limit", [1, 2, 3, 5, 7])
async def test_pages_meet_without_gaps_or_repeats(lists: Counted, limit: int) -> None:
    full = await everything(lists.source)
    pages: list[list[RawRecord]] = []
    after: tuple[str, str | None] | None = None
    while True:
        lists.statements = 0
        page = list(await lists.source.entries(EntriesRequest(fx.ORG_ITEMS, limit, after)))
        assert lists.statements == 1
        if not page:
            break
        pages.append(page)
        after = key(page[-1])
    # Every page but the last is full, and the merged entries arrive whole.
    assert [len(p) for p in pages[:-1]] == [limit] * (len(pages) - 1)
    assert [r for page in pages for r in page] == full


async def test_an_entry_of_many_rows_is_never_cut(lists: Counted) -> None:
    (first,) = await lists.source.entries(EntriesRequest(frozenset({fx.SERIOUS}), 1))
    assert first.record_id == "v_yzsx:1"
    assert len(first.responsible) == 4  # all three rows of the view, not the first


async def test_only_the_items_asked_for_fill_a_page(lists: Counted) -> None:
    red = frozenset({fx.RED})
    pages: list[str] = []
    after: tuple[str, str | None] | None = None
    while page := await lists.source.entries(EntriesRequest(red, 1, after)):
        pages += [r.record_id for r in page]
        after = key(page[-1])
    # mdxx:20 (KEY_ATTENTION) sorts first in ORG_A, and mdxx:8 has no item.
    assert pages == ["mdxx:5", "mdxx:7"]


@pytest.mark.parametrize(
    ("after", "first"),
    [
        ((fx.ORG_A, None), (fx.ORG_B, "jyyc:J2")),  # after every record of ORG_A
        ((fx.ORG_A, ""), (fx.ORG_A, "jyyc:J10")),  # before every record of ORG_A
        ((fx.ORG_A, "jyyc:J9"), (fx.ORG_A, "mdxx:20")),  # the next table
        ((fx.ORG_A, "mdxx:20"), (fx.ORG_A, "mdxx:5")),  # the same table, as text
        ((fx.ORG_A, "k"), (fx.ORG_A, "mdxx:20")),  # between the tables' prefixes
        ((fx.ORG_A, "zzz"), (fx.ORG_B, "jyyc:J2")),  # after every table's
        (("0", None), (fx.ORG_A, "jyyc:J10")),
    ],
)
async def test_a_cursor_is_a_place_in_code_then_record_id_order(
    lists: Counted, after: tuple[str, str | None], first: tuple[str, str]
) -> None:
    page = await lists.source.entries(EntriesRequest(fx.ORG_ITEMS, 1, after))
    assert [key(r) for r in page] == [first]


async def test_nothing_browsable_asked_is_no_statement(lists: Counted) -> None:
    assert await lists.source.entries(EntriesRequest(frozenset({fx.RESPONSIBLE}), 10)) == []
    assert await lists.source.entries(EntriesRequest(fx.ORG_ITEMS, 0)) == []
    assert lists.statements == 0


async def test_the_fan_out_pages_two_databases_as_one_list(lists: Counted) -> None:
    # The same rows under another name: every record twice, src "lists" first.
    other = SqlSource(replace(lists.source.config, name="lists2"), lists.source.engine)
    catalogue = Catalogue({code: item(code) for code in fx.ORG_ITEMS})
    specs = [sql_spec(s.config) for s in (lists.source, other)]
    sources = SourceSet(specs, [lists.source, other], Normaliser(catalogue))
    full = (await sources.entries(fx.ORG_ITEMS, 1000)).records
    assert len(full) == 2 * len(await everything(lists.source))
    shown: list[CreditRecord] = []
    after: tuple[str, str] | None = None
    while page := (await sources.entries(fx.ORG_ITEMS, 4, after)).records:
        shown += page
        after = (page[-1].subject_code, page[-1].id)
    assert [r.id for r in shown] == [r.id for r in full]
    assert [r.responsible for r in shown] == [r.responsible for r in full]


LETTERED = "91330106MA2H7K3Q0L"


async def test_codes_stored_in_lower_case_page_forward(lists: Counted) -> None:
    """Codes are served upper-cased; a page's cursor must still move on when the
    table holds them in lower case (an ID number's check letter, say)."""
    engine = lists.source.engine
    async with engine.begin() as connection:
        await connection.execute(
            fx.abnormal.insert(),
            [
                {"bh": f"L{i}", "dm": LETTERED.lower(), "lryy": "未年报", "lrrq": None}
                for i in range(3)
            ],
        )
    request = frozenset({fx.ABNORMAL})
    whole = list(await lists.source.entries(EntriesRequest(request, 100)))
    seen: list[RawRecord] = []
    after: tuple[str, str | None] | None = None
    for _ in range(len(whole) + 1):
        page = list(await lists.source.entries(EntriesRequest(request, 1, after)))
        if not page:
            break
        assert after is None or key(page[0]) > (after[0], after[1] or "")
        seen += page
        after = key(page[-1])
    assert seen == whole
    assert sum(r.subject_code == LETTERED for r in whole) == 3
