"""A bureau record type's ``responsible_field``: the persons a list entry names (004 art. 44)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import orjson

from adapters.bureau.config import BureauSourceConfig
from adapters.protocol import EntriesRequest, FetchRequest
from gateway.domain import ResponsibleParty
from tests.adapters.test_bureau_config import GOOD, _parse
from tests.adapters.test_bureau_contract import SHIPPED, fixed, opened
from tests.codes import org_code, person_code

ORG, PERSON = org_code(11), person_code(1)  # PERSON's check digit is X


def test_responsible_field_is_a_mapping_key(tmp_path: Path) -> None:
    text = GOOD.replace(
        'id_field = "id"\n', 'id_field = "id"\nresponsible_field = "entry.persons"\n'
    )
    specs, problems, _ = _parse(tmp_path, text)
    assert problems == []
    config = specs[0].config
    assert isinstance(config, BureauSourceConfig)
    assert config.mappings[0].responsible_field == "entry.persons"
    specs, _, _ = _parse(tmp_path, GOOD)
    assert specs[0].config.mappings[0].responsible_field is None


async def test_parties_are_read_and_malformed_ones_skipped() -> None:
    rating = replace(SHIPPED.mappings[0], responsible_field="entry.persons")
    persons = [
        {"role": "法定代表人", "name": "张三", "code": PERSON.lower()},
        {"role": "实际控制人", "name": "李四"},  # no code: still a party
        {"role": "法定代表人", "name": "张三", "code": PERSON},  # the first again
        {"name": "王五", "code": PERSON},  # no role
        {"role": 3, "name": "赵六"},
        {"role": "其他直接责任人", "name": {"full": "孙七"}},
        "周八",
        None,
    ]
    records = [
        {"record_type": "CREDIT_RATING", "record_id": "r1", "entry": {"persons": persons}},
        {"record_type": "CREDIT_RATING", "record_id": "r2", "entry": {"persons": "张三"}},
        {"record_type": "CREDIT_RATING", "record_id": "r3"},
    ]
    body = orjson.dumps({"results": [{"code": ORG, "records": records}]})
    async with fixed(body) as url, opened(url, mappings=(rating,)) as source:
        answer = await source.fetch(FetchRequest((ORG,)))
        assert await source.entries(EntriesRequest(frozenset({rating.item}), 10)) == []
        assert source.capabilities().browsable == frozenset()
    parties = {r.record_id: r.responsible for r in answer[ORG]}
    assert parties == {
        "r1": (
            ResponsibleParty("法定代表人", "张三", PERSON),
            ResponsibleParty("实际控制人", "李四", None),
        ),
        "r2": (),
        "r3": (),
    }


async def test_without_responsible_field_a_record_names_nobody() -> None:
    persons = [{"role": "法定代表人", "name": "张三", "code": PERSON}]
    record = {"record_type": "CREDIT_RATING", "record_id": "r1", "entry": {"persons": persons}}
    body = orjson.dumps({"results": [{"code": ORG, "records": [record]}]})
    async with fixed(body) as url, opened(url) as source:
        answer = await source.fetch(FetchRequest((ORG,)))
    assert [r.responsible for r in answer[ORG]] == [()]
