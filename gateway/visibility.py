"""Apply the policy once per subject (DESIGN.md section 6: decide policy once per list).

Everything a resolver returns about a subject comes from a :class:`SubjectView`,
so what is withheld can leak through no field: counts, summaries and cursors
are computed over ``records``, which holds only what the viewer may see.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from gateway.codes import SubjectCode
from gateway.config.catalogue import Catalogue, CatalogueItem
from gateway.domain import Provenance, SubjectKind
from gateway.policy import Decision, SubjectState, decide
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

    code: str
    kind: SubjectKind
    records: tuple[Disclosed, ...]
    registration: Disclosed | None

    @property
    def visible(self) -> bool:
        """Whether the viewer may see anything at all about this subject."""
        return bool(self.records)


def view_subject(
    viewer: Viewer, code: SubjectCode, records: Iterable[CreditRecord], today: date
) -> SubjectView:
    """Decide every record of one subject for ``viewer`` and keep what may be seen."""
    records = list(records)
    state = SubjectState(code.value, _kind(code, records))
    disclosed = []
    for record in sorted(records, key=_newest_first):
        decision = decide(viewer, state, record, today)
        if decision.allowed:
            disclosed.append(Disclosed(record, decision))
    registration = next((d for d in disclosed if d.record.item.registration), None)
    return SubjectView(code.value, state.kind, tuple(disclosed), registration)


def _kind(code: SubjectCode, records: list[CreditRecord]) -> SubjectKind:
    if code.is_person:
        return SubjectKind.NATURAL_PERSON
    registered = (r.subject_kind for r in records if r.item.registration and r.subject_kind)
    kind = next(registered, code.default_kind)
    # A registration row cannot turn an organisation's code into a person.
    return code.default_kind if kind is SubjectKind.NATURAL_PERSON else kind


def _newest_first(record: CreditRecord) -> tuple[int, str]:
    day = record.decided_on or record.occurred_on or date.min
    return (-day.toordinal(), record.id)


def searchable_kinds(viewer: Viewer, catalogue: Catalogue, today: date) -> frozenset[SubjectKind]:
    """Subject kinds whose registration this viewer may see of any subject.

    Name search covers only these, so a search can never reveal that a
    person exists to someone who may not see that person's registration.
    """
    kinds: set[SubjectKind] = set()
    for item in catalogue:
        if not item.registration:
            continue
        for kind in item.subject_kinds:
            probe = _probe_record(item)
            if decide(viewer, SubjectState("", kind), probe, today).allowed:
                kinds.add(kind)
    return frozenset(kinds)


def _probe_record(item: CatalogueItem) -> CreditRecord:
    return CreditRecord(
        id="probe",
        subject_code="",
        item=item,
        provenance=Provenance.PUBLIC_CREDIT,
        source="",
        title="",
        occurred_on=None,
        decided_on=None,
        ended_on=None,
        disclosure_until=None,
        details=(),
    )


def item_decision(viewer: Viewer, view: SubjectView, item: CatalogueItem, today: date) -> Decision:
    """Whether ``viewer`` may see ``item`` of this subject at all, whatever records exist.

    It depends on the item's openness and the viewer's grants only, never on
    the data, so a denial reveals nothing about the subject's records.
    """
    return decide(viewer, SubjectState(view.code, view.kind), _probe_record(item), today)
