"""The measure list (措施清单) as configuration: `config/measures.toml`.

001 art. 24, 003 art. 28 and 004 art. 45 require the incentive, constraint
and punishment measures to be listed with who applies them, to whom, in which
field and on what basis, and published: a measure not published may not be
applied (003 art. 28, 001 art. 25). Which measures apply to a subject is
worked out by :func:`gateway.measures.applicable_measures`; this module only
reads and checks the list. (Past ~400 lines for a reason: the checks of the
measures the integrity score triggers, 001 arts. 28-29, sit beside the checks
they complete and share; apart, the two modules would import each other.)
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo

from gateway.config.access import DutyMatter
from gateway.config.catalogue import SCORE_ITEM, Catalogue
from gateway.config.reader import Problems, Table
from gateway.domain import Category, ListKind

E = TypeVar("E", bound=StrEnum)

# Publication dates are China's calendar days (as gateway.policy.CHINA; the
# configuration layer does not import the policy).
_CHINA = ZoneInfo("Asia/Shanghai")


class MeasureKind(StrEnum):
    INCENTIVE = "INCENTIVE"  # 守信激励 (001 art. 21, 004 art. 40, 002 art. 23)
    CONSTRAINT = "CONSTRAINT"  # 约束 for adverse information (001 art. 22, 002 art. 25)
    PUNISHMENT = "PUNISHMENT"  # 惩戒 of serious dishonesty (001 art. 23, 000 art. 42)


class MeasureStatus(StrEnum):
    IN_FORCE = "IN_FORCE"
    DRAFT = "DRAFT"  # being drafted or consulted on (004 art. 45): never applied
    REPEALED = "REPEALED"


@dataclass(frozen=True, slots=True)
class AppliesTo:
    """What triggers a measure (实施对象, 适用情形): see :mod:`gateway.measures`."""

    lists: frozenset[ListKind] = frozenset()
    items: frozenset[str] = frozenset()
    categories: frozenset[Category] = frozenset()
    # The triggering behaviour's domain must be one of these; empty: any (001 art. 24).
    behaviour_domains: frozenset[str] = frozenset()
    # Also the persons an organisation's entry is recorded against (001 art. 26, 003 art. 36).
    responsible_persons: bool = False
    # A person whose integrity score is in one of these bands of config/score.toml
    # (001 arts. 28-29): benefits only, in one of score_domains, never in a basic
    # public service; the score triggers a measure in no other way.
    score_bands: frozenset[str] = frozenset()

    @property
    def empty(self) -> bool:
        return not (self.lists or self.items or self.categories or self.score_bands)


@dataclass(frozen=True, slots=True)
class Measure:
    """One entry of the measure list (004 art. 45: 对象、措施、依据、实施单位)."""

    id: str
    name: str
    kind: MeasureKind
    implementing_unit: str
    domain: str  # the 领域 it is applied in: a duty matter's domain
    applies_to: AppliesTo
    legal_basis: str
    range: str  # 幅度 (001 art. 25: never beyond the lawful kind and extent)
    status: MeasureStatus
    published_on: date | None
    lifting_conditions: str  # 解除条件 (002 art. 24)

    def in_force(self, today: date) -> bool:
        """Published and in force on ``today`` (003 art. 28: never before publication)."""
        published = self.published_on
        return (
            self.status is MeasureStatus.IN_FORCE and published is not None and published <= today
        )


@dataclass(frozen=True, slots=True)
class MeasureList:
    """Every measure, in configuration order."""

    measures: tuple[Measure, ...] = ()
    # 救济途径 a subject is told of when a measure is applied on a record (002
    # art. 24); an entry of a list tells its own (catalogue [[list]] remedies).
    remedies: str = ""
    # 基本公共服务: domains the integrity score may never be the ground of a measure
    # in (001 art. 28).
    basic_public_services: frozenset[str] = frozenset()
    # The closed list of domains a measure triggered by the score may be in: the
    # services where its benefits apply (001 arts. 28-29: 信易租, 信易游...).
    score_domains: frozenset[str] = frozenset()
    _by_id: Mapping[str, Measure] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {m.id: m for m in self.measures})

    def __iter__(self) -> Iterator[Measure]:
        return iter(self.measures)

    def __len__(self) -> int:
        return len(self.measures)

    def get(self, measure_id: str) -> Measure | None:
        return self._by_id.get(measure_id)

    def published(self, today: date) -> tuple[Measure, ...]:
        return tuple(m for m in self.measures if m.in_force(today))


def china_today() -> date:
    return datetime.now(_CHINA).date()


def load_measures(
    path: Path,
    problems: Problems,
    catalogue: Catalogue,
    matters: Mapping[str, DutyMatter],
    *,
    today: date | None = None,
) -> MeasureList:
    """Read `measures.toml` and check it against the catalogue and the duty matters.

    ``today`` (default: today in China) is what "published" is judged against.
    """
    today = today or china_today()
    root = Table.load(path, problems)
    root.unknown_keys({"measure", "remedies", "basic_public_services", "score_domains"})
    basic = frozenset(root.strings("basic_public_services"))
    score_domains = frozenset(root.strings("score_domains"))
    measures: dict[str, Measure] = {}
    for table in root.tables("measure"):
        measure = _measure(table)
        if measure.id in measures:
            table.problem("id", f"duplicate measure id {measure.id!r}")
        _check(table, measure, catalogue, matters, today)
        _check_score(table, measure, basic, score_domains)
        _check_score_item(table, measure, catalogue)
        measures.setdefault(measure.id, measure)
    if any(m.applies_to.score_bands for m in measures.values()):
        _check_score_domains(root, basic, score_domains)
    return MeasureList(
        tuple(measures.values()), root.opt_string("remedies") or "", basic, score_domains
    )


_KEYS = {
    "id",
    "name",
    "kind",
    "implementing_unit",
    "domain",
    "applies_to",
    "legal_basis",
    "range",
    "status",
    "published_on",
    "lifting_conditions",
}
_TRIGGER_KEYS = {
    "lists",
    "items",
    "categories",
    "behaviour_domains",
    "responsible_persons",
    "score_bands",
}


def _measure(t: Table) -> Measure:
    t.unknown_keys(_KEYS)
    return Measure(
        id=t.string("id"),
        name=t.string("name"),
        kind=t.enum("kind", MeasureKind),
        implementing_unit=t.string("implementing_unit"),
        domain=t.string("domain"),
        applies_to=_applies_to(t.table("applies_to", required=True)),
        legal_basis=t.opt_string("legal_basis") or "",
        range=t.opt_string("range") or "",
        status=t.enum("status", MeasureStatus),
        published_on=_date(t, "published_on"),
        lifting_conditions=t.opt_string("lifting_conditions") or "",
    )


def _applies_to(t: Table) -> AppliesTo:
    t.unknown_keys(_TRIGGER_KEYS)
    return AppliesTo(
        lists=_enums(t, "lists", ListKind),
        items=frozenset(t.strings("items")),
        categories=_enums(t, "categories", Category),
        behaviour_domains=frozenset(t.strings("behaviour_domains")),
        responsible_persons=t.boolean("responsible_persons"),
        score_bands=frozenset(t.strings("score_bands")),
    )


def _enums(t: Table, name: str, kind: type[E]) -> frozenset[E]:
    found: set[E] = set()
    for raw in t.strings(name):
        try:
            found.add(kind(raw))
        except ValueError:
            t.problem(name, f"{raw!r} is not one of {', '.join(m.value for m in kind)}")
    return frozenset(found)


def _date(t: Table, name: str) -> date | None:
    value = t.data.get(name)
    if value is None:
        return None
    if isinstance(value, datetime) or not isinstance(value, date):
        t.problem(name, "must be a TOML date such as 2024-06-01")
        return None
    return value


# Punishments are for serious dishonesty only (001 art. 23, 000 art. 42); a
# court's defaulter list is one (004 art. 43(3)).
SERIOUS_LISTS = frozenset({ListKind.SERIOUS_DISHONESTY, ListKind.COURT_DEFAULTER})


def _check(
    t: Table,
    m: Measure,
    catalogue: Catalogue,
    matters: Mapping[str, DutyMatter],
    today: date,
) -> None:
    _check_publication(t, m, today)
    _check_grounds(t, m)
    _check_domain(t, m, matters)
    _check_triggers(t, m, catalogue)
    _check_kind(t, m, catalogue)


def _check_publication(t: Table, m: Measure, today: date) -> None:
    # 003 art. 28, 001 art. 25: an unpublished measure may not be applied, so
    # one marked in force must have been published.
    if m.status is not MeasureStatus.IN_FORCE:
        return
    if m.published_on is None:
        t.problem("published_on", "an IN_FORCE measure needs the date it was published")
    elif m.published_on > today:
        t.problem(
            "published_on",
            f"{m.published_on} is after today ({today}): an unpublished measure cannot be "
            "in force (003 art. 28); mark it DRAFT",
        )


def _check_grounds(t: Table, m: Measure) -> None:
    if m.kind is MeasureKind.INCENTIVE:
        return
    # 001 art. 24: 法定权限; 002 art. 24: state the basis and the lifting conditions.
    if not m.legal_basis.strip():
        t.problem("legal_basis", f"a {m.kind} needs its legal basis (001 art. 24, 002 art. 24)")
    if not m.lifting_conditions.strip():
        t.problem("lifting_conditions", f"a {m.kind} must say how it is lifted (002 art. 24)")


def _check_domain(t: Table, m: Measure, matters: Mapping[str, DutyMatter]) -> None:
    if m.applies_to.score_bands:
        # Applied by the service that a person shows the score to (001 art. 29:
        # bike hire, libraries, hotels), not by a unit in a duty matter: its
        # domain is one of score_domains instead (_check_score).
        return
    domains = {matter.domain for matter in matters.values()}
    if m.domain and m.domain not in domains:
        known = ", ".join(sorted(domains))
        t.problem(
            "domain",
            f"{m.domain!r} is no duty matter's domain, so no unit can apply it "
            f"(duty_matters.toml has {known})",
        )


def _check_triggers(t: Table, m: Measure, catalogue: Catalogue) -> None:
    a = m.applies_to
    if a.empty:
        t.problem("applies_to", "triggered by nothing: give lists, items or categories")
    listed = {i.listing for i in catalogue if i.listing is not None}
    for kind in sorted(a.lists - listed):
        t.problem("applies_to.lists", f"no catalogue item records list {kind}")
    for code in sorted(a.items):
        item = catalogue.get(code)
        if item is None:
            t.problem("applies_to.items", f"{code!r} is not in the catalogue")
        elif item.responsible_for is not None:
            t.problem(
                "applies_to.items",
                f"{code} records {item.responsible_for}'s entries against responsible persons: "
                f"name {item.responsible_for} and set responsible_persons = true",
            )
    used = {i.category for i in catalogue}
    for category in sorted(a.categories - used):
        t.problem("applies_to.categories", f"no catalogue item is {category}")
    domains = {i.domain for i in catalogue if i.domain is not None}
    for unknown in sorted(a.behaviour_domains - domains):
        t.problem("applies_to.behaviour_domains", f"{unknown!r} is no catalogue item's domain")
    if a.responsible_persons and not _reaches_responsible(a, catalogue):
        t.problem(
            "applies_to.responsible_persons",
            "no catalogue item records the entries of its lists or items against responsible "
            "persons",
        )


def _reaches_responsible(a: AppliesTo, catalogue: Catalogue) -> bool:
    for item in catalogue:
        target = catalogue.get(item.responsible_for) if item.responsible_for else None
        if target is not None and (target.listing in a.lists or target.code in a.items):
            return True
    return False


def _check_kind(t: Table, m: Measure, catalogue: Catalogue) -> None:
    """An incentive is never for adverse information, a constraint never for good."""
    a = m.applies_to
    categories = set(a.categories)
    categories |= {i.category for i in catalogue if i.listing is not None and i.listing in a.lists}
    categories |= {i.category for c in a.items if (i := catalogue.get(c)) is not None}
    if m.kind is MeasureKind.INCENTIVE and Category.ADVERSE in categories:
        t.problem("applies_to", "an INCENTIVE cannot be triggered by adverse information")
    if m.kind is not MeasureKind.INCENTIVE and Category.COMMENDATORY in categories:
        t.problem("applies_to", f"a {m.kind} cannot be triggered by commendatory information")
    if m.kind is MeasureKind.PUNISHMENT:
        # 001 art. 23, 000 art. 42, 004 art. 46: punishment only on a serious-
        # dishonesty list, never merely for adverse information.
        lists: set[ListKind | None] = set(a.lists)
        lists |= {i.listing for c in a.items if (i := catalogue.get(c)) is not None}
        if a.categories or not lists or not lists <= SERIOUS_LISTS:
            allowed = " or ".join(sorted(SERIOUS_LISTS))
            t.problem(
                "applies_to",
                f"a PUNISHMENT is triggered only by entries of {allowed} "
                "(001 art. 23, 000 art. 42)",
            )


def _check_score(
    t: Table, m: Measure, basic_public_services: frozenset[str], score_domains: frozenset[str]
) -> None:
    """001 art. 28: the score grants benefits, and never in a basic public service."""
    a = m.applies_to
    if not a.score_bands:
        return
    if m.kind is not MeasureKind.INCENTIVE:
        t.problem(
            "applies_to.score_bands",
            f"a {m.kind} cannot be triggered by the integrity score: it only grants "
            "benefits (001 art. 28)",
        )
    if m.domain in basic_public_services:
        t.problem(
            "domain",
            f"{m.domain!r} is a basic public service (basic_public_services): the integrity "
            "score may not be the ground for a measure in it (001 art. 28: "
            "不得以自然人诚信积分为由，限制自然人依法享有的基本公共服务)",
        )
    elif score_domains and m.domain not in score_domains:
        # A closed list, not a match against basic_public_services: "教育" is
        # no entry of that list, yet a basic public service all the same.
        t.problem(
            "domain",
            f"{m.domain!r} is not one of score_domains ({', '.join(sorted(score_domains))}): "
            "a benefit of the integrity score is applied only in a domain declared there "
            "(001 arts. 28-29)",
        )
    if a.lists or a.items or a.categories:
        t.problem(
            "applies_to", "a measure triggered by the integrity score is triggered by nothing else"
        )
    if not m.legal_basis.strip():
        t.problem("legal_basis", "a benefit of the integrity score cites its basis (001 art. 29)")


def _check_score_item(t: Table, m: Measure, catalogue: Catalogue) -> None:
    """The score triggers a measure through ``score_bands`` only, never as a record.

    001 art. 28: 不得以自然人诚信积分为由，限制自然人依法享有的基本公共服务和法律、法规规定
    的其他权利. Through ``items`` or ``categories`` the score would trigger any kind of
    measure, in any domain, by nothing but its presence.
    """
    item = catalogue.get(SCORE_ITEM)
    if item is None:
        return
    a = m.applies_to
    use = (
        "the integrity score triggers a measure only through applies_to.score_bands, and "
        "only an INCENTIVE may use them (001 art. 28)"
    )
    if SCORE_ITEM in a.items:
        t.problem("applies_to.items", f"{SCORE_ITEM}: {use}")
    elif item.category in a.categories and (
        not a.behaviour_domains or item.domain in a.behaviour_domains
    ):
        t.problem(
            "applies_to.categories",
            f"{item.category} includes {SCORE_ITEM}: {use}; name the other items instead, "
            "or narrow behaviour_domains",
        )


def _check_score_domains(
    root: Table, basic_public_services: frozenset[str], score_domains: frozenset[str]
) -> None:
    """While a measure uses score_bands, both lists are declared and kept apart (001 art. 28)."""
    if not basic_public_services:
        root.problem(
            "basic_public_services",
            "required, and not empty, while a measure uses score_bands: the domains the "
            "integrity score may never be the ground of a measure in (001 art. 28)",
        )
    if not score_domains:
        root.problem(
            "score_domains",
            "required, and not empty, while a measure uses score_bands: the domains where "
            "the integrity score's benefits may apply (001 arts. 28-29)",
        )
    for domain in sorted(score_domains):
        # One containing the other ("教育" and "义务教育") is the same service named twice.
        clash = next((b for b in sorted(basic_public_services) if domain in b or b in domain), None)
        if clash is not None:
            root.problem(
                "score_domains",
                f"{domain!r} is, or overlaps, the basic public service {clash!r}: the integrity "
                "score may not be the ground for a measure in it (001 art. 28)",
            )
