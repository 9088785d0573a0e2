"""An in-memory Source and a manual clock for the wrapper tests, and the checks
every wrapper shares: it satisfies the protocol and passes the plain parts through."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Mapping, Sequence

import pytest

from adapters.protocol import Capabilities, EntriesRequest, FetchRequest, SearchRequest, Source
from adapters.wrappers.breaker import BreakerSource
from adapters.wrappers.cache import CachingSource
from adapters.wrappers.metrics import MeasuredSource
from adapters.wrappers.retry import RetryingSource
from adapters.wrappers.timeout import TimeoutSource
from gateway.domain import RawRecord, SubjectHit, SubjectKind


def record(code: str, item: str = "item.a") -> RawRecord:
    return RawRecord(source="fake", record_id=f"{code}/{item}", subject_code=code, item=item)


class FakeSource:
    """Answers from ``records``; raises ``errors`` one per call first, then ``always``.

    With ``gate`` set, every call waits for it, so a test can hold a call open.
    """

    def __init__(
        self,
        records: Mapping[str, Sequence[RawRecord]] | None = None,
        *,
        errors: Iterable[BaseException] = (),
    ) -> None:
        self.records = dict(records or {})
        self.errors = list(errors)
        self.always: BaseException | None = None
        self.gate: asyncio.Event | None = None
        self.fetches: list[FetchRequest] = []
        self.searches: list[SearchRequest] = []
        self.browses: list[EntriesRequest] = []
        self.closed = False

    @property
    def name(self) -> str:
        return "fake"

    @property
    def calls(self) -> int:
        return len(self.fetches) + len(self.searches) + len(self.browses)

    def capabilities(self) -> Capabilities:
        items = frozenset({"item.a", "item.b"})
        return Capabilities(items=items, searchable=True, browsable=items)

    async def fetch(self, request: FetchRequest) -> Mapping[str, Sequence[RawRecord]]:
        self.fetches.append(request)
        await self._answer()
        wanted = request.items
        return {
            code: [r for r in self.records.get(code, ()) if wanted is None or r.item in wanted]
            for code in request.codes
        }

    async def search(self, request: SearchRequest) -> Sequence[SubjectHit]:
        self.searches.append(request)
        await self._answer()
        return [
            SubjectHit(code=code, name=code, kind=SubjectKind.LEGAL_PERSON, source=self.name)
            for code in sorted(self.records)
            if request.text in code
        ]

    async def entries(self, request: EntriesRequest) -> Sequence[RawRecord]:
        self.browses.append(request)
        await self._answer()
        found = sorted(
            (r for records in self.records.values() for r in records if r.item in request.items),
            key=lambda r: (r.subject_code, r.record_id),
        )
        if request.after is not None:
            code, record_id = request.after
            found = [
                r
                for r in found
                if r.subject_code > code
                or (r.subject_code == code and record_id is not None and r.record_id > record_id)
            ]
        return found[: request.limit]

    async def aclose(self) -> None:
        self.closed = True

    async def _answer(self) -> None:
        if self.gate is not None:
            await self.gate.wait()
        if self.errors:
            raise self.errors.pop(0)
        if self.always is not None:
            raise self.always


class Clock:
    """A clock that moves only when told to."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


# Each wrapper as a function of the source it wraps; typed as Source, so mypy
# fails here if a wrapper stops satisfying the protocol.
WRAPPERS: dict[str, Callable[[Source], Source]] = {
    "retry": lambda s: RetryingSource(s, 1, 0.0, 0.0),
    "breaker": lambda s: BreakerSource(s, 1, 1.0),
    "cache": lambda s: CachingSource(s, 1.0, 10),
    "metrics": MeasuredSource,
    "timeout": lambda s: TimeoutSource(s, 1.0),
}


@pytest.mark.parametrize("wrap", WRAPPERS.values(), ids=WRAPPERS.keys())
async def test_wrappers_pass_entries_through(wrap: Callable[[Source], Source]) -> None:
    fake = FakeSource({"B": [record("B")], "A": [record("A"), record("A", "item.b")]})
    wrapped = wrap(fake)
    request = EntriesRequest(frozenset({"item.a"}), limit=5, after=("A", None))
    # Twice: a wrapper that kept an answer (the cache) would ask the fake once.
    for _ in range(2):
        assert list(await wrapped.entries(request)) == [record("B")]
    assert fake.browses == [request, request]


@pytest.mark.parametrize("wrap", WRAPPERS.values(), ids=WRAPPERS.keys())
async def test_wrappers_pass_name_capabilities_and_aclose_through(
    wrap: Callable[[Source], Source],
) -> None:
    fake = FakeSource()
    wrapped = wrap(fake)
    assert wrapped.name == "fake"
    assert wrapped.capabilities() == fake.capabilities()
    await wrapped.aclose()
    assert fake.closed
