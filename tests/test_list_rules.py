"""Lists the gateway works out itself: key attention (001 art. 19) and red-list
eligibility (004 art. 39), at their boundaries."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest

from gateway.config.catalogue import Catalogue, CatalogueItem, Period
from gateway.config.list_rules import ListRule, ListRules, RuleKind, load_list_rules
from gateway.config.reader import Problems
from gateway.domain import Category, ListKind, Openness, SubjectKind
from gateway.list_rules import derived_entries, in_window
from gateway.policy import SubjectState
from gateway.records import CreditRecord
from tests.factories import item, record

TODAY = date(2026, 11, 23)
ORG = "91330106MA2H7K3Q0L"
PENALTY = replace(item("PENALTY"), domain="市场监管")
ARREARS = replace(item("ARREARS"), domain="税务")
DEFAULT = replace(item("DEFAULT"), domain="司法")
A_GRADE = replace(item("A_GRADE", Category.COMMENDATORY, period=None), domain="税务")
KEY_ATTENTION = replace(
    item("KEY_ATTENTION", Category.ADVERSE, Openness.INTERNAL, period=None),
    listing=ListKind.KEY_ATTENTION,
)
ELIGIBLE = replace(
    item("RED_LIST_ELIGIBLE", Category.COMMENDATORY, period=None), listing=ListKind.RED_LIST
)
CATALOGUE = Catalogue(
    {i.code: i for i in (PENALTY, ARREARS, DEFAULT, A_GRADE, KEY_ATTENTION, ELIGIBLE)}
)
TWO_YEARS = Period(24, "m")


def rule(kind: RuleKind, threshold: int, **kw: object) -> ListRule:
    defaults: dict[str, object] = {
        "id": f"R-{kind}",
        "list": ListKind.RED_LIST if kind is RuleKind.GOOD_RECORD else ListKind.KEY_ATTENTION,
        "item": "RED_LIST_ELIGIBLE" if kind is RuleKind.GOOD_RECORD else "KEY_ATTENTION",
        "article": "001 art. 19",
        "kind": kind,
        "within": TWO_YEARS,
        "threshold": threshold,
        "items": frozenset(),
    }
    defaults.update(kw)
    return ListRule(**defaults)  # type: ignore[arg-type]


def on(catalogue_item: CatalogueItem, day: date, n: int = 0, **flags: bool) -> CreditRecord:
    base = record(catalogue_item, ORG, decided_on=day, disclosure_until=date(2031, 1, 1))
    return replace(base, id=f"{base.id}:{n}:{day}", **flags)


def derive(r: ListRule, records: list[CreditRecord], today: date = TODAY) -> list[CreditRecord]:
    state = SubjectState(ORG, SubjectKind.LEGAL_PERSON)
    rules = ListRules((r,), frozenset({"PENALTY", "ARREARS", "DEFAULT"}))
    return derived_entries(rules, CATALOGUE, state, records, today)


REPEATED = rule(RuleKind.REPEATED, 3)


def test_repeated_needs_n_records_of_one_item_not_n_minus_one() -> None:
    two = [on(PENALTY, date(2026, 1, 1), n) for n in range(2)]
    assert derive(REPEATED, two) == []
    three = [*two, on(PENALTY, date(2026, 3, 1), 2)]
    (entry,) = derive(REPEATED, three)
    assert entry.item is KEY_ATTENTION
    assert entry.rule == REPEATED.id
    assert set(entry.basis_records) == {r.id for r in three}
    assert entry.decided_on == date(2026, 3, 1)  # met when the third came
    # Holds until the earliest of the last three leaves the window.
    assert entry.disclosure_until == date(2028, 1, 1)


def test_repeated_counts_one_item_at_a_time() -> None:
    mixed = [on(PENALTY, date(2026, 1, 1), 0), on(PENALTY, date(2026, 2, 1), 1)]
    mixed.append(on(ARREARS, date(2026, 3, 1)))
    assert derive(REPEATED, mixed) == []


def test_the_window_includes_its_first_day_and_not_the_day_before() -> None:
    edge = date(2024, 11, 23)  # exactly 24 months before TODAY
    inside = [on(PENALTY, edge, 0), *(on(PENALTY, date(2026, 1, 1), n) for n in (1, 2))]
    assert len(derive(REPEATED, inside)) == 1
    outside = [on(PENALTY, edge - timedelta(days=1), 0), *inside[1:]]
    assert derive(REPEATED, outside) == []
    assert in_window(edge, TWO_YEARS, TODAY)
    assert not in_window(edge - timedelta(days=1), TWO_YEARS, TODAY)
    assert not in_window(TODAY + timedelta(days=1), TWO_YEARS, TODAY)


@pytest.mark.parametrize("flag", ["withdrawn", "repaired"])
def test_records_no_longer_in_force_do_not_count(flag: str) -> None:
    records = [on(PENALTY, date(2026, 1, 1), n) for n in range(2)]
    records.append(on(PENALTY, date(2026, 2, 1), 2, **{flag: True}))
    assert derive(REPEATED, records) == []


def test_expired_records_do_not_count() -> None:
    records = [on(PENALTY, date(2026, 1, 1), n) for n in range(3)]
    records[0] = replace(records[0], disclosure_until=TODAY - timedelta(days=1))
    assert derive(REPEATED, records) == []


DOMAINS = rule(RuleKind.DOMAINS, 3)


def test_domains_needs_k_domains_not_k_minus_one() -> None:
    two = [on(PENALTY, date(2026, 1, 1), 0), on(PENALTY, date(2026, 2, 1), 1)]
    two.append(on(ARREARS, date(2025, 6, 1)))
    assert derive(DOMAINS, two) == []
    three = [*two, on(DEFAULT, date(2025, 12, 1))]
    (entry,) = derive(DOMAINS, three)
    assert set(entry.basis_records) == {r.id for r in three}
    assert entry.decided_on == date(2026, 1, 1)  # when the third domain (市场监管) came
    assert "市场监管" in str(entry.details[0].value)
    # Holds until the third most recent domain (税务, 2025-06-01) leaves the window.
    assert entry.disclosure_until == date(2027, 6, 1)


def test_domains_window_boundary() -> None:
    edge = date(2024, 11, 23)
    records = [on(PENALTY, date(2026, 1, 1)), on(DEFAULT, date(2026, 2, 1)), on(ARREARS, edge)]
    assert len(derive(DOMAINS, records)) == 1
    records[2] = on(ARREARS, edge - timedelta(days=1))
    assert derive(DOMAINS, records) == []


GOOD = rule(RuleKind.GOOD_RECORD, 1, items=frozenset({"A_GRADE"}), within=Period(3, "y"))


def test_red_list_eligibility_needs_a_good_record_and_no_adverse_one() -> None:
    good = on(A_GRADE, date(2025, 4, 1))
    (entry,) = derive(GOOD, [good])
    assert entry.item is ELIGIBLE
    assert entry.basis_records == (good.id,)
    assert entry.disclosure_until == date(2028, 4, 1)
    # Any adverse record in force, of any item and any date, rules it out (004 art. 39).
    old_penalty = on(PENALTY, date(2020, 1, 1))
    assert derive(GOOD, [good, old_penalty]) == []
    # ...but not one past its period, repaired or withdrawn.
    expired = replace(old_penalty, disclosure_until=TODAY - timedelta(days=1))
    assert len(derive(GOOD, [good, expired])) == 1
    assert len(derive(GOOD, [good, replace(old_penalty, repaired=True)])) == 1


def test_only_the_configured_adverse_items_count() -> None:
    """Records outside adverse_items (a bureau's, say) count for no rule."""
    other = replace(item("MARKET_DEFAULT"), domain="市场信用")
    assert derive(REPEATED, [on(other, date(2026, 1, 1), n) for n in range(3)]) == []
    assert len(derive(GOOD, [on(A_GRADE, date(2025, 4, 1)), on(other, date(2026, 1, 1))])) == 1


def test_red_list_window_and_shielded_good_records() -> None:
    edge = date(2023, 11, 23)  # exactly three years before TODAY
    assert len(derive(GOOD, [on(A_GRADE, edge)])) == 1
    assert derive(GOOD, [on(A_GRADE, edge - timedelta(days=1))]) == []
    # 001 art. 35: shielded good information is not used as grounds for incentives.
    assert derive(GOOD, [on(A_GRADE, date(2025, 4, 1), shielded=True)]) == []
    # A record of another good item does not qualify.
    other = replace(item("OTHER_GOOD", Category.COMMENDATORY, period=None), domain="x")
    assert derive(GOOD, [on(other, date(2025, 4, 1))]) == []


def test_the_shipped_rules_load_and_cite_their_articles() -> None:
    from adapters.kinds import load_config

    config = load_config()
    rules = {r.id: r for r in config.list_rules}
    assert {r.article for r in rules.values()} >= {
        "001 art. 19(1)",
        "001 art. 19(2)",
        "004 art. 39",
    }
    for r in rules.values():
        listed = config.catalogue.items[r.item]
        assert listed.listing is r.list


def test_bad_rules_are_config_problems(tmp_path: Path) -> None:
    path = tmp_path / "list_rules.toml"
    path.write_text(
        'adverse_items = ["A_GRADE"]\n'
        '[[rule]]\nid = "X"\nlist = "KEY_ATTENTION"\nitem = "PENALTY"\narticle = "a"\n'
        'kind = "repeated"\nwithin = "two years"\nmin_records = 0\nsurprise = 1\n'
    )
    problems = Problems()
    load_list_rules(path, CATALOGUE, problems)
    messages = " | ".join(f"{p.key}: {p.message}" for p in problems.items)
    assert "item" in messages
    assert "listing" in messages
    assert "within" in messages
    assert "min_records" in messages
    assert "surprise" in messages
    assert "'A_GRADE' is not an adverse catalogue item" in messages


def test_a_rule_item_more_open_than_what_it_reads_is_refused(tmp_path: Path) -> None:
    """Red-list eligibility says "no dishonesty record"; if it were public while an
    arrears record is internal, the public would learn whether that record exists."""
    internal = replace(item("HIDDEN", Category.ADVERSE, Openness.INTERNAL), domain="税务")
    public_eligible = replace(ELIGIBLE, openness=Openness.PUBLIC)
    catalogue = Catalogue({i.code: i for i in (internal, A_GRADE, public_eligible)})
    path = tmp_path / "list_rules.toml"
    rule_text = (
        '[[rule]]\nid = "G"\nlist = "RED_LIST"\nitem = "RED_LIST_ELIGIBLE"\narticle = "a"\n'
        'kind = "good_record"\nwithin = "3y"\nitems = ["A_GRADE"]\n'
    )
    path.write_text('adverse_items = ["HIDDEN"]\n' + rule_text)
    problems = Problems()
    load_list_rules(path, catalogue, problems)
    assert [p.message for p in problems.items] == [
        "RED_LIST_ELIGIBLE (PUBLIC) is more open than HIDDEN (INTERNAL), which the rule "
        "reads; it would tell what HIDDEN withholds"
    ]
    internal_eligible = replace(ELIGIBLE, openness=Openness.INTERNAL)
    catalogue = Catalogue({i.code: i for i in (internal, A_GRADE, internal_eligible)})
    problems = Problems()
    load_list_rules(path, catalogue, problems)
    assert problems.items == []
