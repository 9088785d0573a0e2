"""Configuration problems are reported with their file and key, all at once."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from adapters.kinds import load_config
from gateway.config import ConfigError
from gateway.config.loader import PROJECT_ROOT
from service.cli import main

SHIPPED = PROJECT_ROOT / "config"


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "config"
    shutil.copytree(SHIPPED, target)
    return target


def _without_benefits(directory: Path) -> None:
    """The shipped score bands without their measures, for a measure list of a test's own."""
    score = directory / "score.toml"
    lines = score.read_text(encoding="utf-8").splitlines(keepends=True)
    score.write_text("".join(x for x in lines if not x.startswith("measures =")), "utf-8")


def _problems(directory: Path, tmp_path: Path) -> list[str]:
    with pytest.raises(ConfigError) as failure:
        load_config(directory, tmp_path / "data")
    return [str(p) for p in failure.value.problems]


def test_shipped_configuration_is_valid(tmp_path: Path) -> None:
    config = load_config(SHIPPED, tmp_path)
    assert config.catalogue.items
    assert config.sources


def test_catalogue_errors_name_file_and_key(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    (directory / "catalogue.toml").write_text(
        """
[[item]]
code = "X"
name = "x"
category = "NAUGHTY"
provider_unit = "u"
subject_kinds = ["LEGAL_PERSON", "ROBOT"]
openness = "PUBLIC"
disclosure_period = "five years"
update_frequency = "daily"
legal_basis = "none"
colour = "red"
[item.fields]
believer = { label = "宗教信仰", type = "TEXT" }
""",
        encoding="utf-8",
    )
    problems = _problems(directory, tmp_path)
    file = str(directory / "catalogue.toml")
    assert f"{file}: item[0].category: 'NAUGHTY' is not one of" in "\n".join(problems)
    expected = [
        "item[0].subject_kinds: 'ROBOT' is not one of",
        "item[0].disclosure_period: 'five years' is not a period",
        "item[0].colour: unknown key",
        "item[0].fields.believer: exposes forbidden personal data (religion)",
    ]
    for fragment in expected:
        assert any(fragment in p and p.startswith(file) for p in problems), fragment


def test_source_errors_name_file_and_key(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    (directory / "sources.toml").write_text(
        """
[[source]]
name = "court"
kind = "sql"
url = "sqlite+aiosqlite:///{data_dir}/court.db"

[[source.mapping]]
table = "t"
code_column = "dm"
id_column = "id"
item = "NOT_IN_CATALOGUE"
[source.mapping.details]
blood = "xuexing"

[[source]]
name = "carrier-pigeon"
kind = "pigeon"
""",
        encoding="utf-8",
    )
    problems = "\n".join(_problems(directory, tmp_path))
    file = str(directory / "sources.toml")
    assert f"{file}: source[0].mapping[0].details.blood: maps column 'xuexing'" in problems
    assert "forbidden personal data (blood type)" in problems
    assert f"{file}: source[0] (court): maps records to item 'NOT_IN_CATALOGUE'" in problems
    assert f"{file}: source[1].kind: unknown source kind 'pigeon'" in problems


def test_syntax_error_names_the_file(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    (directory / "gateway.toml").write_text("[limits\nmax_batch = 5", encoding="utf-8")
    problems = _problems(directory, tmp_path)
    assert problems[0].startswith(f"{directory / 'gateway.toml'}: (syntax):")


def test_limits_must_be_positive(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    (directory / "gateway.toml").write_text("[limits]\nmax_batch = 0\n", encoding="utf-8")
    assert any("limits.max_batch: must be at least 1" in p for p in _problems(directory, tmp_path))


def test_check_config_command_reports_and_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--config", str(SHIPPED), "--data", str(tmp_path), "check-config"]) == 0
    assert "is valid" in capsys.readouterr().out
    directory = _copy(tmp_path)
    (directory / "gateway.toml").write_text("[server]\nport = 'eighty'\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exit_:
        main(["--config", str(directory), "check-config"])
    assert exit_.value.code == 2
    assert "gateway.toml: server.port: must be a int, got str" in capsys.readouterr().err


def test_a_source_timeout_must_be_below_the_request_deadline(tmp_path: Path) -> None:
    """Else a hanging source would be cut by the deadline and never open its breaker."""
    directory = tmp_path / "config"
    shutil.copytree(PROJECT_ROOT / "config", directory)
    gateway = directory / "gateway.toml"
    gateway.write_text(
        gateway.read_text(encoding="utf-8").replace("deadline_ms = 3000", "deadline_ms = 1500"),
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as raised:
        load_config(directory, tmp_path)
    assert "timeout_s: must be below [limits] deadline_ms (1500 ms)" in str(raised.value)


# --- the measure list (config/measures.toml) -----------------------------------------

_MEASURE: dict[str, object] = {
    "id": "P-X",
    "name": "限制参加公共资源交易活动",
    "kind": "PUNISHMENT",
    "implementing_unit": "市财政局",
    "domain": "公共资源交易",
    "legal_basis": "001 art. 23(1)",
    "status": "IN_FORCE",
    "published_on": date(2024, 3, 15),
    "lifting_conditions": "移出名单后解除",
}
_TRIGGER: dict[str, object] = {"lists": ["SERIOUS_DISHONESTY"]}


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def _measure_problems(
    tmp_path: Path, *measures: tuple[dict[str, object], dict[str, object]]
) -> list[str]:
    """The problems of a measures.toml of ``measures``: (keys, applies_to) overrides."""
    directory = _copy(tmp_path)
    text = ""
    for keys, trigger in measures:
        fields = {k: v for k, v in {**_MEASURE, **keys}.items() if v is not None}
        text += "[[measure]]\n" + "".join(f"{k} = {_toml(v)}\n" for k, v in fields.items())
        applies = {k: v for k, v in {**_TRIGGER, **trigger}.items() if v is not None}
        text += "[measure.applies_to]\n" + "".join(
            f"{k} = {_toml(v)}\n" for k, v in applies.items()
        )
    (directory / "measures.toml").write_text(text, encoding="utf-8")
    _without_benefits(directory)
    problems = _problems(directory, tmp_path)
    file = str(directory / "measures.toml")
    assert all(p.startswith(file) for p in problems), problems
    return [p.removeprefix(f"{file}: ") for p in problems]


def test_the_shipped_measure_list_loads(tmp_path: Path) -> None:
    config = load_config(SHIPPED, tmp_path)
    assert len(config.measures) >= 8
    # A measure of the integrity score is applied by the service it is shown to (001 art. 29).
    by_units = {m.domain for m in config.measures if not m.applies_to.score_bands}
    assert by_units <= {d.domain for d in config.duty_matters.values()}
    assert config.duty_matters["PUBLIC_PROCUREMENT"].domain == "公共资源交易"


def test_a_valid_measure_loads(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    (directory / "measures.toml").write_text(
        "[[measure]]\n"
        + "".join(f"{k} = {_toml(v)}\n" for k, v in _MEASURE.items())
        + "[measure.applies_to]\nlists = ['SERIOUS_DISHONESTY']\n",
        encoding="utf-8",
    )
    _without_benefits(directory)
    (measure,) = load_config(directory, tmp_path).measures
    assert measure.id == "P-X"
    assert measure.published_on == date(2024, 3, 15)


def test_a_missing_measure_list_is_a_problem(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    (directory / "measures.toml").unlink()
    assert f"{directory / 'measures.toml'}: (file): file not found" in _problems(
        directory, tmp_path
    )


@pytest.mark.parametrize(
    ("keys", "trigger", "expected"),
    [
        ({"legal_basis": None}, {}, "measure[0].legal_basis: a PUNISHMENT needs its legal basis"),
        (
            {"kind": "CONSTRAINT", "legal_basis": " "},
            {"lists": ["BUSINESS_ABNORMAL"]},
            "measure[0].legal_basis: a CONSTRAINT needs its legal basis",
        ),
        (
            {"lifting_conditions": None},
            {},
            "measure[0].lifting_conditions: a PUNISHMENT must say how it is lifted",
        ),
        ({}, {"lists": None}, "measure[0].applies_to: triggered by nothing"),
        (
            {"published_on": None},
            {},
            "measure[0].published_on: an IN_FORCE measure needs the date it was published",
        ),
        (
            {"published_on": date(2999, 1, 1)},
            {},
            "measure[0].published_on: 2999-01-01 is after today",
        ),
        ({"published_on": "2024-03-15"}, {}, "measure[0].published_on: must be a TOML date"),
        (
            {},
            {"lists": ["SERIOUS_DISHONESTY", "BLACK_LIST"]},
            "measure[0].applies_to.lists: 'BLACK_LIST' is not one of",
        ),
        (
            {"kind": "CONSTRAINT"},
            {"items": ["NO_SUCH_ITEM"]},
            "measure[0].applies_to.items: 'NO_SUCH_ITEM' is not in the catalogue",
        ),
        (
            {"kind": "CONSTRAINT"},
            {"categories": ["NAUGHTY"]},
            "measure[0].applies_to.categories: 'NAUGHTY' is not one of",
        ),
        (
            {},
            {"behaviour_domains": ["火星"]},
            "measure[0].applies_to.behaviour_domains: '火星' is no catalogue item's domain",
        ),
        ({"domain": "火星"}, {}, "measure[0].domain: '火星' is no duty matter's domain"),
        ({"colour": "red"}, {}, "measure[0].colour: unknown key"),
        ({}, {"colour": "red"}, "measure[0].applies_to.colour: unknown key"),
        ({"kind": "SEVERE"}, {}, "measure[0].kind: 'SEVERE' is not one of"),
        ({"status": "MAYBE"}, {}, "measure[0].status: 'MAYBE' is not one of"),
        (
            {"kind": "INCENTIVE"},
            {},
            "measure[0].applies_to: an INCENTIVE cannot be triggered by adverse information",
        ),
        (
            {"kind": "CONSTRAINT"},
            {"lists": None, "items": ["RED_LIST"]},
            "measure[0].applies_to: a CONSTRAINT cannot be triggered by commendatory information",
        ),
        (
            {},
            {"lists": None, "categories": ["ADVERSE"]},
            "measure[0].applies_to: a PUNISHMENT is triggered only by entries of",
        ),
        (
            {},
            {"lists": ["BUSINESS_ABNORMAL"]},
            "measure[0].applies_to: a PUNISHMENT is triggered only by entries of",
        ),
        (
            {},
            {"items": ["SERIOUS_DISHONESTY_RESPONSIBLE"]},
            "measure[0].applies_to.items: SERIOUS_DISHONESTY_RESPONSIBLE records",
        ),
        (
            {},
            {"lists": ["COURT_DEFAULTER"], "responsible_persons": True},
            "measure[0].applies_to.responsible_persons: no catalogue item records",
        ),
    ],
)
def test_check_config_refuses_a_bad_measure(
    tmp_path: Path, keys: dict[str, object], trigger: dict[str, object], expected: str
) -> None:
    problems = _measure_problems(tmp_path, (keys, trigger))
    assert any(p.startswith(expected) for p in problems), problems


def test_a_draft_measure_needs_no_publication_date(tmp_path: Path) -> None:
    draft = {"status": "DRAFT", "published_on": None}
    future = {"id": "P-Y", "status": "DRAFT", "published_on": date(2999, 1, 1)}
    bad = {"id": "P-Z", "colour": "red"}  # so that loading fails and problems are returned
    assert _measure_problems(tmp_path, (draft, {}), (future, {}), (bad, {})) == [
        "measure[2].colour: unknown key"
    ]


def test_measure_ids_are_unique(tmp_path: Path) -> None:
    problems = _measure_problems(tmp_path, ({}, {}), ({}, {}))
    assert problems == ["measure[1].id: duplicate measure id 'P-X'"]


def test_a_duty_matter_needs_a_domain(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    matters = directory / "duty_matters.toml"
    text = matters.read_text(encoding="utf-8").replace('domain = "表彰奖励"\n', "")
    matters.write_text(text, encoding="utf-8")
    problems = _problems(directory, tmp_path)
    assert f"{matters}: matter[4].domain: is required" in problems
