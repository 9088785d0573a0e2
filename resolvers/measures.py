"""The measure list (措施清单) and the measures that apply to a subject in a duty matter."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import strawberry
from strawberry import Info

from gateway.config.measures import Measure, MeasureKind
from gateway.domain import Category, ListKind
from gateway.errors import ErrorCode, bad_input, client_error
from gateway.measures import Applicable, applicable_measures
from gateway.policy import measures_refused
from gateway.records import CreditRecord
from gateway.visibility import Disclosed, SubjectView
from resolvers.context import Context
from resolvers.disclosure import Disclosing
from resolvers.lists import ListEntryType, entry_type
from resolvers.records import CreditRecordType, record_type


@strawberry.type(description="What triggers a measure (适用情形).")
class MeasureTriggers:
    lists: list[ListKind] = strawberry.field(description="Entries of these lists.")
    items: list[str] = strawberry.field(description="Records of these catalogue items.")
    categories: list[Category] = strawberry.field(description="Records of these categories.")
    behaviour_domains: list[str] = strawberry.field(
        description="The behaviour must be in one of these domains (001 art. 24); empty: any."
    )
    responsible_persons: bool = strawberry.field(
        description="Also applied to the persons responsible for an organisation's entry "
        "(001 art. 26, 003 art. 36)."
    )
    score_bands: list[str] = strawberry.field(
        description="Bands of the integrity score (`IntegrityScore.band`, config/score.toml): "
        "a natural person whose score is in one of them enjoys it (001 arts. 28-29). Such a "
        "measure is an incentive triggered by nothing else, applied by the service the person "
        "shows the score to; empty for every other measure."
    )


@strawberry.type(
    name="Measure",
    description="One published measure of the measure list (001 art. 24, 003 art. 28, "
    "004 art. 45): who applies it, when, on what basis and how far.",
)
class MeasureType:
    id: str = strawberry.field(description="Stable id in config/measures.toml.")
    name: str = strawberry.field(description="The measure.")
    kind: MeasureKind = strawberry.field(description="Incentive, constraint or punishment.")
    implementing_unit: str = strawberry.field(description="实施主体.")
    domain: str = strawberry.field(description="The 领域 it is applied in.")
    applies_to: MeasureTriggers = strawberry.field(description="适用情形.")
    legal_basis: str = strawberry.field(description="实施依据.")
    range: str = strawberry.field(description="幅度: how far it goes.")
    published_on: date | None = strawberry.field(description="When it was published.")
    lifting_conditions: str = strawberry.field(description="解除条件 (002 art. 24).")


def measure_type(measure: Measure) -> MeasureType:
    t = measure.applies_to
    return MeasureType(
        id=measure.id,
        name=measure.name,
        kind=measure.kind,
        implementing_unit=measure.implementing_unit,
        domain=measure.domain,
        applies_to=MeasureTriggers(
            lists=sorted(t.lists),
            items=sorted(t.items),
            categories=sorted(t.categories),
            behaviour_domains=sorted(t.behaviour_domains),
            responsible_persons=t.responsible_persons,
            score_bands=sorted(t.score_bands),
        ),
        legal_basis=measure.legal_basis,
        range=measure.range,
        published_on=measure.published_on,
        lifting_conditions=measure.lifting_conditions,
    )


@strawberry.type(
    name="ApplicableMeasure",
    description="A measure that applies to the subject in the matter at hand, with what "
    "the subject must be told (001 art. 25, 002 art. 24): basis, reason, remedy, lifting.",
)
class ApplicableMeasureType(Disclosing):
    trigger: strawberry.Private[Disclosed]
    measure: MeasureType = strawberry.field(description="The measure.")
    reason: str = strawberry.field(description="理由: the record or entry that triggers it.")
    basis: str = strawberry.field(description="依据: the measure's legal basis.")
    remedies: str = strawberry.field(description="救济途径: objection, repair, review.")
    lifting_conditions: str = strawberry.field(description="解除条件.")
    ends_on: date | None = strawberry.field(
        description="The first day it no longer applies as things stand; null: until the "
        "entry is removed or the measure lifted."
    )
    as_responsible_person: bool = strawberry.field(
        description="Applied as a person responsible for an organisation's entry (001 art. 26)."
    )
    record: CreditRecordType = strawberry.field(description="The triggering record.")
    entry: ListEntryType | None = strawberry.field(
        description="The triggering list entry, when it is one."
    )

    @classmethod
    def shows(cls, fields: frozenset[str]) -> bool:
        return True  # a measure applied says what triggers it

    def disclosed(self, shown: bool) -> Iterable[Disclosed]:
        return (self.trigger,)


def resolve_applicable(
    info: Info[Context, None], view: SubjectView, matter: str
) -> list[ApplicableMeasureType]:
    context = info.context
    config = context.services.config
    duty = config.duty_matters.get(matter)
    if duty is None:
        raise bad_input(f"Unknown duty matter {matter!r}.", argument="matter")
    refused = measures_refused(context.viewer, view.code, matter)
    if refused is not None:
        raise client_error(ErrorCode.FORBIDDEN, f"Not shown: {refused}.")
    # Only what units decided and sources reported: an entry the gateway worked out
    # itself (key attention, red-list eligibility) grounds no measure; listing
    # stays the unit's decision (004 art. 39).
    found = applicable_measures(
        config.measures, config.catalogue, duty.domain, view.records, context.today
    )
    return [_applicable(a, view, context) for a in found]


def _applicable(found: Applicable, view: SubjectView, context: Context) -> ApplicableMeasureType:
    config = context.services.config
    record = found.trigger.record
    listed = record.item.listing is not None or record.item.responsible_for is not None
    entry = entry_type(found.trigger, view, config, context.today) if listed else None
    remedies = (entry.remedies if entry else None) or config.measures.remedies
    return ApplicableMeasureType(
        trigger=found.trigger,
        measure=measure_type(found.measure),
        reason=_reason(record),
        basis=found.measure.legal_basis,
        remedies=remedies,
        lifting_conditions=found.measure.lifting_conditions,
        ends_on=found.ends_on,
        as_responsible_person=found.responsible,
        record=record_type(found.trigger),
        entry=entry,
    )


def _reason(record: CreditRecord) -> str:
    """What triggers it, as the subject is told (001 art. 25): item, title and date."""
    named = record.item.name
    if record.title != named:
        named = f"{named}：{record.title}"
    day = record.decided_on or record.occurred_on
    return named if day is None else f"{named}（{day.isoformat()}）"


def published_measures(
    info: Info[Context, None], kind: MeasureKind | None, domain: str | None
) -> list[MeasureType]:
    context = info.context
    return [
        measure_type(m)
        for m in context.services.config.measures.published(context.today)
        if (kind is None or m.kind is kind) and (domain is None or m.domain == domain)
    ]
