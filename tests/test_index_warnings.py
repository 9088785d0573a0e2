"""`check-config` warns of a mapped table without an index on its subject-code column."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from gateway.config.loader import PROJECT_ROOT
from service.cli import main

SHIPPED = PROJECT_ROOT / "config"


def _copy(demo_data: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(demo_data, copy)
    return copy


def test_the_shipped_mappings_over_the_demo_data_are_all_indexed(
    demo_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--config", str(SHIPPED), "--data", str(demo_data), "check-config"]) == 0
    assert "warning" not in capsys.readouterr().out


def test_a_table_without_its_code_index_is_named(
    demo_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = _copy(demo_data, tmp_path)
    with sqlite3.connect(copy / "market_regulation.db") as db:
        db.execute("DROP INDEX ix_qy_jyyc_tyshxydm")
    # Still valid: a warning, not a refusal.
    assert main(["--config", str(SHIPPED), "--data", str(copy), "check-config"]) == 0
    warnings = [line for line in capsys.readouterr().out.splitlines() if "warning" in line]
    assert warnings == [
        "warning: source market_regulation, mapping business_abnormal: table qy_jyyc has no "
        "index leading with tyshxydm; every lookup reads the whole table"
    ]
