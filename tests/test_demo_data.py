"""The demo data generator: deterministic, valid codes, known examples, varied layouts.

The databases are read back the way the gateway reads them: through
`load_config` and the SQL adapter, with the committed `config/` files.
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
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
from demo.codes import person_code
from demo.dates import REFERENCE_DATE, years_later
from demo.examples import (
    ADVERSE_COMPANY,
    BUSY_COMPANY,
    CLEAN_COMPANY,
    CONTROLLER,
    PERSON,
    SOLE_PROPRIETORSHIP,
)
from demo.generate import MANIFEST
from demo.layouts import DATABASES, VIEWS
from demo.rows_lists import FIRST_RANDOM_ENTRY
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
    "qy_yzsx": ["tyshxydm"],
    "sxjl_md": ["tyshxydm"],
    "t_xzqz": ["QZ_XDR_SHXYM"],
    "sx_fr": ["tyshxydm"],
    "sb_dwqj": ["shxydm"],
    "shzz_djxx": ["tyshxydm"],
    "jg_djxx": ["tyshxydm"],
    "shzz_ycml": ["tyshxydm"],
}
PERSON_CODE_COLUMNS = {
    "qy_jbxx": ["fddbrzjhm"],
    "qy_yzsx": ["fddbr_zjhm"],
    "qy_yzsx_zrr": ["zjhm"],
    "t_xzxk": ["XK_XDR_ZJHM"],
    "t_xzcf": ["CF_XDR_ZJHM"],
    "sx_zrr": ["sfzhm"],
    "rk_jbxx": ["gmsfhm"],
    "zyz_fwjl": ["zyzsfzh"],
}
EITHER_CODE_COLUMNS = {"nsr_xyxx": ["nsrsbh"], "bzjl": ["dxdm"]}

# Catalogue item -> (database, query giving one subject code per record), read
# straight from the databases, so the examples' promises are checked even
# while config/sources.toml changes. Rows of one serious-dishonesty entry (xh)
# are one record; the entry is also one record on each person it names.
RECORD_QUERIES: dict[str, list[tuple[str, str]]] = {
    "REGISTRATION_ORG": [
        ("market_regulation", "SELECT tyshxydm FROM qy_jbxx"),
        ("civil_affairs", "SELECT tyshxydm FROM shzz_djxx"),
        ("civil_affairs", "SELECT tyshxydm FROM jg_djxx"),
    ],
    "REGISTRATION_PERSON": [("civil_affairs", "SELECT gmsfhm FROM rk_jbxx")],
    "ADM_LICENCE": [
        ("market_regulation", "SELECT coalesce(XK_XDR_SHXYM, XK_XDR_ZJHM) FROM t_xzxk")
    ],
    "ADM_PENALTY": [
        ("market_regulation", "SELECT coalesce(CF_XDR_SHXYM, CF_XDR_ZJHM) FROM t_xzcf")
    ],
    "BUSINESS_ABNORMAL": [("market_regulation", "SELECT tyshxydm FROM qy_jyyc")],
    "SERIOUS_DISHONESTY_LIST": [("market_regulation", "SELECT tyshxydm FROM v_yzsx GROUP BY xh")],
    "SERIOUS_DISHONESTY_RESPONSIBLE": [
        (
            "market_regulation",
            "SELECT code FROM (SELECT xh, fddbr_zjhm AS code FROM v_yzsx"
            " UNION SELECT xh, zjhm FROM v_yzsx) WHERE code IS NOT NULL",
        )
    ],
    "RED_LIST": [("market_regulation", "SELECT tyshxydm FROM sxjl_md")],
    "ADM_ENFORCEMENT": [("market_regulation", "SELECT QZ_XDR_SHXYM FROM t_xzqz")],
    "JUDGMENT_DEFAULTER": [
        ("court", "SELECT sfzhm FROM sx_zrr"),
        ("court", "SELECT tyshxydm FROM sx_fr"),
    ],
    "TAX_ARREARS": [("tax", "SELECT nsrsbh FROM nsr_xyxx WHERE jllx = '01'")],
    "TAX_A_GRADE": [("tax", "SELECT nsrsbh FROM nsr_xyxx WHERE jllx = '02'")],
    "TAX_PAYMENT": [("tax", "SELECT nsrsbh FROM nsr_xyxx WHERE jllx = '03'")],
    "SOCIAL_INSURANCE_ARREARS": [("tax", "SELECT shxydm FROM sb_dwqj")],
    "COMMENDATION": [("civil_affairs", "SELECT dxdm FROM bzjl")],
    "VOLUNTEERING": [("civil_affairs", "SELECT zyzsfzh FROM zyz_fwjl")],
    "SOCIAL_ORG_ABNORMAL": [("civil_affairs", "SELECT tyshxydm FROM shzz_ycml")],
}
# Tables read only through a view.
READ_THROUGH_VIEWS = {"qy_yzsx", "qy_yzsx_zrr"}


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


def records_in_databases(out: Path) -> dict[str, Counter[str]]:
    """Subject code -> catalogue items of its records, by :data:`RECORD_QUERIES`."""
    found: dict[str, Counter[str]] = {}
    for item, queries in RECORD_QUERIES.items():
        for stem, sql in queries:
            for (code,) in query(out / f"{stem}.db", sql):
                found.setdefault(code, Counter())[item] += 1
    return found


def test_every_table_is_read_by_a_record_query() -> None:
    statements = [sql for queries in RECORD_QUERIES.values() for _, sql in queries]
    named = {m for sql in statements for m in re.findall(r"FROM (\w+)", sql)}
    layouts = {t.name for _, tables in DATABASES.values() for t in tables}
    views = {v.name for vs in VIEWS.values() for v in vs}
    assert named | READ_THROUGH_VIEWS == layouts | views


def test_examples_records_match_the_databases(demo_dir: Path) -> None:
    found = records_in_databases(demo_dir)
    for example in (*EXAMPLES, BUSY_COMPANY, CONTROLLER):
        assert found.get(example.code) == Counter(example.records), example.name


def test_the_serious_dishonesty_examples_are_as_described(demo_dir: Path) -> None:
    db = demo_dir / "market_regulation.db"
    sql = (
        "SELECT tyshxydm, qymc, fddbr, fddbr_zjhm, lrrq, lrwsh, lrjg, ycrq FROM qy_yzsx"
        f" WHERE xh < {FIRST_RANDOM_ENTRY} ORDER BY xh"
    )
    assert query(db, sql) == [
        (
            SOLE_PROPRIETORSHIP.code,
            SOLE_PROPRIETORSHIP.name,
            "楼蕙兰",
            "330122197911262848",
            "20220110",
            "杭拱市监严失〔2022〕3号",
            "杭州市拱墅区市场监督管理局",
            None,
        ),
        (
            ADVERSE_COMPANY.code,
            ADVERSE_COMPANY.name,
            PERSON.name,
            PERSON.code,
            "20260301",
            "杭市监严失〔2026〕3号",
            "杭州市市场监督管理局",
            None,
        ),
    ]
    others = f"SELECT xh, zrlx, xm, zjhm FROM qy_yzsx_zrr WHERE xh < {FIRST_RANDOM_ENTRY}"
    assert query(db, others) == [(2, "实际控制人", CONTROLLER.name, CONTROLLER.code)]
    # Listed after the 2022 penalty's period ended, so 003 art. 35 does not
    # keep that penalty disclosed.
    code = ADVERSE_COMPANY.code
    ((listed_on,),) = query(db, f"SELECT lrrq FROM qy_yzsx WHERE tyshxydm = '{code}'")
    ends = sorted(
        e for (e,) in query(db, f"SELECT CF_GSJZQ FROM t_xzcf WHERE CF_XDR_SHXYM = '{code}'")
    )
    assert ends[0] < listed_on < ends[1]


def test_the_red_list_examples_are_as_described(demo_dir: Path) -> None:
    sql = (
        "SELECT hylb, rdsy, rdwh, rddw, rdrq, yxqz, ycrq, ycyy FROM sxjl_md"
        f" WHERE tyshxydm = '{CLEAN_COMPANY.code}' ORDER BY rdrq"
    )
    assert query(demo_dir / "market_regulation.db", sql) == [
        (
            "市场监管",
            "企业信用风险分类为A类（信用风险低）",
            "杭滨市监信〔2023〕7号",
            "杭州市滨江区市场监督管理局",
            "20230110",
            "20241231",
            "20250101",
            "认定有效期届满",
        ),
        (
            "税务",
            "连续三年纳税信用A级",
            "浙税信〔2026〕12号",
            "国家税务总局杭州市税务局",
            "20260415",
            "20280414",
            None,
            None,
        ),
    ]


def test_serious_dishonesty_entries_name_the_registered_legal_representative(
    demo_dir: Path,
) -> None:
    db = demo_dir / "market_regulation.db"
    entries = query(
        db,
        "SELECT y.xh, y.fddbr, y.fddbr_zjhm, j.fddbr, j.fddbrzjhm FROM qy_yzsx AS y"
        " LEFT JOIN qy_jbxx AS j ON j.tyshxydm = y.tyshxydm",
    )
    assert len(entries) == len(rows(db, "qy_yzsx")) > 2  # examples and random ones
    for xh, name, code, registered_name, registered_code in entries:
        assert (name, code) == (registered_name, registered_code), xh
    others = query(
        db, "SELECT z.xh, y.xh, z.zrlx FROM qy_yzsx_zrr z LEFT JOIN qy_yzsx y USING (xh)"
    )
    assert any(xh >= FIRST_RANDOM_ENTRY for xh, _, _ in others)
    for xh, entry, role in others:
        assert entry == xh  # every other responsible person belongs to an entry
        assert role in {"主要负责人", "实际控制人", "其他直接责任人"}


def test_the_view_has_one_row_per_other_responsible_person(demo_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "market_regulation.db"
    shutil.copy(demo_dir / "market_regulation.db", db)
    with closing(sqlite3.connect(db)) as connection, connection:
        connection.execute(
            "INSERT INTO qy_yzsx_zrr (xh, zrlx, xm, zjhm) VALUES (2, '其他直接责任人', '林晓', ?)",
            (person_code("330102", date(1990, 5, 4), 22),),
        )
    columns = [name for _, name, *_ in query(db, "PRAGMA table_info(v_yzsx)")]
    entry = [name for _, name, *_ in query(db, "PRAGMA table_info(qy_yzsx)")]
    assert columns == [*entry, "zrlx", "xm", "zjhm"]
    per_entry = query(
        db,
        "SELECT y.xh, (SELECT count(*) FROM v_yzsx v WHERE v.xh = y.xh),"
        " (SELECT count(*) FROM qy_yzsx_zrr z WHERE z.xh = y.xh) FROM qy_yzsx y",
    )
    assert all(in_view == max(1, named) for _, in_view, named in per_entry)
    assert sorted(query(db, "SELECT fddbr, zrlx, xm FROM v_yzsx WHERE xh = 2")) == sorted(
        [(PERSON.name, "其他直接责任人", "林晓"), (PERSON.name, "实际控制人", CONTROLLER.name)]
    )
    assert query(db, "SELECT zrlx, xm, zjhm FROM v_yzsx WHERE xh = 1") == [(None, None, None)]


def test_a_small_share_of_organisations_is_on_the_red_list(demo_dir: Path) -> None:
    db = demo_dir / "market_regulation.db"
    listed = query(db, "SELECT tyshxydm, ztmc, rdrq, yxqz, ycrq, ycyy FROM sxjl_md ORDER BY xh")
    names = dict(query(db, "SELECT tyshxydm, qymc FROM qy_jbxx"))
    names |= dict(query(demo_dir / "civil_affairs.db", "SELECT tyshxydm, zzmc FROM shzz_djxx"))
    random = [entry for entry in listed if entry[0] != CLEAN_COMPANY.code]
    assert 0.01 * len(names) < len(random) < 0.05 * len(names)
    reference = REFERENCE_DATE.strftime("%Y%m%d")
    for code, name, decided, valid_until, removed, reason in listed:
        assert names[code] == name
        assert decided < valid_until
        assert decided < reference
        if valid_until < reference:  # expired entries are removed the next day
            assert reason == "认定有效期届满"
        assert (removed is None) == (reason is None)
        assert removed is None or decided < removed < reference


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


async def test_the_adverse_examples_listing_names_its_responsible_persons(
    config: GatewayConfig,
) -> None:
    records = await fetch_all(config, (ADVERSE_COMPANY.code, PERSON.code, CONTROLLER.code))
    (listed,) = [r for r in records if r.item == "SERIOUS_DISHONESTY_LIST"]
    # Listed after the 2022 penalty's period ended (2025-09-20), so 003 art. 35
    # does not keep that penalty disclosed.
    assert (listed.decided_on, listed.ended_on) == (date(2026, 3, 1), None)
    named = {(p.role, p.name, p.code) for p in listed.responsible}
    assert named == {
        ("法定代表人", PERSON.name, PERSON.code),
        ("实际控制人", CONTROLLER.name, CONTROLLER.code),
    }
    on_persons = [r for r in records if r.item == "SERIOUS_DISHONESTY_RESPONSIBLE"]
    assert sorted(r.subject_code for r in on_persons) == sorted((PERSON.code, CONTROLLER.code))


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
        views = query(demo_dir / f"{stem}.db", "SELECT name FROM sqlite_master WHERE type = 'view'")
        assert {n for (n,) in views} == {v.name for v in VIEWS.get(stem, ())}
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
        ("market_regulation", "qy_yzsx", "lrrq", r"^\d{8}$"),
        ("market_regulation", "sxjl_md", "rdrq", r"^\d{8}$"),
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
