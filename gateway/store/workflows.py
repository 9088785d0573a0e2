"""The subject-rights workflows in the store: objection cases, their step log, notifications.

An objection moves ANNOTATED (filed and annotated at once: 001 art. 34 has the
agency annotate the day it receives one) -> FORWARDED (to the provider unit)
-> UPHELD or REJECTED. Each transition is one transaction that also writes
the gateway's marks on the record (an objection pending, a withdrawal when
upheld), appends the step to the hash-chained workflow log and tells the
subject (000 arts. 45-46, 004 art. 52) through a notification.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import and_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from gateway.store.checkpoints import AutoCheckpoint, walk_chain
from gateway.store.consents import utc
from gateway.store.declarations import Declaration, Performance, declaration_of
from gateway.store.marks import Mark, RecordMarks
from gateway.store.querylog import Verification, moment
from gateway.store.tables import audit_head, declarations, record_marks
from gateway.store.workflow_tables import cases, notifications, workflow_log

WORKFLOW_HEAD = 2  # the workflow log's row in audit_head (the query log's is 1)


class CaseKind(StrEnum):
    OBJECTION = "OBJECTION"  # 异议 (000 art. 46, 001 art. 34, 004 art. 52)
    REPAIR = "REPAIR"  # 信用修复 (003 art. 44, 004 arts. 55-57)


class CaseStatus(StrEnum):
    ANNOTATED = "ANNOTATED"  # an objection, filed and annotated
    FORWARDED = "FORWARDED"  # an objection, with the provider unit
    APPLIED = "APPLIED"  # a repair application, to be decided
    UPHELD = "UPHELD"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"

    @property
    def open(self) -> bool:
        return self in (CaseStatus.ANNOTATED, CaseStatus.FORWARDED, CaseStatus.APPLIED)


@dataclass(frozen=True, slots=True)
class Objection:
    """A case: an objection, or a repair application (``kind``)."""

    id: str
    subject_code: str
    record_id: str
    item: str
    reason: str
    evidence: str | None
    status: CaseStatus
    profile: str
    filed_at: datetime
    decide_by: date | None  # None: the profile sets no deadline
    official: bool  # the deadline was counted on the official calendar
    forwarded_to: str | None = None
    forwarded_at: datetime | None = None
    decided_at: datetime | None = None
    decided_by: str | None = None
    decision_reason: str | None = None
    kind: CaseKind = CaseKind.OBJECTION
    # An upheld objection's corrected fields (004 art. 52): detail key -> value.
    corrections: Mapping[str, str] | None = None


@dataclass(frozen=True, slots=True)
class Actor:
    kind: str
    code: str | None


@dataclass(frozen=True, slots=True)
class Step:
    """One step of one case, as the workflow log keeps it."""

    seq: int
    case_id: str
    subject_code: str
    step: str
    actor_kind: str
    actor_code: str | None
    at: datetime
    note: str | None


@dataclass(frozen=True, slots=True)
class Notification:
    id: str
    subject_code: str
    at: datetime
    kind: str
    case_id: str | None
    text: str
    read_at: datetime | None


@dataclass(frozen=True, slots=True)
class CaseRef:
    """A case that is one step: a shield applied or lifted at the subject's request."""

    id: str
    subject_code: str


class CaseConflict(Exception):
    """The case is not in a state that allows the step."""


class Workflows:
    """The cases, their hash-chained log (a :class:`gateway.store.checkpoints.HashChain`,
    checkpointed like the query log) and the notifications."""

    chain = "workflow_log"

    def __init__(
        self,
        engine: AsyncEngine,
        marks: RecordMarks,
        checkpointing: AutoCheckpoint | None = None,
    ) -> None:
        self.engine = engine
        self.marks = marks
        self.checkpointing = checkpointing

    async def head(self) -> tuple[int, str]:
        async with self.engine.connect() as connection:
            return await _head(connection)

    async def appended(self, before: int, seq: int) -> None:
        """After a transaction that logged steps ``before``+1 .. ``seq`` committed."""
        if self.checkpointing is not None:
            # The head as it stands now (another process may have appended since):
            # its seq and hash belong together.
            head_seq, head_hash = await self.head()
            await self.checkpointing.appended(self.chain, before, max(seq, head_seq), head_hash)

    async def file_objection(self, case: Objection, actor: Actor, told: str) -> None:
        async with self.engine.begin() as connection:
            await connection.execute(cases.insert().values(**_case_row(case)))
            await _add_mark(
                connection,
                case.subject_code,
                case.record_id,
                Mark.OBJECTION,
                case.filed_at,
                case.id,
            )
            steps = [("FILED", case.reason), ("ANNOTATED", None)]
            before, seq = await append_steps(connection, case, actor, case.filed_at, steps)
            await tell_subject(connection, case, seq, case.filed_at, "OBJECTION_ANNOTATED", told)
        self.marks.invalidate(case.subject_code)
        await self.appended(before, seq)

    async def forward(
        self, case_id: str, unit: str, decide_by: date | None, actor: Actor, now: datetime
    ) -> Objection:
        """Forward an open objection to the provider unit ``unit`` (001 art. 34(2)),
        due by ``decide_by`` when the profile gives the unit its own deadline."""
        async with self.engine.begin() as connection:
            case = await self._open(connection, case_id, CaseKind.OBJECTION)
            changed = replace(
                case,
                status=CaseStatus.FORWARDED,
                forwarded_to=unit,
                forwarded_at=now,
                decide_by=decide_by or case.decide_by,
            )
            await _save(connection, changed, case.status)
            before, seq = await append_steps(connection, changed, actor, now, [("FORWARDED", unit)])
        await self.appended(before, seq)
        return changed

    async def decide(
        self,
        case_id: str,
        upheld: bool,
        reason: str,
        actor: Actor,
        now: datetime,
        told: str,
        corrections: Mapping[str, str] | None = None,
    ) -> Objection:
        """Upheld: the record is corrected (``corrections``, 004 art. 52) or, without
        any, withdrawn from the file (003 art. 43). The annotation ends with the case
        (000 art. 46)."""
        status = CaseStatus.UPHELD if upheld else CaseStatus.REJECTED
        mark = None
        if upheld:
            mark = (Mark.CORRECTION, corrections) if corrections else (Mark.WITHDRAWAL, None)
        return await self._close(
            case_id, CaseKind.OBJECTION, status, Mark.OBJECTION, mark, reason, actor, now, told
        )

    async def apply_repair(self, case: Objection, actor: Actor, told: str) -> None:
        """A repair application (信用修复, 004 art. 55), to be decided by the agency."""
        async with self.engine.begin() as connection:
            await connection.execute(cases.insert().values(**_case_row(case)))
            await _add_mark(
                connection,
                case.subject_code,
                case.record_id,
                Mark.REPAIR_PENDING,
                case.filed_at,
                case.id,
            )
            before, seq = await append_steps(
                connection, case, actor, case.filed_at, [("APPLIED", case.reason)]
            )
            await tell_subject(connection, case, seq, case.filed_at, "REPAIR_APPLIED", told)
        self.marks.invalidate(case.subject_code)
        await self.appended(before, seq)

    async def decide_repair(
        self, case_id: str, approved: bool, reason: str, actor: Actor, now: datetime, told: str
    ) -> Objection:
        """Approved: the record is repaired from ``now`` (003 art. 44, 004 art. 56)."""
        status = CaseStatus.APPROVED if approved else CaseStatus.REJECTED
        mark = (Mark.REPAIR, None) if approved else None
        return await self._close(
            case_id, CaseKind.REPAIR, status, Mark.REPAIR_PENDING, mark, reason, actor, now, told
        )

    async def _close(
        self,
        case_id: str,
        kind: CaseKind,
        status: CaseStatus,
        pending: Mark,
        outcome: tuple[Mark, Mapping[str, str] | None] | None,
        reason: str,
        actor: Actor,
        now: datetime,
        told: str,
    ) -> Objection:
        """Decide an open case: its ``pending`` mark ends, the ``outcome`` mark (with
        its detail) begins, the step is logged and the subject told, at once."""
        async with self.engine.begin() as connection:
            case = await self._open(connection, case_id, kind)
            changed = replace(
                case,
                status=status,
                decided_at=now,
                decided_by=actor.code,
                decision_reason=reason,
                corrections=None if outcome is None else outcome[1],
            )
            await _save(connection, changed, case.status)
            await _end_marks(connection, case.id, pending, now)
            if outcome is not None:
                mark, detail = outcome
                await _add_mark(
                    connection, case.subject_code, case.record_id, mark, now, case.id, detail
                )
            before, seq = await append_steps(
                connection, changed, actor, now, [(status.value, reason)]
            )
            await tell_subject(connection, changed, seq, now, f"{kind.value}_{status.value}", told)
        self.marks.invalidate(case.subject_code)
        await self.appended(before, seq)
        return changed

    async def record_performance(
        self,
        declaration_id: str,
        unit: str,
        performance: Performance,
        on: date,
        note: str | None,
        actor: Actor,
        now: datetime,
        told: str,
    ) -> Declaration:
        """The accepting unit ``unit`` records whether a commitment was kept (001
        art. 30, 004 art. 22), once; logged and told like every step."""
        async with self.engine.begin() as connection:
            found = (
                await connection.execute(
                    select(declarations).where(declarations.c.id == declaration_id)
                )
            ).first()
            if found is None or found.accepting_unit != unit:
                raise KeyError(declaration_id)
            result = await connection.execute(
                update(declarations)
                .where(declarations.c.id == declaration_id, declarations.c.performance.is_(None))
                .values(
                    performance=performance.value,
                    performance_on=on,
                    performance_note=note,
                    performance_at=utc(now),
                )
            )
            if result.rowcount != 1:
                raise CaseConflict("its performance was already recorded")
            case = CaseRef(declaration_id, found.subject_code)
            step = f"COMMITMENT_{performance.value}"
            before, seq = await append_steps(connection, case, actor, now, [(step, note)])
            await tell_subject(connection, case, seq, now, step, told)
        await self.appended(before, seq)
        return replace(
            declaration_of(found), performance=performance, performance_on=on, performance_note=note
        )

    async def shield(
        self, subject_code: str, record_id: str, actor: Actor, now: datetime, told: str
    ) -> str:
        """Shield a record at the subject's request (001 art. 35); the case id."""
        case = CaseRef(str(uuid.uuid4()), subject_code)
        async with self.engine.begin() as connection:
            await _add_mark(connection, subject_code, record_id, Mark.SHIELD, now, case.id)
            before, seq = await append_steps(
                connection, case, actor, now, [("SHIELDED", record_id)]
            )
            await tell_subject(connection, case, seq, now, "SHIELDED", told)
        self.marks.invalidate(subject_code)
        await self.appended(before, seq)
        return case.id

    async def unshield(
        self, subject_code: str, record_id: str, actor: Actor, now: datetime, told: str
    ) -> str:
        """Lift every shield in force on the record; the case id."""
        case = CaseRef(str(uuid.uuid4()), subject_code)
        async with self.engine.begin() as connection:
            await connection.execute(
                update(record_marks)
                .where(
                    and_(
                        record_marks.c.subject_code == subject_code,
                        record_marks.c.record_id == record_id,
                        record_marks.c.mark == Mark.SHIELD.value,
                        record_marks.c.until.is_(None),
                    )
                )
                .values(until=utc(now))
            )
            before, seq = await append_steps(
                connection, case, actor, now, [("UNSHIELDED", record_id)]
            )
            await tell_subject(connection, case, seq, now, "UNSHIELDED", told)
        self.marks.invalidate(subject_code)
        await self.appended(before, seq)
        return case.id

    async def objection(self, case_id: str) -> Objection | None:
        async with self.engine.connect() as connection:
            row = (
                (await connection.execute(select(cases).where(cases.c.id == case_id)))
                .mappings()
                .first()
            )
        return None if row is None else _case(row)

    async def objections_of(
        self, subject_code: str, kind: CaseKind = CaseKind.OBJECTION
    ) -> list[Objection]:
        query = (
            select(cases)
            .where(cases.c.subject_code == subject_code, cases.c.kind == kind.value)
            .order_by(cases.c.filed_at.desc(), cases.c.id)
        )
        async with self.engine.connect() as connection:
            return [_case(row) for row in (await connection.execute(query)).mappings()]

    async def open_objections(self, kind: CaseKind = CaseKind.OBJECTION) -> list[Objection]:
        """Every case of ``kind`` still to be decided, the soonest due first (a work queue)."""
        open_ = [s.value for s in CaseStatus if s.open]
        query = (
            select(cases)
            .where(cases.c.status.in_(open_), cases.c.kind == kind.value)
            .order_by(cases.c.decide_by, cases.c.filed_at, cases.c.id)
        )
        async with self.engine.connect() as connection:
            return [_case(row) for row in (await connection.execute(query)).mappings()]

    async def steps(self, case_ids: Sequence[str]) -> dict[str, list[Step]]:
        found: dict[str, list[Step]] = {case_id: [] for case_id in case_ids}
        if not found:
            return found
        query = (
            select(workflow_log)
            .where(workflow_log.c.case_id.in_(list(found)))
            .order_by(workflow_log.c.seq)
        )
        async with self.engine.connect() as connection:
            for row in (await connection.execute(query)).mappings():
                found[row["case_id"]].append(_step(row))
        return found

    async def notifications(self, subject_code: str, unread_only: bool) -> list[Notification]:
        query = select(notifications).where(notifications.c.subject_code == subject_code)
        if unread_only:
            query = query.where(notifications.c.read_at.is_(None))
        query = query.order_by(notifications.c.seq.desc())
        async with self.engine.connect() as connection:
            return [_notification(row) for row in (await connection.execute(query)).mappings()]

    async def mark_read(self, subject_code: str, ids: Sequence[str], now: datetime) -> int:
        """Mark the subject's own notifications ``ids`` read; others' are untouched."""
        async with self.engine.begin() as connection:
            result = await connection.execute(
                update(notifications)
                .where(
                    and_(
                        notifications.c.subject_code == subject_code,
                        notifications.c.id.in_(list(ids)),
                        notifications.c.read_at.is_(None),
                    )
                )
                .values(read_at=utc(now))
            )
        return int(result.rowcount or 0)

    async def verify(self, at: Collection[int] = ()) -> Verification:
        """Recompute the workflow log's chain; the first step altered or missing.

        ``hashes`` holds the recomputed hash at each seq in ``at`` (for checkpoints).
        """
        return await walk_chain(
            self.engine,
            workflow_log,
            WORKFLOW_HEAD,
            lambda row, prev: step_hash(_step(row), prev),
            ("step", "steps"),
            at,
        )

    async def _open(self, connection: AsyncConnection, case_id: str, kind: CaseKind) -> Objection:
        row = (
            (await connection.execute(select(cases).where(cases.c.id == case_id)))
            .mappings()
            .first()
        )
        if row is None:
            raise KeyError(case_id)
        case = _case(row)
        if case.kind is not kind:
            raise KeyError(case_id)
        if not case.status.open:
            raise CaseConflict(f"the case was already {case.status.value.lower()}")
        return case


async def _head(connection: AsyncConnection) -> tuple[int, str]:
    query = select(audit_head.c.seq, audit_head.c.hash).where(audit_head.c.id == WORKFLOW_HEAD)
    head = (await connection.execute(query)).one()
    return int(head.seq), str(head.hash)


async def _add_mark(
    connection: AsyncConnection,
    subject_code: str,
    record_id: str,
    mark: Mark,
    since: datetime,
    case_id: str,
    detail: Mapping[str, str] | None = None,
) -> None:
    """A mark on the record, in force from ``since``, made by the case ``case_id``."""
    await connection.execute(
        record_marks.insert().values(
            id=str(uuid.uuid4()),
            subject_code=subject_code,
            record_id=record_id,
            mark=mark.value,
            list_kind=None,
            since=utc(since),
            until=None,
            reference=case_id,
            detail=None if detail is None else json.dumps(dict(detail), ensure_ascii=False),
        )
    )


async def _end_marks(connection: AsyncConnection, case_id: str, mark: Mark, now: datetime) -> None:
    await connection.execute(
        update(record_marks)
        .where(and_(record_marks.c.reference == case_id, record_marks.c.mark == mark.value))
        .values(until=utc(now))
    )


def step_hash(step: Step, prev: str) -> str:
    content = {f.name: getattr(step, f.name) for f in fields(step)}
    content["at"] = moment(step.at).isoformat()
    canonical = json.dumps([prev, content], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


async def append_steps(
    connection: AsyncConnection,
    case: Objection | CaseRef,
    actor: Actor,
    at: datetime,
    steps: list[tuple[str, str | None]],
) -> tuple[int, int]:
    """Append ``steps``; the head's sequence number before them, and the last one's."""
    # Moving the head first takes its write lock, as the query log does.
    await connection.execute(
        update(audit_head)
        .where(audit_head.c.id == WORKFLOW_HEAD)
        .values(seq=audit_head.c.seq + len(steps))
    )
    head = (
        await connection.execute(
            select(audit_head.c.seq, audit_head.c.hash).where(audit_head.c.id == WORKFLOW_HEAD)
        )
    ).one()
    seq, prev = int(head.seq) - len(steps), str(head.hash)
    before = seq
    for name, note in steps:
        seq += 1
        step = Step(seq, case.id, case.subject_code, name, actor.kind, actor.code, moment(at), note)
        digest = step_hash(step, prev)
        row = {f.name: getattr(step, f.name) for f in fields(step)}
        await connection.execute(workflow_log.insert().values(**row, prev_hash=prev, hash=digest))
        prev = digest
    await connection.execute(
        update(audit_head).where(audit_head.c.id == WORKFLOW_HEAD).values(hash=prev)
    )
    return before, seq


async def tell_subject(
    connection: AsyncConnection,
    case: Objection | CaseRef,
    seq: int,
    at: datetime,
    kind: str,
    text: str,
    record_id: str | None = None,
) -> None:
    """Tell the subject of the step ``seq`` of the workflow log."""
    await connection.execute(
        notifications.insert().values(
            id=str(uuid.uuid4()),
            seq=seq,
            subject_code=case.subject_code,
            at=moment(at),
            kind=kind,
            case_id=case.id,
            text=text,
            read_at=None,
            record_id=record_id,
            # Due for the webhook at once, where one is configured (service/webhooks.py).
            next_attempt_at=moment(at),
        )
    )


async def _save(connection: AsyncConnection, case: Objection, was: CaseStatus) -> None:
    """Move ``case`` on from status ``was``, only if it still is there: of two
    decisions made at once, one wins and the other is a conflict."""
    row = _case_row(case)
    del row["id"]
    result = await connection.execute(
        update(cases).where(cases.c.id == case.id, cases.c.status == was.value).values(**row)
    )
    if result.rowcount != 1:
        raise CaseConflict("the case was decided meanwhile")


def _case_row(case: Objection) -> dict[str, object]:
    row = {f.name: getattr(case, f.name) for f in fields(case)}
    row["status"] = case.status.value
    row["kind"] = case.kind.value
    if case.corrections is not None:
        row["corrections"] = json.dumps(dict(case.corrections), ensure_ascii=False)
    for key in ("filed_at", "forwarded_at", "decided_at"):
        value = row[key]
        row[key] = value if not isinstance(value, datetime) else moment(value)
    return row


def _case(row: object) -> Objection:
    values = dict(row)  # type: ignore[call-overload]
    for key in ("filed_at", "forwarded_at", "decided_at"):
        if values[key] is not None:
            values[key] = utc(values[key])
    values["status"] = CaseStatus(values["status"])
    values["kind"] = CaseKind(values["kind"])
    if values["corrections"] is not None:
        values["corrections"] = json.loads(values["corrections"])
    return Objection(**values)


def _step(row: object) -> Step:
    values = dict(row)  # type: ignore[call-overload]
    values.pop("prev_hash")
    values.pop("hash")
    values["at"] = moment(utc(values["at"]))
    return Step(**values)


def _notification(row: object) -> Notification:
    values = dict(row)  # type: ignore[call-overload]
    for key in ("seq", "record_id", "attempts", "next_attempt_at", "delivered_at"):
        values.pop(key)
    values.pop("delivery_error")
    values["at"] = utc(values["at"])
    if values["read_at"] is not None:
        values["read_at"] = utc(values["read_at"])
    return Notification(**values)
