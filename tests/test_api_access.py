"""Each kind of viewer, end to end over HTTP against the demo data (DESIGN.md section 3).

Every protected thing is shown denied first, then allowed under the right
grant; withheld records leave no trace in counts, summaries or errors.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from demo.examples import ADVERSE_COMPANY, CLEAN_COMPANY, PERSON, SOLE_PROPRIETORSHIP
from gateway.config.loader import GatewayConfig
from gateway.store.marks import Mark, RecordMark
from gateway.store.store import Store
from tests import viewers
from tests.conftest import NOW
from tests.server import Client

FILE = """query($code: String!, $items: [String!]) {
  subject(code: $code) {
    code kind name
    summary { category count }
    records(items: $items) { totalCount edges { node { item { code } status
      details { key number } } } }
  }
}"""
MARKET = {"MARKET_RATING", "COMMERCIAL_DEFAULT", "CONTRACT_PERFORMANCE"}
GRANT = """mutation($input: GrantConsentInput!) {
  grantConsent(input: $input) { token consent { id status items } }
}"""


async def _file(
    client: Client, code: str, headers: dict[str, str] | None = None, items: list[str] | None = None
) -> dict[str, Any]:
    return await client.query(FILE, {"code": code, "items": items}, headers)


def _items(body: dict[str, Any]) -> list[str]:
    subject = body["data"]["subject"]
    return sorted(e["node"]["item"]["code"] for e in subject["records"]["edges"])


def _codes(body: dict[str, Any]) -> list[str]:
    return sorted(e["extensions"]["code"] for e in body.get("errors") or [])


async def _ask_grant(
    client: Client,
    items: list[str],
    headers: dict[str, str],
    purpose: str = "02",
    grantee: str = viewers.BANK,
    days: int = 1,
    sensitive: bool = False,
) -> dict[str, Any]:
    """The raw answer to a grantConsent mutation sent with ``headers``."""
    return await client.query(
        GRANT,
        {
            "input": {
                "grantee": grantee,
                "purpose": purpose,
                "items": items,
                "validUntil": (NOW + timedelta(days=days)).isoformat(),
                "includeSensitiveFinancial": sensitive,
            }
        },
        headers,
    )


async def _grant(
    client: Client,
    config: GatewayConfig,
    items: list[str],
    *,
    purpose: str = "02",
    grantee: str = viewers.BANK,
    days: int = 30,
    sensitive: bool = False,
    subject: str = PERSON.code,
) -> dict[str, Any]:
    headers = viewers.subject(config.auth, subject)
    body = await _ask_grant(client, items, headers, purpose, grantee, days, sensitive)
    assert "errors" not in body, body
    granted: dict[str, Any] = body["data"]["grantConsent"]
    return granted


async def _log(client: Client, config: GatewayConfig, code: str = PERSON.code) -> list[Any]:
    body = await client.query(
        "{ me { queryLog { edges { node { viewerKind viewerCode items purpose dutyMatter "
        "consentId } } } } }",
        headers=viewers.subject(config.auth, code),
    )
    return [e["node"] for e in body["data"]["me"]["queryLog"]["edges"]]


# --- anonymous -------------------------------------------------------------------------


async def test_anonymous_sees_a_companys_public_records_only(gateway: Client) -> None:
    body = await _file(gateway, ADVERSE_COMPANY.code)
    assert _items(body) == [
        "ADM_PENALTY",
        "BUSINESS_ABNORMAL",
        "JUDGMENT_DEFAULTER",
        "REGISTRATION_ORG",
        "SERIOUS_DISHONESTY_LIST",
    ]
    subject = body["data"]["subject"]
    assert subject["name"] == ADVERSE_COMPANY.name
    # Counts cover only what may be seen: no trace of arrears, internal or expired
    # records, nor of the key-attention entry the gateway works out (internal).
    assert subject["records"]["totalCount"] == 5
    counts = {c["category"]: c["count"] for c in subject["summary"]}
    assert counts == {"BASIC": 1, "ADVERSE": 4, "COMMENDATORY": 0, "OTHER": 0}
    assert "errors" not in body


async def test_anonymous_sees_only_what_is_public_for_persons(gateway: Client) -> None:
    body = await _file(gateway, PERSON.code)
    subject = body["data"]["subject"]
    assert _items(body) == ["JUDGMENT_DEFAULTER"]
    assert subject["name"] is None  # 000 art. 47: a person's basic info is not public
    assert subject["records"]["totalCount"] == 1


async def test_name_search_never_finds_persons_for_anonymous(gateway: Client) -> None:
    query = '{ searchSubjects(name: "陈志远") { edges { node { code } } } }'
    body = await gateway.query(query)
    assert body["data"]["searchSubjects"]["edges"] == []


async def test_asking_for_a_closed_item_says_why_without_revealing_data(
    gateway: Client,
) -> None:
    body = await _file(
        gateway,
        ADVERSE_COMPANY.code,
        items=["TAX_ARREARS", "SOCIAL_INSURANCE_ARREARS", "ADM_PENALTY"],
    )
    assert _items(body) == ["ADM_PENALTY"]
    assert _codes(body) == ["CONSENT_REQUIRED", "FORBIDDEN"]
    for error in body["errors"]:
        assert error["path"] == ["subject", "records"]
    # The same denial for a subject that has no such record at all: nothing leaks.
    other = await _file(gateway, CLEAN_COMPANY.code, items=["TAX_ARREARS"])
    assert _codes(other) == ["CONSENT_REQUIRED"]
    assert other["errors"][0]["message"].replace(CLEAN_COMPANY.code, "X") == body["errors"][0][
        "message"
    ].replace(ADVERSE_COMPANY.code, "X")


# --- the subject itself ----------------------------------------------------------------


async def test_the_subject_sees_everything_marked(
    gateway: Client, demo_config: GatewayConfig
) -> None:
    body = await _file(gateway, ADVERSE_COMPANY.code, viewers.company(demo_config.auth))
    items = _items(body)
    # Every provider-unit record, and the bureau's market records too.
    assert [i for i in items if i not in MARKET] == sorted(ADVERSE_COMPANY.records)
    assert {"MARKET_RATING", "COMMERCIAL_DEFAULT"} <= set(items)
    statuses = [e["node"]["status"] for e in body["data"]["subject"]["records"]["edges"]]
    assert statuses.count("EXPIRED") == 2  # the old penalty and the old defaulter entry
    assert await _log(gateway, demo_config, ADVERSE_COMPANY.code) == []


async def test_a_person_sees_own_tax_amounts(gateway: Client, demo_config: GatewayConfig) -> None:
    body = await _file(
        gateway, PERSON.code, viewers.subject(demo_config.auth), items=["TAX_PAYMENT"]
    )
    details = [e["node"]["details"] for e in body["data"]["subject"]["records"]["edges"]]
    assert all(any(d["key"] == "tax_amount" and d["number"] for d in ds) for ds in details)


async def test_another_subject_is_no_better_than_anonymous(
    gateway: Client, demo_config: GatewayConfig
) -> None:
    headers = viewers.subject(demo_config.auth, CLEAN_COMPANY.code)
    assert _items(await _file(gateway, PERSON.code, headers)) == ["JUDGMENT_DEFAULTER"]


# --- a grantee with consent ------------------------------------------------------------


async def test_bank_needs_consent_then_sees_its_scope_and_it_is_logged(
    gateway: Client, demo_config: GatewayConfig
) -> None:
    auth = demo_config.auth
    before = await _file(gateway, PERSON.code, viewers.bank(auth), items=["REGISTRATION_PERSON"])
    assert _items(before) == []
    assert _codes(before) == ["CONSENT_REQUIRED"]
    assert await _log(gateway, demo_config) == []

    granted = await _grant(gateway, demo_config, ["REGISTRATION_PERSON", "TAX_PAYMENT"])
    after = await _file(gateway, PERSON.code, viewers.bank(auth, granted["token"]))
    assert _items(after) == [
        "JUDGMENT_DEFAULTER",
        "REGISTRATION_PERSON",
        "TAX_PAYMENT",
        "TAX_PAYMENT",
    ]
    assert after["data"]["subject"]["name"] == PERSON.name
    # Tax amounts need a consent that names sensitive financial data (003 art. 18).
    tax = [
        e["node"]["details"]
        for e in after["data"]["subject"]["records"]["edges"]
        if e["node"]["item"]["code"] == "TAX_PAYMENT"
    ]
    assert all("tax_amount" not in {d["key"] for d in ds} for ds in tax)
    [entry] = await _log(gateway, demo_config)
    assert entry == {
        "viewerKind": "INSTITUTION",
        "viewerCode": viewers.BANK,
        "items": ["REGISTRATION_PERSON", "TAX_PAYMENT"],
        "purpose": "02",
        "dutyMatter": None,
        "consentId": granted["consent"]["id"],
    }


async def test_sensitive_financial_data_needs_a_consent_naming_it(
    gateway: Client, demo_config: GatewayConfig
) -> None:
    granted = await _grant(gateway, demo_config, ["TAX_PAYMENT"], sensitive=True)
    body = await _file(
        gateway,
        PERSON.code,
        viewers.bank(demo_config.auth, granted["token"]),
        items=["TAX_PAYMENT"],
    )
    details = [e["node"]["details"] for e in body["data"]["subject"]["records"]["edges"]]
    assert details
    assert all("tax_amount" in {d["key"] for d in ds} for ds in details)


async def test_consent_of_another_grantee_is_refused(
    gateway: Client, demo_config: GatewayConfig
) -> None:
    granted = await _grant(gateway, demo_config, ["REGISTRATION_PERSON"])
    headers = viewers.bank(demo_config.auth, granted["token"], code=viewers.OTHER_BANK)
    body = await _file(gateway, PERSON.code, headers)
    assert _items(body) == ["JUDGMENT_DEFAULTER"]
    assert "granted to another institution" in body["errors"][0]["message"]
    assert await _log(gateway, demo_config) == []


async def test_consent_for_another_purpose_is_refused(
    gateway: Client, demo_config: GatewayConfig
) -> None:
    granted = await _grant(gateway, demo_config, ["REGISTRATION_PERSON"])
    headers = viewers.bank(demo_config.auth, granted["token"], purpose="03")
    body = await _file(gateway, PERSON.code, headers)
    assert _items(body) == ["JUDGMENT_DEFAULTER"]
    assert "for purpose 02, not 03" in body["errors"][0]["message"]


async def test_consent_opens_only_its_own_subject(
    gateway: Client, demo_config: GatewayConfig
) -> None:
    granted = await _grant(gateway, demo_config, ["TAX_ARREARS"], subject=CLEAN_COMPANY.code)
    headers = viewers.bank(demo_config.auth, granted["token"])
    body = await _file(gateway, ADVERSE_COMPANY.code, headers, items=["TAX_ARREARS"])
    assert _items(body) == []
    assert _codes(body) == ["CONSENT_REQUIRED"]


async def test_consent_out_of_scope_opens_nothing_more(
    gateway: Client, demo_config: GatewayConfig
) -> None:
    granted = await _grant(gateway, demo_config, ["TAX_ARREARS"], subject=ADVERSE_COMPANY.code)
    headers = viewers.bank(demo_config.auth, granted["token"])
    body = await _file(gateway, ADVERSE_COMPANY.code, headers)
    assert "TAX_ARREARS" in _items(body)
    assert "SOCIAL_INSURANCE_ARREARS" not in _items(body)  # internal: never by consent


async def test_consent_cannot_name_internal_items(
    gateway: Client, demo_config: GatewayConfig
) -> None:
    body = await _ask_grant(
        gateway, ["SOCIAL_INSURANCE_ARREARS"], viewers.company(demo_config.auth)
    )
    assert _codes(body) == ["BAD_USER_INPUT"]
    assert "internal to government units" in body["errors"][0]["message"]


async def test_expired_consent_is_refused(gateway: Client, demo_config: GatewayConfig) -> None:
    granted = await _grant(gateway, demo_config, ["REGISTRATION_PERSON"], days=1)
    from service.app import create_app
    from tests.server import serve

    later = NOW + timedelta(days=2)
    async with serve(create_app(demo_config, clock=lambda: later)) as tomorrow:
        body = await _file(tomorrow, PERSON.code, viewers.bank(demo_config.auth, granted["token"]))
    assert _items(body) == ["JUDGMENT_DEFAULTER"]
    assert "has expired" in body["errors"][0]["message"]


async def test_revocation_holds_on_the_next_request(
    gateway: Client, demo_config: GatewayConfig
) -> None:
    granted = await _grant(gateway, demo_config, ["REGISTRATION_PERSON"])
    headers = viewers.bank(demo_config.auth, granted["token"])
    assert "REGISTRATION_PERSON" in _items(await _file(gateway, PERSON.code, headers))
    revoked = await gateway.query(
        "mutation($id: ID!) { revokeConsent(id: $id) { status revokedAt } }",
        {"id": granted["consent"]["id"]},
        viewers.subject(demo_config.auth),
    )
    assert revoked["data"]["revokeConsent"]["status"] == "REVOKED"
    body = await _file(gateway, PERSON.code, headers)
    assert _items(body) == ["JUDGMENT_DEFAULTER"]
    assert "revoked" in body["errors"][0]["message"]


async def test_only_the_subject_grants_and_revokes(
    gateway: Client, demo_config: GatewayConfig
) -> None:
    body = await _ask_grant(gateway, ["TAX_ARREARS"], viewers.bank(demo_config.auth))
    assert _codes(body) == ["FORBIDDEN"]
    granted = await _grant(gateway, demo_config, ["REGISTRATION_PERSON"])
    body = await gateway.query(
        "mutation($id: ID!) { revokeConsent(id: $id) { status } }",
        {"id": granted["consent"]["id"]},
        viewers.company(demo_config.auth),
    )
    assert _codes(body) == ["BAD_USER_INPUT"]  # not its consent: no such consent for it


# --- a government unit in a listed duty -------------------------------------------------


async def test_gov_unit_sees_internal_only_within_a_duty_and_it_is_logged(
    gateway: Client, demo_config: GatewayConfig
) -> None:
    auth = demo_config.auth
    without = await _file(gateway, ADVERSE_COMPANY.code, viewers.gov(auth, matter=None))
    assert "SOCIAL_INSURANCE_ARREARS" not in _items(without)
    within = await _file(gateway, ADVERSE_COMPANY.code, viewers.gov(auth))
    assert {"SOCIAL_INSURANCE_ARREARS", "ADM_ENFORCEMENT", "TAX_ARREARS"} <= set(_items(within))
    [entry] = await _log(gateway, demo_config, ADVERSE_COMPANY.code)
    assert entry["viewerKind"] == "GOV_UNIT"
    assert entry["dutyMatter"] == "PUBLIC_PROCUREMENT"
    assert entry["items"] == [
        "ADM_ENFORCEMENT",
        "COMMERCIAL_DEFAULT",
        "SOCIAL_INSURANCE_ARREARS",
        "TAX_ARREARS",
    ]


async def test_gov_unit_matter_must_be_listed_for_it(
    gateway: Client, demo_config: GatewayConfig
) -> None:
    headers = viewers.gov(demo_config.auth, matter="CIVIL_SERVICE_HIRING")
    status, body = await gateway.post(FILE, {"code": PERSON.code}, headers)
    assert status == 403
    assert _codes(body) == ["FORBIDDEN"]
    status, body = await gateway.post(
        FILE, {"code": PERSON.code}, viewers.gov(demo_config.auth, matter="NO_SUCH_MATTER")
    )
    assert status == 400
    assert _codes(body) == ["BAD_USER_INPUT"]


# --- authentication ---------------------------------------------------------------------


async def test_bad_tokens_are_unauthenticated_never_anonymous(gateway: Client) -> None:
    for headers in (
        {"Authorization": "Bearer not-a-jwt"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"X-Consent-Token": "abc"},
    ):
        status, body = await gateway.post(FILE, {"code": PERSON.code}, headers)
        assert status == 401, headers
        assert _codes(body) == ["UNAUTHENTICATED"]
        assert "data" not in body


async def test_expired_bearer_token_is_unauthenticated(
    gateway: Client, demo_config: GatewayConfig
) -> None:
    from gateway.auth.minting import mint

    old = mint(demo_config.auth, "subject", PERSON.code, ttl_s=60, now=NOW.replace(year=2020))
    status, body = await gateway.post(FILE, {"code": PERSON.code}, viewers.headers(old))
    assert status == 401
    assert "expired" in body["errors"][0]["message"]


async def test_me_needs_a_token(gateway: Client) -> None:
    body = await gateway.query("{ me { kind } }")
    assert _codes(body) == ["UNAUTHENTICATED"]


async def test_a_batch_carries_its_consents_in_the_request_extensions(
    gateway: Client, demo_config: GatewayConfig
) -> None:
    person = await _grant(gateway, demo_config, ["REGISTRATION_PERSON"])
    company = await _grant(gateway, demo_config, ["TAX_ARREARS"], subject=ADVERSE_COMPANY.code)
    query = """query($codes: [String!]!) { subjects(codes: $codes) {
      code records { edges { node { item { code } } } } } }"""
    body = await gateway.query(
        query,
        {"codes": [PERSON.code, ADVERSE_COMPANY.code, CLEAN_COMPANY.code]},
        viewers.bank(demo_config.auth),
        extensions={"consentTokens": [person["token"], company["token"]]},
    )
    opened = [
        {e["node"]["item"]["code"] for e in s["records"]["edges"]} for s in body["data"]["subjects"]
    ]
    assert "REGISTRATION_PERSON" in opened[0]
    assert "TAX_ARREARS" in opened[1]
    assert "TAX_ARREARS" not in opened[2]
    status, refused = await gateway.post(
        query,
        {"codes": []},
        viewers.bank(demo_config.auth),
        extensions={"consentTokens": "not-a-list"},
    )
    assert status == 400
    assert _codes(refused) == ["BAD_REQUEST"]


async def test_name_search_pages_with_cursors(gateway: Client) -> None:
    query = """query($after: String) { searchSubjects(name: "杭州", first: 3, after: $after) {
      edges { cursor node { code name kind } } pageInfo { hasNextPage endCursor } } }"""
    first = (await gateway.query(query))["data"]["searchSubjects"]
    second = (await gateway.query(query, {"after": first["pageInfo"]["endCursor"]}))["data"][
        "searchSubjects"
    ]
    names = [e["node"]["name"] for e in first["edges"] + second["edges"]]
    assert len(names) == 6
    assert names == sorted(names)  # by name (then code), with no repeats across pages
    assert len({e["node"]["code"] for e in first["edges"] + second["edges"]}) == 6
    assert first["pageInfo"]["hasNextPage"]
    assert all(e["node"]["kind"] != "NATURAL_PERSON" for e in first["edges"])
    bad = await gateway.query(query, {"after": "not-a-cursor"})
    assert _codes(bad) == ["BAD_USER_INPUT"]


# --- the record-state stage ---------------------------------------------------


async def test_an_expired_penalty_stays_disclosed_while_the_subject_is_listed(
    gateway: Client, demo_config: GatewayConfig
) -> None:
    """003 art. 35: 杭州蕙兰食品商行 is on the serious-dishonesty list since 2022, so its
    2021 penalty, past its 3 years since 2024-10-12, is still disclosed to everyone."""
    query = """query($code: String!) { subject(code: $code) { records {
      edges { node { item { code } decidedOn disclosureUntil status } } } } }"""
    body = await gateway.query(query, {"code": SOLE_PROPRIETORSHIP.code})
    nodes = [e["node"] for e in body["data"]["subject"]["records"]["edges"]]
    listed = [n for n in nodes if n["item"]["code"] == "SERIOUS_DISHONESTY_LIST"]
    old = [n for n in nodes if n["decidedOn"] == "2021-10-12"]
    assert [n["status"] for n in listed] == ["ACTIVE"]
    assert old == [
        {
            "item": {"code": "ADM_PENALTY"},
            "decidedOn": "2021-10-12",
            "disclosureUntil": "2024-10-12",
            "status": "ACTIVE",
        }
    ]
    # The adverse company was listed only after its 2022 penalty's period had ended
    # (2025-09-20): that penalty, expired, stays withheld.
    body = await gateway.query(query, {"code": ADVERSE_COMPANY.code})
    days = {e["node"]["decidedOn"] for e in body["data"]["subject"]["records"]["edges"]}
    assert "2022-09-20" not in days


async def test_marks_in_the_store_reach_the_policy(
    gateway: Client, demo_config: GatewayConfig
) -> None:
    assert gateway.app is not None
    store: Store = gateway.app.state.services.store
    query = """query($code: String!) { subject(code: $code) { records {
      edges { node { id decidedOn status underObjection } } } } }"""
    body = await gateway.query(query, {"code": SOLE_PROPRIETORSHIP.code})
    nodes = {e["node"]["decidedOn"]: e["node"] for e in body["data"]["subject"]["records"]["edges"]}
    recent, old = nodes["2025-04-18"], nodes["2021-10-12"]
    assert (recent["underObjection"], old["status"]) == (False, "ACTIVE")
    for mark, record in ((Mark.OBJECTION, recent), (Mark.WITHDRAWAL, old)):
        await store.marks.add(
            RecordMark(SOLE_PROPRIETORSHIP.code, record["id"], mark, NOW - timedelta(days=1))
        )
    # An expired mark changes nothing.
    await store.marks.add(
        RecordMark(
            SOLE_PROPRIETORSHIP.code,
            recent["id"],
            Mark.SHIELD,
            NOW - timedelta(days=9),
            until=NOW - timedelta(days=2),
        )
    )
    body = await gateway.query(query, {"code": SOLE_PROPRIETORSHIP.code})
    public = {e["node"]["id"]: e["node"] for e in body["data"]["subject"]["records"]["edges"]}
    assert public[recent["id"]]["underObjection"] is True  # annotated, still shown (000 art. 46)
    assert old["id"] not in public  # withdrawn: gone from the public file (003 art. 43)
    own = await gateway.query(
        query,
        {"code": SOLE_PROPRIETORSHIP.code},
        viewers.subject(demo_config.auth, SOLE_PROPRIETORSHIP.code),
    )
    mine = {e["node"]["id"]: e["node"] for e in own["data"]["subject"]["records"]["edges"]}
    assert mine[old["id"]]["status"] == "WITHDRAWN"  # the subject still sees it, marked


async def test_a_warm_cache_serves_each_viewer_only_its_own_view(
    gateway: Client, demo_config: GatewayConfig
) -> None:
    """The source cache holds data before the policy; viewers with different rights
    alternating over a warm cache each get exactly their own view."""
    unit = viewers.gov(demo_config.auth)
    variables = {"code": ADVERSE_COMPANY.code}
    first_public = _items(await gateway.query(FILE, variables))
    first_unit = _items(await gateway.query(FILE, variables, unit))
    assert set(first_public) < set(first_unit)
    for _ in range(3):
        assert _items(await gateway.query(FILE, variables)) == first_public
        assert _items(await gateway.query(FILE, variables, unit)) == first_unit
        assert "TAX_ARREARS" not in _items(await gateway.query(FILE, variables))
