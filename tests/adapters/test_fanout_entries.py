"""SourceSet.entries: one list's pages merged from every source that browses it."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import replace

import pytest

from adapters.errors import SourceTimeout, SourceUnavailable
from adapters.fanout import SourceSet
from adapters.protocol import Capabilities, EntriesRequest, FetchRequest, SearchRequest, Source
from gateway.config.catalogue import Catalogue
from gateway.config.resilience import Resilience
from gateway.config.sources import SourceSpec
from gateway.domain import Provenance, RawRecord, SubjectHit, SubjectKind
from gateway.records import CreditRecord, Normaliser
from tests.codes import org_code, person_code
from tests.factories import item

LISTED, OTHER, ORGS_ONLY = "LISTED", "OTHER", "ORGS_ONLY"
C1, C2, C3 = org_code(1), org_code(2), org_code(3)
CATALOGUE = Catalogue(
    {
        LISTED: item(LISTED),
        OTHER: item(OTHER),
        ORGS_ONLY: replace(item(ORGS_ONLY), subject_kinds=frozenset({SubjectKind.LEGAL_PERSON})),
    }
)


class ListSource:
    """Answers entries() from ``records`` as the protocol says; counts what it is asked."""

    def __init__(
        self, name: str, records: Sequence[tuple[str, str, str]], browsable: frozenset[str]
    ) -> None:
        self._name = name
        self.records = [RawRecord(name, rid, code, item) for code, rid, item in records]
        self.browsable = browsable
        self.asked: list[EntriesRequest] = []
        self.error: Exception | None = None

    @property
    def name(self) -> str:
        return self._name

    def capabilities(self) -> Capabilities:
        items = frozenset({LISTED, OTHER, ORGS_ONLY})
        return Capabilities(items, searchable=False, browsable=self.browsable)

    async def fetch(self, request: FetchRequest) -> Mapping[str, Sequence[RawRecord]]:
        return {code: [] for code in request.codes}

    async def search(self, request: SearchRequest) -> Sequence[SubjectHit]:
        return []

    async def entries(self, request: EntriesRequest) -> Sequence[RawRecord]:
        self.asked.append(request)
        if self.error is not None:
            raise self.error
        found = sorted(
            (r for r in self.records if r.item in request.items),
            key=lambda r: (r.subject_code, r.record_id),
        )
        if request.after is not None:
            code, rid = request.after
            found = [r for r in found if (r.subject_code, r.record_id) > (code, rid or "")]
            if rid is None:
                found = [r for r in found if r.subject_code > code]
        return found[: request.limit]

    async def aclose(self) -> None:
        pass


def source_set(*sources: ListSource) -> SourceSet:
    typed: list[Source] = list(sources)  # mypy: a ListSource is a Source
    specs = [
        SourceSpec(
            s.name,
            "fake",
            Provenance.MARKET_CREDIT if s.name == "src2" else Provenance.PUBLIC_CREDIT,
            Resilience(),
            None,
            s.capabilities().items,
        )
        for s in sources
    ]
    return SourceSet(specs, typed, Normaliser(CATALOGUE))


def keys(records: Sequence[CreditRecord]) -> list[tuple[str, str]]:
    return [(r.subject_code, r.id) for r in records]


# "src2:" sorts before "src:" (':' is after '2'): each source's records of one
# code come together, src2's first.
SRC = [(C1, "r1", LISTED), (C1, "r3", LISTED), (C3, "r1", LISTED), (C2, "x", OTHER)]
SRC2 = [(C1, "r2", LISTED), (C2, "r1", LISTED), (C2, "r9", LISTED), (C3, "r0", LISTED)]


def sources() -> tuple[ListSource, ListSource]:
    return (
        ListSource("src", SRC, frozenset({LISTED, OTHER})),
        ListSource("src2", SRC2, frozenset({LISTED})),
    )


FULL = [
    (C1, "src2:r2"),
    (C1, "src:r1"),
    (C1, "src:r3"),
    (C2, "src2:r1"),
    (C2, "src2:r9"),
    (C3, "src2:r0"),
    (C3, "src:r1"),
]


async def test_answers_merge_in_code_then_id_order_with_provenance() -> None:
    src, src2 = sources()
    outcome = await source_set(src, src2).entries(frozenset({LISTED}), 100)
    assert keys(outcome.records) == FULL
    assert outcome.failures == []
    assert outcome.next_after is None
    assert {r.id: r.provenance for r in outcome.records}["src2:r2"] is Provenance.MARKET_CREDIT
    # Each source was asked only for the items it browses.
    assert [a.items for a in src.asked + src2.asked] == [frozenset({LISTED})] * 2


@pytest.mark.parametrize("limit", [1, 2, 3, 4])
async def test_pages_meet_without_gaps_or_repeats(limit: int) -> None:
    sset = source_set(*sources())
    pages: list[list[tuple[str, str]]] = []
    after: tuple[str, str] | None = None
    while page := (await sset.entries(frozenset({LISTED}), limit, after)).records:
        pages.append(keys(page))
        after = pages[-1][-1]
    assert [len(p) for p in pages[:-1]] == [limit] * (len(pages) - 1)
    assert [k for page in pages for k in page] == FULL


@pytest.mark.parametrize(
    ("after", "to_src", "to_src2"),
    [
        ((C1, "src:r1"), (C1, "r1"), (C1, None)),  # src2's records of C1 all came before
        ((C1, "src2:r2"), (C1, ""), (C1, "r2")),  # src's records of C1 all come after
        ((C1, "a"), (C1, ""), (C1, "")),
        ((C1, "zzz"), (C1, None), (C1, None)),
    ],
)
async def test_the_cursor_is_translated_into_each_sources_ids(
    after: tuple[str, str], to_src: tuple[str, str | None], to_src2: tuple[str, str | None]
) -> None:
    src, src2 = sources()
    await source_set(src, src2).entries(frozenset({LISTED}), 2, after)
    assert (src.asked[0].after, src2.asked[0].after) == (to_src, to_src2)


async def test_a_failing_source_is_reported_and_the_others_arrive() -> None:
    src, src2 = sources()
    src.error = SourceUnavailable("src", "down")
    outcome = await source_set(src, src2).entries(frozenset({LISTED}), 100)
    assert [f.source for f in outcome.failures] == ["src"]
    assert keys(outcome.records) == [k for k in FULL if k[1].startswith("src2:")]


async def test_only_sources_browsing_the_items_are_asked() -> None:
    src, src2 = sources()
    outcome = await source_set(src, src2).entries(frozenset({OTHER}), 10)
    assert keys(outcome.records) == [(C2, "src:x")]
    assert (len(src.asked), len(src2.asked)) == (1, 0)


async def test_a_page_stops_where_a_full_source_stops_and_says_where_to_go_on() -> None:
    # The normaliser drops src's person record (ORGS_ONLY is for legal persons):
    # src sends a full page of 2 but only one survives; src2 has records past
    # src's page, which must wait for the next, or src's next record is lost.
    person = person_code(5)
    src = ListSource(
        "src",
        [
            (C1, "a", ORGS_ONLY),
            (person, "b", ORGS_ONLY),
            (person, "c", ORGS_ONLY),
            (C3, "d", LISTED),
        ],
        frozenset({ORGS_ONLY, LISTED}),
    )
    src2 = ListSource("src2", [(C2, "e", LISTED), (C3, "f", LISTED)], frozenset({LISTED}))
    sset = source_set(src, src2)
    items = frozenset({ORGS_ONLY, LISTED})
    shown: list[tuple[str, str]] = []
    after: tuple[str, str] | None = None
    for _ in range(10):
        outcome = await sset.entries(items, 2, after)
        shown += keys(outcome.records)
        if outcome.next_after is None:
            break
        after = outcome.next_after
    assert shown == [(C1, "src:a"), (C2, "src2:e"), (C3, "src2:f"), (C3, "src:d")]


async def test_a_passed_deadline_asks_no_source() -> None:
    src, src2 = sources()
    deadline = asyncio.get_running_loop().time() - 1
    outcome = await source_set(src, src2).entries(frozenset({LISTED}), 10, deadline=deadline)
    assert outcome.records == []
    assert {type(f) for f in outcome.failures} == {SourceTimeout}
    assert src.asked == src2.asked == []
