"""An in-memory Source and a manual clock for the wrapper tests, and the checks
every wrapper shares: it satisfies the protocol and passes the plain parts through."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Mapping, Sequence

import pytest

from adapters.protocol import Capabilities, FetchRequest, SearchRequest, Source
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
        self.closed = False

    @property
    def name(self) -> str:
        return "fake"

    @property
    def calls(self) -> int:
        return len(self.fetches) + len(self.searches)

    def capabilities(self) -> Capabilities:
        return Capabilities(items=frozenset({"item.a", "item.b"}), searchable=True)

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
async def test_wrappers_pass_name_capabilities_and_aclose_through(
    wrap: Callable[[Source], Source],
) -> None:
    fake = FakeSource()
    wrapped = wrap(fake)
    assert wrapped.name == "fake"
    assert wrapped.capabilities() == fake.capabilities()
    await wrapped.aclose()
    assert fake.closed
