"""Credit repair (信用修复) as a workflow: the subject applies, the agency decides.

003 art. 44, 004 arts. 55-57: each adverse item states in the catalogue
whether and how it can be repaired (scope, conditions, method, the least time
after the decision); some cannot be. An approved repair stops the record's
disclosure to everyone but the subject (who sees it REPAIRED), takes the
subject off the list the record recorded, and so ends the measures it
triggered (gateway.policy, gateway.record_state and gateway.measures all read
the same REPAIR mark). No fee is charged (004 art. 56).
"""

from __future__ import annotations

import strawberry
from strawberry import Info

from gateway.codes import parse_code
from gateway.domain import Category
from gateway.errors import bad_input
from gateway.policy import china_today
from gateway.records import add_period
from gateway.store.workflows import Actor, CaseConflict, CaseKind
from resolvers.consents import subject_code_of
from resolvers.context import Context
from resolvers.enums import RepairOutcome
from resolvers.objections import (
    ObjectionType,
    agency_actor,
    cases_typed,
    new_case,
    required_input,
    text_input,
)


@strawberry.input(description="A repair application for an adverse record on your file.")
class RepairInput:
    record_id: strawberry.ID = strawberry.field(description="The record's id, from `records`.")
    correction: str = strawberry.field(
        description="How the behaviour was corrected (e.g. the fine paid on ...)."
    )
    evidence: str | None = strawberry.field(
        default=None, description="Supporting documents, e.g. a payment voucher number."
    )


async def apply_for_repair(info: Info[Context, None], data: RepairInput) -> ObjectionType:
    context = info.context
    code = subject_code_of(info)
    correction = required_input(data.correction, "correction")
    evidence = text_input(data.evidence, "evidence")
    view = await context.view(parse_code(code))
    found = next((d for d in view.records if d.record.id == str(data.record_id)), None)
    if found is None:
        raise bad_input("No record with that id is on your file.", argument="recordId")
    record = found.record
    rule = record.item.repair
    if record.category is not Category.ADVERSE or rule is None or not rule.repairable:
        why = rule.scope if rule is not None else "the catalogue states no repair for it"
        raise bad_input(f"{record.item.name} cannot be repaired: {why}.", argument="recordId")
    if record.repaired:
        raise bad_input("The record is already repaired.", argument="recordId")
    decided = record.decided_on or record.occurred_on
    if rule.after is not None and decided is not None:
        earliest = add_period(decided, rule.after)
        if context.today < earliest:
            raise bad_input(
                f"A repair of {record.item.name} may be applied for from "
                f"{earliest.isoformat()} ({rule.conditions}).",
                argument="recordId",
            )
    store = context.services.store.workflows
    if any(
        c.record_id == record.id and c.status.open
        for c in await store.objections_of(code, CaseKind.REPAIR)
    ):
        raise bad_input(
            "A repair application for this record is already open.", argument="recordId"
        )
    step = context.services.config.rights.active.repair.decide
    case = new_case(context, code, record, CaseKind.REPAIR, correction, evidence, step)
    told = (
        f"您对「{record.item.name}：{record.title}」的信用修复申请已于"
        f"{context.today.isoformat()}受理，不收取任何费用（004 art. 56）。"
    )
    await store.apply_repair(case, Actor("SUBJECT", code), told)
    context.forget(code)
    (typed,) = await cases_typed(context, [case])
    return typed


async def decide_repair(
    info: Info[Context, None], case_id: str, outcome: RepairOutcome, reason: str
) -> ObjectionType:
    context = info.context
    actor = agency_actor(context)
    reason = required_input(reason, "reason")
    store = context.services.store.workflows
    existing = await store.objection(case_id)
    if existing is None or existing.kind is not CaseKind.REPAIR:
        raise bad_input("No repair application with that id.", argument="id")
    approved = outcome is RepairOutcome.APPROVE
    day = china_today(existing.filed_at).isoformat()
    told = (
        f"您于{day}提出的信用修复申请已通过，相关信息不再公示，"
        f"依据该信息实施的措施相应解除（004 art. 56）：{reason}"
        if approved
        else f"您于{day}提出的信用修复申请未通过，理由：{reason}"
    )
    try:
        case = await store.decide_repair(case_id, approved, reason, actor, context.now, told)
    except CaseConflict as exc:
        raise bad_input(f"Cannot decide: {exc}.", argument="id") from None
    context.forget(case.subject_code)
    (typed,) = await cases_typed(context, [case])
    return typed


async def my_repairs(info: Info[Context, None]) -> list[ObjectionType]:
    context = info.context
    code = subject_code_of(info)
    cases = await context.services.store.workflows.objections_of(code, CaseKind.REPAIR)
    return await cases_typed(context, cases)
