"""The subject's rights as workflows: each step's deadline, as configuration.

Every regulation gives the steps of an objection (001 art. 34, 003 art. 42,
004 art. 52, 000 art. 46), a shielding (001 art. 35), a withdrawal (003
art. 43) and a provider's own correction (004 art. 53) their own deadlines, in
working days (:mod:`gateway.working_days` counts them), or none at all. So
`config/rights.toml` holds one profile per regulation, each step with its
article, and ``active`` names the one the gateway applies. A step the
regulation sets no deadline for is None: the gateway must not invent one.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from gateway.config.reader import Problems, Table

if TYPE_CHECKING:
    from _typeshed import DataclassInstance


@dataclass(frozen=True, slots=True)
class Step:
    """A step due within ``days`` working days of its starting event (0: that day)."""

    days: int
    article: str


@dataclass(frozen=True, slots=True)
class Objection:
    """An objection (异议); each step counted from the event `rights.toml` names."""

    annotate: Step | None = None
    decide: Step | None = None
    decide_assisted: Step | None = None  # another unit helps verify (004 art. 52)
    forward: Step | None = None
    provider_decide: Step | None = None
    verify_other: Step | None = None
    tell: Step | None = None


@dataclass(frozen=True, slots=True)
class Repair:
    decide: Step | None = None


@dataclass(frozen=True, slots=True)
class Shield:
    decide: Step | None = None


@dataclass(frozen=True, slots=True)
class Withdrawal:
    apply: Step | None = None


@dataclass(frozen=True, slots=True)
class Correction:
    apply: Step | None = None


@dataclass(frozen=True, slots=True)
class RightsProfile:
    """The deadlines one regulation sets."""

    id: str
    name: str
    objection: Objection = field(default_factory=Objection)
    repair: Repair = field(default_factory=Repair)
    shield: Shield = field(default_factory=Shield)
    withdrawal: Withdrawal = field(default_factory=Withdrawal)
    correction: Correction = field(default_factory=Correction)


# Without `rights.toml` no step has a deadline.
NO_DEADLINES = RightsProfile("", "no deadlines configured")


@dataclass(frozen=True, slots=True)
class RightsProfiles:
    """Every profile in the file, and the one the gateway applies."""

    active: RightsProfile = NO_DEADLINES
    profiles: tuple[RightsProfile, ...] = ()

    def get(self, profile_id: str) -> RightsProfile | None:
        return next((p for p in self.profiles if p.id == profile_id), None)


def load_rights(path: Path, problems: Problems) -> RightsProfiles:
    """Read `rights.toml`; a missing file means no deadlines (:data:`NO_DEADLINES`)."""
    if not path.exists():
        return RightsProfiles()
    root = Table.load(path, problems)
    root.unknown_keys({"active", "profile"})
    active_id = root.string("active")
    profiles: list[RightsProfile] = []
    for table in root.tables("profile"):
        profile = _profile(table)
        if any(p.id == profile.id for p in profiles):
            table.problem("id", f"duplicate profile id {profile.id!r}")
        profiles.append(profile)
    result = RightsProfiles(NO_DEADLINES, tuple(profiles))
    active = result.get(active_id)
    if active is None:
        known = ", ".join(p.id for p in profiles) or "none"
        root.problem("active", f"no profile has id {active_id!r} (profiles: {known})")
        return result
    return RightsProfiles(active, tuple(profiles))


_RIGHTS: dict[str, type[DataclassInstance]] = {
    "objection": Objection,
    "repair": Repair,
    "shield": Shield,
    "withdrawal": Withdrawal,
    "correction": Correction,
}


def _profile(t: Table) -> RightsProfile:
    t.unknown_keys({"id", "name", *_RIGHTS})
    rights: dict[str, Any] = {name: _right(t.table(name), kind) for name, kind in _RIGHTS.items()}
    return RightsProfile(id=t.string("id"), name=t.string("name"), **rights)


R = TypeVar("R", bound="DataclassInstance")


def _right(t: Table, kind: type[R]) -> R:
    names = [f.name for f in fields(kind)]
    t.unknown_keys(set(names))
    return kind(**{name: _step(t, name) for name in names if t.has(name)})


def _step(parent: Table, name: str) -> Step | None:
    t = parent.table(name)
    t.unknown_keys({"days", "article"})
    days = t.integer("days", required=True)
    article = t.string("article").strip()
    if days < 0:
        t.problem("days", f"must be >= 0 working days, got {days}")
    if not article and t.has("article"):
        t.problem("article", "must name the article the deadline comes from")
    return Step(days, article)
