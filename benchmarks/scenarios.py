"""The benchmark scenarios of issue 4: what is asked, by whom, and how hard."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp

from demo.examples import ADVERSE_COMPANY, BUSY_COMPANY
from gateway.auth.minting import mint
from gateway.config.loader import GatewayConfig

BANK = "91330000MA27XX0C6N"
UNIT = "11330100002489176N"
RECORDS = (
    "records { totalCount edges { node { id title category openness decidedOn item { code } } } }"
)
ONE = f"query($code: String!) {{ subject(code: $code) {{ code name {RECORDS} }} }}"
BATCH = f"query($codes: [String!]!) {{ subjects(codes: $codes) {{ code name {RECORDS} }} }}"
GRANT = """mutation($input: GrantConsentInput!) { grantConsent(input: $input) { token } }"""


@dataclass(frozen=True, slots=True)
class Scenario:
    key: str
    title: str
    payload: Mapping[str, Any]
    headers: Mapping[str, str] = field(default_factory=dict)
    reference_payload: Mapping[str, Any] | None = None
    concurrency: int = 8


def batch_codes(data_dir: Path, count: int) -> list[str]:
    with sqlite3.connect(data_dir / "market_regulation.db") as db:
        rows = db.execute("SELECT tyshxydm FROM qy_jbxx ORDER BY nbxh LIMIT ?", (count,))
        return [code for (code,) in rows]


async def consents(url: str, config: GatewayConfig, codes: list[str]) -> list[str]:
    """Each subject grants the bank consent for its adverse and other information."""
    until = (datetime.now(UTC) + timedelta(days=30)).isoformat()
    tokens = []
    async with aiohttp.ClientSession() as session:
        for code in codes:
            variables = {
                "input": {
                    "grantee": BANK,
                    "purpose": "02",
                    "categories": ["ADVERSE", "OTHER"],
                    "validUntil": until,
                }
            }
            headers = {"Authorization": f"Bearer {mint(config.auth, 'subject', code)}"}
            async with session.post(
                url, json={"query": GRANT, "variables": variables}, headers=headers
            ) as response:
                body = await response.json()
            tokens.append(body["data"]["grantConsent"]["token"])
    return tokens


def scenarios(config: GatewayConfig, codes: list[str], tokens: list[str]) -> list[Scenario]:
    auth = config.auth
    bank = {
        "Authorization": f"Bearer {mint(auth, 'institution', BANK, ttl_s=7200)}",
        "X-Query-Purpose": "02",
    }
    unit = {
        "Authorization": "Bearer "
        + mint(auth, "gov_unit", UNIT, ttl_s=7200, duties=["PUBLIC_PROCUREMENT"]),
        "X-Duty-Matter": "PUBLIC_PROCUREMENT",
    }
    batch = {"query": BATCH, "variables": {"codes": codes}}
    return [
        Scenario(
            "a",
            "anonymous lookup, one organisation with 20 records",
            {"query": ONE, "variables": {"code": BUSY_COMPANY.code}},
        ),
        Scenario(
            "b",
            f"bank, consented batch of {len(codes)} subjects",
            batch | {"extensions": {"consentTokens": tokens}},
            bank,
            reference_payload=batch,
            concurrency=4,
        ),
        Scenario(
            "c",
            "government unit in a duty matter: SQL + bureau (20 ms) + declarations",
            {"query": ONE, "variables": {"code": ADVERSE_COMPANY.code}},
            unit,
            # Latency is the point here: two in flight, so queueing on two cores
            # does not hide what the sources cost.
            concurrency=2,
        ),
    ]
