"""The credit report over GraphQL (001 art. 40): for each example subject and each kind
of viewer it holds exactly what that viewer sees through `Subject.records`, in the
configured sections; it is logged like any disclosure, recorded for verification,
batched at one call per source, and refused with a coded error on bad input."""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import AsyncIterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import func, select
from starlette.applications import Starlette

from demo.examples import (
    ADVERSE_COMPANY,
    CLEAN_COMPANY,
    CONTROLLER,
    EXAMPLES,
    GOVERNMENT_BODY,
    PERSON,
    SOLE_PROPRIETORSHIP,
)
from gateway.config.loader import GatewayConfig
from gateway.store.querylog import LogEntry
from gateway.store.workflow_tables import issued_reports
from service.app import create_app
from tests import viewers
from tests.conftest import NOW
from tests.server import Client, serve
from tests.test_api_batching import _codes, _counting, _fetches
from tests.test_api_objections import TAX_UNIT, _arrears, _file, agency, provider

ENTRY = """recordId title item itemName category providerUnit occurredOn decidedOn
  disclosureUntil status underObjection objectedOn details { key label text }
  events { kind on note }"""
REPORT_FIELDS = f"""number version title issuer issuedAt scope requester digest
  subject {{ code kind name legalRepresentative establishedOn address tags }}
  summary {{ category count }} sections {{ id title entries {{ {ENTRY} }} }}
  explanationTitle explanation"""
REPORT = f"query($code: String!) {{ creditReport(code: $code) {{ {REPORT_FIELDS} }} }}"
REPORTS = f"query($codes: [String!]!) {{ creditReports(codes: $codes) {{ {REPORT_FIELDS} }} }}"
RECORDS = """query($code: String!) { subject(code: $code) { kind name
  summary { category count } basicInfo { legalRepresentative establishedOn address }
  records(first: 50) { totalCount edges { node { id title item { code name openness
    publicForPersons } category providerUnit occurredOn decidedOn disclosureUntil status
    underObjection objectedOn details { key label text }
    corrections { key previous { text } corrected { label text } correctedOn } } } }
  listEntries { id list status origin role removedOn } } }"""
VERIFY = """query($number: String!, $digest: String) { verifyReport(number: $number,
  digest: $digest) { number issued issuedAt subjectCode digest pdfDigest digestMatches } }"""

ORGANISATION_SECTIONS = [
    "登记注册基础信息",
    "行政管理信息",
    "诚实守信相关荣誉信息",
    "严重失信主体名单信息",
    "经营（活动）异常名录（状态）信息",
    "信用承诺信息",
    "信用评价信息",
    "司法判决及执行信息",
    "其他信息",
]
PERSON_SECTIONS = [*ORGANISATION_SECTIONS[:-1], "职称和职业资格信息", "其他信息"]
TAGS = {
    "RED_LIST": "守信激励对象",
    "SERIOUS_DISHONESTY": "严重失信主体",
    "COURT_DEFAULTER": "失信被执行人",
    "BUSINESS_ABNORMAL": "列入经营异常名录",
    "SOCIAL_ORG_ABNORMAL": "列入社会组织活动异常名录",
}
VIEWERS = ["public", "bank", "unit", "self"]


async def consent_token(client: Client, config: GatewayConfig, subject: str) -> str:
    body = await client.query(
        """mutation($grantee: String!) { grantConsent(input: {grantee: $grantee,
          purpose: "02", categories: [BASIC, ADVERSE, COMMENDATORY, OTHER],
          validUntil: "2027-05-31T00:00:00Z"}) { token } }""",
        {"grantee": viewers.BANK},
        headers=viewers.subject(config.auth, subject),
    )
    token: str = body["data"]["grantConsent"]["token"]
    return token


async def headers_for(client: Client, config: GatewayConfig, who: str, code: str) -> dict[str, str]:
    if who == "public":
        return {}
    if who == "bank":
        return viewers.bank(config.auth, await consent_token(client, config, code))
    if who == "unit":
        return viewers.gov(config.auth)
    return viewers.subject(config.auth, code)


async def report_of(client: Client, code: str, headers: dict[str, str]) -> dict[str, Any]:
    body = await client.query(REPORT, {"code": code}, headers)
    assert "errors" not in body, body
    report: dict[str, Any] = body["data"]["creditReport"]
    return report


def by_section(report: dict[str, Any]) -> dict[str, list[str]]:
    return {s["id"]: [e["item"] for e in s["entries"]] for s in report["sections"] if s["entries"]}


def entries(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for s in report["sections"] for e in s["entries"]]


def as_entry(node: dict[str, Any]) -> dict[str, Any]:
    """A record node as the report prints it."""
    return {
        "recordId": node["id"],
        "title": node["title"],
        "item": node["item"]["code"],
        "itemName": node["item"]["name"],
        "category": node["category"],
        "providerUnit": node["providerUnit"],
        "occurredOn": node["occurredOn"],
        "decidedOn": node["decidedOn"],
        "disclosureUntil": node["disclosureUntil"],
        "status": node["status"],
        "underObjection": node["underObjection"],
        "objectedOn": node["objectedOn"],
        "details": [d for d in node["details"] if d["text"] is not None],
    }


@pytest.fixture
async def client(demo_config: GatewayConfig) -> AsyncIterator[Client]:
    app = create_app(demo_config, clock=lambda: NOW)
    async with serve(app) as served:
        served.app = app
        yield served


def corrected(node: dict[str, Any]) -> list[tuple[str, str]]:
    """A record node's corrections as the report's CORRECTED events print them."""
    out = []
    for c in node["corrections"]:
        label, after = c["corrected"]["label"], c["corrected"]["text"]
        before = "" if c["previous"] is None else f"由“{c['previous']['text']}”"
        out.append((c["correctedOn"], f"{label}{before}更正为“{after}”（004 art. 52）"))
    return out


async def assert_report_is_what_records_show(
    client: Client, config: GatewayConfig, code: str, who: str
) -> None:
    """The report of ``code`` for ``who`` holds exactly what ``Subject.records`` shows it."""
    headers = await headers_for(client, config, who, code)
    report = await report_of(client, code, headers)
    body = await client.query(RECORDS, {"code": code}, headers)
    seen = body["data"]["subject"]
    nodes = [e["node"] for e in seen["records"]["edges"]]
    assert len(nodes) == seen["records"]["totalCount"]
    # The same records, field for field, nothing more.
    assert {
        e["recordId"]: {k: v for k, v in e.items() if k != "events"} for e in entries(report)
    } == {n["id"]: as_entry(n) for n in nodes}
    # The same corrections, as far as this viewer sees them (004 art. 52).
    shown = {
        e["recordId"]: [(v["on"], v["note"]) for v in e["events"] if v["kind"] == "CORRECTED"]
        for e in entries(report)
    }
    assert shown == {n["id"]: corrected(n) for n in nodes}
    assert report["summary"] == seen["summary"]
    header = report["subject"]
    assert (header["code"], header["kind"], header["name"]) == (code, seen["kind"], seen["name"])
    basics = seen["basicInfo"] or {}
    for key in ("legalRepresentative", "establishedOn", "address"):
        assert header[key] == basics.get(key)
    listed = [
        e for e in seen["listEntries"] if e["status"] == "LISTED" and e["origin"] == "DECIDED"
    ]
    own = {TAGS[e["list"]] for e in listed if e["role"] is None and e["list"] in TAGS}
    assert set(header["tags"]) == own
    removed = {e["id"]: e["removedOn"] for e in seen["listEntries"] if e["removedOn"]}
    for entry in entries(report):
        for event in entry["events"]:
            if event["kind"] == "REMOVED":
                assert removed[entry["recordId"]] == event["on"]
            if event["kind"] == "OBJECTED":
                assert entry["objectedOn"] == event["on"]
            if event["kind"] == "EXPIRED":
                assert (entry["status"], event["on"]) == ("EXPIRED", entry["disclosureUntil"])
    person = code == PERSON.code
    assert [s["title"] for s in report["sections"]] == (
        PERSON_SECTIONS if person else ORGANISATION_SECTIONS
    )
    assert report["explanationTitle"] == "报告说明"
    assert any("fileObjection" in p for p in report["explanation"])
    assert any("applyForRepair" in p for p in report["explanation"])


@pytest.mark.parametrize("who", VIEWERS)
@pytest.mark.parametrize("subject", EXAMPLES, ids=lambda e: e.code)
async def test_a_report_holds_exactly_what_the_viewer_sees_through_records(
    client: Client, demo_config: GatewayConfig, subject: Any, who: str
) -> None:
    await assert_report_is_what_records_show(client, demo_config, subject.code, who)


CORRECT = """mutation($id: ID!, $corrections: [CorrectionInput!]) {
  decideObjection(id: $id, outcome: UPHOLD, reason: "记载有误", corrections: $corrections) {
    status } }"""


async def _correct(
    client: Client, config: GatewayConfig, code: str, item: str, key: str, value: str
) -> None:
    own = viewers.subject(config.auth, code)
    report = await report_of(client, code, own)
    record = next(e for e in entries(report) if e["item"] == item)
    filed = await _file(client, config, code, record["recordId"])
    case = filed["data"]["fileObjection"]["id"]
    fix = {"id": case, "corrections": [{"key": key, "value": value}]}
    body = await client.query(CORRECT, fix, agency(config))
    assert body["data"]["decideObjection"]["status"] == "UPHELD", body


async def test_a_corrected_record_is_reported_as_records_show_it(
    client: Client, demo_config: GatewayConfig
) -> None:
    await _correct(client, demo_config, ADVERSE_COMPANY.code, "ADM_PENALTY", "fine_amount", "0.5")
    # A person's amount, which a consent must name (003 art. 18).
    await _correct(client, demo_config, PERSON.code, "TAX_PAYMENT", "tax_amount", "1000")
    for code in (ADVERSE_COMPANY.code, PERSON.code):
        for who in VIEWERS:
            await assert_report_is_what_records_show(client, demo_config, code, who)
    mine = await report_of(client, PERSON.code, viewers.subject(demo_config.auth, PERSON.code))
    notes = [v["note"] for e in entries(mine) for v in e["events"] if v["kind"] == "CORRECTED"]
    assert len(notes) == 1
    assert notes[0].startswith("纳税金额（元）由“")  # the subject sees what was replaced


# What each viewer's report of each example holds, by section (README's tables).
PUBLIC: dict[str, dict[str, list[str]]] = {
    ADVERSE_COMPANY.code: {
        "REGISTRATION": ["REGISTRATION_ORG"],
        "ADMINISTRATION": ["ADM_PENALTY"],
        "SERIOUS_DISHONESTY": ["SERIOUS_DISHONESTY_LIST"],
        "ABNORMAL": ["BUSINESS_ABNORMAL"],
        "JUDICIAL": ["JUDGMENT_DEFAULTER"],
    },
    CLEAN_COMPANY.code: {
        "REGISTRATION": ["REGISTRATION_ORG"],
        "ADMINISTRATION": [
            "TAX_A_GRADE",
            "TAX_A_GRADE",
            "TAX_A_GRADE",
            "ADM_LICENCE",
            "ADM_LICENCE",
        ],
        "HONOURS": ["RED_LIST", "COMMENDATION"],
    },
    PERSON.code: {"JUDICIAL": ["JUDGMENT_DEFAULTER"]},
    SOLE_PROPRIETORSHIP.code: {
        "REGISTRATION": ["REGISTRATION_ORG"],
        "ADMINISTRATION": ["ADM_PENALTY", "ADM_LICENCE", "ADM_PENALTY"],
        "SERIOUS_DISHONESTY": ["SERIOUS_DISHONESTY_LIST"],
    },
    GOVERNMENT_BODY.code: {"REGISTRATION": ["REGISTRATION_ORG"], "HONOURS": ["COMMENDATION"]},
}
PUBLIC_TAGS = {
    ADVERSE_COMPANY.code: ["严重失信主体", "失信被执行人", "列入经营异常名录"],
    CLEAN_COMPANY.code: ["守信激励对象"],
    PERSON.code: ["失信被执行人"],
    SOLE_PROPRIETORSHIP.code: ["严重失信主体"],
    GOVERNMENT_BODY.code: [],
}


@pytest.mark.parametrize("subject", EXAMPLES, ids=lambda e: e.code)
async def test_the_public_report_of_each_example(client: Client, subject: Any) -> None:
    report = await report_of(client, subject.code, {})
    assert by_section(report) == PUBLIC[subject.code]
    assert report["subject"]["tags"] == PUBLIC_TAGS[subject.code]
    assert report["scope"] == "社会公开查询"
    assert report["requester"] is None
    assert report["subject"]["name"] == (None if subject is PERSON else subject.name)


async def test_the_a_grade_shows_its_year_and_source(client: Client) -> None:
    report = await report_of(client, CLEAN_COMPANY.code, {})
    grades = [e for e in entries(report) if e["item"] == "TAX_A_GRADE"]
    years = sorted(d["text"] for e in grades for d in e["details"] if d["key"] == "evaluation_year")
    assert years == ["2023", "2024", "2025"]
    assert all(any(d["label"] == "主管税务机关" for d in e["details"]) for e in grades)
    assert {e["providerUnit"] for e in grades} == {"税务局"}


async def test_each_viewer_adds_what_it_may_open(
    client: Client, demo_config: GatewayConfig
) -> None:
    code = ADVERSE_COMPANY.code
    unit = by_section(await report_of(client, code, viewers.gov(demo_config.auth)))
    assert sorted(unit["ADMINISTRATION"]) == sorted(
        ["ADM_PENALTY", "TAX_ARREARS", "SOCIAL_INSURANCE_ARREARS", "ADM_ENFORCEMENT"]
    )
    assert unit["OTHER"] == ["COMMERCIAL_DEFAULT", "COMMERCIAL_DEFAULT"]
    mine = await report_of(client, code, viewers.company(demo_config.auth))
    assert mine["scope"] == "本人查询"
    expired = [e for e in entries(mine) if e["status"] == "EXPIRED"]
    assert {e["item"] for e in expired} == {"ADM_PENALTY", "JUDGMENT_DEFAULTER"}
    assert all(e["events"][-1]["kind"] == "EXPIRED" for e in expired)
    assert by_section(mine)["EVALUATION"] == ["MARKET_RATING"]
    assert sum(c["count"] for c in mine["summary"]) == 13


async def test_a_persons_amounts_need_a_consent_naming_them(
    client: Client, demo_config: GatewayConfig
) -> None:
    token = await consent_token(client, demo_config, PERSON.code)
    report = await report_of(client, PERSON.code, viewers.bank(demo_config.auth, token))
    taxes = [e for e in entries(report) if e["item"] == "TAX_PAYMENT"]
    assert len(taxes) == 2
    assert all("tax_amount" not in {d["key"] for d in e["details"]} for e in taxes)
    mine = await report_of(client, PERSON.code, viewers.subject(demo_config.auth))
    assert all(
        "tax_amount" in {d["key"] for d in e["details"]}
        for e in entries(mine)
        if e["item"] == "TAX_PAYMENT"
    )
    assert by_section(mine)["SERIOUS_DISHONESTY"] == ["SERIOUS_DISHONESTY_RESPONSIBLE"]
    assert "QUALIFICATIONS" not in by_section(mine)  # printed, empty


async def test_an_objection_shows_in_the_report_with_its_day(
    client: Client, demo_config: GatewayConfig
) -> None:
    company = viewers.company(demo_config.auth)
    before = await report_of(client, ADVERSE_COMPANY.code, {})
    penalty = next(e for e in entries(before) if e["item"] == "ADM_PENALTY")
    body = await client.query(
        """mutation($input: FileObjectionInput!) { fileObjection(input: $input) { id } }""",
        {"input": {"recordId": penalty["recordId"], "reason": "处罚金额记载有误"}},
        company,
    )
    assert "errors" not in body, body
    after = await report_of(client, ADVERSE_COMPANY.code, {})
    objected = next(e for e in entries(after) if e["recordId"] == penalty["recordId"])
    assert (objected["underObjection"], objected["objectedOn"]) == (True, "2026-11-23")
    assert [e["kind"] for e in objected["events"]] == ["OBJECTED"]


# --- the query log ------------------------------------------------------------------


@pytest.fixture
async def logged(demo_config: GatewayConfig) -> AsyncIterator[tuple[Client, list[LogEntry]]]:
    app = create_app(demo_config, clock=lambda: NOW)
    async with serve(app) as served:
        served.app = app
        log = app.state.services.store.query_log
        appended: list[LogEntry] = []
        append = log.append

        async def spying(batch: Sequence[LogEntry]) -> None:
            appended.extend(batch)
            await append(batch)

        log.append = spying
        yield served, appended


def non_public(report: dict[str, Any], seen: dict[str, Any]) -> set[str]:
    person = seen["kind"] == "NATURAL_PERSON"
    public = {
        n["node"]["item"]["code"]
        for n in seen["records"]["edges"]
        if n["node"]["item"]["openness"] == "PUBLIC"
        and (n["node"]["item"]["publicForPersons"] or not person)
    }
    return {e["item"] for e in entries(report)} - public


@pytest.mark.parametrize("who", VIEWERS)
@pytest.mark.parametrize("subject", [ADVERSE_COMPANY, PERSON], ids=["company", "person"])
async def test_a_report_writes_the_query_log_like_any_disclosure(
    logged: tuple[Client, list[LogEntry]], demo_config: GatewayConfig, subject: Any, who: str
) -> None:
    client, appended = logged
    headers = await headers_for(client, demo_config, who, subject.code)
    seen = (await client.query(RECORDS, {"code": subject.code}, headers))["data"]["subject"]
    appended.clear()
    report = await report_of(client, subject.code, headers)
    if who in ("public", "self"):
        assert appended == []  # public answers and the subject's own write nothing
        return
    [entry] = appended
    assert entry.subject_code == subject.code
    assert set(entry.items) == non_public(report, seen) != set()
    if who == "bank":
        assert (entry.viewer_code, entry.purpose) == (viewers.BANK, "02")
        assert entry.consent_id is not None
    else:
        assert (entry.viewer_code, entry.duty_matter) == (viewers.UNIT, "PUBLIC_PROCUREMENT")


async def test_a_report_withheld_when_the_log_cannot_be_written(
    logged: tuple[Client, list[LogEntry]], demo_config: GatewayConfig
) -> None:
    client, _ = logged
    assert client.app is not None
    log = client.app.state.services.store.query_log

    async def failing(batch: Sequence[LogEntry]) -> None:
        raise RuntimeError("the query log is unavailable")

    log.append = failing
    body = await client.query(REPORT, {"code": ADVERSE_COMPANY.code}, viewers.gov(demo_config.auth))
    assert body["data"] is None
    assert [e["extensions"]["code"] for e in body["errors"]] == ["INTERNAL_SERVER_ERROR"]


# --- verification -------------------------------------------------------------------


async def test_an_issued_report_verifies_and_an_altered_one_does_not(client: Client) -> None:
    report = await report_of(client, CLEAN_COMPANY.code, {})
    number, digest = report["number"], report["digest"]
    assert len(number) == 24
    assert number.startswith("20261123")
    body = await client.query(VERIFY, {"number": number, "digest": digest})
    assert body["data"]["verifyReport"] == {
        "number": number,
        "issued": True,
        "issuedAt": report["issuedAt"],
        "subjectCode": CLEAN_COMPANY.code,
        "digest": digest,
        "pdfDigest": None,  # served over GraphQL only
        "digestMatches": True,
    }
    # The digest printed on an altered report no longer matches.
    altered = "0" * 64 if digest != "0" * 64 else "1" * 64
    for wrong in (altered, digest[:-1], "摘要" + digest):
        body = await client.query(VERIFY, {"number": number, "digest": wrong})
        assert body["data"]["verifyReport"]["digestMatches"] is False, wrong
    # Another number (one character changed) was never issued.
    other = number[:-1] + ("A" if number[-1] != "A" else "B")
    body = await client.query(VERIFY, {"number": other, "digest": digest})
    assert body["data"]["verifyReport"] == {
        "number": other,
        "issued": False,
        "issuedAt": None,
        "subjectCode": None,
        "digest": None,
        "pdfDigest": None,
        "digestMatches": None,
    }
    # Lower case and spaces are the same number.
    body = await client.query(VERIFY, {"number": f" {number.lower()} "})
    assert body["data"]["verifyReport"]["issued"] is True
    assert body["data"]["verifyReport"]["digestMatches"] is None


FIELDS = """query($type: String!) { __type(name: $type) { fields { name } } }"""


async def test_the_digest_is_of_the_answer_its_holder_has(client: Client) -> None:
    """SHA-256 of the canonical JSON of `creditReport` with every field but `digest`:
    whoever holds the answer can recompute it, and an answer altered no longer gives it."""
    report = await report_of(client, ADVERSE_COMPANY.code, {})
    for type_name, fields in (
        ("CreditReport", report),
        ("ReportSubject", report["subject"]),
        ("ReportEntry", entries(report)[0]),
    ):
        body = await client.query(FIELDS, {"type": type_name})
        assert {f["name"] for f in body["data"]["__type"]["fields"]} == set(fields), type_name

    def digest_of(answer: dict[str, Any]) -> str:
        held = {k: v for k, v in answer.items() if k != "digest"}
        text = json.dumps(held, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()

    assert digest_of(report) == report["digest"]
    # A penalty deleted from what is held no longer gives the digest recorded.
    altered = copy.deepcopy(report)
    for section in altered["sections"]:
        section["entries"] = [e for e in section["entries"] if e["item"] != "ADM_PENALTY"]
    assert len(entries(altered)) == len(entries(report)) - 1
    assert digest_of(altered) != report["digest"]


async def test_every_report_gets_its_own_number(client: Client) -> None:
    numbers = {(await report_of(client, GOVERNMENT_BODY.code, {}))["number"] for _ in range(3)}
    assert len(numbers) == 3


@pytest.mark.parametrize(
    "number", ["", "2026112", "20261123ZZZZZZZZZZZZZZZZ", "２０２６１１２３" + "A" * 16, "x" * 5000]
)
async def test_a_malformed_number_is_bad_input(client: Client, number: str) -> None:
    body = await client.query(VERIFY, {"number": number})
    assert body["data"] is None
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "16 hexadecimal digits" in error["message"]


# --- batches ------------------------------------------------------------------------


async def test_a_batch_of_reports_costs_one_call_per_source(
    client: Client, demo_config: GatewayConfig, demo_data: Path
) -> None:
    app = client.app
    assert app is not None
    every = {spec.name for spec in demo_config.sources}
    sql = {spec.name for spec in demo_config.sources if spec.kind == "sql"}
    codes = _codes(demo_data, 100)
    before = _fetches(app)
    with _counting(app) as statements:
        body = await client.query(REPORTS, {"codes": codes}, viewers.gov(demo_config.auth))
    assert "errors" not in body, body["errors"][:3]
    reports = body["data"]["creditReports"]
    assert [r["subject"]["code"] for r in reports] == codes
    assert statements == dict.fromkeys(sql, 1)
    assert _fetches(app) - before == dict.fromkeys(every, 1)
    engine = app.state.services.store.engine
    async with engine.connect() as connection:
        stored = await connection.scalar(select(func.count()).select_from(issued_reports))
    assert stored == len({r["number"] for r in reports}) == 100


async def test_each_subject_of_a_batch_is_reported_under_its_own_consent(
    logged: tuple[Client, list[LogEntry]], demo_config: GatewayConfig
) -> None:
    client, appended = logged
    consented = [ADVERSE_COMPANY.code, PERSON.code]
    tokens = [await consent_token(client, demo_config, code) for code in consented]
    codes = [*consented, SOLE_PROPRIETORSHIP.code]
    appended.clear()
    body = await client.query(
        REPORTS, {"codes": codes}, viewers.bank(demo_config.auth), {"consentTokens": tokens}
    )
    assert "errors" not in body, body
    company, person, sole = body["data"]["creditReports"]
    assert "TAX_ARREARS" in {e["item"] for e in entries(company)}
    assert person["subject"]["name"] == PERSON.name  # its registration, by its consent
    assert {e["item"] for e in entries(sole)} <= {
        "REGISTRATION_ORG",
        "ADM_LICENCE",
        "ADM_PENALTY",
        "SERIOUS_DISHONESTY_LIST",
    }
    assert sorted(e.subject_code for e in appended) == sorted(consented)
    assert len({e.consent_id for e in appended}) == 2


async def test_a_bank_batch_with_a_consent_per_subject_costs_one_call_per_source(
    client: Client, demo_config: GatewayConfig
) -> None:
    app = client.app
    assert app is not None
    codes = [e.code for e in EXAMPLES]
    tokens = [await consent_token(client, demo_config, code) for code in codes]
    every = {spec.name for spec in demo_config.sources}
    sql = {spec.name for spec in demo_config.sources if spec.kind == "sql"}
    before = _fetches(app)
    with _counting(app) as statements:
        body = await client.query(
            REPORTS, {"codes": codes}, viewers.bank(demo_config.auth), {"consentTokens": tokens}
        )
    assert "errors" not in body, body["errors"][:3]
    reports = body["data"]["creditReports"]
    assert [r["subject"]["code"] for r in reports] == codes
    # Each under its own consent: the market bureau's records are opened by them.
    company = reports[codes.index(ADVERSE_COMPANY.code)]
    assert {"TAX_ARREARS", "COMMERCIAL_DEFAULT"} <= {e["item"] for e in entries(company)}
    assert statements == dict.fromkeys(sql, 1)
    assert _fetches(app) - before == dict.fromkeys(every, 1)


async def test_bad_codes_and_too_many_codes_are_bad_input(client: Client) -> None:
    body = await client.query(REPORT, {"code": "91330106MA2H7K3Q0X"})
    [error] = body["errors"]
    assert (error["extensions"]["code"], error["path"]) == ("BAD_USER_INPUT", ["creditReport"])
    assert body["data"] == {"creditReport": None}
    codes = [ADVERSE_COMPANY.code, "not-a-code", GOVERNMENT_BODY.code]
    body = await client.query(REPORTS, {"codes": codes})
    reports = body["data"]["creditReports"]
    assert reports[1] is None
    assert reports[0]["subject"]["code"] == ADVERSE_COMPANY.code
    assert reports[2]["subject"]["code"] == GOVERNMENT_BODY.code
    [error] = body["errors"]
    assert (error["extensions"]["code"], error["path"]) == ("BAD_USER_INPUT", ["creditReports", 1])
    body = await client.query(REPORTS, {"codes": [GOVERNMENT_BODY.code] * 101})
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["limit"] == 100
    assert body["data"] is None


async def test_nothing_visible_is_no_report_and_none_is_issued(client: Client) -> None:
    body = await client.query(REPORT, {"code": CONTROLLER.code})
    assert body == {"data": {"creditReport": None}}
    assert client.app is not None
    engine = client.app.state.services.store.engine
    async with engine.connect() as connection:
        assert await connection.scalar(select(func.count()).select_from(issued_reports)) == 0


async def failing_bureau_app(config: GatewayConfig, bureau_url: str) -> Starlette:
    """The gateway over a bureau that fails every call, with no retry or cache to hide it."""
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{bureau_url}/_knobs", json={"error_rate": 1.0}) as answer,
    ):
        assert answer.status == 200
    sources = tuple(
        replace(s, resilience=replace(s.resilience, retries=0, cache_ttl_s=0))
        if s.kind == "bureau"
        else s
        for s in config.sources
    )
    return create_app(replace(config, sources=sources), clock=lambda: NOW)


async def test_no_report_is_issued_while_a_source_is_down(
    demo_config: GatewayConfig, bureau_url: str
) -> None:
    app = await failing_bureau_app(demo_config, bureau_url)
    async with serve(app) as client:
        body = await client.query(
            REPORT, {"code": ADVERSE_COMPANY.code}, viewers.company(demo_config.auth)
        )
        engine = app.state.services.store.engine
        async with engine.connect() as connection:
            stored = await connection.scalar(select(func.count()).select_from(issued_reports))
    assert body["data"] == {"creditReport": None}
    codes = {(e["extensions"]["code"], e["extensions"].get("source")) for e in body["errors"]}
    assert codes == {("SOURCE_UNAVAILABLE", "market_bureau")}
    assert any("No report" in e["message"] for e in body["errors"])
    assert stored == 0


async def _bureau_down(bureau_url: str, config: GatewayConfig) -> GatewayConfig:
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{bureau_url}/_knobs", json={"error_rate": 1.0}) as answer,
    ):
        assert answer.status == 200
    sources = tuple(
        replace(s, resilience=replace(s.resilience, retries=0, cache_ttl_s=0))
        if s.kind == "bureau"
        else s
        for s in config.sources
    )
    return replace(config, sources=sources)


async def test_a_source_down_refuses_only_the_reports_it_serves_records_of(
    demo_config: GatewayConfig, bureau_url: str
) -> None:
    """One batch asks the bureau once for everyone; it fails. The consented company's
    report would miss its market records: refused. The other subject's, of which the
    bank may open nothing the bureau has, is complete: issued."""
    config = await _bureau_down(bureau_url, demo_config)
    app = create_app(config, clock=lambda: NOW)
    async with serve(app) as client:
        token = await consent_token(client, config, ADVERSE_COMPANY.code)
        codes = [ADVERSE_COMPANY.code, SOLE_PROPRIETORSHIP.code]
        body = await client.query(
            REPORTS, {"codes": codes}, viewers.bank(config.auth), {"consentTokens": [token]}
        )
        engine = app.state.services.store.engine
        async with engine.connect() as connection:
            stored = await connection.scalars(select(issued_reports.c.subject_code))
            issued = list(stored)
    company, sole = body["data"]["creditReports"]
    assert company is None
    refusals = [e for e in body["errors"] if e.get("path") == ["creditReports", 0]]
    assert [e["extensions"]["code"] for e in refusals] == ["SOURCE_UNAVAILABLE"]
    assert not any(e.get("path") == ["creditReports", 1] for e in body["errors"])
    assert sole["subject"]["code"] == SOLE_PROPRIETORSHIP.code
    assert issued == [SOLE_PROPRIETORSHIP.code]


SHIELD = "mutation($id: ID!) { shieldRecord(recordId: $id) { status } }"
APPLY = """mutation($input: RepairInput!) { applyForRepair(input: $input) { id } }"""
DECIDE_REPAIR = """mutation($id: ID!) { decideRepair(id: $id, outcome: APPROVE,
  reason: "已履行处罚决定并完成整改") { status } }"""


async def test_a_shield_and_a_repair_are_reported_with_their_day(
    client: Client, demo_config: GatewayConfig
) -> None:
    clean = viewers.subject(demo_config.auth, CLEAN_COMPANY.code)
    before = await report_of(client, CLEAN_COMPANY.code, clean)
    commendation = next(e for e in entries(before) if e["item"] == "COMMENDATION")
    body = await client.query(SHIELD, {"id": commendation["recordId"]}, clean)
    assert body["data"]["shieldRecord"]["status"] == "SHIELDED", body
    adverse = viewers.subject(demo_config.auth, ADVERSE_COMPANY.code)
    penalty = next(
        e
        for e in entries(await report_of(client, ADVERSE_COMPANY.code, adverse))
        if e["item"] == "ADM_PENALTY" and e["status"] == "ACTIVE"
    )
    repair = {"recordId": penalty["recordId"], "correction": "已于2026年7月1日缴清罚款并整改"}
    applied = await client.query(APPLY, {"input": repair}, adverse)
    assert "errors" not in applied, applied
    decided = await client.query(
        DECIDE_REPAIR, {"id": applied["data"]["applyForRepair"]["id"]}, agency(demo_config)
    )
    assert decided["data"]["decideRepair"]["status"] == "APPROVED", decided
    for code, headers, record_id, kind in (
        (CLEAN_COMPANY.code, clean, commendation["recordId"], "SHIELDED"),
        (ADVERSE_COMPANY.code, adverse, penalty["recordId"], "REPAIRED"),
    ):
        report = await report_of(client, code, headers)
        entry = next(e for e in entries(report) if e["recordId"] == record_id)
        assert entry["status"] == kind
        assert [(e["kind"], e["on"]) for e in entry["events"]] == [(kind, "2026-11-23")]


@pytest.mark.parametrize("who", ["agency", "provider"])
async def test_the_agency_and_a_provider_see_the_record_of_an_open_case_in_a_report(
    client: Client, demo_config: GatewayConfig, who: str
) -> None:
    code = ADVERSE_COMPANY.code
    handler = agency(demo_config) if who == "agency" else provider(demo_config, TAX_UNIT)
    arrears = await _arrears(client, demo_config)  # authorized: not the public's
    assert arrears not in {e["recordId"] for e in entries(await report_of(client, code, handler))}
    await _file(client, demo_config, code, arrears)
    report = await report_of(client, code, handler)
    assert arrears in {e["recordId"] for e in entries(report)}
    public = await report_of(client, code, {})
    assert arrears not in {e["recordId"] for e in entries(public)}
    # And nothing the same viewer could not see through records.
    body = await client.query(RECORDS, {"code": code}, handler)
    ids = {e["node"]["id"] for e in body["data"]["subject"]["records"]["edges"]}
    assert {e["recordId"] for e in entries(report)} == ids
