"""Configuration problems are reported with their file and key, all at once."""

from __future__ import annotations

import shutil
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
