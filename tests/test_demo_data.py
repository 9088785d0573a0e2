"""The demo data generator: deterministic, valid codes, known examples, varied layouts.

The databases are read back the way the gateway reads them: through
`load_config` and the SQL adapter, with the committed `config/` files.
"""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import closing
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from stdnum.cn import ric, uscc

from adapters.errors import SourceUnavailable
from adapters.kinds import load_config
from adapters.protocol import FetchRequest, SearchRequest
from adapters.sql.source import SqlSource
from demo import EXAMPLES, demo_data_present, generate
from demo.dates import REFERENCE_DATE, years_later
from demo.examples import ADVERSE_COMPANY, PERSON
from demo.generate import MANIFEST
from demo.layouts import DATABASES
from gateway.config.loader import GatewayConfig
from gateway.domain import RawRecord, SubjectKind
from gateway.forbidden import forbidden_concept

CONFIG_DIR = Path(__file__).resolve().parents[1] / "config"

# Columns that hold subject codes, by what they must be.
ORG_CODE_COLUMNS = {
    "qy_jbxx": ["tyshxydm"],
    "t_xzxk": ["XK_XDR_SHXYM"],
    "t_xzcf": ["CF_XDR_SHXYM"],
    "qy_jyyc": ["tyshxydm"],
    "t_xzqz": ["QZ_XDR_SHXYM"],
    "sx_fr": ["tyshxydm"],
    "sb_dwqj": ["shxydm"],
    "shzz_djxx": ["tyshxydm"],
    "jg_djxx": ["tyshxydm"],
    "shzz_ycml": ["tyshxydm"],
}
PERSON_CODE_COLUMNS = {
    "qy_jbxx": ["fddbrzjhm"],
    "t_xzxk": ["XK_XDR_ZJHM"],
    "t_xzcf": ["CF_XDR_ZJHM"],
    "sx_zrr": ["sfzhm"],
    "rk_jbxx": ["gmsfhm"],
    "zyz_fwjl": ["zyzsfzh"],
}
EITHER_CODE_COLUMNS = {"nsr_xyxx": ["nsrsbh"], "bzjl": ["dxdm"]}


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    generate(out)
    return out


def query(path: Path, sql: str) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(path)) as connection:
        return connection.execute(sql).fetchall()


def rows(path: Path, table: str) -> list[tuple[Any, ...]]:
    return query(path, f"SELECT * FROM {table} ORDER BY rowid")


def all_tables(out: Path) -> Iterator[tuple[Path, str]]:
    for stem, (_, tables) in DATABASES.items():
        for table in tables:
            yield out / f"{stem}.db", table.name


def column_values(out: Path, columns: dict[str, list[str]]) -> Iterator[tuple[str, str]]:
    for path, table in all_tables(out):
        for column in columns.get(table, []):
            for (value,) in query(path, f"SELECT {column} FROM {table} WHERE {column} IS NOT NULL"):
                yield f"{table}.{column}", value


def test_same_seed_gives_identical_tables(tmp_path: Path) -> None:
    first, second = generate(tmp_path / "a"), generate(tmp_path / "b")
    assert first.counts == second.counts
    for path, table in all_tables(tmp_path / "a"):
        twin = tmp_path / "b" / path.name
        assert rows(path, table) == rows(twin, table), table
    manifest = (tmp_path / "a" / MANIFEST).read_text(encoding="utf-8")
    assert manifest == (tmp_path / "b" / MANIFEST).read_text(encoding="utf-8")


def test_another_seed_gives_other_random_rows(tmp_path: Path) -> None:
    generate(tmp_path / "a", size=300, seed=1)
    generate(tmp_path / "b", size=300, seed=2)
    first, second = (rows(tmp_path / d / "court.db", "sx_zrr") for d in "ab")
    assert first != second


def test_every_code_is_valid(demo_dir: Path) -> None:
    checked = Counter[str]()
    for where, code in column_values(demo_dir, ORG_CODE_COLUMNS):
        assert uscc.is_valid(code), f"{where}: {code}"
        checked["org"] += 1
    for where, code in column_values(demo_dir, PERSON_CODE_COLUMNS):
        assert ric.is_valid(code), f"{where}: {code}"
        checked["person"] += 1
    for where, code in column_values(demo_dir, EITHER_CODE_COLUMNS):
        assert uscc.is_valid(code) or ric.is_valid(code), f"{where}: {code}"
        checked["either"] += 1
    assert min(checked.values()) > 100, checked


def test_registered_codes_are_unique_and_persons_have_their_birth_date(demo_dir: Path) -> None:
    orgs = [
        code
        for _, code in column_values(
            demo_dir, {"qy_jbxx": ["tyshxydm"], "shzz_djxx": ["tyshxydm"], "jg_djxx": ["tyshxydm"]}
        )
    ]
    assert len(orgs) == len(set(orgs))
    people = query(demo_dir / "civil_affairs.db", "SELECT gmsfhm, xb, csrq FROM rk_jbxx")
    assert len({code for code, _, _ in people}) == len(people)
    for code, gender, born in people:
        assert code[6:14] == born[:10].replace("-", "")
        assert gender == ("男" if int(code[16]) % 2 else "女")


@pytest.fixture(scope="module")
def config(demo_dir: Path) -> GatewayConfig:
    return load_config(CONFIG_DIR, demo_dir)


def test_load_config_accepts_the_catalogue_and_sources(config: GatewayConfig) -> None:
    assert set(DATABASES) <= {s.name for s in config.sources}
    served = frozenset().union(*(s.items for s in config.sources))
    expected = {item for example in EXAMPLES for item in example.records}
    assert expected <= served
    assert config.catalogue.get("TAX_PAYMENT") is not None
    tax_amount = config.catalogue.items["TAX_PAYMENT"].field("tax_amount")
    assert tax_amount is not None
    assert tax_amount.sensitive_financial


async def fetch_all(config: GatewayConfig, codes: tuple[str, ...]) -> list[RawRecord]:
    records: list[RawRecord] = []
    for spec in config.sources:
        if spec.kind != "sql" or spec.name not in DATABASES:
            continue
        source = SqlSource(spec.config)
        try:
            for found in (await source.fetch(FetchRequest(codes))).values():
                records.extend(found)
        finally:
            await source.aclose()
    return records


async def test_examples_have_exactly_the_promised_records(config: GatewayConfig) -> None:
    records = await fetch_all(config, tuple(e.code for e in EXAMPLES))
    for example in EXAMPLES:
        mine = [r for r in records if r.subject_code == example.code]
        assert Counter(r.item for r in mine) == Counter(example.records), example.name
        # Every mapping names a date column, and all four date encodings parse.
        assert all(r.occurred_on or r.decided_on for r in mine), example.name
        registration = [r for r in mine if r.item.startswith("REGISTRATION_")]
        assert [(r.subject_name, r.subject_kind) for r in registration] == [
            (example.name, example.kind)
        ]


async def test_adverse_example_has_expired_and_current_penalties(config: GatewayConfig) -> None:
    records = await fetch_all(config, (ADVERSE_COMPANY.code, PERSON.code))
    penalties = sorted(r.decided_on for r in records if r.item == "ADM_PENALTY" if r.decided_on)
    assert penalties == [date(2022, 9, 20), date(2026, 6, 15)]
    three_years = [date.fromordinal(years_later(d.toordinal(), 3)) for d in penalties]
    assert three_years[0] < REFERENCE_DATE < three_years[1]
    company = [r for r in records if r.subject_code == ADVERSE_COMPANY.code]
    registration = next(r for r in company if r.item == "REGISTRATION_ORG")
    assert registration.details["legal_representative"] == PERSON.name
    defaulters = {r.ended_on for r in company if r.item == "JUDGMENT_DEFAULTER"}
    assert defaulters == {None, date(2020, 5, 6)}


async def test_examples_are_the_same_at_every_size(tmp_path: Path, demo_dir: Path) -> None:
    generate(tmp_path, size=120)
    small = await fetch_all(load_config(CONFIG_DIR, demo_dir), tuple(e.code for e in EXAMPLES))
    tiny = await fetch_all(load_config(CONFIG_DIR, tmp_path), tuple(e.code for e in EXAMPLES))
    assert sorted(map(repr, small)) == sorted(map(repr, tiny))


async def test_name_search_finds_an_example_by_its_trade_name(config: GatewayConfig) -> None:
    spec = next(s for s in config.sources if s.name == "market_regulation")
    source = SqlSource(spec.config)
    try:
        hits = await source.search(SearchRequest("蕙兰", frozenset(SubjectKind), 10))
    finally:
        await source.aclose()
    assert [(h.code, h.kind) for h in hits] == [
        ("91330105MA2CD8RL8R", SubjectKind.UNINCORPORATED_ORG)
    ]


async def test_a_missing_database_is_an_error_not_an_empty_file(tmp_path: Path) -> None:
    config = load_config(CONFIG_DIR, tmp_path)  # nothing generated here
    spec = next(s for s in config.sources if s.name == "court")
    source = SqlSource(spec.config)
    try:
        with pytest.raises(SourceUnavailable):
            await source.fetch(FetchRequest((PERSON.code,)))
    finally:
        await source.aclose()
    await aiosqlite_threads_stopped()
    assert files_in(tmp_path) == []  # the read-only URL created no file


async def aiosqlite_threads_stopped() -> None:
    """Wait for aiosqlite's worker threads to finish while this test's loop still runs.

    After a failed connect, aiosqlite stops its worker thread through the event
    loop; if the test's loop closes first, the thread raises "Event loop is
    closed" and pytest reports an unhandled thread exception.
    """
    for _ in range(200):
        if not any("_connection_worker_thread" in t.name for t in threading.enumerate()):
            return
        await asyncio.sleep(0.01)


def files_in(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


def test_layouts_differ_from_each_other_and_from_the_gateway_model(demo_dir: Path) -> None:
    model_names = {"subject_code", "record_id", "item", "occurred_on", "decided_on", "ended_on"}
    layouts: dict[str, set[str]] = {}
    for stem, (_, tables) in DATABASES.items():
        sql = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'"
        names = {n for (n,) in query(demo_dir / f"{stem}.db", sql)}
        assert names == {t.name for t in tables}
        layouts[stem] = names | {c.lower() for t in tables for c in t.column_names}
    for stem, names in layouts.items():
        assert not names & model_names, stem
        for other, other_names in layouts.items():
            if other != stem:
                assert not {t.name for t in DATABASES[stem][1]} & other_names
                assert names != other_names


@pytest.mark.parametrize(
    ("stem", "table", "column", "pattern"),
    [
        ("market_regulation", "t_xzcf", "CF_JDRQ", r"^\d{8}$"),
        ("court", "sx_fr", "fbsj", r"^\d{4}-\d{2}-\d{2}$"),
        ("tax", "nsr_xyxx", "djrq", r"^\d{8}$"),
        ("civil_affairs", "bzjl", "bzrq", r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$"),
    ],
)
def test_each_database_has_its_own_date_encoding(
    demo_dir: Path, stem: str, table: str, column: str, pattern: str
) -> None:
    path = demo_dir / f"{stem}.db"
    stored = query(path, f"SELECT DISTINCT typeof({column}) FROM {table}")
    values = [v for (v,) in query(path, f"SELECT {column} FROM {table}")]
    assert stored == [("integer",) if stem == "tax" else ("text",)]
    assert all(re.match(pattern, str(v)) for v in values)
    assert max(str(v).replace("-", "")[:8] for v in values) < REFERENCE_DATE.strftime("%Y%m%d")


def test_no_column_names_forbidden_personal_data() -> None:
    for _, tables in DATABASES.values():
        for table in tables:
            for name in (table.name, *table.column_names):
                assert forbidden_concept(name) is None, name


def test_manifest_counts_match_the_tables(demo_dir: Path) -> None:
    manifest = json.loads((demo_dir / MANIFEST).read_text(encoding="utf-8"))
    total = 0
    for path, table in all_tables(demo_dir):
        count = len(rows(path, table))
        assert manifest["databases"][path.stem]["tables"][table] == count
        total += count
    assert manifest["total_records"] == total >= 3000
    assert [e["code"] for e in manifest["examples"]] == [e.code for e in EXAMPLES]


def test_a_numeric_size_is_a_minimum_record_count(tmp_path: Path) -> None:
    report = generate(tmp_path, size=500)
    assert 500 <= report.total_records < 700
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [MANIFEST, *(f"{stem}.db" for stem in DATABASES)]
    )  # no temporary files left behind
    with pytest.raises(ValueError, match="unknown size"):
        generate(tmp_path, size="huge")


def test_demo_data_present_needs_every_database_of_the_current_layout(tmp_path: Path) -> None:
    assert not demo_data_present(tmp_path)
    generate(tmp_path, size=100)
    assert demo_data_present(tmp_path)
    manifest = tmp_path / MANIFEST
    stale = json.loads(manifest.read_text(encoding="utf-8")) | {"layout_version": 0}
    manifest.write_text(json.dumps(stale), encoding="utf-8")
    assert not demo_data_present(tmp_path)
    generate(tmp_path, size=100)
    (tmp_path / "tax.db").unlink()
    assert not demo_data_present(tmp_path)
