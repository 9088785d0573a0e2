"""Lists, responsible persons and measures, end to end over HTTP against the demo data.

Each list is shown denied first and then allowed to the viewer the law lets
see it; list pages page over exactly what the viewer may see; the entries of
an organisation's serious dishonesty reach the persons it names; measures
apply only when published, in the matter's domain, and while the entry stands.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from demo.examples import ADVERSE_COMPANY, CLEAN_COMPANY, CONTROLLER, PERSON, SOLE_PROPRIETORSHIP
from gateway.codes import parse_code
from gateway.config.loader import GatewayConfig
from gateway.store.marks import Mark, RecordMark
from gateway.store.store import Store
from service.app import create_app
from tests import viewers
from tests.conftest import NOW
from tests.server import Client, serve

ENTRIES = """query($code: String!, $lists: [ListKind!]) {
  subject(code: $code) { listEntries(lists: $lists) {
    id list listName sector origin rule { id article } role reason basis decisionNumber
    decidingUnit decidedOn publishedUntil removalConditions removalProcedure remedies
    status removedOn removalReason underObjection providerUnit
    responsiblePersons { role name subject { code } }
    subject { code name }
    basisRecords { item { code } }
  } }
}"""

PAGE = """query($list: ListKind!, $sector: String, $first: Int, $after: String) {
  listEntries(list: $list, sector: $sector, first: $first, after: $after) {
    edges { cursor node { id list status sector subject { code name } reason
      responsiblePersons { role name } } }
    pageInfo { hasNextPage endCursor }
  }
}"""

MEASURES = """query($code: String!, $matter: String!) {
  subject(code: $code) { applicableMeasures(matter: $matter) {
    measure { id kind domain } reason basis remedies liftingConditions endsOn
    asResponsiblePerson record { id item { code } } entry { list status }
  } }
}"""


async def _entries(
    client: Client, code: str, headers: dict[str, str] | None = None, lists: list[str] | None = None
) -> list[dict[str, Any]]:
    body = await client.query(ENTRIES, {"code": code, "lists": lists}, headers)
    assert "errors" not in body, body
    subject = body["data"]["subject"]
    return [] if subject is None else list(subject["listEntries"])


def _lists(entries: list[dict[str, Any]]) -> list[str]:
    return sorted(e["list"] for e in entries)


async def _consent(
    client: Client, config: GatewayConfig, subject: str, items: list[str]
) -> dict[str, str]:
    body = await client.query(
        """mutation($input: GrantConsentInput!) { grantConsent(input: $input) { token } }""",
        {
            "input": {
                "grantee": viewers.BANK,
                "purpose": "02",
                "items": items,
                "validUntil": (NOW + timedelta(days=30)).isoformat(),
            }
        },
        viewers.subject(config.auth, subject),
    )
    assert "errors" not in body, body
    return viewers.bank(config.auth, body["data"]["grantConsent"]["token"])


# --- a subject's own entries ---------------------------------------------------------


async def test_a_serious_dishonesty_entry_says_what_the_decision_says(gateway: Client) -> None:
    (entry,) = await _entries(gateway, ADVERSE_COMPANY.code, lists=["SERIOUS_DISHONESTY"])
    assert entry["listName"] == "严重失信主体名单"
    assert entry["origin"] == "DECIDED"
    assert entry["status"] == "LISTED"
    assert entry["decidedOn"] == "2026-03-01"
    assert entry["removedOn"] is None
    assert entry["decisionNumber"] == "杭市监严失〔2026〕3号"
    assert entry["decidingUnit"] == "杭州市市场监督管理局"
    assert "刷单炒信" in entry["reason"]
    assert "004 art. 43(2)" in entry["basis"]
    assert entry["removalConditions"].startswith("自公示之日起满三年")
    # Where the source does not say, the list's own procedure and remedies (004 art. 44).
    assert "004 art. 56" in entry["removalProcedure"]
    assert "异议" in entry["remedies"]
    assert entry["sector"] == "市场监管"
    assert entry["subject"] == {"code": ADVERSE_COMPANY.code, "name": ADVERSE_COMPANY.name}
    # 004 art. 44: the list names the legal representative; the actual controller is
    # recorded on his own file only (001 art. 26), and the ID numbers stay out.
    persons = {(p["role"], p["name"]) for p in entry["responsiblePersons"]}
    assert persons == {("法定代表人", PERSON.name)}
    assert all(p["subject"] is None for p in entry["responsiblePersons"])


async def test_the_persons_ids_never_leave_with_the_public_entry(gateway: Client) -> None:
    body = await gateway.query(ENTRIES, {"code": ADVERSE_COMPANY.code, "lists": None})
    text = json.dumps(body, ensure_ascii=False)
    assert PERSON.name in text
    assert PERSON.code not in text
    assert CONTROLLER.code not in text


async def test_a_responsible_persons_subject_needs_its_registration(
    gateway: Client, demo_config: GatewayConfig
) -> None:
    bank = await _consent(gateway, demo_config, PERSON.code, ["REGISTRATION_PERSON"])
    (entry,) = await _entries(gateway, ADVERSE_COMPANY.code, bank, ["SERIOUS_DISHONESTY"])
    named = {p["name"]: p["subject"] for p in entry["responsiblePersons"]}
    assert named == {PERSON.name: {"code": PERSON.code}}  # consented to: shown
    # Without that consent, the bank is not shown the person's file.
    (entry,) = await _entries(
        gateway, ADVERSE_COMPANY.code, viewers.bank(demo_config.auth), ["SERIOUS_DISHONESTY"]
    )
    assert [p["subject"] for p in entry["responsiblePersons"]] == [None]


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("public", False),
        ("unconsented bank", False),
        ("consented bank", True),
        ("unit in duty", True),
        ("the person", True),
    ],
)
async def test_a_companys_serious_dishonesty_shows_on_its_legal_representatives_file(
    gateway: Client, demo_config: GatewayConfig, who: str, sees: bool
) -> None:
    """001 art. 26, 003 art. 36; and it is the person's information (000 art. 47)."""
    auth = demo_config.auth
    headers = {
        "public": None,
        "unconsented bank": viewers.bank(auth),
        "consented bank": await _consent(
            gateway, demo_config, PERSON.code, ["SERIOUS_DISHONESTY_RESPONSIBLE"]
        ),
        "unit in duty": viewers.gov(auth),
        "the person": viewers.subject(auth),
    }[who]
    entries = await _entries(gateway, PERSON.code, headers, ["SERIOUS_DISHONESTY"])
    if not sees:
        assert entries == []
        return
    (entry,) = entries
    assert entry["role"] == "法定代表人"
    assert entry["list"] == "SERIOUS_DISHONESTY"
    assert entry["status"] == "LISTED"
    assert entry["decisionNumber"] == "杭市监严失〔2026〕3号"
    # The listed subject is the company, whose registration is public.
    assert entry["subject"] == {"code": ADVERSE_COMPANY.code, "name": ADVERSE_COMPANY.name}


async def test_the_controller_named_in_the_other_table_gets_the_entry_too(
    gateway: Client, demo_config: GatewayConfig
) -> None:
    (entry,) = await _entries(
        gateway, CONTROLLER.code, viewers.subject(demo_config.auth, CONTROLLER.code)
    )
    assert (entry["list"], entry["role"]) == ("SERIOUS_DISHONESTY", "实际控制人")


async def test_a_court_defaulter_person_is_public(gateway: Client) -> None:
    """The courts' list is public for persons too (000 art. 47's exception)."""
    entries = await _entries(gateway, PERSON.code, lists=["COURT_DEFAULTER"])
    assert [e["status"] for e in entries] == ["LISTED"]
    assert entries[0]["decisionNumber"] == "（2024）浙0106执5678号"  # the case number


@pytest.mark.parametrize(
    ("who", "sees"),
    [("public", False), ("consented bank", False), ("unit in duty", True), ("the company", True)],
)
async def test_key_attention_is_internal_and_names_its_records(
    gateway: Client, demo_config: GatewayConfig, who: str, sees: bool
) -> None:
    """001 art. 19(2): adverse records in at least three domains within 24 months."""
    auth = demo_config.auth
    headers = {
        "public": None,
        # Internal information cannot be consented to (001 art. 14).
        "consented bank": await _consent(
            gateway, demo_config, ADVERSE_COMPANY.code, ["ADM_PENALTY", "TAX_ARREARS"]
        ),
        "unit in duty": viewers.gov(auth),
        "the company": viewers.subject(auth, ADVERSE_COMPANY.code),
    }[who]
    entries = await _entries(gateway, ADVERSE_COMPANY.code, headers, ["KEY_ATTENTION"])
    if not sees:
        assert entries == []
        return
    (entry,) = entries
    assert entry["origin"] == "RULE"
    assert entry["rule"] == {"id": "KA-DOMAINS", "article": "001 art. 19(2)"}
    assert "领域" in entry["reason"]
    assert entry["basis"] == "001 art. 19(2)"
    basis = {r["item"]["code"] for r in entry["basisRecords"]}
    assert {"ADM_PENALTY", "JUDGMENT_DEFAULTER", "TAX_ARREARS"} <= basis


@pytest.mark.parametrize("who", ["public", "the company", "unit in HONOURS_REVIEW"])
async def test_red_list_entries_decided_and_worked_out(
    gateway: Client, demo_config: GatewayConfig, who: str
) -> None:
    auth = demo_config.auth
    headers = {
        "public": None,
        "the company": viewers.subject(auth, CLEAN_COMPANY.code),
        "unit in HONOURS_REVIEW": viewers.gov(auth, matter="HONOURS_REVIEW"),
    }[who]
    entries = await _entries(gateway, CLEAN_COMPANY.code, headers, ["RED_LIST"])
    by_origin = {(e["origin"], e["status"]): e for e in entries}
    decided = by_origin[("DECIDED", "LISTED")]
    assert (decided["sector"], decided["decidingUnit"]) == ("税务", "国家税务总局杭州市税务局")
    # Removed on 2025-01-01, a red-list entry is no longer disclosed, but to the company.
    removed = by_origin.get(("DECIDED", "REMOVED"))
    if who == "the company":
        assert removed is not None
        assert (removed["removedOn"], removed["removalReason"]) == ("2025-01-01", "认定有效期届满")
    else:
        assert removed is None
    # 004 art. 39: eligibility is judged over internal records too ("no dishonesty
    # record"), so it is internal: the public is not told.
    eligible = by_origin.get(("RULE", "LISTED"))
    if who == "public":
        assert eligible is None
        assert len(entries) == 1
        return
    assert eligible is not None
    assert eligible["rule"]["article"] == "004 art. 39"
    assert {r["item"]["code"] for r in eligible["basisRecords"]} >= {"TAX_A_GRADE"}


async def test_a_company_with_adverse_records_in_force_is_not_eligible(
    gateway: Client, demo_config: GatewayConfig
) -> None:
    own = viewers.subject(demo_config.auth, ADVERSE_COMPANY.code)
    assert await _entries(gateway, ADVERSE_COMPANY.code, own, ["RED_LIST"]) == []


# --- list pages ----------------------------------------------------------------------


async def _page_through(
    client: Client, kind: str, first: int, headers: dict[str, str] | None = None, **kw: str
) -> tuple[list[dict[str, Any]], list[str]]:
    nodes: list[dict[str, Any]] = []
    cursors: list[str] = []
    after = None
    for _ in range(200):
        body = await client.query(
            PAGE, {"list": kind, "first": first, "after": after, **kw}, headers
        )
        assert "errors" not in body, body
        page = body["data"]["listEntries"]
        nodes += [e["node"] for e in page["edges"]]
        cursors += [e["cursor"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return nodes, cursors
        after = page["pageInfo"]["endCursor"]
        cursors.append(after)
    raise AssertionError("paging did not end")


async def test_a_list_page_pages_without_gaps_or_repeats(gateway: Client) -> None:
    whole, _ = await _page_through(gateway, "SERIOUS_DISHONESTY", 50)
    codes = [n["subject"]["code"] for n in whole]
    assert ADVERSE_COMPANY.code in codes
    assert SOLE_PROPRIETORSHIP.code in codes
    assert codes == sorted(codes)  # in subject-code order
    for first in (1, 2, 3):
        paged, _ = await _page_through(gateway, "SERIOUS_DISHONESTY", first)
        assert [n["id"] for n in paged] == [n["id"] for n in whole]
    mine = next(n for n in whole if n["subject"]["code"] == ADVERSE_COMPANY.code)
    assert {p["name"] for p in mine["responsiblePersons"]} == {PERSON.name}


async def test_a_red_list_page_by_sector(gateway: Client) -> None:
    taxed, _ = await _page_through(gateway, "RED_LIST", 5, sector="税务")
    assert taxed
    assert all(n["sector"] == "税务" for n in taxed)
    assert CLEAN_COMPANY.code in {n["subject"]["code"] for n in taxed}
    everything, _ = await _page_through(gateway, "RED_LIST", 50)
    assert len(everything) > len(taxed)


async def test_a_withheld_entry_leaves_no_trace_in_pages_or_cursors(
    gateway: Client, demo_config: GatewayConfig
) -> None:
    before, _ = await _page_through(gateway, "SERIOUS_DISHONESTY", 1)
    mine = next(n for n in before if n["subject"]["code"] == ADVERSE_COMPANY.code)
    # The decision is revoked (003 art. 43): the public no longer sees the entry.
    assert gateway.app is not None
    store: Store = gateway.app.state.services.store
    await store.marks.add(
        RecordMark(ADVERSE_COMPANY.code, mine["id"], Mark.WITHDRAWAL, NOW - timedelta(days=1), None)
    )
    after, cursors = await _page_through(gateway, "SERIOUS_DISHONESTY", 1)
    assert [n["id"] for n in after] == [n["id"] for n in before if n["id"] != mine["id"]]
    text = json.dumps(after, ensure_ascii=False) + "".join(cursors)
    assert ADVERSE_COMPANY.code not in text
    assert mine["id"] not in text
    # The company still sees its own entry, marked removed.
    own = await _entries(
        gateway,
        ADVERSE_COMPANY.code,
        viewers.subject(demo_config.auth, ADVERSE_COMPANY.code),
        ["SERIOUS_DISHONESTY"],
    )
    assert [(e["status"], e["removalReason"][:6]) for e in own] == [("REMOVED", "列入决定被撤")]


async def test_a_person_on_a_public_list_is_on_its_page_and_others_are_not(
    gateway: Client,
) -> None:
    defaulters, _ = await _page_through(gateway, "COURT_DEFAULTER", 50)
    assert PERSON.code in {n["subject"]["code"] for n in defaulters if n["subject"]}
    # The red list is not public for persons (000 art. 47): no person's entry shows.
    red, _ = await _page_through(gateway, "RED_LIST", 50)
    assert red
    assert not any(parse_code(n["subject"]["code"]).is_person for n in red)


async def test_a_forged_cursor_is_bad_input(gateway: Client) -> None:
    body = await gateway.query(PAGE, {"list": "RED_LIST", "after": "not-a-cursor"})
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert body["data"] is None or body["data"]["listEntries"] is None


# --- measures --------------------------------------------------------------------------


async def _measures(
    client: Client, code: str, matter: str, headers: dict[str, str] | None
) -> dict[str, Any]:
    return await client.query(MEASURES, {"code": code, "matter": matter}, headers)


async def test_applicable_measures_are_for_the_unit_in_that_matter(
    gateway: Client, demo_config: GatewayConfig
) -> None:
    auth = demo_config.auth
    for headers in (None, viewers.bank(auth), viewers.gov(auth, matter="HONOURS_REVIEW")):
        body = await _measures(gateway, ADVERSE_COMPANY.code, "PUBLIC_PROCUREMENT", headers)
        assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"], body
    body = await _measures(gateway, ADVERSE_COMPANY.code, "PUBLIC_PROCUREMENT", viewers.gov(auth))
    assert "errors" not in body, body
    found = body["data"]["subject"]["applicableMeasures"]
    by_measure: dict[str, list[dict[str, Any]]] = {}
    for applied in found:
        by_measure.setdefault(applied["measure"]["id"], []).append(applied)
    assert {m["measure"]["domain"] for m in found} == {"公共资源交易"}  # no other domain's
    listed = {a["entry"]["list"] for a in by_measure["P-PROCUREMENT"]}
    assert listed == {"SERIOUS_DISHONESTY", "COURT_DEFAULTER"}
    assert all(a["entry"]["status"] == "LISTED" for a in by_measure["P-PROCUREMENT"])
    punish = by_measure["P-PROCUREMENT"][0]
    assert punish["basis"]
    assert punish["liftingConditions"]
    assert "异议" in punish["remedies"]
    assert punish["endsOn"] is None  # until the entry is removed
    # Linked to the behaviour's domain (001 art. 24): arrears, not the penalties.
    arrears = {a["record"]["item"]["code"] for a in by_measure["C-PROCUREMENT-ARREARS"]}
    assert arrears == {"TAX_ARREARS", "SOCIAL_INSURANCE_ARREARS"}


async def test_an_unpublished_measure_is_never_applied_nor_listed(
    gateway: Client, demo_config: GatewayConfig
) -> None:
    unit = viewers.gov(demo_config.auth, matter="FISCAL_SUPPORT", duties=("FISCAL_SUPPORT",))
    body = await _measures(gateway, ADVERSE_COMPANY.code, "FISCAL_SUPPORT", unit)
    assert "errors" not in body, body
    ids = {a["measure"]["id"] for a in body["data"]["subject"]["applicableMeasures"]}
    # The company is on the business-abnormal list, which only a draft measure names.
    assert ids == {"P-FISCAL-SUPPORT"}
    listed = await gateway.query("{ measures { id } }")
    assert "C-ABNORMAL-FISCAL-SUPPORT" not in {m["id"] for m in listed["data"]["measures"]}


async def test_a_responsible_person_is_punished_through_the_companys_entry(
    gateway: Client, demo_config: GatewayConfig
) -> None:
    matter = "CONSUMPTION_RESTRICTION"
    unit = viewers.gov(demo_config.auth, matter=matter, duties=(matter,))
    body = await _measures(gateway, PERSON.code, matter, unit)
    assert "errors" not in body, body
    applied = body["data"]["subject"]["applicableMeasures"]
    how = {
        (a["measure"]["id"], a["asResponsiblePerson"], a["record"]["item"]["code"]) for a in applied
    }
    assert ("P-HIGH-CONSUMPTION", True, "SERIOUS_DISHONESTY_RESPONSIBLE") in how
    assert ("P-HIGH-CONSUMPTION", False, "JUDGMENT_DEFAULTER") in how


@pytest.mark.parametrize(
    ("removed_on", "status"), [("20261123", "REMOVED"), ("20261124", "LISTED")]
)
async def test_an_entry_removed_today_is_removed_and_triggers_nothing(
    demo_config: GatewayConfig, demo_data: Path, tmp_path: Path, removed_on: str, status: str
) -> None:
    """Removed today (the day it ends) it still shows, as REMOVED, and triggers no
    measure; removed tomorrow it is still LISTED and does."""
    code = SOLE_PROPRIETORSHIP.code
    config = _with_entry(demo_config, demo_data, tmp_path, code, ycrq=removed_on)
    async with _serve(config) as client:
        (entry,) = await _entries(client, code, lists=["SERIOUS_DISHONESTY"])
        assert entry["status"] == status
        assert entry["removedOn"] == ("2026-11-23" if status == "REMOVED" else None)
        unit = viewers.gov(demo_config.auth)
        body = await _measures(client, code, "PUBLIC_PROCUREMENT", unit)
        applied = body["data"]["subject"]["applicableMeasures"]
        triggered = {a["record"]["id"] for a in applied}
        assert (entry["id"] in triggered) is (status == "LISTED")


async def test_the_published_measure_list_is_public(gateway: Client) -> None:
    body = await gateway.query(
        """{ measures(kind: PUNISHMENT) { id kind legalBasis implementingUnit
             appliesTo { lists } publishedOn } }"""
    )
    measures = body["data"]["measures"]
    assert measures
    assert all(m["kind"] == "PUNISHMENT" and m["legalBasis"] for m in measures)
    assert all(m["publishedOn"] for m in measures)
    scoped = await gateway.query('{ measures(domain: "公共资源交易") { domain } }')
    assert {m["domain"] for m in scoped["data"]["measures"]} == {"公共资源交易"}


# --- the 003 art. 35 extension follows the entry --------------------------------------

PENALTIES = """query($code: String!) { subject(code: $code) {
  records(items: ["ADM_PENALTY"]) { edges { node { decidedOn status } } } } }"""


async def _penalty_days(client: Client, code: str) -> set[str]:
    body = await client.query(PENALTIES, {"code": code})
    return {e["node"]["decidedOn"] for e in body["data"]["subject"]["records"]["edges"]}


def _with_data(
    demo_config: GatewayConfig,
    demo_data: Path,
    tmp_path: Path,
    database: str,
    statement: str,
    rows: list[tuple[object, ...]],
) -> GatewayConfig:
    """The demo config over a copy of the demo data with ``statement`` run on
    ``database`` for each of ``rows``."""
    copy = tmp_path / "data"
    if not copy.exists():
        shutil.copytree(demo_data, copy)
    with sqlite3.connect(copy / database) as db:
        db.executemany(statement, rows)
    specs = tuple(
        replace(s, config=replace(s.config, url=s.config.url.replace(str(demo_data), str(copy))))
        if s.kind == "sql"
        else s
        for s in demo_config.sources
    )
    return replace(demo_config, sources=specs)


def _with_entry(
    demo_config: GatewayConfig, demo_data: Path, tmp_path: Path, code: str, **columns: str | None
) -> GatewayConfig:
    """The demo data with the serious-dishonesty entry of ``code`` changed
    (lrrq: listed on, ycrq: removed on)."""
    ((column, value),) = columns.items()
    statement = f"UPDATE qy_yzsx SET {column} = ? WHERE tyshxydm = ?"
    return _with_data(
        demo_config, demo_data, tmp_path, "market_regulation.db", statement, [(value, code)]
    )


RED_ROW = "INSERT INTO sxjl_md (xh, tyshxydm, ztmc, hylb, rdsy, rdrq) VALUES (?, ?, ?, ?, ?, ?)"


async def test_the_extension_starts_only_when_listed_before_the_period_ended(
    demo_config: GatewayConfig, demo_data: Path, tmp_path: Path
) -> None:
    code = ADVERSE_COMPANY.code
    async with _serve(demo_config) as client:
        # Listed 2026-03-01, after the 2022 penalty's period ended (2025-09-20).
        assert "2022-09-20" not in await _penalty_days(client, code)
    listed_earlier = _with_entry(demo_config, demo_data, tmp_path, code, lrrq="20250920")
    async with _serve(listed_earlier) as client:
        # On the list on the period's last day: disclosed while listed (003 art. 35).
        assert "2022-09-20" in await _penalty_days(client, code)


async def test_the_extension_stops_with_the_entry(
    demo_config: GatewayConfig, demo_data: Path, tmp_path: Path
) -> None:
    code = SOLE_PROPRIETORSHIP.code
    async with _serve(demo_config) as client:
        # Listed since 2022: the 2021 penalty, past its 3 years, stays disclosed.
        assert "2021-10-12" in await _penalty_days(client, code)
    removed = _with_entry(demo_config, demo_data, tmp_path, code, ycrq="20261122")
    async with _serve(removed) as client:
        assert "2021-10-12" not in await _penalty_days(client, code)
        # The entry itself is disclosed while listed only: removed yesterday, gone.
        assert await _entries(client, code, lists=["SERIOUS_DISHONESTY"]) == []


async def test_a_revoked_listing_ends_the_extension_too(gateway: Client) -> None:
    code = SOLE_PROPRIETORSHIP.code
    (entry,) = await _entries(gateway, code, lists=["SERIOUS_DISHONESTY"])
    assert gateway.app is not None
    store: Store = gateway.app.state.services.store
    await store.marks.add(RecordMark(code, entry["id"], Mark.WITHDRAWAL, NOW - timedelta(hours=1)))
    assert "2021-10-12" not in await _penalty_days(gateway, code)


@asynccontextmanager
async def _serve(config: GatewayConfig) -> AsyncIterator[Client]:
    app = create_app(config, clock=lambda: NOW)
    async with serve(app) as client:
        client.app = app
        yield client


# --- what list pages and failures must not tell ------------------------------------------


async def test_a_list_page_of_withheld_entries_stops_and_moves_on(
    demo_config: GatewayConfig, demo_data: Path, tmp_path: Path
) -> None:
    """300 persons on the red list (not public, 000 art. 47) sort before every
    company: a public page reads a bounded number of them, says there is more, and
    its sealed cursor moves on past them without naming any."""
    person = PERSON.code[:14]
    rows = [
        (5000 + n, f"{person}{n:03d}X", "某人", "表彰奖励", "见义勇为", "20260101")
        for n in range(300)
    ]
    config = _with_data(demo_config, demo_data, tmp_path, "market_regulation.db", RED_ROW, rows)
    async with _serve(config) as client:
        body = await client.query(PAGE, {"list": "RED_LIST", "first": 1})
        page = body["data"]["listEntries"]
        assert page["edges"] == []
        assert page["pageInfo"]["hasNextPage"] is True
        nodes, cursors = await _page_through(client, "RED_LIST", 1)
    codes = {n["subject"]["code"] for n in nodes}
    assert CLEAN_COMPANY.code in codes
    assert not any(parse_code(code).is_person for code in codes)
    text = json.dumps(nodes) + "".join(cursors)
    assert person not in text


async def test_an_edge_alone_is_logged_when_its_entry_is_not_public(
    demo_config: GatewayConfig, demo_data: Path, tmp_path: Path
) -> None:
    row = (6000, PERSON.code, PERSON.name, "表彰奖励", "见义勇为", "20260101")
    config = _with_data(demo_config, demo_data, tmp_path, "market_regulation.db", RED_ROW, [row])
    unit = viewers.gov(demo_config.auth, matter="HONOURS_REVIEW")
    async with _serve(config) as client:
        assert client.app is not None
        log = client.app.state.services.store.query_log
        logged: list[Any] = []
        append = log.append

        async def spying(entries: Any) -> None:
            logged.extend(entries)
            await append(entries)

        log.append = spying
        query = "{ listEntries(list: RED_LIST, first: 50) { edges { cursor } } }"
        public = await client.query(query)
        shown = await client.query(query, headers=unit)
    # The unit's page has one more edge than the public's: the person's entry.
    assert len(shown["data"]["listEntries"]["edges"]) == (
        len(public["data"]["listEntries"]["edges"]) + 1
    )
    assert [(e.subject_code, e.items) for e in logged] == [(PERSON.code, ("RED_LIST",))]


async def test_no_list_is_worked_out_from_part_of_what_it_reads(
    demo_config: GatewayConfig, tmp_path: Path
) -> None:
    """The tax source down: no red-list eligibility (the arrears may be there) and no
    key attention, and the failure is said."""
    broken = tuple(
        replace(
            s,
            config=replace(
                s.config, url=f"sqlite+aiosqlite:///file:{tmp_path}/none.db?mode=ro&uri=true"
            ),
        )
        if s.name == "tax"
        else s
        for s in demo_config.sources
    )
    unit = viewers.gov(demo_config.auth, matter="HONOURS_REVIEW")
    async with _serve(replace(demo_config, sources=broken)) as client:
        body = await client.query(ENTRIES, {"code": CLEAN_COMPANY.code, "lists": None}, unit)
        entries = body["data"]["subject"]["listEntries"]
        assert [e["origin"] for e in entries] == ["DECIDED"]
        assert {e["extensions"]["code"] for e in body["errors"]} == {"SOURCE_UNAVAILABLE"}
    async with _serve(demo_config) as client:
        body = await client.query(ENTRIES, {"code": CLEAN_COMPANY.code, "lists": None}, unit)
        assert "RULE" in {e["origin"] for e in body["data"]["subject"]["listEntries"]}


async def test_a_list_page_after_the_batch_limit_is_spent_says_so(gateway: Client) -> None:
    codes = [ADVERSE_COMPANY.code] * 100
    body = await gateway.query(
        """query($codes: [String!]!) { subjects(codes: $codes) { code }
           listEntries(list: SERIOUS_DISHONESTY) { pageInfo { hasNextPage endCursor } } }""",
        {"codes": codes},
    )
    assert [e["extensions"]["code"] for e in body["errors"]] == ["BAD_USER_INPUT"]
    assert body["errors"][0]["path"] == ["listEntries"]
