"""The README's walk: an objection, a repair, a commitment, a shield, what the subject is told.

Each ```sh block of the section that calls `gql` is run in order, as the viewer its
`Authorization` header names, and the ```json block after it must be the answer
exactly, with the case ids the gateway made standing for "CASE-ID"."""

from __future__ import annotations

import json
import re
from typing import Any

from demo.examples import ADVERSE_COMPANY
from gateway.auth.minting import mint
from gateway.config.loader import GatewayConfig
from tests import viewers
from tests.server import Client
from tests.test_readme import section

STEPS = re.findall(
    r"```sh\n(?:[^\n]*\n)*?gql '(.+?)' -H \"Authorization: Bearer \$(\w+)\"\n```\n\n"
    r"```json\n(.*?)\n```",
    section("Objections, repairs and shields"),
    re.DOTALL,
)


def test_the_walk_has_its_nine_steps() -> None:
    assert len(STEPS) == 9


async def test_each_step_gives_the_answer_shown(
    gateway: Client, demo_config: GatewayConfig
) -> None:
    auth = demo_config.auth
    who = {
        "SELF": viewers.subject(auth, ADVERSE_COMPANY.code),
        "AGENCY": viewers.headers(
            mint(auth, "agency", "11330100MB1234567X", name="杭州市公共信用信息中心")
        ),
        "HR": viewers.headers(
            mint(auth, "provider", "11330106MB0123460E", name="杭州市西湖区人力资源和社会保障局")
        ),
    }
    case_id = ""
    for query, token, answer in STEPS:
        body: dict[str, Any] = await gateway.query(
            query.replace("CASE-ID", case_id), headers=who[token]
        )
        data = body.get("data") or {}
        made = next((v["id"] for v in data.values() if isinstance(v, dict) and "id" in v), None)
        case_id = made or case_id
        shown = json.dumps(body, ensure_ascii=False, indent=2)
        if case_id:
            shown = shown.replace(case_id, "CASE-ID")
        assert json.loads(shown) == json.loads(answer), shown
