"""The gateway's own marks, read in one statement per batch of subjects.

What the gateway itself knows beside what the sources sent. On a record: an
objection pending (000 art. 46, 001 art. 34), a repair completed (003 art. 44),
a shield the subject asked for (001 art. 35), a withdrawal after the decision
was revoked (003 art. 43). On a subject: a list membership the gateway holds
itself (a key-attention listing, 001 art. 19). The workflows that set them
build on this table.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from cachetools import TTLCache
from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.domain import ListKind
from gateway.sql_reads import SqlReads
from gateway.store.consents import utc
from gateway.store.tables import record_marks


class Mark(StrEnum):
    OBJECTION = "OBJECTION"
    REPAIR = "REPAIR"
    SHIELD = "SHIELD"
    WITHDRAWAL = "WITHDRAWAL"
    REPAIR_PENDING = "REPAIR_PENDING"  # a repair applied for, not yet decided
    LISTING = "LISTING"  # on a subject, with its list kind
    CORRECTION = "CORRECTION"  # fields corrected by an upheld objection (004 art. 52)


@dataclass(frozen=True, slots=True)
class RecordMark:
    """A mark on one record (``record_id``) or, without one, on the subject itself."""

    subject_code: str
    record_id: str | None
    mark: Mark
    since: datetime
    until: datetime | None = None
    reference: str | None = None
    list_kind: ListKind | None = None
    # CORRECTION: the corrected fields, detail key -> value as the source would give it.
    detail: Mapping[str, str] | None = None

    def in_force(self, now: datetime) -> bool:
        return self.since <= now and (self.until is None or now < self.until)


class RecordMarks:
    """Marks by subject, read in one statement per batch.

    By default nothing is cached: an objection filed through one gateway process
    annotates the record on every other from their next request (000 art. 46),
    for one indexed query per batch. ``ttl_s`` > 0 keeps marks that long, trading
    that for a round trip (this process's own writes still invalidate at once).
    """

    def __init__(
        self,
        engine: AsyncEngine,
        ttl_s: float = 0.0,
        maxsize: int = 10_000,
        reads: SqlReads | None = None,
    ) -> None:
        self.engine = engine
        self.reads = reads or SqlReads(engine)
        self._ttl_s = ttl_s
        self._cache: TTLCache[str, tuple[RecordMark, ...]] = TTLCache(maxsize, max(ttl_s, 1e-9))
        self._generation = 0

    async def add(self, mark: RecordMark) -> None:
        row = {
            "id": str(uuid.uuid4()),
            "subject_code": mark.subject_code,
            "record_id": mark.record_id,
            "mark": mark.mark.value,
            "list_kind": None if mark.list_kind is None else mark.list_kind.value,
            "since": utc(mark.since),
            "until": None if mark.until is None else utc(mark.until),
            "reference": mark.reference,
        }
        try:
            async with self.engine.begin() as connection:
                await connection.execute(record_marks.insert().values(**row))
        finally:
            self._generation += 1
            self._cache.pop(mark.subject_code, None)

    def invalidate(self, code: str) -> None:
        """Forget ``code``'s marks: this process wrote some elsewhere (a workflow)."""
        self._generation += 1
        self._cache.pop(code, None)

    async def for_subjects(self, codes: Sequence[str]) -> dict[str, tuple[RecordMark, ...]]:
        """Every mark on the records of ``codes`` (each code a key)."""
        if self._ttl_s <= 0:
            return await self._read(list(dict.fromkeys(codes)))
        found = {code: hit for code in codes if (hit := self._cache.get(code)) is not None}
        missing = [code for code in dict.fromkeys(codes) if code not in found]
        if missing:
            generation = self._generation
            read = await self._read(missing)
            for code in missing:
                found[code] = read[code]
                # Read across this process's own write: it may predate it; don't keep it.
                if generation == self._generation:
                    self._cache[code] = read[code]
        return found

    async def _read(self, codes: Sequence[str]) -> dict[str, tuple[RecordMark, ...]]:
        found: dict[str, list[RecordMark]] = {code: [] for code in codes}
        for row in await self.reads.rows(_MARKS_OF, {"codes": list(found)}):
            found[row["subject_code"]].append(
                RecordMark(
                    subject_code=row["subject_code"],
                    record_id=row["record_id"],
                    mark=Mark(row["mark"]),
                    since=utc(row["since"]),
                    until=None if row["until"] is None else utc(row["until"]),
                    reference=row["reference"],
                    list_kind=None if row["list_kind"] is None else ListKind(row["list_kind"]),
                    detail=None if row["detail"] is None else json.loads(row["detail"]),
                )
            )
        return {code: tuple(marks) for code, marks in found.items()}


# One statement object for every read: SQLAlchemy compiles it once, and
# SqlReads remembers it if it ever overruns its budget on the loop.
_MARKS_OF = select(record_marks).where(
    record_marks.c.subject_code.in_(bindparam("codes", expanding=True))
)
