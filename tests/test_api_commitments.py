"""Commitments and corrections end to end over HTTP.

A commitment's performance is recorded by the unit it was made to, never by the
subject (001 art. 30, 004 art. 22); a broken one becomes an adverse record that
unit provides. An upheld objection may correct details rather than withdraw the
record (004 art. 52), and the record then says what changed and when.
"""

from __future__ import annotations

from typing import Any

from demo.examples import ADVERSE_COMPANY, PERSON
from gateway.config.loader import GatewayConfig
from tests import viewers
from tests.server import Client
from tests.test_api_access import _grant
from tests.test_api_objections import MARKET_UNIT, _codes, _file, _records, agency, provider

HR_UNIT = "11330106MB0123460E"  # 杭州市西湖区人力资源和社会保障局 (provider_units.toml)

DECLARE = """mutation($input: DeclareInput!) { declare(input: $input) {
  id details { key text } } }"""
PERFORM = """mutation($id: ID!, $performance: Performance!, $on: Date!, $note: String) {
  recordCommitmentPerformance(recordId: $id, performance: $performance, on: $on, note: $note) {
    recordId subjectCode performance on note brokenRecordId } }"""
RECORDS = """query($code: String!, $items: [String!]) { subject(code: $code) {
  records(items: $items) { edges { node { id title provenance status
    item { code category } details { key text }
    corrections { key previous { text } corrected { text number } correctedOn } } } } } }"""
NOTIFIED = "{ me { notifications { kind text } } }"


async def _commit(client: Client, config: GatewayConfig, unit: str = HR_UNIT) -> dict[str, Any]:
    body = await client.query(
        DECLARE,
        {
            "input": {
                "kind": "COMMITMENT",
                "title": "按时足额缴纳社会保险费承诺",
                "content": "本单位承诺于2026年12月31日前结清欠缴的社会保险费",
                "acceptingUnit": unit,
            }
        },
        viewers.subject(config.auth, ADVERSE_COMPANY.code),
    )
    return body


def _details(node: dict[str, Any]) -> dict[str, str]:
    return {d["key"]: d["text"] for d in node["details"]}


async def _nodes(client: Client, items: list[str], headers: Any = None) -> list[dict[str, Any]]:
    body = await client.query(RECORDS, {"code": ADVERSE_COMPANY.code, "items": items}, headers)
    assert "errors" not in body, body
    return [e["node"] for e in body["data"]["subject"]["records"]["edges"]]


async def test_a_commitment_names_a_known_accepting_unit_and_not_its_own_performance(
    gateway: Client, demo_config: GatewayConfig
) -> None:
    unknown = await _commit(gateway, demo_config, unit="人社局")
    assert _codes(unknown) == ["BAD_USER_INPUT"]
    own = viewers.subject(demo_config.auth, ADVERSE_COMPANY.code)
    self_rated = await gateway.query(
        DECLARE,
        {
            "input": {
                "kind": "COMMITMENT",
                "title": "t",
                "content": "c",
                "acceptingUnit": HR_UNIT,
                "performanceStatus": "全部履行",
            }
        },
        own,
    )
    assert _codes(self_rated) == ["BAD_USER_INPUT"]  # no such input field
    body = await _commit(gateway, demo_config)
    assert "errors" not in body, body
    details = _details(body["data"]["declare"])
    assert details["accepting_unit"] == "杭州市西湖区人力资源和社会保障局"
    assert details["performance_status"] == "履约中"


async def test_only_the_accepting_unit_records_performance_and_broken_is_adverse(
    gateway: Client, demo_config: GatewayConfig
) -> None:
    commitment = (await _commit(gateway, demo_config))["data"]["declare"]["id"]
    broken = {"id": commitment, "performance": "BROKEN", "on": "2026-11-23", "note": "逾期未缴"}
    own = viewers.subject(demo_config.auth, ADVERSE_COMPANY.code)
    for headers in (own, agency(demo_config), viewers.gov(demo_config.auth), None):
        assert _codes(await gateway.query(PERFORM, broken, headers)) in (
            ["FORBIDDEN"],
            ["UNAUTHENTICATED"],
        )
    # Another unit's operator learns nothing: the same answer as for an unknown id.
    market = provider(demo_config, MARKET_UNIT)
    assert _codes(await gateway.query(PERFORM, broken, market)) == ["BAD_USER_INPUT"]
    hr = provider(demo_config, HR_UNIT)
    for unknown in ("declarations:no-such-id", "market_regulation:t_xzcf:1", "x"):
        body = await gateway.query(PERFORM, broken | {"id": unknown}, hr)
        assert _codes(body) == ["BAD_USER_INPUT"], unknown
    assert _codes(await gateway.query(PERFORM, broken | {"note": None}, hr)) == ["BAD_USER_INPUT"]
    assert _codes(await gateway.query(PERFORM, broken | {"on": "2027-01-01"}, hr)) == [
        "BAD_USER_INPUT"
    ]
    assert "BROKEN_COMMITMENT" not in {n["item"]["code"] for n in await _nodes(gateway, [])}
    body = await gateway.query(PERFORM, broken, hr)
    assert "errors" not in body, body
    recorded = body["data"]["recordCommitmentPerformance"]
    assert (recorded["performance"], recorded["on"]) == ("BROKEN", "2026-11-23")
    # Recorded once: a second finding is refused.
    again = await gateway.query(PERFORM, broken | {"performance": "KEPT"}, hr)
    assert _codes(again) == ["BAD_USER_INPUT"]
    # The public sees the commitment as not performed and an adverse record of it.
    nodes = {n["id"]: n for n in await _nodes(gateway, ["CREDIT_COMMITMENT", "BROKEN_COMMITMENT"])}
    assert _details(nodes[commitment])["performance_status"] == "未履行"
    adverse = nodes[recorded["brokenRecordId"]]
    assert (adverse["item"]["code"], adverse["item"]["category"]) == (
        "BROKEN_COMMITMENT",
        "ADVERSE",
    )
    assert adverse["provenance"] == "PUBLIC_CREDIT"
    assert _details(adverse)["performance_note"] == "逾期未缴"
    told = (await gateway.query(NOTIFIED, headers=own))["data"]["me"]["notifications"]
    assert told[0]["kind"] == "COMMITMENT_BROKEN"
    assert "逾期未缴" in told[0]["text"]


async def test_a_kept_commitment_yields_no_adverse_record(
    gateway: Client, demo_config: GatewayConfig
) -> None:
    commitment = (await _commit(gateway, demo_config))["data"]["declare"]["id"]
    kept = {"id": commitment, "performance": "KEPT", "on": "2026-11-23"}
    body = await gateway.query(PERFORM, kept, provider(demo_config, HR_UNIT))
    assert body["data"]["recordCommitmentPerformance"]["brokenRecordId"] is None
    nodes = await _nodes(gateway, ["CREDIT_COMMITMENT", "BROKEN_COMMITMENT"])
    assert [(n["item"]["code"], _details(n)["performance_status"]) for n in nodes] == [
        ("CREDIT_COMMITMENT", "全部履行")
    ]


async def test_an_objection_to_a_broken_commitment_goes_to_its_accepting_unit(
    gateway: Client, demo_config: GatewayConfig
) -> None:
    commitment = (await _commit(gateway, demo_config))["data"]["declare"]["id"]
    broken = {"id": commitment, "performance": "BROKEN", "on": "2026-11-23", "note": "逾期未缴"}
    hr = provider(demo_config, HR_UNIT)
    recorded = (await gateway.query(PERFORM, broken, hr))["data"]["recordCommitmentPerformance"]
    filed = await _file(gateway, demo_config, ADVERSE_COMPANY.code, recorded["brokenRecordId"])
    case_id = filed["data"]["fileObjection"]["id"]
    forward = (
        "mutation($id: ID!, $unit: String!) { forwardObjection(id: $id, unit: $unit) { status } }"
    )
    wrong = await gateway.query(forward, {"id": case_id, "unit": MARKET_UNIT}, agency(demo_config))
    assert _codes(wrong) == ["BAD_USER_INPUT"]
    body = await gateway.query(forward, {"id": case_id, "unit": HR_UNIT}, agency(demo_config))
    assert body["data"]["forwardObjection"]["status"] == "FORWARDED"
    queue = "{ objectionQueue { objection { id } record { id } } }"
    (queued,) = (await gateway.query(queue, headers=hr))["data"]["objectionQueue"]
    assert queued["record"]["id"] == recorded["brokenRecordId"]
    other = await gateway.query(queue, headers=provider(demo_config, MARKET_UNIT))
    assert other["data"]["objectionQueue"] == []


CORRECT = """mutation($id: ID!, $corrections: [CorrectionInput!]) {
  decideObjection(id: $id, outcome: UPHOLD, reason: "罚款金额录入有误", corrections: $corrections) {
    status } }"""


async def test_an_upheld_objection_corrects_the_given_details(
    gateway: Client, demo_config: GatewayConfig
) -> None:
    (penalty, *_) = await _records(gateway, ADVERSE_COMPANY.code, ["ADM_PENALTY"])
    before = next(n for n in await _nodes(gateway, ["ADM_PENALTY"]) if n["id"] == penalty["id"])
    filed = await _file(gateway, demo_config, ADVERSE_COMPANY.code, penalty["id"])
    case_id = filed["data"]["fileObjection"]["id"]
    boss = agency(demo_config)
    for wrong in (
        [{"key": "no_such_field", "value": "1"}],
        [{"key": "fine_amount", "value": "一万"}],
        [{"key": "fine_amount", "value": "1"}] * 21,
        [{"key": "fine_amount", "value": "1" + "0" * 400}],
        [{"key": "fine_amount", "value": "-1"}],
        [{"key": "fine_amount", "value": "１０"}],
        [{"key": "fine_amount", "value": "1_000"}],
        [{"key": "fine_amount", "value": "1"}, {"key": "fine_amount", "value": "2"}],
    ):
        refused = await gateway.query(CORRECT, {"id": case_id, "corrections": wrong}, boss)
        assert _codes(refused) == ["BAD_USER_INPUT"], wrong
    rejected_with = await gateway.query(
        """mutation($id: ID!) { decideObjection(id: $id, outcome: REJECT, reason: "r",
        corrections: [{key: "fine_amount", value: "1"}]) { status } }""",
        {"id": case_id},
        boss,
    )
    assert _codes(rejected_with) == ["BAD_USER_INPUT"]
    fix = [{"key": "fine_amount", "value": "0.5"}]
    body = await gateway.query(CORRECT, {"id": case_id, "corrections": fix}, boss)
    assert body["data"]["decideObjection"]["status"] == "UPHELD", body
    # Still disclosed, now corrected, saying what changed and when.
    after = next(n for n in await _nodes(gateway, ["ADM_PENALTY"]) if n["id"] == penalty["id"])
    assert after["status"] == "ACTIVE"
    assert _details(after)["fine_amount"] == "0.5"
    (change,) = after["corrections"]
    assert change["key"] == "fine_amount"
    # What was found wrong is not published again (004 art. 52) ...
    assert change["previous"] is None
    assert (change["corrected"]["number"], change["correctedOn"]) == (0.5, "2026-11-23")
    assert before["corrections"] == []
    # ... but the subject sees what it replaced.
    own_view = await _nodes(
        gateway, ["ADM_PENALTY"], viewers.subject(demo_config.auth, ADVERSE_COMPANY.code)
    )
    (mine,) = next(n for n in own_view if n["id"] == penalty["id"])["corrections"]
    assert mine["previous"]["text"] == _details(before)["fine_amount"]
    own = viewers.subject(demo_config.auth, ADVERSE_COMPANY.code)
    told = (await gateway.query(NOTIFIED, headers=own))["data"]["me"]["notifications"]
    assert told[0]["kind"] == "OBJECTION_UPHELD"
    assert "更正" in told[0]["text"]


async def test_a_corrected_amount_stays_redacted_where_the_amount_is(
    gateway: Client, demo_config: GatewayConfig
) -> None:
    own = viewers.subject(demo_config.auth, PERSON.code)
    tax = await _records(gateway, PERSON.code, ["TAX_PAYMENT"], own)
    filed = await _file(gateway, demo_config, PERSON.code, tax[0]["id"])
    case_id = filed["data"]["fileObjection"]["id"]
    fix = [{"key": "tax_amount", "value": "1000"}]
    body = await gateway.query(CORRECT, {"id": case_id, "corrections": fix}, agency(demo_config))
    assert body["data"]["decideObjection"]["status"] == "UPHELD", body
    granted = await _grant(gateway, demo_config, ["TAX_PAYMENT"])
    ask = {"code": PERSON.code, "items": ["TAX_PAYMENT"]}
    seen = await gateway.query(RECORDS, ask, viewers.bank(demo_config.auth, granted["token"]))
    nodes = {e["node"]["id"]: e["node"] for e in seen["data"]["subject"]["records"]["edges"]}
    assert nodes[tax[0]["id"]]["corrections"] == []  # the amount is not theirs to see
    mine = await gateway.query(RECORDS, ask, own)
    (change,) = next(
        e["node"]
        for e in mine["data"]["subject"]["records"]["edges"]
        if e["node"]["id"] == tax[0]["id"]
    )["corrections"]
    assert change["corrected"]["number"] == 1000


async def test_a_persons_broken_commitment_is_shown_to_its_unit_only_for_the_case(
    gateway: Client, demo_config: GatewayConfig
) -> None:
    own = viewers.subject(demo_config.auth, PERSON.code)
    declared = await gateway.query(
        DECLARE,
        {
            "input": {
                "kind": "COMMITMENT",
                "title": "承诺",
                "content": "c",
                "acceptingUnit": HR_UNIT,
            }
        },
        own,
    )
    commitment = declared["data"]["declare"]["id"]
    hr = provider(demo_config, HR_UNIT)
    broken = {"id": commitment, "performance": "BROKEN", "on": "2026-11-23", "note": "未履行"}
    recorded = (await gateway.query(PERFORM, broken, hr))["data"]["recordCommitmentPerformance"]
    ask = {"code": PERSON.code, "items": ["BROKEN_COMMITMENT"]}
    # A person's adverse record is not public (000 art. 47): the unit does not see it ...
    before = await gateway.query(RECORDS, ask, hr)
    assert (before["data"]["subject"] or {"records": {"edges": []}})["records"]["edges"] == []
    filed = await _file(gateway, demo_config, PERSON.code, recorded["brokenRecordId"])
    case_id = filed["data"]["fileObjection"]["id"]
    forward = f'mutation($id: ID!) {{ forwardObjection(id: $id, unit: "{HR_UNIT}") {{ status }} }}'
    await gateway.query(forward, {"id": case_id}, agency(demo_config))
    # ... until an objection to it is forwarded to the unit that found it broken.
    (queued,) = (await gateway.query(QUEUE, headers=hr))["data"]["objectionQueue"]
    assert queued["record"]["id"] == recorded["brokenRecordId"]


QUEUE = "{ objectionQueue { objection { id } record { id } } }"
