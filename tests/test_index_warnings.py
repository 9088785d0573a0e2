"""`check-config` warns of a lookup that would read a whole mapped table: a table
without an index on a column a lookup goes by, or (on SQLite) a lookup whose plan
scans a table, through a view too."""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from adapters.sql.config import ResponsibleColumns, SqlSourceConfig
from adapters.sql.indexes import scanned_name, unindexed
from gateway.config.loader import PROJECT_ROOT
from service.cli import main
from tests.adapters import sql_lists_fixture as fx

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


def _without(demo_data: Path, tmp_path: Path, index: str) -> Path:
    """A copy of the demo data whose market-regulation database lacks ``index``."""
    copy = _copy(demo_data, tmp_path)
    with sqlite3.connect(copy / "market_regulation.db") as db:
        db.execute(f"DROP INDEX {index}")
    return copy


def _warnings(copy: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    # Still valid: a warning, not a refusal.
    assert main(["--config", str(SHIPPED), "--data", str(copy), "check-config"]) == 0
    return [line for line in capsys.readouterr().out.splitlines() if "warning" in line]


def test_a_table_without_its_code_index_is_named(
    demo_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = _without(demo_data, tmp_path, "ix_qy_jyyc_tyshxydm")
    assert _warnings(copy, capsys) == [
        "warning: source market_regulation, mapping business_abnormal: table qy_jyyc has no "
        "index leading with tyshxydm; every lookup reads the whole table"
    ]


@pytest.mark.parametrize(
    ("index", "by", "scanned"),
    [
        # The persons other than the legal representative, in the view's joined table.
        ("ix_qy_yzsx_zrr_zjhm", "zjhm", "r"),
        # The legal representative, in the entry's own row.
        ("ix_qy_yzsx_fddbr_zjhm", "fddbr_zjhm", "l"),
        ("ix_qy_yzsx_tyshxydm", "tyshxydm", "l"),
    ],
)
def test_a_lookup_through_a_view_that_reads_a_table_whole_is_named(
    demo_data: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    index: str,
    by: str,
    scanned: str,
) -> None:
    # v_yzsx is a view, which has no indexes of its own: only its plan tells.
    copy = _without(demo_data, tmp_path, index)
    assert _warnings(copy, capsys) == [
        f"warning: source market_regulation, mapping serious_dishonesty: a lookup by {by} "
        f"reads a whole table (SQLite's plan: SCAN {scanned}); every lookup reads it all"
    ]


def test_the_plans_are_those_of_a_large_table_whatever_the_statistics(
    demo_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # On the demo's few entries, statistics make SQLite scan: cheaper there, but
    # not at 10^7 records, and the check is of the schema, not of today's counts.
    copy = _copy(demo_data, tmp_path)
    with sqlite3.connect(copy / "market_regulation.db") as db:
        db.execute("ANALYZE")
        plan = db.execute("EXPLAIN QUERY PLAN SELECT * FROM v_yzsx WHERE tyshxydm IN ('a', 'b')")
        assert any(str(row[3]).startswith("SCAN ") for row in plan)
    assert _warnings(copy, capsys) == []


async def test_a_table_naming_responsible_persons_needs_an_index_on_their_id_numbers(
    tmp_path: Path,
) -> None:
    # A mapped table (not a view) whose entries name the legal representative:
    # a person's lookup goes by fddbr_zjhm, which has no index here.
    path = tmp_path / "lists.db"
    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE TABLE yzsx (xh INTEGER PRIMARY KEY, tyshxydm TEXT, lrsy TEXT,"
            " lrrq TEXT, zt TEXT, fddbr TEXT, fddbr_zjhm TEXT)"
        )
        db.execute("CREATE INDEX ix_yzsx_tyshxydm ON yzsx (tyshxydm)")
    serious = replace(
        fx.mappings()[0],
        table="yzsx",
        responsible=(ResponsibleColumns(fx.LEGAL, None, "fddbr", "fddbr_zjhm"),),
    )
    config = SqlSourceConfig(name="lists", url=f"sqlite+aiosqlite:///{path}", mappings=(serious,))
    assert await unindexed("lists", config) == [
        "source lists, mapping serious: table yzsx has no index leading with fddbr_zjhm; "
        "every lookup reads the whole table"
    ]
    with sqlite3.connect(path) as db:
        db.execute("CREATE INDEX ix_yzsx_fddbr_zjhm ON yzsx (fddbr_zjhm)")
    assert await unindexed("lists", config) == []


def _distinct_view(path: Path, *, indexed: bool) -> SqlSourceConfig:
    """A database whose ``jyyc`` is a DISTINCT view over ``jyyc_t``, beside a
    full-text table; the abnormal-list mapping reads the view."""
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE jyyc_t (bh TEXT PRIMARY KEY, dm TEXT, lryy TEXT, lrrq TEXT)")
        if indexed:
            db.execute("CREATE INDEX ix_jyyc_t_dm ON jyyc_t (dm)")
        db.execute("CREATE VIEW jyyc AS SELECT DISTINCT * FROM jyyc_t")
        db.execute("CREATE VIRTUAL TABLE names USING fts5(name)")
    business = fx.mappings()[1]
    return SqlSourceConfig(name="lists", url=f"sqlite+aiosqlite:///{path}", mappings=(business,))


async def test_a_schema_the_copy_cannot_take_whole_still_has_its_plans_read(
    tmp_path: Path,
) -> None:
    # A full-text table's shadow tables are in the schema too; re-creating them
    # after it fails ("already exists"). The lookups' plans are read all the same.
    config = _distinct_view(tmp_path / "lists.db", indexed=False)
    assert await unindexed("lists", config) == [
        "source lists, mapping abnormal: a lookup by dm reads a whole table "
        "(SQLite's plan: SCAN jyyc_t); every lookup reads it all"
    ]


async def test_a_view_computed_first_from_an_index_is_not_taken_for_a_scan(
    tmp_path: Path,
) -> None:
    # SQLite runs a DISTINCT (or grouped) view as a co-routine searching its
    # table's index, then "scans" the co-routine's rows: only the table counts.
    config = _distinct_view(tmp_path / "lists.db", indexed=True)
    assert await unindexed("lists", config) == []


def test_a_scan_is_read_in_the_plans_of_older_sqlite_too() -> None:
    assert scanned_name("SCAN TABLE qy_yzsx AS l") == "l"
    assert scanned_name("SCAN TABLE qy_jyyc") == "qy_jyyc"
    assert scanned_name("SCAN l USING INDEX ix") == "l"
    assert scanned_name("SEARCH l USING INDEX ix (tyshxydm=?)") is None


async def test_a_lookup_whose_plan_cannot_be_read_is_named(tmp_path: Path) -> None:
    # The view calls a function this connection does not have (the provider's own
    # application registers it): its plan cannot be read, and check-config says so.
    path = tmp_path / "lists.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE jyyc_t (bh TEXT PRIMARY KEY, dm TEXT, lryy TEXT, lrrq TEXT)")
        db.execute("CREATE INDEX ix_jyyc_t_dm ON jyyc_t (dm)")
        db.execute("CREATE VIEW jyyc AS SELECT * FROM jyyc_t WHERE provider_visible(bh)")
    business = fx.mappings()[1]
    config = SqlSourceConfig(name="lists", url=f"sqlite+aiosqlite:///{path}", mappings=(business,))
    assert await unindexed("lists", config) == [
        "source lists, mapping abnormal: could not read the plan of a lookup by dm "
        "(OperationalError)"
    ]
