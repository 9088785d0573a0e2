"""Objections end to end over HTTP: only the subject files, only the agency decides,
nobody else sees the case; the record is annotated for every viewer at once, the
deadline is counted in working days, the subject is told, every step is chained."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from demo.examples import ADVERSE_COMPANY, CLEAN_COMPANY
from gateway.auth.minting import mint
from gateway.config.loader import GatewayConfig
from gateway.store.store import Store
from service.app import create_app
from tests import viewers
from tests.conftest import NOW
from tests.server import Client, serve

AGENCY_CODE = "11330100MB1234567X"

RECORDS = """query($code: String!, $items: [String!]) { subject(code: $code) {
  records(items: $items) { edges { node { id status underObjection objectedOn } } } } }"""
FILE = """mutation($input: FileObjectionInput!) { fileObjection(input: $input) {
  id status decideBy deadlineOfficial deadlineArticle overdue recordId item
  steps { step actorKind note } } }"""
DECIDE = """mutation($id: ID!, $outcome: ObjectionOutcome!, $reason: String!) {
  decideObjection(id: $id, outcome: $outcome, reason: $reason) {
    status decisionReason steps { step } } }"""
QUEUE = """{ objectionQueue { objection { id subjectCode decideBy overdue }
  record { id item { code } details { key number } } } }"""
MINE = """{ me { objections { id status } notifications { id kind text read } } }"""


TAX_UNIT, MARKET_UNIT = "11330100MB0123457B", "11330100MB0123456A"


def provider(config: GatewayConfig, unit: str) -> dict[str, str]:
    return viewers.headers(mint(config.auth, "provider", unit, name="信息提供单位"))


def agency(config: GatewayConfig) -> dict[str, str]:
    token = mint(config.auth, "agency", AGENCY_CODE, name="杭州市公共信用信息中心")
    return viewers.headers(token)


async def _records(
    client: Client, code: str, items: list[str], headers: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    body = await client.query(RECORDS, {"code": code, "items": items}, headers)
    subject = body["data"]["subject"]
    return [] if subject is None else [e["node"] for e in subject["records"]["edges"]]


def _codes(body: dict[str, Any]) -> list[str]:
    return [e["extensions"]["code"] for e in body.get("errors") or []]


async def _file(
    client: Client, config: GatewayConfig, code: str, record_id: str, **more: str
) -> dict[str, Any]:
    data = {"recordId": record_id, "reason": "该处罚决定已被行政复议撤销", **more}
    return await client.query(FILE, {"input": data}, viewers.subject(config.auth, code))


async def _arrears(client: Client, config: GatewayConfig) -> str:
    own = viewers.subject(config.auth, ADVERSE_COMPANY.code)
    (node,) = await _records(client, ADVERSE_COMPANY.code, ["TAX_ARREARS"], own)
    record_id: str = node["id"]
    return record_id


async def test_only_the_subject_files_an_objection_on_its_own_file(
    gateway: Client, demo_config: GatewayConfig
) -> None:
    record_id = await _arrears(gateway, demo_config)
    data = {"input": {"recordId": record_id, "reason": "已缴清"}}
    for headers in (
        None,
        viewers.bank(demo_config.auth),
        viewers.gov(demo_config.auth),
        agency(demo_config),
    ):
        body = await gateway.query(FILE, data, headers)
        assert _codes(body) in (["FORBIDDEN"], ["UNAUTHENTICATED"]), body
    # Another subject cannot reach this record: it is not on its own file.
    body = await _file(gateway, demo_config, CLEAN_COMPANY.code, record_id)
    assert _codes(body) == ["BAD_USER_INPUT"]
    body = await _file(gateway, demo_config, ADVERSE_COMPANY.code, record_id)
    assert "errors" not in body, body
    case = body["data"]["fileObjection"]
    assert (case["status"], case["recordId"], case["item"]) == (
        "ANNOTATED",
        record_id,
        "TAX_ARREARS",
    )
    assert [s["step"] for s in case["steps"]] == ["FILED", "ANNOTATED"]
    # A second objection to the same record while the first is open is refused.
    again = await _file(gateway, demo_config, ADVERSE_COMPANY.code, record_id)
    assert _codes(again) == ["BAD_USER_INPUT"]
    empty = await _file(gateway, demo_config, ADVERSE_COMPANY.code, record_id, reason="  ")
    assert _codes(empty) == ["BAD_USER_INPUT"]


async def test_the_record_is_annotated_for_every_viewer_at_once(
    gateway: Client, demo_config: GatewayConfig
) -> None:
    own = viewers.subject(demo_config.auth, ADVERSE_COMPANY.code)
    (penalty, *_) = await _records(gateway, ADVERSE_COMPANY.code, ["ADM_PENALTY"])
    assert (penalty["underObjection"], penalty["objectedOn"]) == (False, None)
    await _file(gateway, demo_config, ADVERSE_COMPANY.code, penalty["id"])
    for headers in (None, own, viewers.gov(demo_config.auth)):
        nodes = await _records(gateway, ADVERSE_COMPANY.code, ["ADM_PENALTY"], headers)
        shown = next(n for n in nodes if n["id"] == penalty["id"])
        assert (shown["underObjection"], shown["objectedOn"]) == (True, "2026-11-23")


async def test_the_agency_sees_a_record_only_while_an_objection_to_it_is_handled(
    gateway: Client, demo_config: GatewayConfig
) -> None:
    record_id = await _arrears(gateway, demo_config)
    assert await _records(gateway, ADVERSE_COMPANY.code, ["TAX_ARREARS"], agency(demo_config)) == []
    body = await gateway.query(QUEUE, headers=agency(demo_config))
    assert body["data"]["objectionQueue"] == []
    await _file(gateway, demo_config, ADVERSE_COMPANY.code, record_id)
    assert gateway.app is not None
    log = gateway.app.state.services.store.query_log
    before = len(await log.for_subject(ADVERSE_COMPANY.code, 100, None))
    body = await gateway.query(QUEUE, headers=agency(demo_config))
    (queued,) = body["data"]["objectionQueue"]
    assert queued["record"]["id"] == record_id
    assert {d["key"]: d["number"] for d in queued["record"]["details"]}["arrears_amount"] > 0
    # The agency's look is logged like any disclosure of non-public information.
    after = await log.for_subject(ADVERSE_COMPANY.code, 100, None)
    assert len(after) == before + 1
    assert (after[0].entry.viewer_kind, after[0].entry.items) == ("AGENCY", ("TAX_ARREARS",))
    # Others may not read the queue.
    for headers in (None, viewers.bank(demo_config.auth), viewers.gov(demo_config.auth)):
        assert _codes(await gateway.query(QUEUE, headers=headers)) in (
            ["FORBIDDEN"],
            ["UNAUTHENTICATED"],
        )


async def test_an_upheld_objection_withdraws_the_record_and_tells_the_subject(
    gateway: Client, demo_config: GatewayConfig
) -> None:
    own = viewers.subject(demo_config.auth, ADVERSE_COMPANY.code)
    (penalty, *_) = await _records(gateway, ADVERSE_COMPANY.code, ["ADM_PENALTY"])
    filed = await _file(gateway, demo_config, ADVERSE_COMPANY.code, penalty["id"])
    case_id = filed["data"]["fileObjection"]["id"]
    decide = {"id": case_id, "outcome": "UPHOLD", "reason": "处罚决定已于2026年11月10日撤销"}
    for headers in (own, viewers.bank(demo_config.auth), viewers.gov(demo_config.auth)):
        assert _codes(await gateway.query(DECIDE, decide, headers)) == ["FORBIDDEN"]
    no_reason = await gateway.query(DECIDE, decide | {"reason": ""}, agency(demo_config))
    assert _codes(no_reason) == ["BAD_USER_INPUT"]
    body = await gateway.query(DECIDE, decide, agency(demo_config))
    assert "errors" not in body, body
    assert body["data"]["decideObjection"]["status"] == "UPHELD"
    assert [s["step"] for s in body["data"]["decideObjection"]["steps"]] == [
        "FILED",
        "ANNOTATED",
        "UPHELD",
    ]
    # Withdrawn for everyone; the subject still sees it, WITHDRAWN, no longer annotated.
    public = await _records(gateway, ADVERSE_COMPANY.code, ["ADM_PENALTY"])
    assert penalty["id"] not in {n["id"] for n in public}
    mine = await _records(gateway, ADVERSE_COMPANY.code, ["ADM_PENALTY"], own)
    shown = next(n for n in mine if n["id"] == penalty["id"])
    assert (shown["status"], shown["underObjection"]) == ("WITHDRAWN", False)
    # Told twice: annotated, then upheld; deciding again is refused.
    me = (await gateway.query(MINE, headers=own))["data"]["me"]
    assert [n["kind"] for n in me["notifications"]] == ["OBJECTION_UPHELD", "OBJECTION_ANNOTATED"]
    assert "撤销" in me["notifications"][0]["text"]
    assert _codes(await gateway.query(DECIDE, decide, agency(demo_config))) == ["BAD_USER_INPUT"]
    ids = [n["id"] for n in me["notifications"]]
    read = await gateway.query(
        "mutation($ids: [ID!]!) { markNotificationsRead(ids: $ids) }", {"ids": ids}, own
    )
    assert read["data"]["markNotificationsRead"] == 2
    unread = await gateway.query("{ me { notifications(unreadOnly: true) { id } } }", headers=own)
    assert unread["data"]["me"]["notifications"] == []


async def test_a_rejected_objection_keeps_the_record_and_gives_reasons(
    gateway: Client, demo_config: GatewayConfig
) -> None:
    record_id = await _arrears(gateway, demo_config)
    filed = await _file(gateway, demo_config, ADVERSE_COMPANY.code, record_id)
    case_id = filed["data"]["fileObjection"]["id"]
    forwarded = await gateway.query(
        'mutation($id: ID!) { forwardObjection(id: $id, unit: "11330100MB0123457B") '
        "{ status forwardedTo } }",
        {"id": case_id},
        agency(demo_config),
    )
    assert forwarded["data"]["forwardObjection"]["status"] == "FORWARDED"
    # 001 art. 34(2): the tax unit's operator decides; another unit's may not, nor see it.
    tax, market = provider(demo_config, TAX_UNIT), provider(demo_config, MARKET_UNIT)
    (queued,) = (await gateway.query(QUEUE, headers=tax))["data"]["objectionQueue"]
    assert queued["record"]["id"] == record_id
    assert (await gateway.query(QUEUE, headers=market))["data"]["objectionQueue"] == []
    assert await _records(gateway, ADVERSE_COMPANY.code, ["TAX_ARREARS"], market) == []
    reason = "经税务机关核实，欠税信息属实"
    decide = {"id": case_id, "outcome": "REJECT", "reason": reason}
    assert _codes(await gateway.query(DECIDE, decide, market)) == ["FORBIDDEN"]
    body = await gateway.query(DECIDE, decide, tax)
    assert body["data"]["decideObjection"]["decisionReason"] == reason
    own = viewers.subject(demo_config.auth, ADVERSE_COMPANY.code)
    (node,) = await _records(gateway, ADVERSE_COMPANY.code, ["TAX_ARREARS"], own)
    assert (node["status"], node["underObjection"]) == ("ACTIVE", False)
    me = (await gateway.query(MINE, headers=own))["data"]["me"]
    assert me["objections"][0]["status"] == "REJECTED"
    assert reason in me["notifications"][0]["text"]
    # Another subject sees none of it.
    other = await gateway.query(MINE, headers=viewers.subject(demo_config.auth, CLEAN_COMPANY.code))
    assert other["data"]["me"] == {"objections": [], "notifications": []}


@asynccontextmanager
async def _at(config: GatewayConfig, now: datetime) -> AsyncIterator[Client]:
    app = create_app(config, clock=lambda: now)
    async with serve(app) as client:
        client.app = app
        yield client


@pytest.mark.parametrize(
    ("filed", "due", "official"),
    [
        # Profile 001 (Hangzhou): decided within 5 working days (001 art. 34).
        (NOW, date(2026, 11, 30), True),
        # Across the 2026 National Day holiday (1-7 October) and its weekend working
        # day (Saturday 10 October): 8, 9, 10, 12, 13 October.
        (datetime(2026, 9, 30, 4, tzinfo=UTC), date(2026, 10, 13), True),
        # A year the official calendar does not cover: Monday-Friday, and it says so.
        (datetime(2099, 1, 5, 4, tzinfo=UTC), date(2099, 1, 12), False),
    ],
)
async def test_the_deadline_is_counted_in_working_days(
    demo_config: GatewayConfig, filed: datetime, due: date | None, official: bool
) -> None:
    from gateway.working_days import add_working_days

    expected = due or add_working_days(filed.date(), 5).due_on
    if due is None:
        # Oct 1-7 are holidays; the count lands well after a calendar-day count would.
        assert expected > date(2026, 10, 7)
    async with _at(demo_config, filed) as client:
        own = viewers.subject(demo_config.auth, ADVERSE_COMPANY.code)
        (node,) = await _records(client, ADVERSE_COMPANY.code, ["TAX_ARREARS"], own)
        body = await _file(client, demo_config, ADVERSE_COMPANY.code, node["id"])
    case = body["data"]["fileObjection"]
    assert (case["decideBy"], case["deadlineOfficial"]) == (due.isoformat(), official)
    assert case["deadlineArticle"].startswith("001 art. 34")


async def test_every_step_is_chained_and_tampering_is_found(
    gateway: Client, demo_config: GatewayConfig
) -> None:
    record_id = await _arrears(gateway, demo_config)
    filed = await _file(gateway, demo_config, ADVERSE_COMPANY.code, record_id)
    case_id = filed["data"]["fileObjection"]["id"]
    await gateway.query(
        DECIDE, {"id": case_id, "outcome": "REJECT", "reason": "属实"}, agency(demo_config)
    )
    assert gateway.app is not None
    store: Store = gateway.app.state.services.store
    assert (await store.workflows.verify()).ok
    async with store.engine.begin() as connection:
        await connection.execute(text("DROP TRIGGER workflow_log_no_update"))
        await connection.execute(text("UPDATE workflow_log SET note = '不属实' WHERE seq = 3"))
    found = await store.workflows.verify()
    assert (found.ok, found.first_bad_seq) == (False, 3)


# --- shielding (001 art. 35) ---------------------------------------------------------------

SHIELD = "mutation($id: ID!) { shieldRecord(recordId: $id) { id status } }"
UNSHIELD = "mutation($id: ID!) { unshieldRecord(recordId: $id) { id status } }"
BASIS = """{ subject(code: "%s") { listEntries(lists: [RED_LIST]) { origin
  basisRecords { item { code } } } } }"""


async def test_a_shielded_commendation_is_withheld_and_grounds_no_incentive(
    gateway: Client, demo_config: GatewayConfig
) -> None:
    own = viewers.subject(demo_config.auth, CLEAN_COMPANY.code)
    unit = viewers.gov(demo_config.auth, matter="HONOURS_REVIEW")
    (commendation,) = await _records(gateway, CLEAN_COMPANY.code, ["COMMENDATION"])
    for headers in (None, viewers.bank(demo_config.auth), agency(demo_config)):
        body = await gateway.query(SHIELD, {"id": commendation["id"]}, headers)
        assert _codes(body) in (["FORBIDDEN"], ["UNAUTHENTICATED"]), body
    body = await gateway.query(SHIELD, {"id": commendation["id"]}, own)
    assert body["data"]["shieldRecord"]["status"] == "SHIELDED"
    assert await _records(gateway, CLEAN_COMPANY.code, ["COMMENDATION"]) == []
    assert await _records(gateway, CLEAN_COMPANY.code, ["COMMENDATION"], unit) == []
    (mine,) = await _records(gateway, CLEAN_COMPANY.code, ["COMMENDATION"], own)
    assert mine["status"] == "SHIELDED"
    # No longer a ground for red-list eligibility (004 art. 39 rests on the A grades).
    entries = (await gateway.query(BASIS % CLEAN_COMPANY.code, headers=unit))["data"]
    (rule,) = [e for e in entries["subject"]["listEntries"] if e["origin"] == "RULE"]
    assert "COMMENDATION" not in {r["item"]["code"] for r in rule["basisRecords"]}
    body = await gateway.query(UNSHIELD, {"id": commendation["id"]}, own)
    assert body["data"]["unshieldRecord"]["status"] == "ACTIVE"
    assert len(await _records(gateway, CLEAN_COMPANY.code, ["COMMENDATION"])) == 1
    kinds = [
        n["kind"] for n in (await gateway.query(MINE, headers=own))["data"]["me"]["notifications"]
    ]
    assert kinds == ["UNSHIELDED", "SHIELDED"]


async def test_adverse_information_cannot_be_shielded(
    gateway: Client, demo_config: GatewayConfig
) -> None:
    own = viewers.subject(demo_config.auth, ADVERSE_COMPANY.code)
    (penalty, *_) = await _records(gateway, ADVERSE_COMPANY.code, ["ADM_PENALTY"])
    body = await gateway.query(SHIELD, {"id": penalty["id"]}, own)
    assert _codes(body) == ["BAD_USER_INPUT"]
    assert "001 art. 35" in body["errors"][0]["message"]
    (still, *_) = await _records(gateway, ADVERSE_COMPANY.code, ["ADM_PENALTY"])
    assert still["id"] == penalty["id"]


# --- repair (003 art. 44, 004 arts. 55-57) ----------------------------------------------

APPLY = """mutation($input: RepairInput!) { applyForRepair(input: $input) {
  id kind status decideBy steps { step } } }"""
DECIDE_REPAIR = """mutation($id: ID!, $outcome: RepairOutcome!, $reason: String!) {
  decideRepair(id: $id, outcome: $outcome, reason: $reason) { status decisionReason } }"""
MEASURES = """{ subject(code: "%s") { applicableMeasures(matter: "DAILY_SUPERVISION") {
  measure { id } record { id } } } }"""


async def _repair(
    client: Client, config: GatewayConfig, record_id: str, code: str = ADVERSE_COMPANY.code
) -> dict[str, Any]:
    data = {"recordId": record_id, "correction": "已于2026年7月1日缴清罚款并整改"}
    return await client.query(APPLY, {"input": data}, viewers.subject(config.auth, code))


async def test_an_approved_repair_ends_disclosure_and_the_measures_it_grounds(
    gateway: Client, demo_config: GatewayConfig
) -> None:
    matter = "DAILY_SUPERVISION"
    unit = viewers.gov(demo_config.auth, matter=matter, duties=(matter,))
    own = viewers.subject(demo_config.auth, ADVERSE_COMPANY.code)
    penalties = await _records(gateway, ADVERSE_COMPANY.code, ["ADM_PENALTY"])
    recent = penalties[0]  # 2026-06-15: more than the item's 3 months ago
    applied_before = await gateway.query(MEASURES % ADVERSE_COMPANY.code, headers=unit)
    triggers = {m["record"]["id"] for m in applied_before["data"]["subject"]["applicableMeasures"]}
    assert recent["id"] in triggers
    body = await _repair(gateway, demo_config, recent["id"])
    assert "errors" not in body, body
    case = body["data"]["applyForRepair"]
    assert (case["kind"], case["status"], [s["step"] for s in case["steps"]]) == (
        "REPAIR",
        "APPLIED",
        ["APPLIED"],
    )
    # The agency sees the record while it decides (logged); others still cannot decide.
    queue = await gateway.query(
        "{ objectionQueue(kind: REPAIR) { objection { id } record { id } } }",
        headers=agency(demo_config),
    )
    assert queue["data"]["objectionQueue"] == [
        {"objection": {"id": case["id"]}, "record": {"id": recent["id"]}}
    ]
    decide = {"id": case["id"], "outcome": "APPROVE", "reason": "已履行处罚决定并完成整改"}
    assert _codes(await gateway.query(DECIDE_REPAIR, decide, own)) == ["FORBIDDEN"]
    body = await gateway.query(DECIDE_REPAIR, decide, agency(demo_config))
    assert body["data"]["decideRepair"]["status"] == "APPROVED"
    # No longer disclosed but to the company, which sees it REPAIRED; no measure rests on it.
    assert recent["id"] not in {
        n["id"] for n in await _records(gateway, ADVERSE_COMPANY.code, ["ADM_PENALTY"])
    }
    mine = await _records(gateway, ADVERSE_COMPANY.code, ["ADM_PENALTY"], own)
    assert next(n for n in mine if n["id"] == recent["id"])["status"] == "REPAIRED"
    after = await gateway.query(MEASURES % ADVERSE_COMPANY.code, headers=unit)
    assert recent["id"] not in {
        m["record"]["id"] for m in after["data"]["subject"]["applicableMeasures"]
    }
    kinds = [
        n["kind"] for n in (await gateway.query(MINE, headers=own))["data"]["me"]["notifications"]
    ]
    assert kinds == ["REPAIR_APPROVED", "REPAIR_APPLIED"]


async def test_a_repaired_listing_takes_the_subject_off_the_list(
    gateway: Client, demo_config: GatewayConfig
) -> None:
    """杭州蕙兰 listed since 2022: repaired, it leaves the list and its 2021 penalty,
    kept disclosed only while it was listed (003 art. 35), goes too."""
    code = "91330105MA2CD8RL8R"
    own = viewers.subject(demo_config.auth, code)
    (entry,) = await _records(gateway, code, ["SERIOUS_DISHONESTY_LIST"])
    body = await _repair(gateway, demo_config, entry["id"], code)
    case_id = body["data"]["applyForRepair"]["id"]
    decide = {"id": case_id, "outcome": "APPROVE", "reason": "列入满一年，已纠正并履行义务"}
    await gateway.query(DECIDE_REPAIR, decide, agency(demo_config))
    assert await _records(gateway, code, ["SERIOUS_DISHONESTY_LIST"]) == []
    days = {n["id"] for n in await _records(gateway, code, ["ADM_PENALTY"])}
    assert len(days) == 1  # only the 2025 penalty; the 2021 one is past its period
    (mine,) = await _records(gateway, code, ["SERIOUS_DISHONESTY_LIST"], own)
    assert mine["status"] == "REPAIRED"


async def test_what_cannot_be_repaired_yet_or_at_all_is_refused(
    gateway: Client, demo_config: GatewayConfig
) -> None:
    # A court-defaulter entry is deleted by the court, not repaired (003 art. 44).
    defaulters = await _records(gateway, ADVERSE_COMPANY.code, ["JUDGMENT_DEFAULTER"])
    body = await _repair(gateway, demo_config, defaulters[0]["id"])
    assert _codes(body) == ["BAD_USER_INPUT"]
    assert "人民法院" in body["errors"][0]["message"]
    # Listed 2026-03-01: an early removal may be applied for a year later.
    (entry,) = await _records(gateway, ADVERSE_COMPANY.code, ["SERIOUS_DISHONESTY_LIST"])
    body = await _repair(gateway, demo_config, entry["id"])
    assert _codes(body) == ["BAD_USER_INPUT"]
    assert "2027-03-01" in body["errors"][0]["message"]
    # A commendation is not adverse: nothing to repair.
    (good,) = await _records(gateway, CLEAN_COMPANY.code, ["COMMENDATION"])
    body = await _repair(gateway, demo_config, good["id"], CLEAN_COMPANY.code)
    assert _codes(body) == ["BAD_USER_INPUT"]


async def test_a_rewritten_workflow_log_is_caught_by_its_signed_checkpoint(
    gateway: Client, demo_config: GatewayConfig
) -> None:
    """Delete the last step and move the head back: the chain alone verifies, the
    signed checkpoint does not (it lies past the chain's end)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from gateway.store.checkpoints import Checkpoints, verify_chain
    from gateway.store.tables import audit_head

    record_id = await _arrears(gateway, demo_config)
    filed = await _file(gateway, demo_config, ADVERSE_COMPANY.code, record_id)
    await gateway.query(
        DECIDE,
        {"id": filed["data"]["fileObjection"]["id"], "outcome": "REJECT", "reason": "属实"},
        agency(demo_config),
    )
    assert gateway.app is not None
    store: Store = gateway.app.state.services.store
    key = Ed25519PrivateKey.generate()
    checkpoints = Checkpoints(store.engine, key)
    seq, head = await store.workflows.head()
    await checkpoints.sign(store.workflows.chain, seq, head, NOW)
    assert (await verify_chain(store.workflows, checkpoints, key.public_key())).ok
    async with store.engine.begin() as connection:
        row = (
            await connection.execute(
                text("SELECT hash FROM workflow_log WHERE seq = :s"), {"s": seq - 1}
            )
        ).one()
        await connection.execute(text("DROP TRIGGER workflow_log_no_delete"))
        await connection.execute(text("DELETE FROM workflow_log WHERE seq = :s"), {"s": seq})
        await connection.execute(
            audit_head.update().where(audit_head.c.id == 2).values(seq=seq - 1, hash=row.hash)
        )
    assert (await store.workflows.verify()).ok  # the chain alone no longer tells
    audit = await verify_chain(store.workflows, checkpoints, key.public_key())
    assert not audit.ok


# --- withdrawal by the source (003 art. 43) ------------------------------------------------


async def test_a_penalty_its_source_says_was_revoked_is_withdrawn(
    demo_config: GatewayConfig, demo_data: Path, tmp_path: Path
) -> None:
    from tests.test_api_lists import _serve, _with_data

    statement = "UPDATE t_xzcf SET CF_CXRQ = ?, CF_CXYY = ? WHERE ID = ?"
    reason = "经行政复议撤销（杭政复〔2026〕88号）"
    config = _with_data(
        demo_config,
        demo_data,
        tmp_path,
        "market_regulation.db",
        statement,
        [("20261120", reason, 1)],
    )
    own = viewers.subject(demo_config.auth, ADVERSE_COMPANY.code)
    query = """query($code: String!) { subject(code: $code) { records(items: ["ADM_PENALTY"])
      { edges { node { id status withdrawnOn withdrawalReason } } } } }"""
    async with _serve(config) as client:
        public = await client.query(query, {"code": ADVERSE_COMPANY.code})
        mine = await client.query(query, {"code": ADVERSE_COMPANY.code}, own)
    revoked = "market_regulation:t_xzcf:1"
    assert revoked not in {e["node"]["id"] for e in public["data"]["subject"]["records"]["edges"]}
    nodes = {e["node"]["id"]: e["node"] for e in mine["data"]["subject"]["records"]["edges"]}
    assert nodes[revoked] == {
        "id": revoked,
        "status": "WITHDRAWN",
        "withdrawnOn": "2026-11-20",
        "withdrawalReason": reason,
    }


# --- review: races, wrong units, what a case shows --------------------------------------


async def test_of_two_decisions_at_once_one_wins(
    gateway: Client, demo_config: GatewayConfig
) -> None:
    import asyncio

    record_id = await _arrears(gateway, demo_config)
    filed = await _file(gateway, demo_config, ADVERSE_COMPANY.code, record_id)
    case_id = filed["data"]["fileObjection"]["id"]
    answers = await asyncio.gather(
        *(
            gateway.query(
                DECIDE, {"id": case_id, "outcome": outcome, "reason": "核查"}, agency(demo_config)
            )
            for outcome in ("UPHOLD", "REJECT", "UPHOLD", "REJECT")
        )
    )
    won = [a for a in answers if "errors" not in a]
    assert len(won) == 1
    assert all(_codes(a) == ["BAD_USER_INPUT"] for a in answers if a not in won)
    own = viewers.subject(demo_config.auth, ADVERSE_COMPANY.code)
    (node,) = await _records(gateway, ADVERSE_COMPANY.code, ["TAX_ARREARS"], own)
    upheld = won[0]["data"]["decideObjection"]["status"] == "UPHELD"
    assert node["status"] == ("WITHDRAWN" if upheld else "ACTIVE")


async def test_an_objection_goes_only_to_the_unit_that_provided_the_record(
    gateway: Client, demo_config: GatewayConfig
) -> None:
    record_id = await _arrears(gateway, demo_config)
    filed = await _file(gateway, demo_config, ADVERSE_COMPANY.code, record_id)
    case_id = filed["data"]["fileObjection"]["id"]
    forward = (
        "mutation($id: ID!, $unit: String!) { forwardObjection(id: $id, unit: $unit) "
        "{ status decideBy deadlineArticle } }"
    )
    wrong = await gateway.query(forward, {"id": case_id, "unit": MARKET_UNIT}, agency(demo_config))
    assert _codes(wrong) == ["BAD_USER_INPUT"]
    right = await gateway.query(forward, {"id": case_id, "unit": TAX_UNIT}, agency(demo_config))
    # 001 art. 34(2): the unit's own 5 working days, from its receipt (Mon 2026-11-23).
    assert right["data"]["forwardObjection"] == {
        "status": "FORWARDED",
        "decideBy": "2026-11-30",
        "deadlineArticle": "001 art. 34(2)",
    }
    # A repair application is not forwarded.
    (penalty, *_) = await _records(gateway, ADVERSE_COMPANY.code, ["ADM_PENALTY"])
    repair = await _repair(gateway, demo_config, penalty["id"])
    body = await gateway.query(
        forward,
        {"id": repair["data"]["applyForRepair"]["id"], "unit": MARKET_UNIT},
        agency(demo_config),
    )
    assert _codes(body) == ["BAD_USER_INPUT"]


async def test_a_case_shown_to_the_agency_is_logged_as_its_record(
    gateway: Client, demo_config: GatewayConfig
) -> None:
    record_id = await _arrears(gateway, demo_config)
    await _file(gateway, demo_config, ADVERSE_COMPANY.code, record_id)
    assert gateway.app is not None
    log = gateway.app.state.services.store.query_log
    before = len(await log.for_subject(ADVERSE_COMPANY.code, 100, None))
    body = await gateway.query(
        "{ objectionQueue { objection { reason item } } }", headers=agency(demo_config)
    )
    assert body["data"]["objectionQueue"][0]["objection"]["item"] == "TAX_ARREARS"
    after = await log.for_subject(ADVERSE_COMPANY.code, 100, None)
    assert len(after) == before + 1
    assert after[0].entry.items == ("TAX_ARREARS",)


async def test_the_queue_pages_soonest_due_first(
    gateway: Client, demo_config: GatewayConfig
) -> None:
    own = viewers.subject(demo_config.auth, ADVERSE_COMPANY.code)
    records = await _records(
        gateway, ADVERSE_COMPANY.code, ["ADM_PENALTY", "TAX_ARREARS", "JUDGMENT_DEFAULTER"], own
    )
    adverse = [r["id"] for r in records if r["status"] == "ACTIVE"][:3]
    for record_id in adverse:
        assert "errors" not in await _file(gateway, demo_config, ADVERSE_COMPANY.code, record_id)
    page = """query($first: Int!, $after: ID) { objectionQueue(first: $first, after: $after) {
      objection { id recordId } } }"""
    boss = agency(demo_config)
    one = (await gateway.query(page, {"first": 2}, boss))["data"]["objectionQueue"]
    assert len(one) == 2
    last = one[-1]["objection"]["id"]
    # Deciding the page's last case (working the queue) keeps its cursor good.
    decided = {"id": last, "outcome": "REJECT", "reason": "经核实信息无误"}
    assert "errors" not in await gateway.query(DECIDE, decided, boss)
    two = (await gateway.query(page, {"first": 2, "after": last}, boss))["data"]["objectionQueue"]
    shown = [q["objection"]["recordId"] for q in one + two]
    assert sorted(shown) == sorted(adverse)
    assert len(two) == 1
    # Another unit's operator cannot page from the agency's case.
    other = await gateway.query(page, {"first": 2, "after": last}, provider(demo_config, TAX_UNIT))
    assert _codes(other) == ["BAD_USER_INPUT"]
    for bad in ({"first": 0}, {"first": 201}, {"first": 2, "after": "no-such-case"}):
        assert _codes(await gateway.query(page, bad, boss)) == ["BAD_USER_INPUT"]
