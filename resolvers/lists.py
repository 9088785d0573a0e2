"""List entries (名单): a subject's own, those recorded against it as a responsible
person, those the gateway works out by rule, and a list's pages across subjects.

An entry is a disclosed record (or a derived one) seen as a list entry: every
entry object in a response discloses its record, through the same mechanism
as any record (:mod:`resolvers.disclosure`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import Info

from gateway.codes import InvalidCode, SubjectCode, parse_code
from gateway.config.catalogue import Catalogue, CatalogueItem
from gateway.config.loader import GatewayConfig
from gateway.domain import DetailValue, ListKind, ResponsibleParty
from gateway.policy import SubjectState
from gateway.records import CreditRecord
from gateway.visibility import Disclosed, SubjectView, may_see_registration
from resolvers.context import Context
from resolvers.disclosure import Disclosing
from resolvers.enums import EntryOrigin, ListEntryStatus
from resolvers.pagination import PageInfo, check_first, open_cursor, seal_cursor
from resolvers.records import CreditRecordType, record_type

if TYPE_CHECKING:
    from resolvers.subjects import Subject

# Subjects hold entries and entries name subjects: the type is resolved lazily.
LazySubject = Annotated["Subject", strawberry.lazy("resolvers.subjects")]


@strawberry.type(description="The configured rule behind an entry the gateway worked out.")
class ListRuleRef:
    id: str = strawberry.field(description="The rule's id in config/list_rules.toml.")
    article: str = strawberry.field(description="The article it implements, e.g. 001 art. 19(1).")


@strawberry.type(
    name="ResponsiblePerson",
    description="A person an organisation's entry names as responsible (004 art. 44, "
    "001 art. 26): legal representative, principal, actual controller or other.",
)
class ResponsiblePersonType:
    party: strawberry.Private[ResponsibleParty]
    role: str = strawberry.field(description="责任人类型, e.g. 法定代表人.")
    name: str | None = strawberry.field(description="The name, as the list publishes it.")

    @strawberry.field(
        description="The person's own file; null unless you may see the person's "
        "registration (the ID number is never part of the entry itself)."
    )
    async def subject(self, info: Info[Context, None]) -> LazySubject | None:
        return await _found_subject(info.context, self.party.code, "responsiblePersons")


@strawberry.type(
    name="ListEntry",
    description="名单条目: a subject on a list, with the decision's reason, basis, removal "
    "conditions and remedies (001 art. 23, 003 art. 33, 004 art. 44).",
)
class ListEntryType(Disclosing):
    entry: strawberry.Private[Disclosed]
    # The file the entry was found on.
    view: strawberry.Private[SubjectView]
    id: strawberry.ID = strawberry.field(description="The underlying record's id.")
    list_kind: ListKind = strawberry.field(name="list", description="The list.")
    list_name: str = strawberry.field(description="The list's name, e.g. 严重失信主体名单.")
    sector: str | None = strawberry.field(description="行业领域 of the entry.")
    origin: EntryOrigin = strawberry.field(description="Decided by a unit, or worked out by rule.")
    rule: ListRuleRef | None = strawberry.field(description="The rule, for RULE entries.")
    role: str | None = strawberry.field(
        description="When this is an organisation's entry recorded on a person's file "
        "(001 art. 26, 003 art. 36): the person's role, e.g. 法定代表人; else null."
    )
    reason: str | None = strawberry.field(description="事由: why the subject was listed.")
    basis: str | None = strawberry.field(description="依据: the legal basis of the decision.")
    decision_number: str | None = strawberry.field(description="决定文书号 or case number.")
    deciding_unit: str | None = strawberry.field(description="The unit that decided it.")
    decided_on: date | None = strawberry.field(description="列入日期: when it was decided.")
    published_until: date | None = strawberry.field(
        description="Last day of its disclosure period, where it has one (003 art. 35); for a "
        "RULE entry, the last day the rule holds as things stand."
    )
    removal_conditions: str | None = strawberry.field(description="移出条件.")
    removal_procedure: str | None = strawberry.field(description="移出程序.")
    remedies: str | None = strawberry.field(description="救济措施: objection, review, litigation.")
    status: ListEntryStatus = strawberry.field(description="Listed, or removed.")
    removed_on: date | None = strawberry.field(description="移出日期, when removed.")
    removal_reason: str | None = strawberry.field(description="移出原因, when removed.")
    under_objection: bool = strawberry.field(description="An objection to it is pending.")
    provider_unit: str = strawberry.field(description="The unit responsible for the list.")
    responsible_persons: list[ResponsiblePersonType] = strawberry.field(
        description="The persons the entry names as responsible (organisations' entries)."
    )

    @strawberry.field(
        description="The listed subject; for an entry on a person's file as a responsible "
        "person, the organisation (null unless you may see its registration)."
    )
    async def subject(self, info: Info[Context, None]) -> LazySubject | None:
        from resolvers.subjects import subject_type  # the module that imports this one

        record = self.entry.record
        if record.item.responsible_for is None:
            # The caller did not name it (a list page): it shows its registration.
            return subject_type(self.view, asked=False)
        code = _text(record, record.item.entry_detail("organisation_code"))
        return await _found_subject(info.context, code, "subject")

    @strawberry.field(description="The entry as a credit record, with all its details.")
    def record(self) -> CreditRecordType:
        return record_type(self.entry)

    @strawberry.field(
        description="For a RULE entry, the records it rests on that you may see, newest first."
    )
    def basis_records(self) -> list[CreditRecordType]:
        wanted = set(self.entry.record.basis_records)
        return [record_type(d) for d in self.view.records if d.record.id in wanted]

    @classmethod
    def shows(cls, fields: frozenset[str]) -> bool:
        return True  # being in the answer says the entry exists

    def disclosed(self, shown: bool) -> Iterable[Disclosed]:
        return (self.entry,)


def entry_type(
    disclosed: Disclosed, view: SubjectView, config: GatewayConfig, today: date
) -> ListEntryType:
    record = disclosed.record
    item = record.item
    catalogue = config.catalogue
    listed_item = _listed_item(item, catalogue)
    kind = listed_item.listing
    assert kind is not None  # SubjectView.entries keeps listing items only
    definition = catalogue.lists.get(kind)
    rule = config.list_rules.get(record.rule) if record.rule else None
    removed = (
        record.withdrawn
        or record.repaired
        or (record.ended_on is not None and record.ended_on <= today)
    )

    def part(name: str) -> str | None:
        return _text(record, item.entry_detail(name))

    return ListEntryType(
        entry=disclosed,
        view=view,
        id=strawberry.ID(record.id),
        list_kind=kind,
        list_name=definition.name if definition else listed_item.name,
        sector=part("sector") or item.domain,
        origin=EntryOrigin.RULE if record.rule else EntryOrigin.DECIDED,
        rule=ListRuleRef(id=rule.id, article=rule.article) if rule else None,
        role=part("role") if item.responsible_for else None,
        reason=part("reason"),
        basis=part("basis") or (rule.article if rule else None),
        decision_number=part("decision_number"),
        deciding_unit=part("deciding_unit"),
        decided_on=record.decided_on or record.occurred_on,
        published_until=record.disclosure_until,
        removal_conditions=part("removal_conditions"),
        removal_procedure=part("removal_procedure")
        or (definition.removal_procedure if definition else None),
        remedies=part("remedies") or (definition.remedies if definition else None),
        status=ListEntryStatus.REMOVED if removed else ListEntryStatus.LISTED,
        removed_on=record.ended_on if removed else None,
        removal_reason=(part("removal_reason") or _removal_reason(record)) if removed else None,
        under_objection=record.under_objection,
        provider_unit=item.provider_unit,
        responsible_persons=[
            ResponsiblePersonType(party=p, role=p.role, name=p.name)
            for p in record.responsible
            # 004 art. 44: the list names the legal representative or principal;
            # the others are on their own files only (001 art. 26).
            if definition is None or p.role in definition.public_roles
        ],
    )


def subject_entries(
    view: SubjectView, kinds: frozenset[ListKind] | None, config: GatewayConfig, today: date
) -> list[ListEntryType]:
    entries = [entry_type(d, view, config, today) for d in view.entries()]
    return [e for e in entries if kinds is None or e.list_kind in kinds]


@strawberry.type(description="One entry of a list page.")
class ListEntryEdge(Disclosing):
    cursor: str = strawberry.field(description="Opaque cursor of this entry.")
    node: ListEntryType = strawberry.field(description="The entry.")

    @classmethod
    def shows(cls, fields: frozenset[str]) -> bool:
        # An edge says an entry is there; the node says for itself what it shows.
        return bool(fields - {"node"})

    def disclosed(self, shown: bool) -> Iterable[Disclosed]:
        return (self.node.entry,)


@strawberry.type(
    description="One page of a list, in subject-code order, over the entries you may see."
)
class ListEntryConnection:
    edges: list[ListEntryEdge] = strawberry.field(description="This page's entries.")
    page_info: PageInfo = strawberry.field(description="Paging information.")


async def resolve_list_entries(
    info: Info[Context, None],
    kind: ListKind,
    sector: str | None,
    first: int,
    after: str | None,
) -> ListEntryConnection:
    """A page of ``kind`` across subjects, over what this viewer may see.

    Sources are asked for entries in (code, record) order; each candidate's
    subject is then loaded through the normal path (the gateway's marks, the
    policy), so an entry withheld from the viewer is skipped and counts
    nowhere. Cursors are sealed: a page may stop after withheld entries
    without telling what they were. The subjects loaded count against the
    request's batch limit; when it runs out the page ends early with
    ``hasNextPage``.
    """
    context = info.context
    check_first(first, context.limits.max_page)
    config = context.services.config
    catalogue = config.catalogue
    secret = config.consent.secret
    items = frozenset(i.code for i in catalogue if i.listing is kind and i.responsible_for is None)
    position: tuple[str, str] | None = None
    if after is not None:
        code, record_id = open_cursor(secret, after, 2)
        position = (code, record_id)
    if context.codes_left == 0:
        context.count_codes(1, "first")  # the batch limit is spent: say so
    found: list[tuple[Disclosed, SubjectView, tuple[str, str]]] = []
    exhausted = False
    # Bounded work per page: entries the viewer may not see cost scanning too.
    budget = SCAN_PER_ENTRY * (first + 1)
    while len(found) <= first and budget > 0 and context.codes_left > 0:
        limit = min(2 * (first + 1), context.limits.max_batch, budget)
        start = position
        outcome = await context.services.sources.entries(
            items, limit, position, deadline=context.deadline
        )
        context.note_failures(outcome.failures)
        budget -= limit
        fresh = [c for c in outcome.records if position is None or _key(c) > position]
        wanted = [c for c in fresh if sector is None or _sector(c) == sector]
        candidates = _within_budget(wanted, context.codes_left)
        views = await _views(context, candidates) if candidates else {}
        for candidate in candidates:
            position = _key(candidate)
            view = views.get(candidate.subject_code)
            disclosed = _disclosed(view, candidate.id) if view else None
            if disclosed is None or view is None:
                continue
            found.append((disclosed, view, position))
            if len(found) > first:
                break
        if len(found) > first or len(candidates) < len(wanted):
            break  # a full page, or the batch limit reached mid-answer
        following = outcome.next_after
        if following is None or (start is not None and following <= start):
            # The end, unless a source failed: then there may be more of it.
            exhausted = not outcome.failures
            break
        position = following
    page = found[:first]
    edges = [
        ListEntryEdge(
            cursor=seal_cursor(secret, *at),
            node=entry_type(d, view, config, context.today),
        )
        for d, view, at in page
    ]
    has_next = len(found) > first or not exhausted
    end = page[-1][2] if len(found) > first else position
    return ListEntryConnection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=has_next,
            has_previous_page=False,
            start_cursor=edges[0].cursor if edges else None,
            # Where the scan stopped, sealed: it may lie past entries withheld from you.
            end_cursor=seal_cursor(secret, *end)
            if has_next and end
            else (edges[-1].cursor if edges else None),
        ),
    )


# How many entries a page may read per entry it shows, before it stops with
# hasNextPage and a sealed cursor (where most entries are withheld from a viewer).
SCAN_PER_ENTRY = 10


def _key(record: CreditRecord) -> tuple[str, str]:
    return (record.subject_code, record.id)


def _within_budget(records: list[CreditRecord], budget: int) -> list[CreditRecord]:
    """The longest prefix of ``records`` whose distinct subjects fit in ``budget``."""
    codes: set[str] = set()
    kept = []
    for record in records:
        if record.subject_code not in codes:
            if len(codes) == budget:
                break
            codes.add(record.subject_code)
        kept.append(record)
    return kept


async def _views(context: Context, candidates: list[CreditRecord]) -> dict[str, SubjectView]:
    """The candidates' subjects, loaded together (one call per source), where the
    viewer could see the entry's item at all."""
    codes: dict[str, SubjectCode] = {}
    for candidate in candidates:
        code = _parsed(candidate.subject_code)
        if code is None or code.value in codes:
            continue
        state = SubjectState(code.value, code.default_kind)
        if context.access.item(state, candidate.item).allowed:
            codes[code.value] = code
    context.count_codes(len([c for c in codes if not context.loaded(c)]), "first")
    views = await asyncio.gather(*(context.view(code) for code in codes.values()))
    return dict(zip(codes, views, strict=True))


def _disclosed(view: SubjectView, record_id: str) -> Disclosed | None:
    return next((d for d in view.records if d.record.id == record_id), None)


def _sector(record: CreditRecord) -> str | None:
    return _text(record, record.item.entry_detail("sector")) or record.item.domain


async def _found_subject(context: Context, raw: str | None, argument: str) -> Subject | None:
    """A subject the gateway names (not the caller): shown only when its
    registration is visible to the viewer, as in a name search."""
    from resolvers.subjects import subject_type  # the module that imports this one

    code = _parsed(raw)
    if code is None:
        return None
    catalogue = context.services.config.catalogue
    if not may_see_registration(context.access, catalogue, code.value, code.default_kind):
        return None  # not worth loading: its registration is closed to this viewer
    if not context.loaded(code.value):
        context.count_codes(1, argument)
    view = await context.view(code)
    if view.registration is None:
        return None
    return subject_type(view, asked=False)


def _parsed(raw: str | None) -> SubjectCode | None:
    if raw is None:
        return None
    try:
        return parse_code(raw)
    except InvalidCode:
        return None


def _listed_item(item: CatalogueItem, catalogue: Catalogue) -> CatalogueItem:
    if item.responsible_for is not None:
        return catalogue.items[item.responsible_for]
    return item


def _removal_reason(record: CreditRecord) -> str | None:
    if record.withdrawn:
        return "列入决定被撤销或更正（003 art. 43）"
    if record.repaired:
        return "信用修复完成（003 art. 44，004 art. 56）"
    return None


def _text(record: CreditRecord, key: str) -> str | None:
    value: DetailValue = next((d.value for d in record.details if d.key == key), None)
    return None if value is None else str(value)
