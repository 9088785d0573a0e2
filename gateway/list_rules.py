"""Entries the gateway puts on lists itself, by the rules of `config/list_rules.toml`.

Pure: records and a date in, entries out. An entry is a :class:`CreditRecord`
of the rule's catalogue item, so the policy decides who may see it like any
other information (001 art. 14), and it names the records it rests on
(``basis_records``) so that it can be explained and disputed (001 art. 34).

The records counted are those in force (:func:`gateway.policy.lifecycle`):
an expired, repaired or withdrawn adverse record no longer counts, and a
shielded good record is not used as grounds for incentives (001 art. 35).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from gateway.config.catalogue import Catalogue, CatalogueItem, Period
from gateway.config.list_rules import ListRule, ListRules, RuleKind
from gateway.domain import DetailType, Provenance, RecordStatus
from gateway.policy import SubjectState, lifecycle
from gateway.records import CreditRecord, Detail, add_period

SOURCE = "gateway"


def derived_entries(
    rules: ListRules,
    catalogue: Catalogue,
    state: SubjectState,
    records: Sequence[CreditRecord],
    today: date,
) -> list[CreditRecord]:
    """The entries ``rules`` give the subject of ``records`` today."""
    if not rules.rules:
        return []
    read = rules.inputs()
    in_force = [
        r
        for r in records
        if r.item.code in read and lifecycle(state, r, today) is RecordStatus.ACTIVE
    ]
    adverse = [r for r in in_force if r.item.code in rules.adverse]
    entries: list[CreditRecord] = []
    for rule in rules:
        if rule.kind is RuleKind.REPEATED:
            entries += _repeated(rule, catalogue, state, adverse, today)
        elif rule.kind is RuleKind.DOMAINS:
            entries += _domains(rule, catalogue, state, adverse, today)
        elif not adverse:  # 004 art. 39: no dishonesty record in force, of any date
            entries += _good_record(rule, catalogue, state, in_force, today)
    return entries


def in_window(day: date | None, within: Period, today: date) -> bool:
    """Whether a record of ``day`` is inside the window ending today: from that day
    until the same day ``within`` later, both included."""
    return day is not None and day <= today <= add_period(day, within)


def _day(record: CreditRecord) -> date | None:
    return record.decided_on or record.occurred_on


def _adverse(rule: ListRule, records: Iterable[CreditRecord], today: date) -> list[CreditRecord]:
    return [
        r
        for r in records
        if (not rule.items or r.item.code in rule.items) and in_window(_day(r), rule.within, today)
    ]


def _repeated(
    rule: ListRule,
    catalogue: Catalogue,
    state: SubjectState,
    records: list[CreditRecord],
    today: date,
) -> list[CreditRecord]:
    by_item: dict[str, list[CreditRecord]] = {}
    for record in _adverse(rule, records, today):
        by_item.setdefault(record.item.code, []).append(record)
    entries = []
    for code, found in by_item.items():
        n = rule.threshold
        if len(found) < n:
            continue
        days = sorted(d for r in found if (d := _day(r)) is not None)
        # Met when the n-th record came; holds until only n-1 are left in the window.
        reason = (
            f"近{_span(rule.within)}内{found[0].item.name}{len(found)}次，"
            f"达到{n}次（{rule.article}）"
        )
        until = add_period(days[len(days) - n], rule.within)
        key = f"{rule.id}:{code}"
        entries.append(_entry(rule, catalogue, state, key, reason, found, days[n - 1], until))
    return entries


def _domains(
    rule: ListRule,
    catalogue: Catalogue,
    state: SubjectState,
    records: list[CreditRecord],
    today: date,
) -> list[CreditRecord]:
    found = [r for r in _adverse(rule, records, today) if r.item.domain]
    first: dict[str, date] = {}
    last: dict[str, date] = {}
    for record in found:
        domain, day = record.item.domain or "", _day(record) or today
        first[domain] = min(first.get(domain, day), day)
        last[domain] = max(last.get(domain, day), day)
    n = rule.threshold
    if len(first) < n:
        return []
    domains = sorted(first, key=lambda d: (first[d], d))
    reason = (
        f"近{_span(rule.within)}内在{len(first)}个领域（{'、'.join(domains)}）出现不良信息，"
        f"达到{n}个（{rule.article}）"
    )
    met_on = sorted(first.values())[n - 1]
    until = add_period(sorted(last.values(), reverse=True)[n - 1], rule.within)
    return [_entry(rule, catalogue, state, rule.id, reason, found, met_on, until)]


def _good_record(
    rule: ListRule,
    catalogue: Catalogue,
    state: SubjectState,
    records: list[CreditRecord],
    today: date,
) -> list[CreditRecord]:
    good = [
        r for r in records if r.item.code in rule.items and in_window(_day(r), rule.within, today)
    ]
    if not good:
        return []
    latest = max(d for r in good if (d := _day(r)) is not None)
    names = "、".join(dict.fromkeys(r.item.name for r in good))
    reason = f"无失信记录，近{_span(rule.within)}内有守信记录：{names}（{rule.article}）"
    until = add_period(latest, rule.within)
    return [_entry(rule, catalogue, state, rule.id, reason, good, latest, until)]


def _entry(
    rule: ListRule,
    catalogue: Catalogue,
    state: SubjectState,
    key: str,
    reason: str,
    basis: list[CreditRecord],
    met_on: date,
    until: date,
) -> CreditRecord:
    item = catalogue.items[rule.item]
    return CreditRecord(
        id=f"{SOURCE}:rule:{key}",
        subject_code=state.code,
        item=item,
        provenance=Provenance.PUBLIC_CREDIT,
        source=SOURCE,
        title=item.name,
        occurred_on=met_on,
        decided_on=met_on,
        ended_on=None,
        # As things stand: the last day the rule holds without new records.
        disclosure_until=until,
        details=(Detail("reason", _label(item, "reason"), DetailType.TEXT, reason, False),),
        rule=rule.id,
        basis_records=tuple(r.id for r in sorted(basis, key=_newest_first)),
    )


def _label(item: CatalogueItem, key: str) -> str:
    field = item.field(key)
    return key if field is None else field.label


def _newest_first(record: CreditRecord) -> tuple[int, str]:
    day = _day(record) or date.min
    return (-day.toordinal(), record.id)


def _span(period: Period) -> str:
    unit = {"y": "年", "m": "个月", "d": "日"}[period.unit]
    return f"{period.amount}{unit}"
