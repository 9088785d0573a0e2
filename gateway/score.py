"""The integrity score of a natural person (自然人诚信积分, 001 art. 28), explained.

Pure: a subject view and ``now`` in, a score out; no I/O, no clock. The score
is computed from the records of one :class:`gateway.visibility.SubjectView`,
so only from what that view's viewer may see, and it names every record that
moved it, with the rule and the article (001 art. 28 asks for a score; a
person told a number without its grounds could not object to them, 001 art. 34).

What counts, each from the regulations or `config/score.toml`:

- only records in force: an expired, repaired, withdrawn or shielded record
  counts nothing (003 arts. 35, 43-44; 001 art. 35: a shielded commendation is
  no ground for incentives). The person's own view holds those too, marked
  with their status; anyone else's does not hold them at all;
- a list entry only until the day it is removed (as :mod:`gateway.measures`);
- a rule with a window only records decided within it of today, both days
  included; a record dated after today never counts;
- a record counts under the first rule naming it (``ScoreConfig.by_item``),
  newest first; the record that reaches a rule's cap gives what is left of
  it, and later records of that rule nothing;
- the entries the gateway works out itself (``SubjectView.derived``) are not
  read: the records they rest on count in their own right.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from gateway.config.catalogue import CatalogueItem
from gateway.config.measures import Measure, MeasureList
from gateway.config.score import Band, ScoreConfig, ScoreRule
from gateway.domain import ListKind, Provenance, RecordStatus, SubjectKind
from gateway.list_rules import in_window
from gateway.policy import china_today
from gateway.records import CreditRecord
from gateway.visibility import Disclosed, SubjectView


@dataclass(frozen=True, slots=True)
class Contribution:
    """One record that moved the score, and by how much."""

    rule: ScoreRule
    points: int
    source: Disclosed  # the record or list entry behind it
    list_kind: ListKind | None  # the list, when it is a list entry

    @property
    def record_id(self) -> str:
        return self.source.record.id


@dataclass(frozen=True, slots=True)
class IntegrityScore:
    """A person's score as one viewer may know it: ``base`` plus the contributions."""

    value: int
    base: int
    band: Band
    computed_at: datetime
    contributions: tuple[Contribution, ...]


def integrity_score(config: ScoreConfig, view: SubjectView, now: datetime) -> IntegrityScore | None:
    """The score of the person ``view`` shows, from its records; None for an organisation."""
    if view.kind is not SubjectKind.NATURAL_PERSON:
        return None
    today = china_today(now)
    spent: dict[str, int] = {}
    contributions: list[Contribution] = []
    for disclosed in sorted(view.records, key=_newest_first):
        found = config.rule_for(disclosed.record.item.code)
        if found is None or not _counts(disclosed, found[0], today):
            continue
        rule, listed = found
        room = rule.cap - spent.get(rule.id, 0)
        if room <= 0:
            continue
        points = max(-room, min(room, rule.points))
        spent[rule.id] = spent.get(rule.id, 0) + abs(points)
        contributions.append(Contribution(rule, points, disclosed, listed))
    value = config.base + sum(c.points for c in contributions)
    return IntegrityScore(value, config.base, config.band(value), now, tuple(contributions))


def benefits(score: IntegrityScore, measures: MeasureList, today: date) -> tuple[Measure, ...]:
    """The incentive measures of the score's band in force on ``today`` (001 art. 29)."""
    found = (measures.get(measure_id) for measure_id in score.band.measures)
    return tuple(m for m in found if m is not None and m.in_force(today))


def _counts(disclosed: Disclosed, rule: ScoreRule, today: date) -> bool:
    if disclosed.decision.status is not RecordStatus.ACTIVE:
        return False
    record = disclosed.record
    entry = record.item.listing is not None or record.item.responsible_for is not None
    if entry and record.ended_on is not None and record.ended_on <= today:
        return False
    day = record.decided_on or record.occurred_on
    if rule.within is not None:
        return in_window(day, rule.within, today)
    return day is None or day <= today


def _newest_first(disclosed: Disclosed) -> tuple[int, str]:
    record = disclosed.record
    day = record.decided_on or record.occurred_on or date.min
    return (-day.toordinal(), record.id)


def score_record(item: CatalogueItem, code: str, today: date) -> CreditRecord:
    """The score as a record of its catalogue item: what the query log records."""
    return CreditRecord(
        id=f"gateway:{item.code}:{code}",
        subject_code=code,
        item=item,
        provenance=Provenance.PUBLIC_CREDIT,
        source="gateway",
        title=item.name,
        occurred_on=None,
        decided_on=today,
        ended_on=None,
        disclosure_until=None,
        details=(),
    )
