"""The gateway's own marks on records, read in one statement per batch of subjects.

What the gateway itself knows about a record, beside what its source sent: an
objection pending (000 art. 46, 001 art. 34), a repair completed (003 art. 44),
a shield the subject asked for (001 art. 35), a withdrawal after the decision
was revoked (003 art. 43). The workflows that set them build on this table.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.store.consents import utc
from gateway.store.tables import record_marks


class Mark(StrEnum):
    OBJECTION = "OBJECTION"
    REPAIR = "REPAIR"
    SHIELD = "SHIELD"
    WITHDRAWAL = "WITHDRAWAL"


@dataclass(frozen=True, slots=True)
class RecordMark:
    subject_code: str
    record_id: str
    mark: Mark
    since: datetime
    until: datetime | None = None
    reference: str | None = None

    def in_force(self, now: datetime) -> bool:
        return self.since <= now and (self.until is None or now < self.until)


class RecordMarks:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def add(self, mark: RecordMark) -> None:
        row = {
            "id": str(uuid.uuid4()),
            "subject_code": mark.subject_code,
            "record_id": mark.record_id,
            "mark": mark.mark.value,
            "since": utc(mark.since),
            "until": None if mark.until is None else utc(mark.until),
            "reference": mark.reference,
        }
        async with self.engine.begin() as connection:
            await connection.execute(record_marks.insert().values(**row))

    async def for_subjects(self, codes: Sequence[str]) -> dict[str, list[RecordMark]]:
        """Every mark on the records of ``codes`` (each code a key), in one statement."""
        found: dict[str, list[RecordMark]] = {code: [] for code in codes}
        query = select(record_marks).where(record_marks.c.subject_code.in_(list(found)))
        async with self.engine.connect() as connection:
            for row in await connection.execute(query):
                found[row.subject_code].append(
                    RecordMark(
                        subject_code=row.subject_code,
                        record_id=row.record_id,
                        mark=Mark(row.mark),
                        since=utc(row.since),
                        until=None if row.until is None else utc(row.until),
                        reference=row.reference,
                    )
                )
        return found
