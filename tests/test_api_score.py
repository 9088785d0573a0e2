"""The integrity score end to end over HTTP (001 art. 28): the person sees its own, anyone else
only under a consent naming INTEGRITY_SCORE, computed over what that consent opens, and logged;
what the person shielded, or had repaired or withdrawn, counts nothing."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import timedelta
from typing import Any

from demo.examples import ADVERSE_COMPANY, CONTROLLER, PERSON
from gateway.config.loader import GatewayConfig
from gateway.store.marks import Mark, RecordMark, RecordMarks
from service.app import create_app
from tests import viewers
from tests.conftest import NOW
from tests.server import Client, serve

MOBILE = "{ me { integrityScore { value band contributions { points rule } } } }"
# The README's example answer (demo data, 2026-11-23): the example person 陈志远.
MOBILE_ANSWER = {
    "data": {
        "me": {
            "integrityScore": {
                "value": 380,
                "band": "较差",
                "contributions": [
                    {"points": 10, "rule": "VOLUNTEERING"},
                    {"points": -150, "rule": "SERIOUS_DISHONESTY"},
                    {"points": -150, "rule": "COURT_DEFAULTER"},
                    {"points": 10, "rule": "VOLUNTEERING"},
                    {"points": 40, "rule": "COMMENDATION"},
                ],
            }
        }
    }
}
SCORE = """query($code: String!) { subject(code: $code) { code integrityScore {
  value base band complete computedAt
  contributions { rule points article recordId item listKind }
  benefits { id kind } } } }"""
VALUE = "query($code: String!) { subject(code: $code) { integrityScore { value } } }"
GRANT = """mutation($input: GrantConsentInput!) { grantConsent(input: $input) {
  token consent { items } } }"""
LOG = "{ me { queryLog { edges { node { viewerCode items consentId } } } } }"
SHIELD = "mutation($id: ID!) { shieldRecord(recordId: $id) { id status } }"


async def _grant(
    client: Client,
    config: GatewayConfig,
    *,
    items: list[str] | None = None,
    categories: list[str] | None = None,
    subject: str = PERSON.code,
) -> str:
    body = await client.query(
        GRANT,
        {
            "input": {
                "grantee": viewers.BANK,
                "purpose": "02",
                "items": items,
                "categories": categories,
                "validUntil": (NOW + timedelta(days=30)).isoformat(),
            }
        },
        viewers.subject(config.auth, subject),
    )
    assert "errors" not in body, body
    granted = body["data"]["grantConsent"]
    # A consent opens the score only when it names it (001 art. 28).
    assert ("INTEGRITY_SCORE" in granted["consent"]["items"]) is (
        "INTEGRITY_SCORE" in (items or [])
    )
    token: str = granted["token"]
    return token


async def _log(client: Client, config: GatewayConfig, code: str = PERSON.code) -> list[Any]:
    body = await client.query(LOG, headers=viewers.subject(config.auth, code))
    return [e["node"] for e in body["data"]["me"]["queryLog"]["edges"]]


async def _score(
    client: Client, headers: dict[str, str] | None, code: str = PERSON.code
) -> dict[str, Any]:
    return await client.query(SCORE, {"code": code}, headers)


def _marks(client: Client) -> RecordMarks:
    assert client.app is not None
    marks: RecordMarks = client.app.state.services.store.marks
    return marks


def _codes(body: dict[str, Any]) -> list[str]:
    return [e["extensions"]["code"] for e in body.get("errors") or []]


def _rules(score: dict[str, Any]) -> list[tuple[str, int]]:
    return [(c["rule"], c["points"]) for c in score["contributions"]]


# --- the person -------------------------------------------------------------------------


async def test_the_mobile_query_answers_in_a_few_hundred_bytes(
    gateway: Client, demo_config: GatewayConfig
) -> None:
    status, body = await gateway.post(MOBILE, headers=viewers.subject(demo_config.auth))
    assert status == 200
    assert body == MOBILE_ANSWER
    assert len(json.dumps(body, ensure_ascii=False).encode()) < 1024


async def test_the_person_sees_every_ground_and_nothing_is_logged(
    gateway: Client, demo_config: GatewayConfig
) -> None:
    body = await _score(gateway, viewers.subject(demo_config.auth))
    score = body["data"]["subject"]["integrityScore"]
    assert (score["value"], score["base"], score["band"], score["complete"]) == (
        380,
        620,
        "较差",
        True,
    )
    assert score["computedAt"] == NOW.isoformat()
    by_item = {c["item"]: c for c in score["contributions"]}
    assert by_item["JUDGMENT_DEFAULTER"]["listKind"] == "COURT_DEFAULTER"
    # 001 art. 26: an organisation's serious dishonesty on the person's own file.
    assert by_item["SERIOUS_DISHONESTY_RESPONSIBLE"]["listKind"] == "SERIOUS_DISHONESTY"
    assert by_item["COMMENDATION"]["article"] == "001 art. 28; 001 art. 12(2)"
    # The 2023-09-23 volunteering is past the rule's three years; the other two count.
    assert [c["points"] for c in score["contributions"] if c["item"] == "VOLUNTEERING"] == [10, 10]
    assert score["value"] == score["base"] + sum(c["points"] for c in score["contributions"])
    me = await gateway.query(MOBILE, headers=viewers.subject(demo_config.auth))
    assert me["data"]["me"]["integrityScore"]["value"] == score["value"]
    assert await _log(gateway, demo_config) == []


async def test_shielded_repaired_and_withdrawn_records_count_nothing(
    gateway: Client, demo_config: GatewayConfig
) -> None:
    person = viewers.subject(demo_config.auth)
    token = await _grant(
        gateway, demo_config, items=["INTEGRITY_SCORE"], categories=["ADVERSE", "COMMENDATORY"]
    )
    bank = viewers.bank(demo_config.auth, token)
    before = (await _score(gateway, bank))["data"]["subject"]["integrityScore"]
    assert before["value"] == 380
    ids = {c["item"]: c["recordId"] for c in before["contributions"]}
    # 001 art. 35: a shielded commendation is no ground for incentives.
    shielded = await gateway.query(SHIELD, {"id": ids["COMMENDATION"]}, person)
    assert shielded["data"]["shieldRecord"]["status"] == "SHIELDED", shielded
    for headers in (person, bank):
        score = (await _score(gateway, headers))["data"]["subject"]["integrityScore"]
        assert score["value"] == 340
        assert "COMMENDATION" not in {c["item"] for c in score["contributions"]}
    # As the repair and objection workflows leave them (003 arts. 43-44).
    marks = _marks(gateway)
    since = NOW - timedelta(days=1)
    await marks.add(
        RecordMark(PERSON.code, ids["SERIOUS_DISHONESTY_RESPONSIBLE"], Mark.REPAIR, since)
    )
    await marks.add(RecordMark(PERSON.code, ids["JUDGMENT_DEFAULTER"], Mark.WITHDRAWAL, since))
    for headers in (person, bank):
        score = (await _score(gateway, headers))["data"]["subject"]["integrityScore"]
        assert _rules(score) == [("VOLUNTEERING", 10), ("VOLUNTEERING", 10)]
        assert (score["value"], score["band"]) == (640, "一般")


async def test_a_good_band_brings_its_published_benefits(
    gateway: Client, demo_config: GatewayConfig
) -> None:
    body = await _score(gateway, viewers.subject(demo_config.auth))
    ids = {
        c["item"]: c["recordId"] for c in body["data"]["subject"]["integrityScore"]["contributions"]
    }
    assert body["data"]["subject"]["integrityScore"]["benefits"] == []
    marks = _marks(gateway)
    for item in ("SERIOUS_DISHONESTY_RESPONSIBLE", "JUDGMENT_DEFAULTER"):
        await marks.add(RecordMark(PERSON.code, ids[item], Mark.WITHDRAWAL, NOW - timedelta(1)))
    score = (await _score(gateway, viewers.subject(demo_config.auth)))["data"]["subject"][
        "integrityScore"
    ]
    assert (score["value"], score["band"]) == (680, "良好")  # 620 + 40 + 10 + 10
    assert score["benefits"] == [
        {"id": "I-SCORE-DEPOSIT-FREE", "kind": "INCENTIVE"},
        {"id": "I-SCORE-RENTAL", "kind": "INCENTIVE"},
    ]


# --- anyone else --------------------------------------------------------------------------


async def test_anyone_else_is_refused_without_a_consent_naming_the_score(
    gateway: Client, demo_config: GatewayConfig
) -> None:
    auth = demo_config.auth
    other_items = await _grant(gateway, demo_config, items=["COMMENDATION", "VOLUNTEERING"])
    for headers in ({}, viewers.bank(auth), viewers.bank(auth, other_items)):
        body = await _score(gateway, headers)
        assert body["data"]["subject"]["integrityScore"] is None
        assert _codes(body) == ["CONSENT_REQUIRED"]
    # The person's records the consent opens are there; their score is not.
    body = await _score(gateway, viewers.bank(auth, other_items))
    assert body["data"]["subject"]["code"] == PERSON.code
    assert await _log(gateway, demo_config) == []


async def test_a_unit_in_a_duty_matter_opening_other_information_is_refused(
    gateway: Client, demo_config: GatewayConfig
) -> None:
    # QUALIFICATION_REVIEW opens the category OTHER, the score's; no consent of the person.
    unit = viewers.gov(
        demo_config.auth, matter="QUALIFICATION_REVIEW", duties=("QUALIFICATION_REVIEW",)
    )
    body = await _score(gateway, unit)
    assert body["data"]["subject"]["integrityScore"] is None
    assert _codes(body) == ["FORBIDDEN"]
    assert "001 art. 28" in body["errors"][0]["message"]
    assert all("INTEGRITY_SCORE" not in e["items"] for e in await _log(gateway, demo_config))


async def test_a_consent_to_the_category_other_does_not_open_the_score(
    gateway: Client, demo_config: GatewayConfig
) -> None:
    # OTHER is the score's category; consenting to it is not consenting to be scored.
    token = await _grant(gateway, demo_config, categories=["OTHER", "ADVERSE", "COMMENDATORY"])
    body = await _score(gateway, viewers.bank(demo_config.auth, token))
    assert body["data"]["subject"]["integrityScore"] is None
    assert _codes(body) == ["CONSENT_REQUIRED"]
    assert "001 art. 28" in body["errors"][0]["message"]
    named = await _grant(
        gateway,
        demo_config,
        categories=["OTHER", "ADVERSE", "COMMENDATORY"],
        items=["INTEGRITY_SCORE"],
    )
    score = (await _score(gateway, viewers.bank(demo_config.auth, named)))["data"]["subject"]
    assert score["integrityScore"]["value"] == 380


async def test_a_consent_naming_the_score_opens_it_over_what_it_opens_and_logs_it(
    gateway: Client, demo_config: GatewayConfig
) -> None:
    token = await _grant(gateway, demo_config, items=["INTEGRITY_SCORE"])
    bank = viewers.bank(demo_config.auth, token)
    body = await _score(gateway, bank)
    assert "errors" not in body, body
    score = body["data"]["subject"]["integrityScore"]
    # Only the public defaulter entry is open to the bank: the score counts nothing else.
    assert _rules(score) == [("COURT_DEFAULTER", -150)]
    assert (score["value"], score["complete"]) == (470, False)
    [entry] = await _log(gateway, demo_config)
    assert (entry["viewerCode"], entry["items"]) == (viewers.BANK, ["INTEGRITY_SCORE"])
    assert entry["consentId"] is not None


async def test_a_consent_opening_the_records_too_gives_the_persons_score_and_logs_them(
    gateway: Client, demo_config: GatewayConfig
) -> None:
    token = await _grant(
        gateway, demo_config, items=["INTEGRITY_SCORE"], categories=["ADVERSE", "COMMENDATORY"]
    )
    bank = viewers.bank(demo_config.auth, token)
    value = await gateway.query(VALUE, {"code": PERSON.code}, bank)
    assert value["data"]["subject"]["integrityScore"] == {"value": 380}
    [entry] = await _log(gateway, demo_config)
    assert entry["items"] == ["INTEGRITY_SCORE"]  # the value alone names no record
    body = await _score(gateway, bank)
    score = body["data"]["subject"]["integrityScore"]
    assert (score["value"], score["complete"]) == (380, True)
    newest, *_ = await _log(gateway, demo_config)
    assert newest["items"] == [
        "COMMENDATION",
        "INTEGRITY_SCORE",
        "SERIOUS_DISHONESTY_RESPONSIBLE",
        "VOLUNTEERING",
    ]  # each contribution shows its record; the public defaulter entry is not logged


async def test_a_consent_naming_only_the_score_still_shows_the_person(
    gateway: Client, demo_config: GatewayConfig
) -> None:
    """周启明's only record is not public: without the score the bank would see nothing."""
    query = f'{{ subject(code: "{CONTROLLER.code}") {{ code }} }}'
    assert (await gateway.query(query, headers=viewers.bank(demo_config.auth)))["data"] == {
        "subject": None
    }
    token = await _grant(gateway, demo_config, items=["INTEGRITY_SCORE"], subject=CONTROLLER.code)
    bank = viewers.bank(demo_config.auth, token)
    body = await gateway.query(query, headers=bank)
    assert body["data"]["subject"] == {"code": CONTROLLER.code}
    # Being there discloses the score: logged.
    [entry] = await _log(gateway, demo_config, CONTROLLER.code)
    assert entry["items"] == ["INTEGRITY_SCORE"]
    score = (await _score(gateway, bank, CONTROLLER.code))["data"]["subject"]["integrityScore"]
    assert (score["value"], score["contributions"], score["complete"]) == (620, [], False)


# --- organisations and failures -------------------------------------------------------------


async def test_an_organisation_has_no_score(gateway: Client, demo_config: GatewayConfig) -> None:
    for headers in ({}, viewers.company(demo_config.auth)):
        body = await _score(gateway, headers, ADVERSE_COMPANY.code)
        assert "errors" not in body, body
        assert body["data"]["subject"]["integrityScore"] is None
    me = await gateway.query(MOBILE, headers=viewers.company(demo_config.auth))
    assert me == {"data": {"me": {"integrityScore": None}}}


@asynccontextmanager
async def _court_down(config: GatewayConfig) -> AsyncIterator[Client]:
    def broken(spec: Any) -> Any:
        if spec.name != "court":
            return spec
        return replace(spec, config=replace(spec.config, url="sqlite+aiosqlite:////nonexistent/x"))

    app = create_app(replace(config, sources=tuple(map(broken, config.sources))), clock=lambda: NOW)
    async with serve(app) as client:
        yield client


async def test_no_score_is_computed_while_a_source_it_counts_is_down(
    demo_config: GatewayConfig,
) -> None:
    async with _court_down(demo_config) as client:
        body = await _score(client, viewers.subject(demo_config.auth))
    assert body["data"]["subject"]["integrityScore"] is None
    assert "SOURCE_UNAVAILABLE" in _codes(body)
    assert any("integrity score is not computed" in e["message"] for e in body["errors"])


MEASURES = "{ measures(kind: INCENTIVE) { id appliesTo { items scoreBands } } }"


async def test_the_measure_list_shows_the_bands_a_score_measure_is_for(gateway: Client) -> None:
    body = await gateway.query(MEASURES)
    triggers = {m["id"]: m["appliesTo"] for m in body["data"]["measures"]}
    assert triggers["I-SCORE-TRAVEL"] == {"items": [], "scoreBands": ["优秀"]}
    assert sorted(triggers["I-SCORE-RENTAL"]["scoreBands"]) == ["优秀", "良好"]
    assert triggers["I-FEWER-INSPECTIONS"] == {"items": ["RED_LIST"], "scoreBands": []}
