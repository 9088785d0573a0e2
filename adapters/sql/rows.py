"""Result rows read into records through their mapping: pure functions, no I/O.

A row gives the record about its own subject and, for a list's mapping, the
persons it names as responsible (004 art. 44). On a person's file the same
entry is a record of the mapping's ``responsible_item`` (001 art. 26). A view
may join one row per responsible person, so the rows of one record merge.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Iterator, Mapping
from dataclasses import replace

from adapters.sql.config import ResponsibleColumns, TableMapping
from gateway.domain import RawRecord, ResponsibleParty, SubjectKind
from gateway.values import to_date, to_detail, to_text

Cells = Mapping[str, object]  # a row's cells by source column name


def subject_record(
    source: str, mapping: TableMapping, cells: Cells, *, details: bool = True
) -> RawRecord | None:
    """The record about the row's own subject, or None when the row lacks its keys;
    its details only with ``details`` (the cells then have no detail columns)."""

    def cell(name: str | None) -> object:
        return None if name is None else cells[name]

    code, record_id = to_text(cell(mapping.code_column)), to_text(cell(mapping.id_column))
    item = mapping.item or mapping.item_values.get(str(cell(mapping.item_column)))
    if code is None or record_id is None or item is None:
        return None
    return RawRecord(
        source=source,
        # The table and its row: stable whatever the mapping is called, since
        # the gateway's own marks on a record refer to its id.
        record_id=f"{mapping.table}:{record_id}",
        origin=mapping.name,
        subject_code=code.upper(),
        item=item,
        title=to_text(cell(mapping.title_column)) if mapping.title_column else mapping.title,
        occurred_on=to_date(cell(mapping.occurred_column)),
        decided_on=to_date(cell(mapping.decided_column)),
        ended_on=to_date(cell(mapping.ended_column)),
        withdrawn_on=to_date(cell(mapping.withdrawn_column)),
        withdrawal_reason=to_text(cell(mapping.withdrawal_reason_column)),
        subject_name=to_text(cell(mapping.name_column)),
        subject_kind=kind(mapping, cell(mapping.kind_column)) if mapping.searchable else None,
        details=(
            {key: to_detail(cells[name]) for key, name in mapping.details.items()}
            if details
            else {}
        ),
        responsible=tuple(dict.fromkeys(_named(mapping.responsible, cells))),
    )


# A person's record from one row, and where the row names them: the responsible
# group's place in the mapping, then the role's text.
Ranked = tuple[tuple[int, str], RawRecord]


def responsible_records(
    record: RawRecord, mapping: TableMapping, cells: Cells, codes: Container[str]
) -> Iterator[Ranked]:
    """``record`` (the row's own) as it stands on the file of each person of ``codes``
    the row names: one per person, with the first role it names them in, ranked."""
    if mapping.responsible_item is None:
        return
    seen: set[str] = set()
    for index, group in enumerate(mapping.linked):
        party = _party(group, cells)
        if party is None or party.code is None or party.code not in codes:
            continue
        if party.code in seen:
            continue
        seen.add(party.code)
        yield (
            (index, party.role or ""),
            replace(
                record,
                record_id=f"{record.record_id}/responsible",
                subject_code=party.code,
                item=mapping.responsible_item,
                subject_name=None,  # the organisation's name, not the person's
                subject_kind=SubjectKind.NATURAL_PERSON,
                details={
                    **record.details,
                    "organisation_code": record.subject_code,
                    "role": party.role,
                },
                responsible=(party,),
            ),
        )


def on_persons_files(ranked: Iterable[Ranked]) -> list[RawRecord]:
    """One record per person and entry, in order of first row, about the one party
    that person is: in the first role the mapping names them in, whatever order
    the rows came in.

    An entry may name a person in several rows (its other persons' table listing
    them once as actual controller and once as directly responsible); the role
    kept is then that of the earliest responsible group of the mapping and,
    within one group, the first in code-point order, so that the answer does not
    depend on the plan a database chose.
    """
    best: dict[tuple[str | None, str, str], Ranked] = {}
    for rank, record in ranked:
        key = (record.origin, record.subject_code, record.record_id)
        kept = best.get(key)
        if kept is None or rank < kept[0]:
            best[key] = (rank, record)
    return [record for _, record in best.values()]


def merged(records: Iterable[RawRecord]) -> list[RawRecord]:
    """One record per mapping, subject and id, in order of first row.

    An entry's rows (a view joining one row per person) name every party of
    them, once, in row order.
    """
    by_key: dict[tuple[str | None, str, str], RawRecord] = {}
    for record in records:
        key = (record.origin, record.subject_code, record.record_id)
        first = by_key.get(key)
        if first is None:
            by_key[key] = record
        else:
            parties = tuple(dict.fromkeys((*first.responsible, *record.responsible)))
            by_key[key] = replace(first, responsible=parties)
    return list(by_key.values())


def kind(mapping: TableMapping, raw: object) -> SubjectKind | None:
    """The kind the mapping says a row's subject is; None when it does not say, so a
    record claims no kind it does not know (gateway.records drops by kind)."""
    if mapping.kind_column is not None:
        return mapping.kind_values.get(str(raw), mapping.kind)
    return mapping.kind


def _named(groups: Iterable[ResponsibleColumns], cells: Cells) -> Iterator[ResponsibleParty]:
    for group in groups:
        party = _party(group, cells)
        if party is not None:
            yield party


def _party(group: ResponsibleColumns, cells: Cells) -> ResponsibleParty | None:
    """The person ``group`` names in the row; None when it names nobody or no role."""
    name = to_text(cells[group.name_column]) if group.name_column else None
    code = to_text(cells[group.code_column]) if group.code_column else None
    role = group.role or to_text(cells[group.role_column or ""])
    if role is None or (name is None and code is None):
        return None
    return ResponsibleParty(role, name, None if code is None else code.upper())
