"""A SQL source's configuration: problems named with their file and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.kinds import KINDS, load_config
from adapters.sql.config import ResponsibleColumns
from gateway.config.reader import Problems, Table
from gateway.config.sources import SourceSpec, parse_sources

TWO_NAMED_ALIKE = """
[[source]]
name = "provider"
kind = "sql"
url = "sqlite+aiosqlite:///{data_dir}/provider.db"
provenance = "PUBLIC_CREDIT"

[[source.mapping]]
name = "penalty"
table = "cf_org"
code_column = "dm"
id_column = "id"
item = "ADM_PENALTY"

[[source.mapping]]
name = "penalty"
table = "cf_person"
code_column = "sfzh"
id_column = "id"
item = "ADM_PENALTY"
"""


def test_two_mappings_of_one_source_may_not_share_a_name(tmp_path: Path) -> None:
    # A result row names the mapping it came from; two alike would mix their columns.
    path = tmp_path / "sources.toml"
    path.write_text(TWO_NAMED_ALIKE, encoding="utf-8")
    problems = Problems()
    parse_sources(Table.load(path, problems), str(tmp_path), KINDS)
    assert [(p.key, p.message) for p in problems.items] == [
        ("source[0].mapping", "two mappings are named 'penalty'; give each its own 'name'")
    ]


LIST = """
[[source]]
name = "provider"
kind = "sql"
url = "sqlite+aiosqlite:///{data_dir}/provider.db"

[[source.mapping]]
name = "serious"
table = "v_yzsx"
code_column = "tyshxydm"
id_column = "xh"
item = "SERIOUS_DISHONESTY_LIST"
responsible_item = "SERIOUS_DISHONESTY_RESPONSIBLE"

[source.mapping.details]
legal_representative = "fddbr"
"""
LEGAL = """
[[source.mapping.responsible]]
role = "法定代表人"
name_column = "fddbr"
code_column = "fddbr_zjhm"
"""
OTHERS = """
[[source.mapping.responsible]]
role_column = "zrlx"
name_column = "xm"
code_column = "zjhm"
"""


def _problems(tmp_path: Path, text: str) -> tuple[list[SourceSpec], list[tuple[str, str]]]:
    path = tmp_path / "sources.toml"
    path.write_text(text, encoding="utf-8")
    problems = Problems()
    specs = parse_sources(Table.load(path, problems), str(tmp_path), KINDS)
    return specs, [(p.key, p.message) for p in problems.items]


def test_responsible_groups_and_item_parse(tmp_path: Path) -> None:
    specs, problems = _problems(tmp_path, LIST + LEGAL + OTHERS)
    assert problems == []
    (mapping,) = specs[0].config.mappings
    assert mapping.responsible == (
        ResponsibleColumns("法定代表人", None, "fddbr", "fddbr_zjhm"),
        ResponsibleColumns(None, "zrlx", "xm", "zjhm"),
    )
    assert mapping.responsible_item == "SERIOUS_DISHONESTY_RESPONSIBLE"
    # The source serves both sides; each column is read once (fddbr is also a detail).
    assert specs[0].items == {"SERIOUS_DISHONESTY_LIST", "SERIOUS_DISHONESTY_RESPONSIBLE"}
    assert mapping.subject_items == {"SERIOUS_DISHONESTY_LIST"}
    assert mapping.columns == ("tyshxydm", "xh", "fddbr", "fddbr_zjhm", "zrlx", "xm", "zjhm")


def test_responsible_groups_without_an_item_name_parties_only(tmp_path: Path) -> None:
    text = LIST.replace('responsible_item = "SERIOUS_DISHONESTY_RESPONSIBLE"\n', "")
    specs, problems = _problems(tmp_path, text + OTHERS.replace('code_column = "zjhm"\n', ""))
    assert problems == []
    (mapping,) = specs[0].config.mappings
    assert (mapping.responsible_item, mapping.linked) == (None, ())
    assert specs[0].items == {"SERIOUS_DISHONESTY_LIST"}


@pytest.mark.parametrize(
    ("group", "key", "message"),
    [
        (LEGAL + 'role_column = "zrlx"\n', "role", "set exactly one of 'role' or 'role_column'"),
        (LEGAL.replace('role = "法定代表人"\n', ""), "role", "set exactly one of 'role'"),
        (LEGAL + 'id_column = "x"\n', "id_column", "unknown key"),
        (
            LEGAL.replace('name_column = "fddbr"\ncode_column = "fddbr_zjhm"\n', ""),
            "name_column",
            "set 'name_column', 'code_column' or both",
        ),
    ],
)
def test_a_bad_responsible_group_is_named(
    tmp_path: Path, group: str, key: str, message: str
) -> None:
    _, problems = _problems(tmp_path, LIST + group)
    named = [m for k, m in problems if k == f"source[0].mapping[0].responsible[0].{key}"]
    assert len(named) == 1, problems
    assert message in named[0]


def test_a_responsible_item_needs_a_group_with_an_id_number(tmp_path: Path) -> None:
    without_codes = LEGAL.replace('code_column = "fddbr_zjhm"\n', "")
    for text in (LIST, LIST + without_codes):
        _, problems = _problems(tmp_path, text)
        assert [key for key, _ in problems] == ["source[0].mapping[0].responsible_item"]
        assert "code_column" in problems[0][1]


def test_a_responsible_item_is_not_the_mappings_own(tmp_path: Path) -> None:
    text = LIST.replace('"SERIOUS_DISHONESTY_RESPONSIBLE"', '"SERIOUS_DISHONESTY_LIST"')
    _, problems = _problems(tmp_path, text + LEGAL)
    assert problems == [
        (
            "source[0].mapping[0].responsible_item",
            "must differ from the items of the mapping's own records",
        )
    ]


def test_the_shipped_configuration_loads() -> None:
    config = load_config()
    (serious,) = (
        m
        for spec in config.sources
        if spec.kind == "sql"
        for m in spec.config.mappings
        if m.responsible_item is not None
    )
    assert serious.responsible_item in config.catalogue.items
    assert serious.linked
