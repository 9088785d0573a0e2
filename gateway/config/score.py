"""The integrity score for natural persons (自然人诚信积分) as configuration: `config/score.toml`.

001 art. 28 sets up the score, grounded in public credit information, and
lets persons whose score qualifies enjoy benefits; 001 art. 29 lists them
(先享后付, 免押金...). How many points a kind of record is worth, for how
long, and where the bands lie differ between jurisdictions, so they are
configuration, each rule with its article. :func:`gateway.score.integrity_score`
computes the score; this module reads and checks the rules:

- a rule names catalogue items, categories or lists, all of them information
  a natural person's record can be, adverse ones lowering the score and
  commendatory ones raising it (001 arts. 11-12, 28);
- a rule has a cap, the most points it gives in total, and may have a window:
  only records decided within it of today count;
- the bands cover every value, in ascending order, without gap or overlap,
  and each names the incentive measures (config/measures.toml) its persons
  enjoy: a score only grants benefits (001 art. 28), and those measures name
  the band back in ``applies_to.score_bands``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import pairwise
from pathlib import Path
from typing import TypeVar

from gateway.config.catalogue import SCORE_ITEM, Catalogue, CatalogueItem, Period, parse_period
from gateway.config.list_rules import ListRules
from gateway.config.measures import MeasureKind, MeasureList
from gateway.config.reader import Problems, Table
from gateway.domain import Category, ListKind, Openness, SubjectKind

E = TypeVar("E", bound=StrEnum)

_ARTICLE = re.compile(r"\b\d{3} arts?\. \d+")


@dataclass(frozen=True, slots=True)
class ScoreRule:
    """Points for each record a rule names, at most ``cap`` in total (absolute value)."""

    id: str
    points: int  # negative for adverse information, positive for commendatory
    cap: int
    article: str
    items: frozenset[str] = frozenset()
    categories: frozenset[Category] = frozenset()
    lists: frozenset[ListKind] = frozenset()
    # Only records decided within this period of today count; None: any date.
    within: Period | None = None

    def names(self, item: CatalogueItem, listing: ListKind | None) -> bool:
        """Whether a record of ``item`` (an entry of ``listing``, if one) is this rule's."""
        return (
            item.code in self.items
            or item.category in self.categories
            or (listing is not None and listing in self.lists)
        )


@dataclass(frozen=True, slots=True)
class Band:
    """A range of values, both ends included (None: unbounded), and its benefits."""

    name: str
    min: int | None
    max: int | None
    measures: tuple[str, ...] = ()

    def holds(self, value: int) -> bool:
        return (self.min is None or self.min <= value) and (self.max is None or value <= self.max)


# Without config/score.toml every person is in one band that grants nothing.
_UNRATED = Band("未评定", None, None)


@dataclass(frozen=True, slots=True)
class ScoreConfig:
    """The score's base, rules in configuration order, and bands from the lowest up."""

    base: int = 0
    rules: tuple[ScoreRule, ...] = ()
    bands: tuple[Band, ...] = (_UNRATED,)
    # Item code -> the rule its records count under (the first that names it),
    # and the list its records are entries of; worked out once, at load.
    by_item: Mapping[str, tuple[ScoreRule, ListKind | None]] = field(default_factory=dict)

    def rule_for(self, item: str) -> tuple[ScoreRule, ListKind | None] | None:
        return self.by_item.get(item)

    @property
    def reads(self) -> frozenset[str]:
        """The items whose records count: a score judged without one of them is wrong."""
        return frozenset(self.by_item)

    def band(self, value: int) -> Band:
        return next(b for b in self.bands if b.holds(value))


def score_config(
    base: int,
    rules: Iterable[ScoreRule],
    bands: Iterable[Band],
    catalogue: Catalogue,
    derived: frozenset[str] = frozenset(),
) -> ScoreConfig:
    """A :class:`ScoreConfig`, each person's item assigned to the first rule naming it.

    ``derived`` are the items of entries the gateway works out itself (list
    rules): they count nothing, the records they rest on counting in their own
    right, and listing stays the unit's decision (004 art. 39).
    """
    rules = tuple(rules)
    by_item: dict[str, tuple[ScoreRule, ListKind | None]] = {}
    skipped = derived | {SCORE_ITEM}
    for item in catalogue:
        if SubjectKind.NATURAL_PERSON not in item.subject_kinds or item.code in skipped:
            continue
        listing = entry_list(item, catalogue)
        rule = next((r for r in rules if r.names(item, listing)), None)
        if rule is not None:
            by_item[item.code] = (rule, listing)
    return ScoreConfig(base, rules, tuple(bands) or (_UNRATED,), by_item)


def entry_list(item: CatalogueItem, catalogue: Catalogue) -> ListKind | None:
    """The list a record of ``item`` is an entry of: its own, or that of the
    organisation's entry it records against a responsible person (001 art. 26)."""
    if item.listing is not None:
        return item.listing
    target = catalogue.get(item.responsible_for) if item.responsible_for else None
    return None if target is None else target.listing


def load_score(
    path: Path,
    catalogue: Catalogue,
    measures: MeasureList,
    list_rules: ListRules,
    problems: Problems,
) -> ScoreConfig:
    """Read `score.toml` and check it against the catalogue, measures and list rules."""
    root = Table.load(path, problems)
    root.unknown_keys({"base", "rule", "band"})
    rules: list[ScoreRule] = []
    for table in root.tables("rule"):
        rule = _rule(table, catalogue)
        if any(r.id == rule.id for r in rules):
            table.problem("id", f"duplicate rule id {rule.id!r}")
        rules.append(rule)
    bands = [_band(t, measures) for t in root.tables("band")]
    _check_bands(root, bands)
    _check_measures(root, measures, bands)
    _check_item(root, catalogue)
    derived = frozenset(r.item for r in list_rules)
    config = score_config(root.integer("base", required=True), rules, bands, catalogue, derived)
    counted = {rule.id for rule, _ in config.by_item.values()}
    for index, rule in enumerate(rules):
        if rule.id not in counted:
            root.problem(
                f"rule[{index}]",
                f"{rule.id} counts nothing: every person's item it names counts under an "
                "earlier rule, or is a list entry the gateway works out itself",
            )
    return config


_RULE_KEYS = {"id", "points", "cap", "within", "article", "items", "categories", "lists"}


def _rule(t: Table, catalogue: Catalogue) -> ScoreRule:
    t.unknown_keys(_RULE_KEYS)
    within = t.opt_string("within")
    rule = ScoreRule(
        id=t.string("id"),
        points=t.integer("points", required=True),
        cap=t.integer("cap", required=True),
        article=t.opt_string("article") or "",
        items=frozenset(t.strings("items")),
        categories=_enums(t, "categories", Category),
        lists=_enums(t, "lists", ListKind),
        within=None if within is None else parse_period(t, "within", within),
    )
    if not _ARTICLE.search(rule.article):
        t.problem("article", "cite the article the points rest on, as '001 art. 28'")
    if rule.points == 0:
        t.problem("points", "must not be 0")
    if rule.cap < abs(rule.points):
        t.problem("cap", f"must be at least one record's points ({abs(rule.points)})")
    _check_names(t, rule, catalogue)
    return rule


def _enums(t: Table, name: str, kind: type[E]) -> frozenset[E]:
    found: set[E] = set()
    for raw in t.strings(name):
        try:
            found.add(kind(raw))
        except ValueError:
            t.problem(name, f"{raw!r} is not one of {', '.join(m.value for m in kind)}")
    return frozenset(found)


def _check_names(t: Table, rule: ScoreRule, catalogue: Catalogue) -> None:
    if not (rule.items or rule.categories or rule.lists):
        t.problem("(rule)", "names nothing: give items, categories or lists")
    for code in sorted(rule.items):
        item = catalogue.get(code)
        if item is None:
            t.problem("items", f"{code!r} is not in the catalogue")
        elif SubjectKind.NATURAL_PERSON not in item.subject_kinds:
            t.problem("items", f"{code} is not about natural persons")
    persons = [i for i in catalogue if SubjectKind.NATURAL_PERSON in i.subject_kinds]
    for category in sorted(rule.categories - {i.category for i in persons}):
        t.problem("categories", f"no catalogue item about natural persons is {category}")
    listed = {entry_list(i, catalogue) for i in persons}
    for kind in sorted(rule.lists - listed):
        t.problem("lists", f"no catalogue item records list {kind} on a person's file")
    named = [i for i in persons if rule.names(i, entry_list(i, catalogue))]
    _check_sign(t, rule, {i.category for i in named} | rule.categories)


def _check_sign(t: Table, rule: ScoreRule, categories: set[Category]) -> None:
    # 001 art. 28 grounds the score in credit information: dishonesty lowers it
    # (001 art. 11), good conduct raises it (001 art. 12); other information neither.
    for category in sorted(categories - {Category.ADVERSE, Category.COMMENDATORY}):
        t.problem("(rule)", f"{category} information does not grade a person (001 arts. 11-12)")
    if rule.points > 0 and Category.ADVERSE in categories:
        t.problem("points", "adverse information cannot raise the score")
    if rule.points < 0 and Category.COMMENDATORY in categories:
        t.problem("points", "commendatory information cannot lower the score")


def _band(t: Table, measures: MeasureList) -> Band:
    t.unknown_keys({"name", "min", "max", "measures"})
    band = Band(
        name=t.string("name"),
        min=t.integer("min") if t.has("min") else None,
        max=t.integer("max") if t.has("max") else None,
        measures=t.strings("measures"),
    )
    for measure_id in band.measures:
        measure = measures.get(measure_id)
        if measure is None:
            t.problem("measures", f"{measure_id!r} is not in measures.toml")
        elif measure.kind is not MeasureKind.INCENTIVE:
            t.problem(
                "measures",
                f"{measure_id} is a {measure.kind}: a score only grants benefits (001 art. 28)",
            )
        elif band.name not in measure.applies_to.score_bands:
            t.problem("measures", f"{measure_id} does not name band {band.name!r} in score_bands")
    return band


def _check_bands(root: Table, bands: list[Band]) -> None:
    """From the lowest up, every value in exactly one band."""
    if not bands:
        root.problem("band", "give the bands, from the lowest up")
        return
    last = len(bands) - 1
    if bands[0].min is not None:
        root.problem("band[0].min", "the lowest band has no min: it holds every value below")
    if bands[last].max is not None:
        root.problem(f"band[{last}].max", "the highest band has no max: it holds every value above")
    seen: set[str] = set()
    for index, band in enumerate(bands):
        key = f"band[{index}]"
        if band.name in seen:
            root.problem(f"{key}.name", f"duplicate band {band.name!r}")
        seen.add(band.name)
        if index > 0 and band.min is None:
            root.problem(f"{key}.min", "only the lowest band has no min")
        if index < last and band.max is None:
            root.problem(f"{key}.max", "only the highest band has no max")
        if band.min is not None and band.max is not None and band.max < band.min:
            root.problem(f"{key}.max", f"is below its min ({band.min})")
    for index, (below, above) in enumerate(pairwise(bands), start=1):
        if below.max is None or above.min is None:
            continue
        if above.min <= below.max:
            root.problem(
                f"band[{index}].min",
                f"{above.min} overlaps or is below {below.name!r} (up to {below.max}): "
                "bands go from the lowest up, without overlap",
            )
        elif above.min != below.max + 1:
            root.problem(
                f"band[{index}].min", f"leaves a gap after {below.name!r} (up to {below.max})"
            )


def _check_measures(root: Table, measures: MeasureList, bands: list[Band]) -> None:
    """A measure triggered by a band is one the band lists (they name each other)."""
    listed = {(b.name, m) for b in bands for m in b.measures}
    names = {b.name for b in bands}
    for measure in measures:
        for band in sorted(measure.applies_to.score_bands):
            said = f"measure {measure.id} names {band!r} in applies_to.score_bands"
            if band not in names:
                root.problem("band", f"{said}, which is no band here")
            elif (band, measure.id) not in listed:
                root.problem("band", f"{said}, but that band does not list it")


def _check_item(root: Table, catalogue: Catalogue) -> None:
    item = catalogue.get(SCORE_ITEM)
    if item is None:
        root.problem("(file)", f"the catalogue needs item {SCORE_ITEM}, the score's disclosure")
        return
    if item.subject_kinds != {SubjectKind.NATURAL_PERSON}:
        root.problem("(file)", f"catalogue item {SCORE_ITEM} is for natural persons only")
    if item.openness is not Openness.AUTHORIZED:
        # 000 art. 47: a person's credit information is not public; anyone but
        # the person sees the score under the person's consent (002 art. 21).
        root.problem("(file)", f"catalogue item {SCORE_ITEM} must be AUTHORIZED")
    if not item.consent_only:
        # 001 art. 28: the score is no ground for a unit's duty, and a consent to
        # the category OTHER is no consent to being scored: a consent names it.
        root.problem(
            "(file)",
            f"catalogue item {SCORE_ITEM} must be consent_only: only the person and a "
            "consent naming it open the score (001 art. 28)",
        )
