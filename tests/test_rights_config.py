"""`config/rights.toml`: each regulation's deadlines for the subject's rights, and
every way a file is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.config.loader import PROJECT_ROOT
from gateway.config.reader import Problems
from gateway.config.rights import (
    NO_DEADLINES,
    RightsProfile,
    RightsProfiles,
    Step,
    load_rights,
)

SHIPPED = PROJECT_ROOT / "config" / "rights.toml"


def shipped() -> RightsProfiles:
    problems = Problems()
    profiles = load_rights(SHIPPED, problems)
    assert problems.items == []
    return profiles


def profile(profile_id: str) -> RightsProfile:
    found = shipped().get(profile_id)
    assert found is not None
    return found


def test_the_shipped_file_applies_hangzhou() -> None:
    profiles = shipped()
    assert [p.id for p in profiles.profiles] == ["000", "001", "002", "003", "004"]
    assert profiles.active is profiles.get("001")
    assert profiles.get("005") is None


def test_hangzhou_annotates_on_the_day_and_shields_in_five() -> None:
    hangzhou = profile("001")
    assert hangzhou.objection.annotate == Step(0, "001 art. 34")
    assert hangzhou.objection.decide == Step(5, "001 art. 34(1)")
    assert hangzhou.objection.forward == Step(2, "001 art. 34(2)")
    assert hangzhou.objection.provider_decide == Step(5, "001 art. 34(2)")
    assert hangzhou.shield.decide == Step(5, "001 art. 35")
    # 及时 is no number of days: the gateway must not invent one.
    assert hangzhou.objection.tell is None
    assert hangzhou.repair.decide is None


def test_the_other_regulations_deadlines() -> None:
    assert profile("000").objection.annotate == Step(1, "000 art. 46")
    assert profile("000").objection.decide == Step(7, "000 art. 46")
    assert profile("003").objection.verify_other == Step(5, "003 art. 42")
    assert profile("003").objection.tell == Step(2, "003 art. 42")
    assert profile("003").withdrawal.apply == Step(3, "003 art. 43")
    assert profile("004").objection.decide == Step(3, "004 art. 52")
    assert profile("004").objection.decide_assisted == Step(7, "004 art. 52")
    assert profile("004").correction.apply == Step(3, "004 art. 53")
    assert profile("002") == RightsProfile("002", "Chengde (Hebei), city")


def test_every_step_cites_its_own_regulation() -> None:
    for p in shipped().profiles:
        rights = (p.objection, p.repair, p.shield, p.withdrawal, p.correction)
        steps = [s for r in rights for s in vars_of(r) if s is not None]
        assert all(s.article.startswith(f"{p.id} art. ") for s in steps), p.id


def vars_of(right: object) -> list[Step | None]:
    return [getattr(right, name) for name in right.__slots__]  # type: ignore[attr-defined]


def test_a_missing_file_sets_no_deadlines(tmp_path: Path) -> None:
    problems = Problems()
    assert load_rights(tmp_path / "rights.toml", problems).active is NO_DEADLINES
    assert problems.items == []


GOOD = """
active = "001"
[[profile]]
id = "001"
name = "Hangzhou"
objection.decide = { days = 5, article = "001 art. 34" }
"""


def problems_of(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "rights.toml"
    path.write_text(text, encoding="utf-8")
    problems = Problems()
    load_rights(path, problems)
    return [f"{p.key}: {p.message}" for p in problems.items]


def test_a_good_file_has_no_problems(tmp_path: Path) -> None:
    assert problems_of(tmp_path, GOOD) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("deadline = 3\n" + GOOD, "deadline: unknown key"),
        (GOOD + "language = 'zh'\n", "profile[0].language: unknown key"),
        (GOOD + "appeal.decide = { days = 5, article = 'x' }\n", "profile[0].appeal: unknown key"),
        (
            GOOD + "objection.reject = { days = 5, article = '001 art. 34' }\n",
            "profile[0].objection.reject: unknown key",
        ),
        (
            GOOD + "shield.decide = { days = 5, article = '001 art. 35', hours = 2 }\n",
            "profile[0].shield.decide.hours: unknown key",
        ),
        (
            GOOD + "shield.decide = { days = -1, article = '001 art. 35' }\n",
            "profile[0].shield.decide.days: must be >= 0 working days, got -1",
        ),
        (GOOD + "shield.decide = { days = 5 }\n", "profile[0].shield.decide.article: is required"),
        (
            GOOD + "shield.decide = { days = 5, article = ' ' }\n",
            "profile[0].shield.decide.article: must name the article the deadline comes from",
        ),
        (
            GOOD + "shield.decide = { article = '001 art. 35' }\n",
            "profile[0].shield.decide.days: is required",
        ),
        (GOOD + "shield.decide = 5\n", "profile[0].shield.decide: must be a dict, got int"),
        (
            GOOD.replace('active = "001"', 'active = "003"'),
            "active: no profile has id '003' (profiles: 001)",
        ),
        (GOOD.replace('active = "001"', ""), "active: is required"),
        (GOOD + '[[profile]]\nid = "001"\nname = "again"\n', "profile[1].id: duplicate"),
    ],
)
def test_a_file_is_refused(tmp_path: Path, text: str, expected: str) -> None:
    found = problems_of(tmp_path, text)
    assert any(p.startswith(expected) for p in found), found


def test_an_unknown_active_profile_leaves_no_deadlines_active(tmp_path: Path) -> None:
    path = tmp_path / "rights.toml"
    path.write_text(GOOD.replace('active = "001"', 'active = "009"'), encoding="utf-8")
    profiles = load_rights(path, Problems())
    assert profiles.active is NO_DEADLINES
    assert profiles.get("001") is not None
