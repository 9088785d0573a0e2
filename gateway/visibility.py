"""Apply the policy once per subject (DESIGN.md section 6: decide policy once per list).

Everything a resolver returns about a subject comes from a :class:`SubjectView`,
so what is withheld can leak through no field: counts, summaries and cursors
are computed over ``records``, which holds only what the viewer may see.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from gateway.config.catalogue import Catalogue, CatalogueItem
from gateway.domain import SubjectKind
from gateway.policy import Decision, SubjectState, decide, item_access
from gateway.records import CreditRecord
from gateway.viewer import Viewer


@dataclass(frozen=True, slots=True)
class Disclosed:
    """A record the viewer may see, with the decision that let it through."""

    record: CreditRecord
    decision: Decision


@dataclass(frozen=True, slots=True)
class SubjectView:
    """One subject as one viewer may see it."""

    state: SubjectState
    records: tuple[Disclosed, ...]
    registration: Disclosed | None
    # List entries the gateway worked out itself (gateway.list_rules): not
    # records any unit reported, so not among ``records``, counts or summaries.
    derived: tuple[Disclosed, ...] = ()

    @property
    def code(self) -> str:
        return self.state.code

    @property
    def kind(self) -> SubjectKind:
        return self.state.kind

    @property
    def visible(self) -> bool:
        """Whether the viewer may see anything at all about this subject."""
        return bool(self.records or self.derived)

    def entries(self) -> list[Disclosed]:
        """The list entries on this subject's file: its own, derived, and as responsible person."""
        found = [d for d in self.records if d.record.item.listing or d.record.item.responsible_for]
        return sorted((*found, *self.derived), key=lambda d: _newest_first(d.record))


class AccessPlan:
    """What one viewer may open of each (subject, item), worked out once per request."""

    def __init__(self, viewer: Viewer, now: datetime) -> None:
        self.viewer = viewer
        self.now = now
        self._decided: dict[tuple[str, SubjectKind, str], Decision] = {}

    def item(self, subject: SubjectState, item: CatalogueItem) -> Decision:
        key = (subject.code, subject.kind, item.code)
        decision = self._decided.get(key)
        if decision is None:
            decision = self._decided[key] = item_access(self.viewer, subject, item, self.now)
        return decision

    def record(self, subject: SubjectState, record: CreditRecord) -> Decision:
        access = self.item(subject, record.item)
        return decide(self.viewer, subject, record, self.now, access)


def view_subject(
    access: AccessPlan,
    state: SubjectState,
    records: Iterable[CreditRecord],
    derived: Iterable[CreditRecord] = (),
) -> SubjectView:
    """Decide every record of one subject and keep what may be seen."""
    disclosed = _decided(access, state, records)
    registration = next((d for d in disclosed if d.record.item.registration), None)
    return SubjectView(state, disclosed, registration, _decided(access, state, derived))


def _decided(
    access: AccessPlan, state: SubjectState, records: Iterable[CreditRecord]
) -> tuple[Disclosed, ...]:
    disclosed = []
    for record in sorted(records, key=_newest_first):
        decision = access.record(state, record)
        if decision.allowed:
            disclosed.append(Disclosed(record, decision))
    return tuple(disclosed)


def _newest_first(record: CreditRecord) -> tuple[int, str]:
    day = record.decided_on or record.occurred_on or date.min
    return (-day.toordinal(), record.id)


def searchable_kinds(access: AccessPlan, catalogue: Catalogue) -> frozenset[SubjectKind]:
    """Subject kinds whose registration this viewer may see of any subject.

    Name search covers only these, so a search can never reveal that a
    person exists to someone who may not see that person's registration.
    """
    return frozenset(
        kind
        for item in catalogue
        if item.registration
        for kind in item.subject_kinds
        if access.item(SubjectState("", kind), item).allowed
    )


def may_see_registration(
    access: AccessPlan, catalogue: Catalogue, code: str, kind: SubjectKind
) -> bool:
    """Whether this viewer may open a registration item of the subject ``code``
    (of ``kind``, or any organisation's kind), before anything is loaded."""
    kinds = {kind} if kind is SubjectKind.NATURAL_PERSON else _ORGANISATIONS
    return any(
        access.item(SubjectState(code, k), item).allowed
        for item in catalogue
        if item.registration
        for k in kinds & item.subject_kinds
    )


_ORGANISATIONS = frozenset({SubjectKind.LEGAL_PERSON, SubjectKind.UNINCORPORATED_ORG})
