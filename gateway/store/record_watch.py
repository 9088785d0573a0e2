"""What each watched subject's records said when last looked at (`record_watch`).

A subject is watched once it reads its notifications or has been told anything
(a workflow step). :meth:`RecordWatch.reconcile` compares what the sources say
now with the last look and, in one transaction per subject, keeps the new look,
logs each event as a step of the workflow log and tells the subject
(:mod:`gateway.source_events` says what counts). A source's first answer about
a subject only takes note (a baseline row per source): the subject is told of
changes from then on, not of its whole file, nor of a source that was down at
the first look. Each row moves only forward, from the look it was compared with
and never back to an older look, so of two gateway processes reconciling at
once, one tells the subject and the other tells nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import date, datetime

from sqlalchemy import and_, select, union, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from gateway.records import CreditRecord
from gateway.source_events import SourceEvent, Watched, events, told, watched
from gateway.store.consents import utc
from gateway.store.workflow_tables import notifications, record_watch
from gateway.store.workflows import Actor, CaseRef, Workflows, append_steps, tell_subject

ENROLLED = ""  # the record id of a subject's own row: watched since seen_at

# A case id for the steps about one record, the same in every process.
_CASES = uuid.UUID("6f1d3a52-93f4-4b8e-9a57-0c1d8e2b7a10")


class RecordWatch:
    def __init__(self, engine: AsyncEngine, workflows: Workflows) -> None:
        self.engine = engine
        self.workflows = workflows
        self._enrolled: set[str] = set()  # known to be watched (per process)

    async def enrol(self, code: str, now: datetime) -> None:
        """Watch ``code`` from now on (idempotent, across processes)."""
        if code in self._enrolled:
            return
        try:
            async with self.engine.begin() as connection:
                if not await _has_row(connection, code):
                    await connection.execute(
                        record_watch.insert().values(**_enrolment(code, now), state="ENROLLED")
                    )
        except IntegrityError:
            pass  # another process enrolled it meanwhile
        self._enrolled.add(code)

    async def watched(self, after: str, limit: int) -> list[str]:
        """Watched subject codes after ``after``, in order: enrolled or ever told anything."""
        codes = union(
            select(record_watch.c.subject_code.label("code")),
            select(notifications.c.subject_code.label("code")),
        ).subquery()
        query = select(codes.c.code).where(codes.c.code > after).order_by(codes.c.code).limit(limit)
        async with self.engine.connect() as connection:
            return [row.code for row in await connection.execute(query)]

    async def reconcile(
        self,
        code: str,
        records: Sequence[CreditRecord],
        answered: Collection[str],
        now: datetime,
        today: date,
    ) -> list[SourceEvent]:
        """Compare ``records`` with the last look and tell the subject of each event;
        the events told.

        ``answered`` names the sources that answered this look, each completely;
        ``now`` is when the look was taken (before the sources were asked). A
        source's first answer about the subject only takes note; a look older than
        the last one kept changes nothing (an overlapping, slower sweep).
        """
        for attempt in range(3):
            try:
                return await self._reconcile(code, records, answered, now, today)
            except IntegrityError:
                # Another process took its first look at a record at the same time:
                # read again; its rows are the last look now.
                if attempt == 2:
                    raise
        return []

    async def _reconcile(
        self,
        code: str,
        records: Sequence[CreditRecord],
        answered: Collection[str],
        now: datetime,
        today: date,
    ) -> list[SourceEvent]:
        told_of: list[SourceEvent] = []
        span: list[int] = []
        async with self.engine.begin() as connection:
            # Writing the subject's own row first takes the write lock (SQLite) or
            # that row's lock (PostgreSQL, MySQL) before reading: one look at a
            # subject at a time, each reading what the last one wrote.
            own = await connection.execute(
                update(record_watch)
                .where(
                    and_(record_watch.c.subject_code == code, record_watch.c.record_id == ENROLLED)
                )
                .values(state="LOOKED")
            )
            if own.rowcount != 1:
                await connection.execute(
                    record_watch.insert().values(**_enrolment(code, now), state="LOOKED")
                )
            rows = await connection.execute(
                select(record_watch).where(record_watch.c.subject_code == code)
            )
            before = {row.record_id: row for row in rows}
            if utc(before[ENROLLED].seen_at) > utc(now):
                return []  # a newer look was kept meanwhile: this one is stale
            await connection.execute(
                update(record_watch)
                .where(
                    and_(record_watch.c.subject_code == code, record_watch.c.record_id == ENROLLED)
                )
                .values(seen_at=utc(now))
            )
            noted = {s for s in answered if _baseline(s) in before}
            for source in sorted(set(answered) - noted):
                await connection.execute(
                    record_watch.insert().values(
                        subject_code=code,
                        record_id=_baseline(source),
                        state="BASELINE",
                        digest="",
                        seen_at=utc(now),
                    )
                )
            for record in records:
                if record.source not in answered:
                    continue
                row = before.get(record.id)
                last = None if row is None else Watched(row.state, row.digest)
                look = watched(record, today)
                if last == look or not await _moved(connection, code, record.id, last, look, now):
                    continue  # unchanged, or another process moved it on first and tells
                if record.source not in noted:
                    continue  # the source's first answer about the subject takes note only
                for event in events(last, look):
                    span.extend(await _tell(connection, record, event, now))
                    told_of.append(event)
        self._enrolled.add(code)
        if span:
            await self.workflows.appended(min(span), max(span))
        return told_of


def _baseline(source: str) -> str:
    """The record id of the row saying ``source`` has answered about the subject."""
    return f"@source:{source}"


async def _has_row(connection: AsyncConnection, code: str) -> bool:
    query = select(record_watch.c.subject_code).where(
        and_(record_watch.c.subject_code == code, record_watch.c.record_id == ENROLLED)
    )
    return (await connection.execute(query)).first() is not None


def _enrolment(code: str, now: datetime) -> dict[str, object]:
    """The subject's own row: ENROLLED until its first look, LOOKED after."""
    return {"subject_code": code, "record_id": ENROLLED, "digest": "", "seen_at": utc(now)}


async def _moved(
    connection: AsyncConnection,
    code: str,
    record_id: str,
    last: Watched | None,
    look: Watched,
    now: datetime,
) -> bool:
    values = {"state": look.state, "digest": look.digest, "seen_at": utc(now)}
    # Only forward: a row a newer look wrote is not moved back.
    if last is None:
        await connection.execute(
            record_watch.insert().values(subject_code=code, record_id=record_id, **values)
        )
        return True
    result = await connection.execute(
        update(record_watch)
        .where(
            and_(
                record_watch.c.subject_code == code,
                record_watch.c.record_id == record_id,
                record_watch.c.state == last.state,
                record_watch.c.digest == last.digest,
                record_watch.c.seen_at <= utc(now),
            )
        )
        .values(**values)
    )
    return result.rowcount == 1


async def _tell(
    connection: AsyncConnection, record: CreditRecord, event: SourceEvent, now: datetime
) -> tuple[int, int]:
    case = CaseRef(str(uuid.uuid5(_CASES, record.id)), record.subject_code)
    actor = Actor("SOURCE", record.source)
    step: list[tuple[str, str | None]] = [(f"SOURCE_{event.value}", record.id)]
    before, seq = await append_steps(connection, case, actor, now, step)
    text = told(event, record)
    await tell_subject(connection, case, seq, now, f"RECORD_{event.value}", text, record.id)
    return before, seq
