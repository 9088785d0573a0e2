"""`integrityScore`: a natural person's integrity score (自然人诚信积分, 001 art. 28), explained.

On `Subject` and on `me`. The person sees its own; anyone else only under the
person's consent naming the catalogue item INTEGRITY_SCORE, which the
catalogue marks ``consent_only`` (the policy's item access decides it, as for
any item), and then a score computed over what that consent opens. The score
and each contribution are :class:`Disclosing`, so the query log records the
score's item, and the records each contribution names, whenever they leave in
a response.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import strawberry
from strawberry import Info

from gateway.codes import parse_code
from gateway.config.catalogue import SCORE_ITEM
from gateway.domain import ListKind, SubjectKind
from gateway.errors import ErrorCode, client_error
from gateway.policy import SubjectState
from gateway.score import Contribution, benefits, integrity_score, score_record
from gateway.visibility import Disclosed, SubjectView
from resolvers.consents import subject_code_of
from resolvers.context import Context
from resolvers.disclosure import Disclosing
from resolvers.measures import MeasureType, measure_type
from resolvers.records import CreditRecordType, record_type


@strawberry.type(
    name="ScoreContribution",
    description="One record or list entry that moved the score, by how much and under which "
    "rule of config/score.toml.",
)
class ScoreContributionType(Disclosing):
    source: strawberry.Private[Disclosed]
    rule: str = strawberry.field(description="The rule's id in config/score.toml.")
    points: int = strawberry.field(
        description="Points it gave: negative for adverse information, positive for "
        "commendatory; less than the rule's points when it reached the rule's cap."
    )
    article: str = strawberry.field(description="The regulation the rule rests on.")
    record_id: str = strawberry.field(
        description="The record (`CreditRecord.id`) behind it; a list entry is a record too."
    )
    item: str = strawberry.field(description="The record's catalogue item code.")
    list_kind: ListKind | None = strawberry.field(
        description="The list, when the record is a list entry (on the person's file as "
        "responsible for an organisation's entry too, 001 art. 26); else null."
    )

    @strawberry.field(description="The record itself, as `Subject.records` shows it to you.")
    def record(self) -> CreditRecordType:
        return record_type(self.source)

    @classmethod
    def shows(cls, fields: frozenset[str]) -> bool:
        return True  # every part of it names the record

    def disclosed(self, shown: bool) -> Iterable[Disclosed]:
        return (self.source,)


@strawberry.type(
    name="IntegrityScore",
    description="自然人诚信积分 (001 art. 28): `base` plus the points of the records that count, "
    "each named in `contributions`, computed now over what you may see. Records expired, "
    "repaired, withdrawn or shielded count nothing (001 art. 35), list entries only until "
    "removed. The band brings the benefits of 001 art. 29; a score never restricts a basic "
    "public service (001 art. 28).",
)
class IntegrityScoreType(Disclosing):
    shown: strawberry.Private[Disclosed]
    value: int = strawberry.field(description="The score.")
    base: int = strawberry.field(description="The score of a person with nothing that counts.")
    band: str = strawberry.field(description="Its band's name, e.g. 优秀, 良好, 一般, 较差.")
    computed_at: datetime = strawberry.field(description="When it was computed (UTC).")
    complete: bool = strawberry.field(
        description="Whether you may see every kind of record the rules count. False for a "
        "consent naming INTEGRITY_SCORE but not all of those items: the score is then computed "
        "over less than the person's own, and may differ from it."
    )
    contributions: list[ScoreContributionType] = strawberry.field(
        description="Every record that moved the score, newest first."
    )
    benefits: list[MeasureType] = strawberry.field(
        description="The published incentive measures of the band (001 art. 29: 先享后付, "
        "免押金...), with who applies them."
    )

    @classmethod
    def shows(cls, fields: frozenset[str]) -> bool:
        return True  # a score in the answer, whatever is selected, discloses it

    def disclosed(self, shown: bool) -> Iterable[Disclosed]:
        return (self.shown,)


def score_disclosed(context: Context, state: SubjectState) -> Disclosed | None:
    """The score as the query log records it, if this viewer may see the person's score."""
    item = context.services.config.catalogue.get(SCORE_ITEM)
    if item is None or state.kind is not SubjectKind.NATURAL_PERSON:
        return None
    decision = context.access.item(state, item)
    if not decision.allowed:
        return None
    return Disclosed(score_record(item, state.code, context.today), decision)


def resolve_score(info: Info[Context, None], view: SubjectView) -> IntegrityScoreType | None:
    """The score of ``view``'s person; null for an organisation; an error when not yours to see."""
    context = info.context
    config = context.services.config
    item = config.catalogue.get(SCORE_ITEM)
    if item is None or view.kind is not SubjectKind.NATURAL_PERSON:
        return None
    decision = context.access.item(view.state, item)
    if not decision.allowed:
        code = ErrorCode(decision.denial or ErrorCode.FORBIDDEN)
        raise client_error(
            code, f"The integrity score of {view.code} is not shown to you: {decision.reason}."
        )
    _check_sources(context)
    score = integrity_score(config.score, view, context.now)
    if score is None:
        return None
    return IntegrityScoreType(
        shown=Disclosed(score_record(item, view.code, context.today), decision),
        value=score.value,
        base=score.base,
        band=score.band.name,
        computed_at=score.computed_at,
        complete=all(
            context.access.item(view.state, counted).allowed
            for code in sorted(config.score.reads)
            if (counted := config.catalogue.get(code)) is not None
        ),
        contributions=[_contribution(c) for c in score.contributions],
        benefits=[measure_type(m) for m in benefits(score, config.measures, context.today)],
    )


async def my_score(info: Info[Context, None]) -> IntegrityScoreType | None:
    """`me.integrityScore`: the caller's own, if it is a natural person."""
    code = parse_code(subject_code_of(info))
    context = info.context
    if not context.loaded(code.value):
        context.count_codes(1, "me")
    return resolve_score(info, await context.view(code))


def _check_sources(context: Context) -> None:
    # A score judged on part of what it counts would be wrong (a penalty's
    # source down raises it): no score then, and the failure says why.
    reads = context.services.config.score.reads
    sources = context.services.sources
    for failure in context.source_errors.values():
        if sources.serves(failure.source) & reads:
            raise client_error(
                ErrorCode.SOURCE_UNAVAILABLE,
                f"The integrity score is not computed: source '{failure.source}', whose "
                "records count towards it, did not answer.",
                source=failure.source,
            )


def _contribution(found: Contribution) -> ScoreContributionType:
    record = found.source.record
    return ScoreContributionType(
        source=found.source,
        rule=found.rule.id,
        points=found.points,
        article=found.rule.article,
        record_id=record.id,
        item=record.item.code,
        list_kind=found.list_kind,
    )
