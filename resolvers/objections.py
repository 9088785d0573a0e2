"""Objections (异议) as a workflow: the subject files, the agency forwards and decides.

000 art. 46, 001 art. 34, 003 art. 42, 004 art. 52: the record is annotated
as under objection from the moment it is filed, to every viewer; the case is
decided within the working days of the configured regulation profile
(`config/rights.toml`); the subject is told of each outcome, with written
reasons for a refusal. Who may do what is the policy's call
(:func:`gateway.policy.objection_refused`, :func:`gateway.policy.case_refused`).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterable
from datetime import date, datetime

import strawberry
from strawberry import Info

from gateway.codes import parse_code
from gateway.config.provider_units import ProviderUnit
from gateway.config.rights import Step as RightsStep
from gateway.domain import DetailType
from gateway.errors import ErrorCode, bad_input, client_error
from gateway.policy import case_refused, china_today, objection_refused
from gateway.records import CreditRecord
from gateway.store.workflows import (
    Actor,
    CaseConflict,
    CaseKind,
    CaseStatus,
    Notification,
    Objection,
    Step,
)
from gateway.values import strict_value
from gateway.viewer import ViewerKind
from gateway.visibility import Disclosed
from gateway.working_days import Deadline, add_working_days, overdue
from resolvers.consents import subject_code_of
from resolvers.context import Context
from resolvers.disclosure import Disclosing
from resolvers.enums import ObjectionOutcome
from resolvers.pagination import check_first
from resolvers.records import CreditRecordType, record_type

MAX_TEXT = 2000
MAX_IDS = 500


@strawberry.type(name="ObjectionStep", description="One step of a case, as the log keeps it.")
class ObjectionStepType:
    step: str = strawberry.field(description="FILED, ANNOTATED, FORWARDED, UPHELD or REJECTED.")
    at: datetime = strawberry.field(description="When (UTC, to the second).")
    actor_kind: str = strawberry.field(description="Who took it: SUBJECT or AGENCY.")
    note: str | None = strawberry.field(description="The reason, unit or decision given.")


@strawberry.type(
    name="Case",
    description="A case about one record: an objection (异议) or a repair application "
    "(信用修复), with its deadline and every step.",
)
class ObjectionType(Disclosing):
    case: strawberry.Private[Objection]
    # The record as the viewer may see it: a case shown to the agency or a provider
    # operator tells of the subject's record, and is logged as that record.
    shown: strawberry.Private[Disclosed | None]
    id: strawberry.ID = strawberry.field(description="The case id.")
    kind: CaseKind = strawberry.field(description="Objection or repair.")
    record_id: strawberry.ID = strawberry.field(description="The record objected to.")
    item: str = strawberry.field(description="Its catalogue item.")
    subject_code: str = strawberry.field(description="Whose record it is.")
    reason: str = strawberry.field(
        description="Why the subject objects; for a repair, what it corrected."
    )
    evidence: str | None = strawberry.field(description="What the subject offers in support.")
    status: CaseStatus = strawberry.field(description="Where the case stands.")
    filed_at: datetime = strawberry.field(
        description="Filed (UTC); an objection is annotated then."
    )
    decide_by: date | None = strawberry.field(
        description="The last day to decide, in working days of the profile (China dates); "
        "null when the profile sets none."
    )
    deadline_official: bool = strawberry.field(
        description="False when the count used the Monday-Friday fallback (a year the "
        "official holiday calendar does not cover yet)."
    )
    deadline_article: str | None = strawberry.field(description="Where the deadline comes from.")
    overdue: bool = strawberry.field(description="Still open after its last day.")
    forwarded_to: str | None = strawberry.field(description="The provider unit asked to verify.")
    decided_at: datetime | None = strawberry.field(description="When it was decided (UTC).")
    decision_reason: str | None = strawberry.field(
        description="The decision's written reasons (000 art. 46: always for a refusal)."
    )
    steps: list[ObjectionStepType] = strawberry.field(description="Every step, oldest first.")

    @classmethod
    def shows(cls, fields: frozenset[str]) -> bool:
        return True  # any part of a case tells of the record it is about

    def disclosed(self, shown: bool) -> Iterable[Disclosed]:
        return () if self.shown is None else (self.shown,)


@strawberry.type(description="An objection in the agency's work queue, with the record.")
class QueuedObjection:
    objection: ObjectionType = strawberry.field(description="The case.")
    record: CreditRecordType | None = strawberry.field(
        description="The record objected to, as the agency may see it while handling the "
        "case (logged); null when its source no longer has it."
    )


@strawberry.input(description="An objection to a record on your own file.")
class FileObjectionInput:
    record_id: strawberry.ID = strawberry.field(description="The record's id, from `records`.")
    reason: str = strawberry.field(description="Why the record is wrong (at most 2000 chars).")
    evidence: str | None = strawberry.field(
        default=None, description="What supports it, e.g. a document number (at most 2000)."
    )


@strawberry.input(description="A corrected detail of the record (004 art. 52).")
class CorrectionInput:
    key: str = strawberry.field(description="The detail's catalogue key, e.g. `fine_amount`.")
    value: str = strawberry.field(
        description="Its corrected value as text: a DATE as YYYY-MM-DD, MONEY as a plain "
        "non-negative amount (at most 13 digits, 4 decimals), NUMBER as a plain number (at "
        "most 15 digits, 6 decimals), BOOLEAN as true or false, TEXT up to 2000 characters."
    )


@strawberry.type(name="Notification", description="告知: something the subject is told.")
class NotificationType:
    id: strawberry.ID = strawberry.field(description="Its id.")
    at: datetime = strawberry.field(description="When (UTC).")
    kind: str = strawberry.field(description="E.g. OBJECTION_ANNOTATED, OBJECTION_UPHELD.")
    case_id: strawberry.ID | None = strawberry.field(description="The case it is about.")
    text: str = strawberry.field(description="What the subject is told, in Chinese.")
    read: bool = strawberry.field(description="Whether the subject marked it read.")


async def file_objection(info: Info[Context, None], data: FileObjectionInput) -> ObjectionType:
    context = info.context
    code = subject_code_of(info)
    refused = objection_refused(context.viewer, code)
    if refused is not None:
        raise client_error(ErrorCode.FORBIDDEN, f"Not allowed: {refused}.")
    reason = required_input(data.reason, "reason")
    evidence = text_input(data.evidence, "evidence")
    view = await context.view(parse_code(code))
    found = next((d for d in view.records if d.record.id == str(data.record_id)), None)
    if found is None:
        raise bad_input("No record with that id is on your file.", argument="recordId")
    record = found.record
    store = context.services.store.workflows
    if any(c.record_id == record.id and c.status.open for c in await store.objections_of(code)):
        raise bad_input("An objection to this record is already open.", argument="recordId")
    profile = context.services.config.rights.active
    step = profile.objection.decide
    case = new_case(context, code, record, CaseKind.OBJECTION, reason, evidence, step)
    deadline = None if case.decide_by is None else Deadline(case.decide_by, case.official)
    due = "" if deadline is None else f"，将于{deadline.due_on.isoformat()}前作出决定"
    told = (
        f"您对「{record.item.name}：{record.title}」提出的异议已于"
        f"{context.today.isoformat()}登记，该信息已标注为异议处理中{due}（{_article(step)}）。"
    )
    await store.file_objection(case, Actor("SUBJECT", code), told)
    context.forget(code)
    return await _objection(context, case)


async def forward_objection(info: Info[Context, None], case_id: str, unit: str) -> ObjectionType:
    context = info.context
    actor = agency_actor(context)
    unit = required_input(unit, "unit")
    config = context.services.config
    provider = config.provider_units.get(unit)
    if provider is None:
        raise bad_input(
            f"Unknown provider unit {unit!r}; see config/provider_units.toml.", argument="unit"
        )
    store = context.services.store.workflows
    existing = await store.objection(case_id)
    if existing is None or existing.kind is not CaseKind.OBJECTION:
        raise bad_input("No objection with that id.", argument="id")
    if not await _provided_by(context, existing, provider):
        raise bad_input(
            f"The record is not one of {provider.name}'s; forward it to the unit that provided it.",
            argument="unit",
        )
    # 001 art. 34(2): the provider unit has its own days, from its receipt.
    step = config.rights.active.objection.provider_decide
    due = add_working_days(context.today, step.days).due_on if step else None
    try:
        case = await store.forward(case_id, unit, due, actor, context.now)
    except KeyError:
        raise bad_input("No objection with that id.", argument="id") from None
    except CaseConflict as exc:
        raise bad_input(f"Cannot forward: {exc}.", argument="id") from None
    return await _objection(context, case)


async def decide_objection(
    info: Info[Context, None],
    case_id: str,
    outcome: ObjectionOutcome,
    reason: str,
    corrections: list[CorrectionInput],
) -> ObjectionType:
    context = info.context
    store = context.services.store.workflows
    existing = await store.objection(case_id)
    forwarded = None if existing is None else existing.forwarded_to
    actor = agency_actor(context, forwarded)
    # 000 art. 46: a refusal gives its reasons in writing; an upheld one says what changes.
    reason = required_input(reason, "reason")
    if existing is None or existing.kind is not CaseKind.OBJECTION:
        raise bad_input("No objection with that id.", argument="id")
    upheld = outcome is ObjectionOutcome.UPHOLD
    corrected = _corrections(context, existing, upheld, corrections)
    filed = china_today(existing.filed_at).isoformat()
    if not upheld:
        told = (
            f"您于{filed}提出的异议经核查不成立，理由：{reason}。"
            "如有异议，可依法申请行政复议或者提起行政诉讼。"
        )
    elif corrected:
        told = f"您于{filed}提出的异议经核查成立，相关信息已更正（004 art. 52）：{reason}"
    else:
        told = f"您于{filed}提出的异议经核查成立，相关信息已撤销（003 art. 43）：{reason}"
    try:
        case = await store.decide(
            case_id, upheld, reason, actor, context.now, told, corrected or None
        )
    except CaseConflict as exc:
        raise bad_input(f"Cannot decide: {exc}.", argument="id") from None
    context.forget(case.subject_code)
    return await _objection(context, case)


MAX_CORRECTIONS = 20


def _corrections(
    context: Context, case: Objection, upheld: bool, given: list[CorrectionInput]
) -> dict[str, str]:
    """The corrected details, each a field of the record's item with a value of its type."""
    if not given:
        return {}
    if not upheld:
        raise bad_input("Only an upheld objection corrects the record.", argument="corrections")
    if len(given) > MAX_CORRECTIONS:
        raise bad_input(f"At most {MAX_CORRECTIONS} corrections.", argument="corrections")
    item = context.services.config.catalogue.get(case.item)
    fields = {} if item is None else {f.key: f for f in item.fields}
    corrected: dict[str, str] = {}
    for correction in given:
        field = fields.get(correction.key)
        if field is None:
            raise bad_input(
                f"{correction.key!r} is not a detail of {case.item}.", argument="corrections"
            )
        if field.key in corrected:
            raise bad_input(f"{field.key} is corrected twice.", argument="corrections")
        value = required_input(correction.value, "corrections.value")
        if strict_value(field.type, value) is None:
            raise bad_input(
                f"{value!r} is not a {field.type.value} value for {field.key} "
                f"({_WRITTEN[field.type]}).",
                argument="corrections",
            )
        corrected[field.key] = value
    return corrected


_WRITTEN = {
    DetailType.TEXT: "any text",
    DetailType.DATE: "written YYYY-MM-DD",
    DetailType.MONEY: "a plain amount of at most 13 digits and 4 decimals, not negative",
    DetailType.NUMBER: "a plain number of at most 15 digits and 6 decimals",
    DetailType.BOOLEAN: "true or false",
}


async def my_objections(info: Info[Context, None]) -> list[ObjectionType]:
    context = info.context
    code = subject_code_of(info)
    cases = await context.services.store.workflows.objections_of(code)
    return await cases_typed(context, cases)


MAX_QUEUE_PAGE = 200


async def objection_queue(
    info: Info[Context, None],
    overdue_only: bool,
    kind: CaseKind = CaseKind.OBJECTION,
    first: int = 50,
    after: str | None = None,
) -> list[QueuedObjection]:
    context = info.context
    viewer = context.viewer
    agency_actor(context, viewer.code if viewer.kind is ViewerKind.PROVIDER else None)
    check_first(first, MAX_QUEUE_PAGE)
    cases = await context.services.store.workflows.open_objections(kind)
    if viewer.kind is ViewerKind.PROVIDER:
        # An operator's queue: the objections forwarded to its unit (001 art. 34(2)).
        cases = [c for c in cases if c.forwarded_to == viewer.code]
    if overdue_only:
        cases = [c for c in cases if _overdue(c, context.today)]
    cases.sort(key=_queue_order)
    if after is not None:
        # The cursor is a case of this queue, open or decided since (working the
        # queue decides the cases it shows); the page goes on after its place.
        anchor = await context.services.store.workflows.objection(after)
        mine = viewer.kind is not ViewerKind.PROVIDER or (
            anchor is not None and anchor.forwarded_to == viewer.code
        )
        if anchor is None or anchor.kind is not kind or not mine:
            raise bad_input("`after` is not a case of this queue.", argument="after")
        cases = [c for c in cases if _queue_order(c) > _queue_order(anchor)]
    # Only this page's records are looked up (and logged).
    typed = await cases_typed(context, cases[:first])
    return [
        QueuedObjection(
            objection=case, record=None if case.shown is None else record_type(case.shown)
        )
        for case in typed
    ]


def _queue_order(case: Objection) -> tuple[date, datetime, str]:
    """The soonest due first (no deadline last), then the oldest filed."""
    return (case.decide_by or date.max, case.filed_at, case.id)


def _overdue(case: Objection, today: date) -> bool:
    return case.decide_by is not None and overdue(Deadline(case.decide_by, case.official), today)


async def my_notifications(info: Info[Context, None], unread_only: bool) -> list[NotificationType]:
    code = subject_code_of(info)
    store = info.context.services.store
    # From now on the subject is told what its sources change (service/sweeper.py).
    await store.record_watch.enrol(code, info.context.now)
    found = await store.workflows.notifications(code, unread_only)
    return [_notification(n) for n in found]


async def mark_read(info: Info[Context, None], ids: list[strawberry.ID]) -> int:
    context = info.context
    code = subject_code_of(info)
    if len(ids) > MAX_IDS:
        raise bad_input(f"At most {MAX_IDS} notifications at once.", argument="ids")
    return await context.services.store.workflows.mark_read(
        code, [str(i) for i in ids], context.now
    )


def new_case(
    context: Context,
    code: str,
    record: CreditRecord,
    kind: CaseKind,
    reason: str,
    evidence: str | None,
    step: RightsStep | None,
) -> Objection:
    """A case filed today about ``record``, due by ``step``'s working days if it has one."""
    deadline = add_working_days(context.today, step.days) if step else None
    return Objection(
        id=str(uuid.uuid4()),
        subject_code=code,
        record_id=record.id,
        item=record.item.code,
        reason=reason,
        evidence=evidence,
        status=CaseStatus.ANNOTATED if kind is CaseKind.OBJECTION else CaseStatus.APPLIED,
        profile=context.services.config.rights.active.id,
        filed_at=context.now,
        decide_by=None if deadline is None else deadline.due_on,
        official=True if deadline is None else deadline.official,
        kind=kind,
    )


async def _provided_by(context: Context, case: Objection, unit: ProviderUnit) -> bool:
    """Whether ``unit`` provided the record of ``case``: one of its sources holds it,
    or the record names it (a commitment's accepting unit, 001 art. 30)."""
    source, _, rest = case.record_id.partition(":")
    if source in unit.sources:
        return True
    # A record the gateway itself holds (a commitment, a broken one): its store says.
    held = {s.name for s in context.services.config.sources if s.kind == "declarations"}
    if source not in held:
        return False
    found = await context.services.store.declarations.get(rest.removesuffix(":broken"))
    return found is not None and found.accepting_unit == unit.code


def agency_actor(context: Context, forwarded_to: str | None = None) -> Actor:
    refused = case_refused(context.viewer, forwarded_to)
    if refused is not None:
        raise client_error(ErrorCode.FORBIDDEN, f"Not allowed: {refused}.")
    return Actor(context.viewer.kind.value, context.viewer.code)


def text_input(value: str | None, argument: str) -> str | None:
    text = (value or "").strip()
    if len(text) > MAX_TEXT:
        raise bad_input(f"The {argument} is longer than {MAX_TEXT} characters.", argument=argument)
    return text or None


def required_input(value: str, argument: str) -> str:
    text = text_input(value, argument)
    if text is None:
        raise bad_input(f"Give a {argument}.", argument=argument)
    return text


async def _objection(context: Context, case: Objection) -> ObjectionType:
    (typed,) = await cases_typed(context, [case])
    return typed


async def cases_typed(context: Context, cases: list[Objection]) -> list[ObjectionType]:
    steps = await context.services.store.workflows.steps([c.id for c in cases])
    profiles = context.services.config.rights
    shown = await _records_behind(context, cases)
    typed = []
    for case in cases:
        profile = profiles.get(case.profile)
        rights = (
            None
            if profile is None
            else (profile.repair if case.kind is CaseKind.REPAIR else profile.objection)
        )
        step = None if rights is None else rights.decide
        if case.status is CaseStatus.FORWARDED and profile and profile.objection.provider_decide:
            step = profile.objection.provider_decide
        typed.append(
            ObjectionType(
                case=case,
                shown=shown.get(case.id),
                id=strawberry.ID(case.id),
                kind=case.kind,
                record_id=strawberry.ID(case.record_id),
                item=case.item,
                subject_code=case.subject_code,
                reason=case.reason,
                evidence=case.evidence,
                status=case.status,
                filed_at=case.filed_at,
                decide_by=case.decide_by,
                deadline_official=case.official,
                deadline_article=None if step is None else step.article,
                overdue=case.status.open and _overdue(case, context.today),
                forwarded_to=case.forwarded_to,
                decided_at=case.decided_at,
                decision_reason=case.decision_reason,
                steps=[_step(s) for s in steps[case.id]],
            )
        )
    return typed


async def _records_behind(context: Context, cases: list[Objection]) -> dict[str, Disclosed]:
    """The record of each case, as the viewer may see it (by case id)."""
    if context.viewer.kind not in (ViewerKind.AGENCY, ViewerKind.PROVIDER):
        return {}  # the subject's own cases: nothing it shows is logged
    codes = list(dict.fromkeys(c.subject_code for c in cases))
    views = dict(
        zip(codes, await asyncio.gather(*(context.view(parse_code(c)) for c in codes)), strict=True)
    )
    found = {}
    for case in cases:
        record = next(
            (d for d in views[case.subject_code].records if d.record.id == case.record_id), None
        )
        if record is not None:
            found[case.id] = record
    return found


def _step(step: Step) -> ObjectionStepType:
    return ObjectionStepType(step=step.step, at=step.at, actor_kind=step.actor_kind, note=step.note)


def _notification(n: Notification) -> NotificationType:
    return NotificationType(
        id=strawberry.ID(n.id),
        at=n.at,
        kind=n.kind,
        case_id=None if n.case_id is None else strawberry.ID(n.case_id),
        text=n.text,
        read=n.read_at is not None,
    )


def _article(step: object) -> str:
    article = getattr(step, "article", None)
    return article if isinstance(article, str) else "config/rights.toml"
