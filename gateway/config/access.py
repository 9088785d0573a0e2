"""Who may ask for non-public information and why: query purposes and duty matters.

- `purposes.toml`: the agreed purposes a consent may name (002 art. 21,
  003 art. 20), coded like the PBOC credit report's query reasons.
- `duty_matters.toml`: the government application list (政务应用清单,
  001 art. 27, 000 art. 34): each matter a unit may invoke, its legal basis
  and the categories it opens, and its domain (领域): the measures of the
  measure list applied in it (`measures.toml`, 001 art. 24) are those of
  that domain.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from gateway.config.reader import Problems, Table
from gateway.domain import Category


@dataclass(frozen=True, slots=True)
class Purpose:
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class DutyMatter:
    code: str
    name: str
    legal_basis: str
    categories: frozenset[Category]
    # 领域: where the matter's decisions are taken (公共资源交易, 市场准入...);
    # the measures it applies are the measure list's of this domain.
    domain: str


def load_purposes(path: Path, problems: Problems) -> Mapping[str, Purpose]:
    root = Table.load(path, problems)
    root.unknown_keys({"purpose"})
    purposes: dict[str, Purpose] = {}
    for table in root.tables("purpose"):
        table.unknown_keys({"code", "name"})
        purpose = Purpose(table.string("code"), table.string("name"))
        if purpose.code in purposes:
            table.problem("code", f"duplicate purpose code {purpose.code!r}")
        purposes[purpose.code] = purpose
    return purposes


def load_duty_matters(path: Path, problems: Problems) -> Mapping[str, DutyMatter]:
    root = Table.load(path, problems)
    root.unknown_keys({"matter"})
    matters: dict[str, DutyMatter] = {}
    for table in root.tables("matter"):
        table.unknown_keys({"code", "name", "legal_basis", "categories", "domain"})
        matter = DutyMatter(
            code=table.string("code"),
            name=table.string("name"),
            legal_basis=table.string("legal_basis"),
            categories=table.enums("categories", Category),
            domain=table.string("domain"),
        )
        if matter.code in matters:
            table.problem("code", f"duplicate matter code {matter.code!r}")
        matters[matter.code] = matter
    return matters
