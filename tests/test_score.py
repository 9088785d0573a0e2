"""The integrity score (001 art. 28): rules at their boundaries, what never counts, the bands,
and the checks `check-config` makes of config/score.toml and of the measures it grants."""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from random import Random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.kinds import load_config
from gateway.config import ConfigError
from gateway.config.catalogue import Catalogue, CatalogueItem, Period
from gateway.config.loader import PROJECT_ROOT
from gateway.config.measures import AppliesTo, Measure, MeasureKind, MeasureList, MeasureStatus
from gateway.config.score import Band, ScoreConfig, ScoreRule, score_config
from gateway.domain import Category, ListKind, RecordStatus, SubjectKind
from gateway.policy import Basis, Decision, Denial, SubjectState, item_access
from gateway.records import CreditRecord
from gateway.score import IntegrityScore, benefits, integrity_score
from gateway.viewer import DutyGrant, Viewer, ViewerKind
from gateway.visibility import Disclosed, SubjectView
from tests.factories import consent, item, record

# 04:00 UTC is noon in China: today is 2026-11-23 there.
NOW = datetime(2026, 11, 23, 4, 0, tzinfo=UTC)
TODAY = date(2026, 11, 23)
PERSON = "330106198507152318"

PENALTY = item("PENALTY", Category.ADVERSE)
GOOD = item("GOOD", Category.COMMENDATORY, period=None)
RED = replace(item("RED", Category.COMMENDATORY, period=None), listing=ListKind.RED_LIST)
OTHER_BAD = item("OTHER_BAD", Category.ADVERSE)
CATALOGUE = Catalogue({i.code: i for i in (PENALTY, GOOD, RED, OTHER_BAD)})

PENALTY_RULE = ScoreRule("PEN", -30, 90, "001 art. 28", items=frozenset({"PENALTY"}))
GOOD_RULE = ScoreRule(
    "GOOD", 40, 80, "001 art. 28", items=frozenset({"GOOD"}), within=Period(3, "y")
)
RED_RULE = ScoreRule("RED", 100, 100, "001 art. 28", lists=frozenset({ListKind.RED_LIST}))
ADVERSE_RULE = ScoreRule("ADV", -10, 20, "001 art. 28", categories=frozenset({Category.ADVERSE}))
BANDS = (
    Band("较差", None, 549),
    Band("一般", 550, 649),
    Band("良好", 650, 749, ("I-GOOD",)),
    Band("优秀", 750, None, ("I-GOOD", "I-BEST", "I-DRAFT")),
)
CONFIG = score_config(600, (PENALTY_RULE, GOOD_RULE, RED_RULE, ADVERSE_RULE), BANDS, CATALOGUE)


def rec(
    catalogue_item: CatalogueItem,
    n: int = 0,
    *,
    decided_on: date = date(2026, 1, 1),
    ended_on: date | None = None,
) -> CreditRecord:
    base = record(catalogue_item, PERSON, decided_on=decided_on, disclosure_until=None)
    return replace(base, id=f"{catalogue_item.code}:{n}", ended_on=ended_on)


def shown(r: CreditRecord, status: RecordStatus = RecordStatus.ACTIVE) -> Disclosed:
    return Disclosed(r, Decision(True, "test", Basis.SELF, status=status))


def view(*records: Disclosed, kind: SubjectKind = SubjectKind.NATURAL_PERSON) -> SubjectView:
    return SubjectView(SubjectState(PERSON, kind), tuple(records), None)


def score(*records: Disclosed, config: ScoreConfig = CONFIG) -> IntegrityScore:
    found = integrity_score(config, view(*records), NOW)
    assert found is not None
    return found


def points(found: IntegrityScore) -> list[tuple[str, int, str]]:
    return [(c.rule.id, c.points, c.record_id) for c in found.contributions]


# --- windows and caps -----------------------------------------------------------------


def test_nothing_counted_is_the_base_and_its_band() -> None:
    found = score()
    assert (found.value, found.base, found.band.name, found.contributions) == (600, 600, "一般", ())
    assert found.computed_at == NOW


def test_a_window_holds_its_first_and_last_day_and_nothing_beyond() -> None:
    edge = date(2023, 11, 23)  # three years to the day
    found = score(
        shown(rec(GOOD, 1, decided_on=edge)),
        shown(rec(GOOD, 2, decided_on=edge - timedelta(days=1))),
        shown(rec(GOOD, 3, decided_on=TODAY + timedelta(days=1))),  # not yet decided
    )
    assert points(found) == [("GOOD", 40, "GOOD:1")]
    assert score(shown(rec(GOOD, 4, decided_on=TODAY))).value == 640


def test_without_a_window_any_date_up_to_today_counts() -> None:
    old = shown(rec(PENALTY, 1, decided_on=date(1999, 1, 1)))
    future = shown(rec(PENALTY, 2, decided_on=TODAY + timedelta(days=1)))
    assert points(score(old, future)) == [("PEN", -30, "PENALTY:1")]


def test_a_cap_reached_exactly_stops_the_rule() -> None:
    three = [shown(rec(PENALTY, n, decided_on=date(2026, 1, n + 1))) for n in range(3)]
    assert score(*three).value == 600 - 90
    four = [*three, shown(rec(PENALTY, 9, decided_on=date(2025, 1, 1)))]
    found = score(*four)
    assert found.value == 600 - 90
    # Newest first: the oldest record is the one left without points.
    assert [c.record_id for c in found.contributions] == ["PENALTY:2", "PENALTY:1", "PENALTY:0"]


def test_the_record_reaching_the_cap_gives_what_is_left() -> None:
    rule = replace(PENALTY_RULE, cap=100)
    config = score_config(600, (rule,), BANDS, CATALOGUE)
    four = [shown(rec(PENALTY, n, decided_on=date(2026, 1, n + 1))) for n in range(4)]
    assert [c.points for c in score(*four, config=config).contributions] == [-30, -30, -30, -10]


def test_a_record_counts_under_the_first_rule_naming_it() -> None:
    found = score(shown(rec(PENALTY)), shown(rec(OTHER_BAD)))
    assert sorted(points(found)) == [("ADV", -10, "OTHER_BAD:0"), ("PEN", -30, "PENALTY:0")]
    assert {c.rule.article for c in found.contributions} == {"001 art. 28"}


# --- what never counts --------------------------------------------------------------


@pytest.mark.parametrize(
    "status",
    [RecordStatus.REPAIRED, RecordStatus.SHIELDED, RecordStatus.EXPIRED, RecordStatus.WITHDRAWN],
)
def test_a_record_not_in_force_counts_nothing(status: RecordStatus) -> None:
    # 003 arts. 35, 43-44; 001 art. 35: a shielded commendation grounds no incentive.
    assert score(shown(rec(PENALTY), status), shown(rec(GOOD), status)).value == 600


@pytest.mark.parametrize(("ended_on", "counts"), [(TODAY, False), (TODAY + timedelta(1), True)])
def test_a_list_entry_counts_until_the_day_it_is_removed(ended_on: date, counts: bool) -> None:
    found = score(shown(rec(RED, ended_on=ended_on)))
    assert points(found) == ([("RED", 100, "RED:0")] if counts else [])
    assert [c.list_kind for c in found.contributions] == ([ListKind.RED_LIST] if counts else [])


def test_an_organisation_has_no_score() -> None:
    assert integrity_score(CONFIG, view(kind=SubjectKind.LEGAL_PERSON), NOW) is None


# --- bands and benefits -------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "band"),
    [
        (-10_000, "较差"),
        (549, "较差"),
        (550, "一般"),
        (649, "一般"),
        (650, "良好"),
        (749, "良好"),
        (750, "优秀"),
        (10_000, "优秀"),
    ],
)
def test_bands_hold_both_their_ends(value: int, band: str) -> None:
    assert CONFIG.band(value).name == band


def test_the_shipped_bands_meet_at_each_edge(tmp_path: Path) -> None:
    """Whatever the shipped edges are (749/750...): one below an edge is in the band
    below, the edge in the band above."""
    config = load_config(SHIPPED, tmp_path).score
    edges = list(pairwise(config.bands))
    assert len(edges) >= 3, "the shipped score has four bands"
    for below, above in edges:
        assert above.min is not None
        assert config.band(above.min - 1) is below, (above.min - 1, below.name)
        assert config.band(above.min) is above, (above.min, above.name)


def _incentive(measure_id: str, status: MeasureStatus = MeasureStatus.IN_FORCE) -> Measure:
    return Measure(
        id=measure_id,
        name=measure_id,
        kind=MeasureKind.INCENTIVE,
        implementing_unit="u",
        domain="便民服务",
        applies_to=AppliesTo(score_bands=frozenset({"良好", "优秀"})),
        legal_basis="001 art. 29",
        range="",
        status=status,
        published_on=date(2024, 3, 15),
        lifting_conditions="",
    )


def test_a_band_brings_its_measures_in_force_only() -> None:
    measures = MeasureList(
        (_incentive("I-GOOD"), _incentive("I-BEST"), _incentive("I-DRAFT", MeasureStatus.DRAFT))
    )
    best = score(shown(rec(RED)), shown(rec(GOOD)))
    assert (best.value, best.band.name) == (740, "良好")
    assert [m.id for m in benefits(best, measures, TODAY)] == ["I-GOOD"]
    best = score(shown(rec(RED)), shown(rec(GOOD)), shown(rec(GOOD, 1)))
    assert [m.id for m in benefits(best, measures, TODAY)] == ["I-GOOD", "I-BEST"]
    assert benefits(score(), measures, TODAY) == ()


# --- who may see it -----------------------------------------------------------------


OTHER_DUTY = DutyGrant("REVIEW", "资格审查", frozenset({Category.OTHER}))


def _shipped_score_item(tmp_path: Path) -> CatalogueItem:
    found = load_config(SHIPPED, tmp_path).catalogue.get("INTEGRITY_SCORE")
    assert found is not None
    return found


def test_the_policy_opens_the_shipped_score_to_the_person_and_a_consent_naming_it(
    tmp_path: Path,
) -> None:
    score_item = _shipped_score_item(tmp_path)
    person = SubjectState(PERSON, SubjectKind.NATURAL_PERSON)
    unit = Viewer(ViewerKind.GOV_UNIT, "UNIT", duty=OTHER_DUTY)
    bank = Viewer(ViewerKind.INSTITUTION, "BANK", purpose="02")
    grant = consent(PERSON, "BANK", {"INTEGRITY_SCORE"})
    # 001 art. 28: a duty matter opening OTHER, the score's category, does not open it.
    refused = item_access(unit, person, score_item, NOW)
    assert (refused.allowed, refused.denial) == (False, Denial.FORBIDDEN)
    assert "001 art. 28" in refused.reason
    assert item_access(bank, person, score_item, NOW).denial is Denial.CONSENT_REQUIRED
    allowed = item_access(replace(bank, consents={PERSON: (grant,)}), person, score_item, NOW)
    assert (allowed.allowed, allowed.basis, allowed.logged) == (True, Basis.CONSENT, True)
    own = item_access(Viewer(ViewerKind.SUBJECT, PERSON), person, score_item, NOW)
    assert (own.allowed, own.basis) == (True, Basis.SELF)


# --- properties ---------------------------------------------------------------------

_DAYS = st.dates(min_value=date(2020, 1, 1), max_value=date(2027, 6, 30))
_RECORDS = st.builds(
    lambda i, n, day, ended, status: shown(rec(i, n, decided_on=day, ended_on=ended), status),
    st.sampled_from(list(CATALOGUE)),
    st.integers(0, 6),
    _DAYS,
    st.none() | _DAYS,
    st.sampled_from(list(RecordStatus)),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_RECORDS, max_size=12, unique_by=lambda d: d.record.id), st.randoms())
def test_the_score_is_the_base_plus_capped_signed_points_whatever_the_order(
    records: list[Disclosed], random: Random
) -> None:
    found = score(*records)
    shuffled = list(records)
    random.shuffle(shuffled)
    assert score(*shuffled) == found
    assert found.value == 600 + sum(c.points for c in found.contributions)
    assert found.band.holds(found.value)
    ids = [c.record_id for c in found.contributions]
    assert len(ids) == len(set(ids))
    for rule in CONFIG.rules:
        given_ = [c.points for c in found.contributions if c.rule is rule]
        assert sum(abs(p) for p in given_) <= rule.cap
        assert all(p != 0 and (p > 0) == (rule.points > 0) for p in given_)
    for c in found.contributions:
        assert c.source.decision.status is RecordStatus.ACTIVE
        day = c.source.record.decided_on
        assert day is not None
        assert day <= TODAY


# --- check-config ---------------------------------------------------------------------

SHIPPED = PROJECT_ROOT / "config"


def _config_dir(tmp_path: Path) -> Path:
    target = tmp_path / "config"
    shutil.copytree(SHIPPED, target)
    return target


def _problems(directory: Path, tmp_path: Path) -> list[str]:
    with pytest.raises(ConfigError) as failure:
        load_config(directory, tmp_path / "data")
    return [str(p) for p in failure.value.problems]


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_shipped_score_loads(tmp_path: Path) -> None:
    config = load_config(SHIPPED, tmp_path).score
    assert [b.name for b in config.bands] == ["较差", "一般", "良好", "优秀"]
    assert all(rule.article.startswith("001 art. 28") for rule in config.rules)
    assert config.rule_for("SERIOUS_DISHONESTY_RESPONSIBLE") == (
        config.rules[0],
        ListKind.SERIOUS_DISHONESTY,
    )
    # Entries the gateway works out itself count nothing; nor does the score itself.
    assert not config.reads & {"KEY_ATTENTION", "RED_LIST_ELIGIBLE", "INTEGRITY_SCORE"}


RULE = '[[rule]]\nid = "X"\nitems = ["ADM_PENALTY"]\npoints = -10\ncap = 10\n'


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        (RULE, "rule[8].article: cite the article"),
        (RULE + 'article = "see the rules"\n', "rule[8].article: cite the article"),
        (
            RULE.replace("ADM_PENALTY", "NO_SUCH"),
            "rule[8].items: 'NO_SUCH' is not in the catalogue",
        ),
        (RULE.replace("ADM_PENALTY", "TAX_A_GRADE"), "rule[8].items: TAX_A_GRADE is not about"),
        (
            RULE.replace('items = ["ADM_PENALTY"]', 'categories = ["NAUGHTY"]'),
            "rule[8].categories: 'NAUGHTY' is not one of",
        ),
        (
            RULE.replace('items = ["ADM_PENALTY"]', 'categories = ["OTHER"]'),
            "rule[8].(rule): OTHER information does not grade a person",
        ),
        (
            RULE.replace('items = ["ADM_PENALTY"]', 'lists = ["BUSINESS_ABNORMAL"]'),
            "rule[8].lists: no catalogue item records list BUSINESS_ABNORMAL on a person's file",
        ),
        (
            RULE.replace("-10", "10"),
            "rule[8].points: adverse information cannot raise the score",
        ),
        (
            RULE.replace("ADM_PENALTY", "VOLUNTEERING"),
            "rule[8].points: commendatory information cannot lower the score",
        ),
        (RULE.replace("cap = 10", "cap = 9"), "rule[8].cap: must be at least one record's points"),
        (RULE.replace("cap = 10\n", ""), "rule[8].cap: is required"),
        (RULE + 'article = "001 art. 28"\n', "rule[8]: X counts nothing"),
        (RULE.replace('id = "X"', 'id = "RED_LIST"'), "rule[8].id: duplicate rule id 'RED_LIST'"),
        (RULE + 'within = "soon"\n', "rule[8].within: 'soon' is not a period"),
    ],
)
def test_check_config_refuses_a_bad_rule(tmp_path: Path, rule: str, expected: str) -> None:
    directory = _config_dir(tmp_path)
    _edit(directory / "score.toml", "# --- bands", rule + "\n# --- bands")
    problems = _problems(directory, tmp_path)
    assert any(p.startswith(f"{directory / 'score.toml'}: {expected}") for p in problems), problems


UNSORTED = (
    '[[band]]\nname = "一般"\nmin = 550\nmax = 649\n\n'
    '[[band]]\nname = "良好"\nmin = 650\nmax = 749\n'
    'measures = ["I-SCORE-DEPOSIT-FREE", "I-SCORE-RENTAL"]\n'
)
SWAPPED = (
    '[[band]]\nname = "良好"\nmin = 650\nmax = 749\n'
    'measures = ["I-SCORE-DEPOSIT-FREE", "I-SCORE-RENTAL"]\n\n'
    '[[band]]\nname = "一般"\nmin = 550\nmax = 649\n'
)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("min = 550\n", "min = 500\n", "band[1].min: 500 overlaps or is below '较差'"),
        ("min = 550\n", "min = 560\n", "band[1].min: leaves a gap after '较差'"),
        ("max = 549\n", "min = 0\nmax = 549\n", "band[0].min: the lowest band has no min"),
        (UNSORTED, SWAPPED, "band[2].min: 550 overlaps or is below '良好' (up to 749)"),
        ("max = 649\n", "", "band[1].max: only the highest band has no max"),
        ("min = 750\n", "", "band[3].min: only the lowest band has no min"),
        ("max = 749\n", "max = 640\n", "band[2].max: is below its min (650)"),
        ('name = "优秀"', 'name = "较差"', "band[3].name: duplicate band '较差'"),
        ('"I-SCORE-DEPOSIT-FREE", "I-SCORE-RENTAL"]', '"I-NOPE"]', "band[2].measures: 'I-NOPE'"),
        (
            '"I-SCORE-DEPOSIT-FREE", "I-SCORE-RENTAL"]',
            '"I-SCORE-DEPOSIT-FREE", "I-SCORE-RENTAL", "C-TAX-SUPERVISION"]',
            "band[2].measures: C-TAX-SUPERVISION is a CONSTRAINT: a score only grants benefits",
        ),
        (
            '"I-SCORE-DEPOSIT-FREE", "I-SCORE-RENTAL"]',
            '"I-SCORE-DEPOSIT-FREE", "I-SCORE-RENTAL", "I-FEWER-INSPECTIONS"]',
            "band[2].measures: I-FEWER-INSPECTIONS does not name band '良好' in score_bands",
        ),
        (
            '"I-SCORE-DEPOSIT-FREE", "I-SCORE-RENTAL"]',
            '"I-SCORE-DEPOSIT-FREE"]',
            "band: measure I-SCORE-RENTAL names '良好' in applies_to.score_bands, but that band",
        ),
    ],
)
def test_check_config_refuses_bad_bands(tmp_path: Path, old: str, new: str, expected: str) -> None:
    directory = _config_dir(tmp_path)
    _edit(directory / "score.toml", old, new)
    problems = _problems(directory, tmp_path)
    assert any(p.startswith(f"{directory / 'score.toml'}: {expected}") for p in problems), problems


SCORE_MEASURE = {
    "id": "I-SCORE-X",
    "name": "诚信积分优秀者优先",
    "kind": "INCENTIVE",
    "implementing_unit": "某单位",
    "domain": "文旅消费",
    "legal_basis": "001 art. 29",
    "status": "IN_FORCE",
    "published_on": "2024-03-15",
    "lifting_conditions": "不再处于相应档次时不再适用",
}


def _with_score_measure(directory: Path, trigger: str, **keys: str) -> None:
    fields = {**SCORE_MEASURE, **keys}
    text = "".join(
        f"{k} = {v}\n" if k == "published_on" else f"{k} = {json.dumps(v, ensure_ascii=False)}\n"
        for k, v in fields.items()
    )
    with (directory / "measures.toml").open("a", encoding="utf-8") as measures:
        measures.write(f"\n[[measure]]\n{text}[measure.applies_to]\n{trigger}\n")
    # The band lists it back, so that only the measure's own problem is left.
    _edit(
        directory / "score.toml",
        '"I-SCORE-PAY-LATER", "I-SCORE-TRAVEL"]',
        '"I-SCORE-PAY-LATER", "I-SCORE-TRAVEL", "I-SCORE-X"]',
    )


@pytest.mark.parametrize(
    ("keys", "trigger", "expected"),
    [
        # 001 art. 28: 不得以自然人诚信积分为由，限制自然人依法享有的基本公共服务.
        (
            {"domain": "义务教育"},
            'score_bands = ["优秀"]',
            "domain: '义务教育' is a basic public service",
        ),
        (
            {"kind": "PUNISHMENT"},
            'score_bands = ["优秀"]',
            "applies_to.score_bands: a PUNISHMENT cannot be triggered by the integrity score",
        ),
        (
            {"kind": "CONSTRAINT"},
            'score_bands = ["优秀"]',
            "applies_to.score_bands: a CONSTRAINT cannot be triggered by the integrity score",
        ),
        (
            {},
            'score_bands = ["优秀"]\nitems = ["COMMENDATION"]',
            "applies_to: a measure triggered by the integrity score is triggered by nothing else",
        ),
        ({"legal_basis": " "}, 'score_bands = ["优秀"]', "legal_basis: a benefit of the integrity"),
        # A basic public service written differently is no declared score domain.
        (
            {"domain": "教育"},
            'score_bands = ["优秀"]',
            "domain: '教育' is not one of score_domains",
        ),
        ({"domain": "公共交通"}, 'score_bands = ["优秀"]', "domain: '公共交通' is not one of"),
        # The score triggers a measure through score_bands only (001 art. 28).
        *(
            (
                {"kind": kind, "domain": "日常监管"},
                'items = ["INTEGRITY_SCORE"]',
                "applies_to.items: INTEGRITY_SCORE: the integrity score triggers a measure only "
                "through applies_to.score_bands, and only an INCENTIVE may use them",
            )
            for kind in ("CONSTRAINT", "PUNISHMENT", "INCENTIVE")
        ),
        *(
            (
                {"kind": kind, "domain": "日常监管"},
                'categories = ["OTHER"]',
                "applies_to.categories: OTHER includes INTEGRITY_SCORE: the integrity score "
                "triggers a measure only through applies_to.score_bands",
            )
            for kind in ("CONSTRAINT", "PUNISHMENT")
        ),
        (
            {"kind": "CONSTRAINT", "domain": "日常监管"},
            'categories = ["OTHER"]\nbehaviour_domains = ["综合"]',
            "applies_to.categories: OTHER includes INTEGRITY_SCORE",
        ),
    ],
)
def test_check_config_refuses_a_measure_the_score_may_not_trigger(
    tmp_path: Path, keys: dict[str, str], trigger: str, expected: str
) -> None:
    directory = _config_dir(tmp_path)
    _with_score_measure(directory, trigger, **keys)
    problems = _problems(directory, tmp_path)
    index = sum(1 for _ in load_config(SHIPPED, tmp_path / "shipped").measures)
    want = f"{directory / 'measures.toml'}: measure[{index}].{expected}"
    assert any(p.startswith(want) for p in problems), problems


def test_a_category_holding_the_score_may_trigger_once_narrowed_to_other_domains(
    tmp_path: Path,
) -> None:
    # OTHER narrowed to a domain the score is not in (综合) does not reach the score.
    directory = _config_dir(tmp_path)
    _with_score_measure(
        directory,
        'categories = ["OTHER"]\nbehaviour_domains = ["市场监管"]',
        kind="CONSTRAINT",
        domain="日常监管",
    )
    problems = _problems(directory, tmp_path)  # the band lists a CONSTRAINT: not loaded
    assert not [p for p in problems if "includes INTEGRITY_SCORE" in p], problems
    assert [p for p in problems if "measures.toml" in p] == [], problems


def _set_list(path: Path, key: str, values: list[str] | None) -> None:
    """``key = [...]`` of a TOML file set to ``values``; None: the key removed."""
    text = path.read_text(encoding="utf-8")
    found = re.search(rf"^{key} = \[.*?\]\n", text, flags=re.MULTILINE | re.DOTALL)
    assert found is not None, key
    line = "" if values is None else f"{key} = {json.dumps(values, ensure_ascii=False)}\n"
    path.write_text(text[: found.start()] + line + text[found.end() :], encoding="utf-8")


_SHIPPED_SCORE_DOMAINS = ["便民服务", "医疗健身便利", "文旅消费", "租赁"]


@pytest.mark.parametrize(
    ("key", "values", "expected"),
    [
        (
            "basic_public_services",
            None,
            "basic_public_services: required, and not empty, while a measure uses score_bands",
        ),
        ("basic_public_services", [], "basic_public_services: required, and not empty"),
        (
            "score_domains",
            None,
            "score_domains: required, and not empty, while a measure uses score_bands",
        ),
        ("score_domains", [], "score_domains: required, and not empty"),
        # A basic public service written differently (contained in one) is one still.
        (
            "score_domains",
            [*_SHIPPED_SCORE_DOMAINS, "教育"],
            "score_domains: '教育' is, or overlaps, the basic public service '义务教育'",
        ),
        (
            "score_domains",
            [*_SHIPPED_SCORE_DOMAINS, "基本医疗卫生服务"],
            "score_domains: '基本医疗卫生服务' is, or overlaps, the basic public service "
            "'基本医疗卫生'",
        ),
    ],
)
def test_score_measures_need_both_domain_lists_kept_apart(
    tmp_path: Path, key: str, values: list[str] | None, expected: str
) -> None:
    directory = _config_dir(tmp_path)
    measures = directory / "measures.toml"
    _set_list(measures, key, values)
    problems = _problems(directory, tmp_path)
    assert any(p.startswith(f"{measures}: {expected}") for p in problems), problems


def test_without_score_measures_neither_domain_list_is_needed(tmp_path: Path) -> None:
    directory = _config_dir(tmp_path)
    measures = directory / "measures.toml"
    text = measures.read_text(encoding="utf-8")
    start = text.index("# --- 激励措施 (INCENTIVE): the integrity score")
    measures.write_text(text[:start] + text[text.index("# --- 未公布 (DRAFT)") :], "utf-8")
    _set_list(measures, "basic_public_services", None)
    _set_list(measures, "score_domains", None)
    score = directory / "score.toml"
    lines = score.read_text(encoding="utf-8").splitlines(keepends=True)
    score.write_text("".join(x for x in lines if not x.startswith("measures =")), "utf-8")
    config = load_config(directory, tmp_path / "data")
    assert not any(m.applies_to.score_bands for m in config.measures)
    assert (config.measures.basic_public_services, config.measures.score_domains) == (
        frozenset(),
        frozenset(),
    )


def test_a_score_measure_elsewhere_loads_and_needs_no_duty_matter(tmp_path: Path) -> None:
    directory = _config_dir(tmp_path)
    _with_score_measure(directory, 'score_bands = ["优秀"]')
    measure = load_config(directory, tmp_path / "data").measures.get("I-SCORE-X")
    assert measure is not None
    assert measure.applies_to.score_bands == {"优秀"}


def test_a_band_named_by_a_measure_must_exist(tmp_path: Path) -> None:
    directory = _config_dir(tmp_path)
    _edit(directory / "measures.toml", 'score_bands = ["良好", "优秀"]', 'score_bands = ["金"]')
    problems = _problems(directory, tmp_path)
    assert any("names '金' in applies_to.score_bands, which is no band here" in p for p in problems)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('code = "INTEGRITY_SCORE"', 'code = "SCORE_GONE"', "needs item INTEGRITY_SCORE"),
        (
            'openness = "AUTHORIZED"',
            'openness = "PUBLIC"',
            "catalogue item INTEGRITY_SCORE must be AUTHORIZED",
        ),
        (
            'subject_kinds = ["NATURAL_PERSON"]',
            'subject_kinds = ["NATURAL_PERSON", "LEGAL_PERSON"]',
            "catalogue item INTEGRITY_SCORE is for natural persons only",
        ),
        (
            "consent_only = true\n",
            "",
            "catalogue item INTEGRITY_SCORE must be consent_only: only the person and a "
            "consent naming it open the score (001 art. 28)",
        ),
        (
            'openness = "AUTHORIZED"',
            'openness = "PUBLIC"',
            "item INTEGRITY_SCORE.consent_only: a consent_only item must be AUTHORIZED",
        ),
        (
            'openness = "AUTHORIZED"',
            'openness = "INTERNAL"',
            "item INTEGRITY_SCORE.consent_only: a consent_only item must be AUTHORIZED",
        ),
    ],
)
def test_the_score_item_is_a_persons_authorized_item(
    tmp_path: Path, old: str, new: str, expected: str
) -> None:
    directory = _config_dir(tmp_path)
    catalogue = directory / "catalogue.toml"
    text = catalogue.read_text(encoding="utf-8")
    start = text.index('code = "INTEGRITY_SCORE"')
    head, tail = text[:start], text[start:]
    assert old in tail
    catalogue.write_text(head + tail.replace(old, new, 1), encoding="utf-8")
    problems = _problems(directory, tmp_path)
    assert any(expected in p for p in problems), problems
