"""Credit commitments' performance (信用承诺履约), recorded by the accepting unit.

001 art. 30, 004 art. 22: the unit a commitment was made to finds whether it was
kept; a broken one becomes adverse information (BROKEN_COMMITMENT, served by the
`commitment_findings` source). The subject cannot set it. Who may record it is
the policy's call (:func:`gateway.policy.performance_refused`).
"""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry import Info

from gateway.errors import ErrorCode, bad_input, client_error
from gateway.policy import china_today, performance_refused
from gateway.store.declarations import Declaration, Performance
from gateway.store.workflows import Actor, CaseConflict
from gateway.viewer import ViewerKind
from resolvers.context import Context
from resolvers.declarations import declarations_source
from resolvers.objections import text_input

COMMITMENT = "CREDIT_COMMITMENT"
BROKEN_COMMITMENT = "BROKEN_COMMITMENT"


@strawberry.type(description="What the accepting unit recorded of a commitment (001 art. 30).")
class CommitmentPerformance:
    record_id: strawberry.ID = strawberry.field(description="The commitment's record id.")
    subject_code: str = strawberry.field(description="Whose commitment it is.")
    performance: Performance = strawberry.field(description="Kept or broken.")
    on: date = strawberry.field(description="The day the unit found it so.")
    note: str | None = strawberry.field(description="The unit's note; its reasons when broken.")
    broken_record_id: strawberry.ID | None = strawberry.field(
        description="When broken: the adverse record now on the subject's file."
    )


async def record_performance(
    info: Info[Context, None],
    record_id: str,
    performance: Performance,
    on: date,
    note: str | None,
) -> CommitmentPerformance:
    context = info.context
    services = context.services
    viewer = context.viewer
    if viewer.kind is not ViewerKind.PROVIDER:
        refused = performance_refused(viewer, None)
        raise client_error(ErrorCode.FORBIDDEN, f"Not allowed: {refused}.")
    source = declarations_source(context, COMMITMENT)
    prefix, _, declaration_id = record_id.partition(":")
    found = await services.store.declarations.get(declaration_id) if prefix == source else None
    # Unknown, not a commitment, or made to another unit: one answer for all three,
    # so an operator learns nothing of commitments made to others.
    if (
        found is None
        or found.item != COMMITMENT
        or performance_refused(viewer, found.accepting_unit) is not None
    ):
        raise bad_input("No commitment with that id was made to your unit.", argument="recordId")
    note = text_input(note, "note")
    if performance is Performance.BROKEN and note is None:
        raise bad_input("Say why the commitment was broken.", argument="note")
    if on > context.today or on < china_today(found.declared_at):
        raise bad_input("The day must lie between the commitment and today.", argument="on")
    actor = Actor(context.viewer.kind.value, context.viewer.code)
    try:
        recorded = await services.store.workflows.record_performance(
            found.id,
            actor.code or "",
            performance,
            on,
            note,
            actor,
            context.now,
            _told(found, performance, on, note),
        )
    except KeyError:
        raise bad_input(
            "No commitment with that id was made to your unit.", argument="recordId"
        ) from None
    except CaseConflict as exc:
        raise bad_input(f"Cannot record: {exc}.", argument="recordId") from None
    # The gateway's own write: cached commitments of this subject are stale now.
    services.sources.invalidate([found.subject_code])
    context.forget(found.subject_code)
    broken = (
        declarations_source(context, BROKEN_COMMITMENT)
        if performance is Performance.BROKEN
        else None
    )
    return CommitmentPerformance(
        record_id=strawberry.ID(record_id),
        subject_code=recorded.subject_code,
        performance=performance,
        on=on,
        note=note,
        broken_record_id=None if broken is None else strawberry.ID(f"{broken}:{found.id}:broken"),
    )


def _told(found: Declaration, performance: Performance, on: date, note: str | None) -> str:
    unit = found.details.get("accepting_unit") or "受理单位"
    if performance is Performance.KEPT:
        return (
            f"您向{unit}作出的信用承诺「{found.title}」经受理单位确认已全部履行"
            f"（{on.isoformat()}）。"
        )
    return (
        f"您向{unit}作出的信用承诺「{found.title}」经受理单位于{on.isoformat()}认定未履行："
        f"{note}。该信息作为失信信息记录（001 art. 30）；如有异议，可提出异议（001 art. 34）。"
    )
