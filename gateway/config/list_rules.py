"""The rules by which the gateway itself puts subjects on lists, as configuration.

Key-attention objects (001 art. 19) and red-list eligibility (004 art. 39) are
worked out from records the gateway already has (:mod:`gateway.list_rules`);
the thresholds differ between jurisdictions, so they live in
`config/list_rules.toml`, each rule with its article.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from gateway.config.catalogue import Catalogue, CatalogueItem, Period, parse_period
from gateway.config.reader import Problems, Table
from gateway.domain import Category, ListKind, Openness


class RuleKind(StrEnum):
    REPEATED = "repeated"  # 001 art. 19(1): 一定期限内多次出现同一类型不良信息
    DOMAINS = "domains"  # 001 art. 19(2): 一定期限内在多领域出现不良信息
    GOOD_RECORD = "good_record"  # 004 art. 39: 无失信记录，且有守信记录


@dataclass(frozen=True, slots=True)
class ListRule:
    """One rule; ``threshold`` is min_records or min_domains (1 for good_record)."""

    id: str
    list: ListKind
    item: str
    article: str
    kind: RuleKind
    within: Period
    threshold: int
    items: frozenset[str]


@dataclass(frozen=True, slots=True)
class ListRules:
    rules: tuple[ListRule, ...] = ()
    # The dishonesty records the rules count (`adverse_items`): the same for every
    # viewer, so that a list is a fact about the subject, whoever asks.
    adverse: frozenset[str] = frozenset()

    def __iter__(self) -> Iterator[ListRule]:
        return iter(self.rules)

    def get(self, rule_id: str) -> ListRule | None:
        return next((r for r in self.rules if r.id == rule_id), None)

    def inputs(self) -> frozenset[str]:
        """Every item a rule may read: the sources are asked for these whoever asks."""
        if not self.rules:
            return frozenset()
        return self.adverse | frozenset().union(*(r.items for r in self.rules))


def load_list_rules(path: Path, catalogue: Catalogue, problems: Problems) -> ListRules:
    """Read `list_rules.toml`; a missing file means no computed lists."""
    if not path.exists():
        return ListRules()
    root = Table.load(path, problems)
    root.unknown_keys({"rule", "adverse_items"})
    adverse = frozenset(root.strings("adverse_items", required=True))
    for code in sorted(adverse):
        found = catalogue.get(code)
        if found is None or found.category is not Category.ADVERSE:
            root.problem("adverse_items", f"{code!r} is not an adverse catalogue item")
    rules: list[ListRule] = []
    for table in root.tables("rule"):
        rule = _rule(table, catalogue, adverse)
        if rule is None:
            continue
        if any(r.id == rule.id for r in rules):
            table.problem("id", f"duplicate rule id {rule.id!r}")
        rules.append(rule)
    return ListRules(tuple(rules), adverse)


_KEYS = {"id", "list", "item", "article", "kind", "within", "min_records", "min_domains", "items"}


def _rule(t: Table, catalogue: Catalogue, adverse: frozenset[str]) -> ListRule | None:
    t.unknown_keys(_KEYS)
    kind = t.enum("kind", RuleKind)
    listing = t.enum("list", ListKind)
    code = t.string("item")
    item = catalogue.get(code)
    if item is None or item.listing is not listing:
        t.problem("item", f"{code!r} must be a catalogue item with listing = {listing!r}")
    within = parse_period(t, "within", t.string("within"))
    items = frozenset(t.strings("items", required=kind is RuleKind.GOOD_RECORD))
    for unknown in sorted(c for c in items if catalogue.get(c) is None):
        t.problem("items", f"{unknown!r} is not in the catalogue")
    if kind is not RuleKind.GOOD_RECORD:
        for code_ in sorted(items - adverse):
            t.problem("items", f"{code_!r} is not one of adverse_items")
    threshold = 1
    if kind is RuleKind.REPEATED:
        threshold = t.integer("min_records", required=True)
    elif kind is RuleKind.DOMAINS:
        threshold = t.integer("min_domains", required=True)
    if threshold < 1:
        t.problem("min_records" if kind is RuleKind.REPEATED else "min_domains", "must be >= 1")
    if kind is RuleKind.DOMAINS:
        counted = items or adverse
        for code_ in sorted(c for c in counted if (i := catalogue.get(c)) and i.domain is None):
            t.problem("kind", f"counts domains, but item {code_} has no domain")
    if item is not None:
        _no_more_open(t, item, [catalogue.get(c) for c in sorted(adverse | items)])
    if within is None:
        return None
    return ListRule(
        id=t.string("id"),
        list=listing,
        item=code,
        article=t.string("article"),
        kind=kind,
        within=within,
        threshold=threshold,
        items=items,
    )


_LEVEL = {Openness.PUBLIC: 0, Openness.AUTHORIZED: 1, Openness.INTERNAL: 2}


def _no_more_open(t: Table, item: CatalogueItem, inputs: list[CatalogueItem | None]) -> None:
    """An entry says something about every record its rule read (even "there is
    none"), so its item may be no more open than the least open of them."""
    for read in inputs:
        if read is None:
            continue
        if _LEVEL[item.openness] < _LEVEL[read.openness] or (
            item.public_for_persons and not read.public_for_persons
        ):
            t.problem(
                "item",
                f"{item.code} ({item.openness}) is more open than {read.code} "
                f"({read.openness}), which the rule reads; it would tell what {read.code} "
                "withholds",
            )
            return
