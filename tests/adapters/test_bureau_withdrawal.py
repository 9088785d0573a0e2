"""A bureau record type's ``withdrawn_field`` and ``withdrawal_reason_field``: the
bureau says the record's act was revoked or corrected (003 art. 43)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import orjson

from adapters.bureau.config import BureauSourceConfig
from adapters.protocol import FetchRequest
from tests.adapters.test_bureau_config import GOOD, _parse
from tests.adapters.test_bureau_contract import SHIPPED, fixed, opened
from tests.codes import org_code

ORG = org_code(12)


def test_the_withdrawal_fields_are_mapping_keys(tmp_path: Path) -> None:
    text = GOOD.replace(
        'id_field = "id"\n',
        'id_field = "id"\nwithdrawn_field = "revocation.on"\n'
        'withdrawal_reason_field = "revocation.reason"\n',
    )
    specs, problems, _ = _parse(tmp_path, text)
    assert problems == []
    config = specs[0].config
    assert isinstance(config, BureauSourceConfig)
    mapping = config.mappings[0]
    assert (mapping.withdrawn_field, mapping.withdrawal_reason_field) == (
        "revocation.on",
        "revocation.reason",
    )


async def test_a_revoked_record_carries_its_day_and_reason() -> None:
    rating = replace(
        SHIPPED.mappings[0],
        withdrawn_field="revocation.on",
        withdrawal_reason_field="revocation.reason",
    )
    records = [
        {
            "record_type": "CREDIT_RATING",
            "record_id": "r1",
            "revocation": {"on": "2026-11-20", "reason": "评级机构撤销评级"},
        },
        {"record_type": "CREDIT_RATING", "record_id": "r2", "revocation": None},
        {"record_type": "CREDIT_RATING", "record_id": "r3"},
    ]
    body = orjson.dumps({"results": [{"code": ORG, "records": records}]})
    async with fixed(body) as url, opened(url, mappings=(rating,)) as source:
        answer = await source.fetch(FetchRequest((ORG,)))
    found = {r.record_id: (r.withdrawn_on, r.withdrawal_reason) for r in answer[ORG]}
    assert found == {
        "r1": (date(2026, 11, 20), "评级机构撤销评级"),
        "r2": (None, None),
        "r3": (None, None),
    }
