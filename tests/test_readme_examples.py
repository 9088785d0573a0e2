"""The README's list, responsible-person, measure and score examples give the answers it shows.

Each ```sh block of the section that calls `gql` is run against the demo data, as
the viewer its `Authorization` header names, and the ```json block after it must be
exactly the answer.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from demo.examples import PERSON
from gateway.config.loader import GatewayConfig
from tests import viewers
from tests.server import Client
from tests.test_readme import section

EXAMPLES = [
    example
    for title in ("Lists, responsible persons and measures", "The integrity score (自然人诚信积分)")
    for example in re.findall(
        r"```sh\n(?:[^\n]*\n)*?gql '(.+?)'([^\n]*)\n```\n\n```json\n(.*?)\n```",
        section(title),
        re.DOTALL,
    )
]


def _headers(config: GatewayConfig, flags: str) -> dict[str, str] | None:
    token = re.search(r"Bearer \$(\w+)", flags)
    matter = re.search(r'X-Duty-Matter: (\w+)"', flags)
    if token is None:
        return None
    who = token.group(1)
    if who == "UNIT":
        assert matter is not None
        return viewers.gov(config.auth, matter=matter.group(1))
    assert who == "PERSON", who
    return viewers.subject(config.auth, PERSON.code)


def test_the_sections_have_their_four_examples() -> None:
    assert len(EXAMPLES) == 4


@pytest.mark.parametrize(
    ("query", "flags", "answer"), EXAMPLES, ids=["page", "person", "unit", "score"]
)
async def test_each_example_gives_the_answer_shown(
    gateway: Client, demo_config: GatewayConfig, query: str, flags: str, answer: str
) -> None:
    body: dict[str, Any] = await gateway.query(query, headers=_headers(demo_config, flags))
    shown = json.dumps(body, ensure_ascii=False, indent=4)
    assert body == json.loads(answer), shown
