"""Which measures of the measure list apply to a subject, in one duty matter's domain.

Pure: no I/O, no clock; ``today`` is passed in. The rules, each from the
regulations:

- Only measures published and in force on ``today`` apply; a draft, a repealed
  measure or one published later never does (003 art. 28, 001 art. 25).
- Only measures of the matter's domain (001 art. 24: measures are tied to the
  field they are applied in).
- Only records in force trigger: an expired, repaired, shielded or withdrawn
  record never does (003 arts. 35, 43-44, 001 art. 35), whatever its category.
- A list entry triggers only while the subject is on the list: an entry
  removed on or before ``today`` never does, however the measure names it.
- ``lists`` match records of items that record those lists (``listing``);
  ``items`` match records of those items; ``categories`` match any record of
  those categories, list entries included (an entry is adverse or good
  information too, 001 art. 23: punishment comes on top of constraints).
- ``behaviour_domains``, when given, require the triggering behaviour's domain
  to be one of them (001 art. 24, 004 art. 46: linked to the behaviour).
- An organisation's entry recorded on a responsible person's file
  (``responsible_for``) triggers only measures with ``responsible_persons``
  whose lists or items name that entry's own item, and nothing else: measures
  reach only the actor, except that serious dishonesty is recorded against and
  punished through the persons responsible (001 art. 26, 003 art. 36).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from gateway.config.catalogue import Catalogue, CatalogueItem
from gateway.config.measures import AppliesTo, Measure, MeasureList
from gateway.domain import RecordStatus
from gateway.records import CreditRecord
from gateway.visibility import Disclosed


@dataclass(frozen=True, slots=True)
class Applicable:
    """One measure that applies to the subject, and the record that triggers it."""

    measure: Measure
    trigger: Disclosed  # the record or list entry that triggers it
    # Triggered through an organisation's entry recorded against the subject
    # as a responsible person (001 art. 26, 003 art. 36).
    responsible: bool
    # The first day it no longer applies as things stand: the entry's removal
    # date if set, else the day after the record's disclosure ends; None: until
    # the entry is removed or the measure lifted.
    ends_on: date | None


def applicable_measures(
    measures: MeasureList,
    catalogue: Catalogue,
    domain: str,
    disclosed: Iterable[Disclosed],
    today: date,
) -> list[Applicable]:
    """The measures of ``domain`` that ``disclosed`` (one subject's records) trigger on ``today``.

    In configuration order of the measures, then in the order of ``disclosed``
    (newest first, as :func:`gateway.visibility.view_subject` gives them); one
    per measure and triggering record.
    """
    triggers = [d for d in disclosed if _in_force(d, today)]
    found: list[Applicable] = []
    for measure in measures.published(today):
        if measure.domain != domain:
            continue
        seen: set[str] = set()
        for d in triggers:
            responsible = _triggers(measure.applies_to, d.record, catalogue)
            if responsible is None or d.record.id in seen:
                continue
            seen.add(d.record.id)
            found.append(Applicable(measure, d, responsible, _ends_on(d.record, today)))
    return found


def _in_force(d: Disclosed, today: date) -> bool:
    if d.decision.status is not RecordStatus.ACTIVE:
        return False
    record = d.record
    if _entry_of(record.item) is None:
        return True
    # A list entry counts until the day it is removed (as gateway.record_state.lists).
    return record.ended_on is None or record.ended_on > today


def _entry_of(item: CatalogueItem) -> str | None:
    """The code of the listing item whose entry a record of ``item`` is, if it is one."""
    if item.listing is not None:
        return item.code
    return item.responsible_for


def _triggers(a: AppliesTo, record: CreditRecord, catalogue: Catalogue) -> bool | None:
    """Whether ``record`` triggers: None if not, else whether as a responsible person's."""
    item = record.item
    if item.responsible_for is not None:
        entry = catalogue.get(item.responsible_for)
        hit = a.responsible_persons and entry is not None and _named(a, entry)
        return True if hit and entry is not None and _in_domains(a, entry) else None
    hit = _named(a, item) or item.category in a.categories
    return False if hit and _in_domains(a, item) else None


def _named(a: AppliesTo, item: CatalogueItem) -> bool:
    return item.code in a.items or (item.listing is not None and item.listing in a.lists)


def _in_domains(a: AppliesTo, item: CatalogueItem) -> bool:
    # The behaviour's domain: for a responsible person's record, the
    # organisation's entry's (the item it records).
    return not a.behaviour_domains or item.domain in a.behaviour_domains


def _ends_on(record: CreditRecord, today: date) -> date | None:
    if _entry_of(record.item) is not None and record.ended_on is not None:
        return record.ended_on
    until = record.disclosure_until
    if until is None or until < today:
        # Disclosed past its period while the subject stays on the serious-
        # dishonesty list (003 art. 35): until it leaves the list.
        return None
    return until + timedelta(days=1)
