"""A lookup that selects only what the registration shows asks only for it (issue 12):
the same answer and the same query log as the full look, fewer source calls."""

from __future__ import annotations

from typing import Any

import pytest

from demo.examples import ADVERSE_COMPANY, CLEAN_COMPANY, PERSON
from gateway.config.loader import GatewayConfig
from tests import viewers
from tests.server import Client
from tests.test_api_access import _grant, _log

NAME = "query($code: String!) { subject(code: $code) { code name kind } }"
FULL = """query($code: String!) { subject(code: $code) { code name kind
  records { totalCount } } }"""


def _calls(client: Client) -> dict[str, int]:
    metrics = client.app.state.services.sources.metrics()  # type: ignore[union-attr]
    return {name: int(m["calls"]["fetch"]["calls"]) for name, m in metrics.items()}


def _asked(before: dict[str, int], after: dict[str, int]) -> set[str]:
    return {name for name, calls in after.items() if calls > before.get(name, 0)}


@pytest.mark.parametrize("code", [ADVERSE_COMPANY.code, CLEAN_COMPANY.code])
async def test_a_name_lookup_asks_only_the_registration_sources(gateway: Client, code: str) -> None:
    before = _calls(gateway)
    body = await gateway.query(NAME, {"code": code})
    asked = _asked(before, _calls(gateway))
    assert body["data"]["subject"]["name"]
    # Only the sources holding registrations (an organisation's code may be a social
    # organisation's): not the tax office, the courts or the bureau.
    assert asked == {"market_regulation", "civil_affairs"}, asked
    full_before = _calls(gateway)
    full = await gateway.query(FULL, {"code": code})
    assert len(_asked(full_before, _calls(gateway))) > 1
    shown = {k: full["data"]["subject"][k] for k in ("code", "name", "kind")}
    assert body["data"]["subject"] == shown


async def test_a_person_whose_registration_is_closed_is_looked_up_in_full(
    gateway: Client,
) -> None:
    # The public may not see a person's registration, but sees the court-defaulter
    # entry: the subject is there, without a name, as the full look says.
    body = await gateway.query(NAME, {"code": PERSON.code})
    full = await gateway.query(FULL, {"code": PERSON.code})
    assert body["data"]["subject"] == {
        k: full["data"]["subject"][k] for k in ("code", "name", "kind")
    }
    assert body["data"]["subject"]["name"] is None


async def test_the_log_is_the_full_looks(gateway: Client, demo_config: GatewayConfig) -> None:
    granted = await _grant(gateway, demo_config, ["REGISTRATION_PERSON"])
    bank = viewers.bank(demo_config.auth, granted["token"])
    body: dict[str, Any] = await gateway.query(NAME, {"code": PERSON.code}, bank)
    assert body["data"]["subject"]["name"] == PERSON.name
    (entry,) = await _log(gateway, demo_config)
    assert entry["items"] == ["REGISTRATION_PERSON"]
