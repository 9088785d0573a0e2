"""A SQL source's configuration: problems named with their file and key."""

from __future__ import annotations

from pathlib import Path

from adapters.kinds import KINDS
from gateway.config.reader import Problems, Table
from gateway.config.sources import parse_sources

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
