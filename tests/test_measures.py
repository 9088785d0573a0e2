"""The measure list applies only published measures of the matter's domain, to records in force."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.kinds import load_config
from gateway.config.catalogue import Catalogue, CatalogueItem
from gateway.config.loader import PROJECT_ROOT
from gateway.config.measures import (
    AppliesTo,
    Measure,
    MeasureKind,
    MeasureList,
    MeasureStatus,
)
from gateway.domain import Category, ListKind, Openness, RecordStatus
from gateway.measures import Applicable, applicable_measures
from gateway.policy import Basis, Decision
from gateway.records import CreditRecord
from gateway.visibility import Disclosed
from tests.factories import item, record

TODAY = date(2026, 11, 23)
TOMORROW = TODAY + timedelta(days=1)
YESTERDAY = TODAY - timedelta(days=1)
DOMAIN = "公共资源交易"

PENALTY = replace(item("PENALTY", Category.ADVERSE), domain="市场监管")
TAX = replace(item("TAX", Category.ADVERSE, Openness.AUTHORIZED), domain="税务")
SD = replace(
    item("SD", Category.ADVERSE, period=None),
    domain="市场监管",
    listing=ListKind.SERIOUS_DISHONESTY,
)
SD_RESPONSIBLE = replace(
    item("SD_RESPONSIBLE", Category.ADVERSE, period=None), domain="市场监管", responsible_for="SD"
)
COURT = replace(item("COURT", Category.ADVERSE), domain="司法", listing=ListKind.COURT_DEFAULTER)
RED = replace(item("RED", Category.COMMENDATORY), domain="综合", listing=ListKind.RED_LIST)
GOOD = replace(item("GOOD", Category.COMMENDATORY), domain="表彰奖励")
CATALOGUE = Catalogue({i.code: i for i in (PENALTY, TAX, SD, SD_RESPONSIBLE, COURT, RED, GOOD)})


def measure(
    measure_id: str = "M",
    *,
    kind: MeasureKind = MeasureKind.PUNISHMENT,
    domain: str = DOMAIN,
    status: MeasureStatus = MeasureStatus.IN_FORCE,
    published_on: date | None = date(2024, 3, 15),
    lists: frozenset[ListKind] = frozenset({ListKind.SERIOUS_DISHONESTY}),
    items: frozenset[str] = frozenset(),
    categories: frozenset[Category] = frozenset(),
    behaviour_domains: frozenset[str] = frozenset(),
    responsible_persons: bool = False,
) -> Measure:
    return Measure(
        id=measure_id,
        name=measure_id,
        kind=kind,
        implementing_unit="市财政局",
        domain=domain,
        applies_to=AppliesTo(lists, items, categories, behaviour_domains, responsible_persons),
        legal_basis="001 art. 23(1)",
        range="",
        status=status,
        published_on=published_on,
        lifting_conditions="移出名单后解除",
    )


def entry(
    listing: CatalogueItem = SD, *, ended_on: date | None = None, record_id: str = "e"
) -> CreditRecord:
    return replace(record(listing), id=record_id, ended_on=ended_on, disclosure_until=None)


def shown(rec: CreditRecord, status: RecordStatus = RecordStatus.ACTIVE) -> Disclosed:
    return Disclosed(rec, Decision(True, "test", Basis.DUTY, status=status))


def applicable(
    *measures: Measure, records: list[Disclosed], domain: str = DOMAIN, today: date = TODAY
) -> list[Applicable]:
    return applicable_measures(MeasureList(measures), CATALOGUE, domain, records, today)


def ids(found: list[Applicable]) -> list[tuple[str, str]]:
    return [(a.measure.id, a.trigger.record.id) for a in found]


# --- publication and domain ---------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "published_on"),
    [
        (MeasureStatus.DRAFT, None),
        (MeasureStatus.DRAFT, date(2024, 1, 1)),  # dated, but not in force
        (MeasureStatus.REPEALED, date(2024, 1, 1)),
        (MeasureStatus.IN_FORCE, TOMORROW),  # not yet published (003 art. 28)
        (MeasureStatus.IN_FORCE, None),
    ],
)
def test_an_unpublished_or_repealed_measure_never_applies(
    status: MeasureStatus, published_on: date | None
) -> None:
    unpublished = measure(status=status, published_on=published_on)
    assert applicable(unpublished, records=[shown(entry())]) == []


def test_a_measure_published_today_applies() -> None:
    found = applicable(measure(published_on=TODAY), records=[shown(entry())])
    assert ids(found) == [("M", "e")]


def test_a_measure_of_another_domain_never_applies() -> None:
    elsewhere = measure(domain="表彰奖励")
    assert applicable(elsewhere, records=[shown(entry())]) == []
    assert len(applicable(elsewhere, records=[shown(entry())], domain="表彰奖励")) == 1


# --- list entries: removal ----------------------------------------------------------


@pytest.mark.parametrize("ended_on", [TODAY, YESTERDAY, date(2020, 1, 1)])
def test_a_removed_entry_never_triggers(ended_on: date) -> None:
    removed = shown(entry(ended_on=ended_on))
    by_list = measure("LIST")
    by_item = measure("ITEM", lists=frozenset(), items=frozenset({"SD"}))
    by_category = measure(
        "CAT",
        kind=MeasureKind.CONSTRAINT,
        lists=frozenset(),
        categories=frozenset({Category.ADVERSE}),
    )
    assert applicable(by_list, by_item, by_category, records=[removed]) == []


def test_an_entry_removed_tomorrow_is_still_listed_and_ends_then() -> None:
    (found,) = applicable(measure(), records=[shown(entry(ended_on=TOMORROW))])
    assert found.ends_on == TOMORROW
    assert found.responsible is False


def test_an_entry_not_removed_applies_until_removed() -> None:
    (found,) = applicable(measure(), records=[shown(entry(ended_on=None))])
    assert found.ends_on is None


def test_a_list_trigger_needs_an_entry_of_that_list() -> None:
    court = measure(lists=frozenset({ListKind.COURT_DEFAULTER}))
    penalty = shown(replace(record(PENALTY), id="p"))
    assert applicable(court, records=[shown(entry()), penalty]) == []
    assert ids(applicable(court, records=[shown(entry(COURT, record_id="c"))])) == [("M", "c")]


# --- records in force ---------------------------------------------------------------


@pytest.mark.parametrize(
    "status",
    [RecordStatus.EXPIRED, RecordStatus.REPAIRED, RecordStatus.SHIELDED, RecordStatus.WITHDRAWN],
)
def test_a_record_not_in_force_never_triggers(status: RecordStatus) -> None:
    constraint = measure(
        kind=MeasureKind.CONSTRAINT, lists=frozenset(), categories=frozenset({Category.ADVERSE})
    )
    incentive = measure("I", kind=MeasureKind.INCENTIVE, lists=frozenset({ListKind.RED_LIST}))
    records = [shown(record(PENALTY), status), shown(entry(), status), shown(entry(RED), status)]
    assert applicable(constraint, incentive, records=records) == []


def test_a_shielded_good_record_grounds_no_incentive() -> None:
    """001 art. 35: shielded good information is not used."""
    incentive = measure(
        kind=MeasureKind.INCENTIVE, lists=frozenset(), categories=frozenset({Category.COMMENDATORY})
    )
    good = record(GOOD)
    assert applicable(incentive, records=[shown(good, RecordStatus.SHIELDED)]) == []
    assert len(applicable(incentive, records=[shown(good)])) == 1


# --- responsible persons (001 art. 26, 003 art. 36) --------------------------------


def test_a_responsible_persons_record_triggers_only_when_the_measure_says_so() -> None:
    on_file = shown(entry(SD_RESPONSIBLE, record_id="r"))
    assert applicable(measure(responsible_persons=False), records=[on_file]) == []
    (found,) = applicable(measure(responsible_persons=True), records=[on_file])
    assert found.responsible is True
    assert found.trigger is on_file


def test_a_responsible_persons_record_triggers_through_the_organisations_item_too() -> None:
    by_item = measure(lists=frozenset(), items=frozenset({"SD"}), responsible_persons=True)
    assert len(applicable(by_item, records=[shown(entry(SD_RESPONSIBLE))])) == 1


def test_a_responsible_persons_record_triggers_no_constraint_by_category() -> None:
    """001 art. 26: constraints reach only the actor."""
    constraint = measure(
        kind=MeasureKind.CONSTRAINT,
        lists=frozenset(),
        categories=frozenset({Category.ADVERSE}),
        responsible_persons=True,
    )
    assert applicable(constraint, records=[shown(entry(SD_RESPONSIBLE))]) == []


def test_a_removed_entry_on_a_responsible_persons_file_never_triggers() -> None:
    removed = shown(entry(SD_RESPONSIBLE, ended_on=TODAY))
    assert applicable(measure(responsible_persons=True), records=[removed]) == []


def test_responsible_persons_follow_the_organisations_behaviour_domain() -> None:
    on_file = [shown(entry(SD_RESPONSIBLE))]
    related = measure(responsible_persons=True, behaviour_domains=frozenset({"市场监管"}))
    unrelated = measure(responsible_persons=True, behaviour_domains=frozenset({"税务"}))
    assert len(applicable(related, records=on_file)) == 1
    assert applicable(unrelated, records=on_file) == []


# --- linkage to the behaviour's domain (001 art. 24) ------------------------------


def test_a_constraint_is_linked_to_the_domain_of_the_behaviour() -> None:
    inspections = measure(
        kind=MeasureKind.CONSTRAINT,
        lists=frozenset(),
        categories=frozenset({Category.ADVERSE}),
        behaviour_domains=frozenset({"市场监管"}),
    )
    penalty = shown(replace(record(PENALTY), id="penalty"))
    arrears = shown(replace(record(TAX), id="arrears"))
    assert ids(applicable(inspections, records=[arrears, penalty])) == [("M", "penalty")]


def test_without_behaviour_domains_any_domain_triggers() -> None:
    constraint = measure(
        kind=MeasureKind.CONSTRAINT, lists=frozenset(), categories=frozenset({Category.ADVERSE})
    )
    penalty = shown(replace(record(PENALTY), id="penalty"))
    arrears = shown(replace(record(TAX), id="arrears"))
    found = applicable(constraint, records=[arrears, penalty])
    assert ids(found) == [("M", "arrears"), ("M", "penalty")]


# --- ends_on and order --------------------------------------------------------------


def test_a_record_applies_until_its_disclosure_ends() -> None:
    arrears = shown(replace(record(TAX), disclosure_until=date(2028, 5, 31)))
    constraint = measure(kind=MeasureKind.CONSTRAINT, lists=frozenset(), items=frozenset({"TAX"}))
    (found,) = applicable(constraint, records=[arrears])
    assert found.ends_on == date(2028, 6, 1)  # the first day it no longer applies


def test_a_record_disclosed_past_its_period_applies_until_the_list_is_left() -> None:
    """003 art. 35: still on the serious-dishonesty list, so still disclosed and in force."""
    extended = shown(replace(record(TAX), disclosure_until=YESTERDAY))
    constraint = measure(kind=MeasureKind.CONSTRAINT, lists=frozenset(), items=frozenset({"TAX"}))
    (found,) = applicable(constraint, records=[extended])
    assert found.ends_on is None


def test_measures_in_config_order_then_triggers_as_given_one_each() -> None:
    first = measure(
        "FIRST", lists=frozenset({ListKind.SERIOUS_DISHONESTY, ListKind.COURT_DEFAULTER})
    )
    # Named by its list and its item: still one Applicable per record.
    second = measure("SECOND", items=frozenset({"SD"}))
    newer, older = shown(entry(record_id="newer")), shown(entry(COURT, record_id="older"))
    found = applicable(first, second, records=[newer, older, newer])
    assert ids(found) == [("FIRST", "newer"), ("FIRST", "older"), ("SECOND", "newer")]


def test_measure_list_keeps_config_order_and_finds_by_id() -> None:
    draft = measure("DRAFT", status=MeasureStatus.DRAFT, published_on=None)
    measures = MeasureList((measure("B"), draft, measure("A")))
    assert [m.id for m in measures] == ["B", "DRAFT", "A"]
    assert measures.get("DRAFT") is draft
    assert measures.get("nope") is None
    assert [m.id for m in measures.published(TODAY)] == ["B", "A"]
    assert len(MeasureList()) == 0


# --- properties ------------------------------------------------------------------

_DAYS = st.dates(min_value=date(2026, 11, 1), max_value=date(2026, 12, 31))
_MEASURES = st.builds(
    measure,
    st.sampled_from(["M1", "M2", "M3"]),
    kind=st.sampled_from(list(MeasureKind)),
    domain=st.sampled_from([DOMAIN, "表彰奖励"]),
    status=st.sampled_from(list(MeasureStatus)),
    published_on=st.none() | _DAYS,
    lists=st.frozensets(st.sampled_from(list(ListKind))),
    items=st.frozensets(st.sampled_from(list(CATALOGUE.items))),
    categories=st.frozensets(st.sampled_from(list(Category))),
    behaviour_domains=st.frozensets(st.sampled_from(["市场监管", "税务", "司法"])),
    responsible_persons=st.booleans(),
)
_RECORDS = st.builds(
    lambda i, ended_on, status, n: shown(
        replace(record(i), id=f"r{n}", ended_on=ended_on, disclosure_until=None), status
    ),
    st.sampled_from(list(CATALOGUE)),
    st.none() | _DAYS,
    st.sampled_from(list(RecordStatus)),
    st.integers(0, 5),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_MEASURES, max_size=4), st.lists(_RECORDS, max_size=6), _DAYS)
def test_nothing_unpublished_removed_or_out_of_force_ever_applies(
    measures: list[Measure], records: list[Disclosed], today: date
) -> None:
    for found in applicable(*measures, records=records, today=today):
        m, rec = found.measure, found.trigger.record
        assert m.status is MeasureStatus.IN_FORCE
        assert m.published_on is not None
        assert m.published_on <= today
        assert m.domain == DOMAIN
        assert found.trigger.decision.status is RecordStatus.ACTIVE
        if rec.item.listing or rec.item.responsible_for:
            assert rec.ended_on is None or rec.ended_on > today
        assert found.responsible == (rec.item.responsible_for is not None)
        if found.responsible:
            assert m.applies_to.responsible_persons
        if m.applies_to.behaviour_domains:
            behaviour = CATALOGUE.get(rec.item.responsible_for or rec.item.code)
            assert behaviour is not None
            assert behaviour.domain in m.applies_to.behaviour_domains


# --- the shipped measure list -------------------------------------------------------


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> tuple[MeasureList, Catalogue]:
    config = load_config(PROJECT_ROOT / "config", tmp_path_factory.mktemp("data"))
    return config.measures, config.catalogue


def _shipped_ids(
    shipped: tuple[MeasureList, Catalogue], domain: str, *records: CreditRecord
) -> list[str]:
    measures, catalogue = shipped
    found = applicable_measures(measures, catalogue, domain, [shown(r) for r in records], TODAY)
    return [a.measure.id for a in found]


def _shipped_entry(catalogue: Catalogue, code: str, ended_on: date | None = None) -> CreditRecord:
    listing = catalogue.get(code)
    assert listing is not None
    return replace(record(listing), ended_on=ended_on, disclosure_until=None)


def test_shipped_serious_dishonesty_bars_procurement_and_linked_market_access(
    shipped: tuple[MeasureList, Catalogue],
) -> None:
    listed = _shipped_entry(shipped[1], "SERIOUS_DISHONESTY_LIST")
    assert _shipped_ids(shipped, "公共资源交易", listed) == ["P-PROCUREMENT"]
    assert _shipped_ids(shipped, "市场准入", listed) == ["P-MARKET-ACCESS", "C-LICENSING-NO-WAIVER"]
    removed = _shipped_entry(shipped[1], "SERIOUS_DISHONESTY_LIST", ended_on=TODAY)
    assert _shipped_ids(shipped, "公共资源交易", removed) == []


def test_shipped_draft_measure_is_never_applied(shipped: tuple[MeasureList, Catalogue]) -> None:
    measures, _ = shipped
    draft = measures.get("C-ABNORMAL-FISCAL-SUPPORT")
    assert draft is not None
    assert draft.status is MeasureStatus.DRAFT
    abnormal = _shipped_entry(shipped[1], "BUSINESS_ABNORMAL")
    assert _shipped_ids(shipped, "财政资金", abnormal) == []


def test_shipped_high_consumption_reaches_defaulters_and_responsible_persons(
    shipped: tuple[MeasureList, Catalogue],
) -> None:
    defaulter = _shipped_entry(shipped[1], "JUDGMENT_DEFAULTER")
    on_file = _shipped_entry(shipped[1], "SERIOUS_DISHONESTY_RESPONSIBLE")
    assert _shipped_ids(shipped, "高消费", defaulter) == ["P-HIGH-CONSUMPTION"]
    assert _shipped_ids(shipped, "高消费", on_file) == ["P-HIGH-CONSUMPTION"]
    assert _shipped_ids(shipped, "财政资金", on_file) == []  # organisations only


def test_shipped_tax_arrears_constrain_in_procurement_and_tax_supervision(
    shipped: tuple[MeasureList, Catalogue],
) -> None:
    arrears = replace(_shipped_entry(shipped[1], "TAX_ARREARS"), disclosure_until=TOMORROW)
    assert _shipped_ids(shipped, "公共资源交易", arrears) == ["C-PROCUREMENT-ARREARS"]
    assert _shipped_ids(shipped, "日常监管", arrears) == ["C-TAX-SUPERVISION"]


def test_shipped_red_list_earns_incentives(shipped: tuple[MeasureList, Catalogue]) -> None:
    red = _shipped_entry(shipped[1], "RED_LIST")
    eligible = _shipped_entry(shipped[1], "RED_LIST_ELIGIBLE")
    assert _shipped_ids(shipped, "日常监管", red) == ["I-FEWER-INSPECTIONS"]
    assert _shipped_ids(shipped, "公共资源交易", red, eligible) == ["I-TRADING-CREDIT-POINTS"]
