"""The Subject type and the root fields that look subjects up by code."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from datetime import date
from typing import Annotated

import strawberry
from graphql import GraphQLError
from strawberry import Info

from gateway.codes import InvalidCode, SubjectCode, parse_code
from gateway.domain import Category, DetailValue, ListKind, SubjectKind
from gateway.errors import bad_input
from gateway.visibility import Disclosed, SubjectView
from resolvers.context import Context
from resolvers.disclosure import Disclosing, selected_fields
from resolvers.lists import ListEntryType, subject_entries
from resolvers.measures import ApplicableMeasureType, resolve_applicable
from resolvers.pagination import PageInfo, check_first, decode_cursor, encode_cursor
from resolvers.records import CreditRecordType, record_type
from resolvers.score import IntegrityScoreType, resolve_score, score_disclosed


@strawberry.type(description="登记注册基础信息 as far as you may see it; null fields are unknown.")
class BasicInfo:
    legal_representative: str | None = strawberry.field(description="法定代表人 or 负责人.")
    established_on: date | None = strawberry.field(description="成立日期.")
    registered_capital: float | None = strawberry.field(description="注册资本, 万元.")
    address: str | None = strawberry.field(description="住所 (registered address).")
    business_scope: str | None = strawberry.field(description="经营范围.")
    business_status: str | None = strawberry.field(description="登记状态, e.g. 存续.")
    registration_authority: str | None = strawberry.field(description="登记机关.")
    org_type: str | None = strawberry.field(description="主体类型, e.g. 有限责任公司.")


@strawberry.type(description="One page of a subject's records.")
class CreditRecordEdge(Disclosing):
    record: strawberry.Private[Disclosed]
    cursor: str = strawberry.field(description="Opaque cursor of this record.")
    node: CreditRecordType = strawberry.field(description="The record.")

    @classmethod
    def shows(cls, fields: frozenset[str]) -> bool:
        # The cursor names the record; the node says for itself what it shows.
        return bool(fields - {"node"})

    def disclosed(self, shown: bool) -> Iterable[Disclosed]:
        return (self.record,)


@strawberry.type(description="A subject's records you may see, newest decision first.")
class CreditRecordConnection(Disclosing):
    matching: strawberry.Private[tuple[Disclosed, ...]]
    # The record an `after` cursor named: accepting it tells that it exists.
    anchor: strawberry.Private[Disclosed | None]
    total_count: int = strawberry.field(
        description="How many records match, counting only what you may see."
    )
    edges: list[CreditRecordEdge] = strawberry.field(description="This page's records.")
    page_info: PageInfo = strawberry.field(description="Paging information.")

    @classmethod
    def shows(cls, fields: frozenset[str]) -> frozenset[str]:
        return fields

    def disclosed(self, fields: frozenset[str]) -> Iterable[Disclosed]:
        anchor = () if self.anchor is None else (self.anchor,)
        # Each edge shows its own record; counts and paging tell of every match.
        if fields - {"edges", "__typename"}:
            return (*self.matching, *anchor)
        return anchor


@strawberry.type(description="信用信息概要: how many records of one category you may see.")
class CategoryCount:
    category: Category = strawberry.field(description="The category.")
    count: int = strawberry.field(description="Visible records of that category.")


@strawberry.type(
    description="信用主体: a natural person, legal person or unincorporated organisation, "
    "keyed by its unified social credit code or citizen ID number (002 arts. 19-20)."
)
class Subject(Disclosing):
    view: strawberry.Private[SubjectView]
    # Whether the caller named this subject's code itself (a lookup), rather than
    # learning it from the gateway (a name search).
    asked: strawberry.Private[bool]
    code: str = strawberry.field(description="统一社会信用代码 or 公民身份号码 (normalised).")
    kind: SubjectKind = strawberry.field(description="Natural person, legal person or other.")
    # The person's integrity score, when the viewer may see it (resolvers.score).
    score: strawberry.Private[Disclosed | None] = None

    @strawberry.field(
        description="Registered name; null when its registration is not visible to you."
    )
    def name(self, info: Info[Context, None]) -> str | None:
        registration = self.view.registration
        return None if registration is None else registration.record.subject_name

    @strawberry.field(description="Registration basics; null when not visible to you.")
    def basic_info(self, info: Info[Context, None]) -> BasicInfo | None:
        registration = self.view.registration
        if registration is None:
            return None
        values = {d.key: d.value for d in registration.record.details}
        return BasicInfo(
            legal_representative=_text(values, "legal_representative"),
            established_on=_date(values, "established_on"),
            registered_capital=_number(values, "registered_capital"),
            address=_text(values, "address"),
            business_scope=_text(values, "business_scope"),
            business_status=_text(values, "business_status"),
            registration_authority=_text(values, "registration_authority"),
            org_type=_text(values, "org_type"),
        )

    @strawberry.field(description="Records you may see, newest first, optionally filtered.")
    def records(
        self,
        info: Info[Context, None],
        categories: Annotated[
            list[Category] | None, strawberry.argument(description="Only these categories.")
        ] = None,
        items: Annotated[
            list[str] | None, strawberry.argument(description="Only these catalogue item codes.")
        ] = None,
        first: Annotated[
            int, strawberry.argument(description="Page size (at most the limit).")
        ] = 50,
        after: Annotated[
            str | None, strawberry.argument(description="Cursor after which to start.")
        ] = None,
    ) -> CreditRecordConnection:
        context = info.context
        check_first(first, context.limits.max_page)
        wanted = None if items is None else frozenset(items)
        if items:
            context.deny_items(self.view, list(dict.fromkeys(items)), info.path)
        kinds = None if categories is None else frozenset(categories)
        matching = [d for d in self.view.records if _matches(d, kinds, wanted)]
        start, anchor = 0, None
        if after is not None:
            (record_id,) = decode_cursor(after, 1)
            ids = [d.record.id for d in matching]
            if record_id not in ids:
                raise bad_input("The cursor is not one this gateway issued.", argument="after")
            start = ids.index(record_id) + 1
            anchor = matching[start - 1]
        page = matching[start : start + first]
        edges = [
            CreditRecordEdge(record=d, cursor=encode_cursor(d.record.id), node=record_type(d))
            for d in page
        ]
        return CreditRecordConnection(
            matching=tuple(matching),
            anchor=anchor,
            total_count=len(matching),
            edges=edges,
            page_info=PageInfo(
                has_next_page=start + first < len(matching),
                has_previous_page=False,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
        )

    @strawberry.field(
        description="The lists this subject is on or was on, as far as you may see: entries "
        "decided by units, entries the gateway works out by rule (001 art. 19, 004 art. 39), and "
        "for a person, organisations' serious-dishonesty entries naming it as responsible "
        "(001 art. 26). Newest first; removed entries still within their disclosure period too."
    )
    def list_entries(
        self,
        info: Info[Context, None],
        lists: Annotated[
            list[ListKind] | None, strawberry.argument(description="Only these lists.")
        ] = None,
    ) -> list[ListEntryType]:
        context = info.context
        kinds = None if lists is None else frozenset(lists)
        return subject_entries(self.view, kinds, context.services.config, context.today)

    @strawberry.field(
        description="The published measures that apply to this subject in a duty matter, each "
        "with its basis, the record or entry that triggers it, the remedy and when it ends "
        "(001 arts. 24-25, 002 art. 24). For a government unit acting in that matter "
        "(X-Duty-Matter), and for the subject itself; FORBIDDEN for anyone else."
    )
    def applicable_measures(
        self,
        info: Info[Context, None],
        matter: Annotated[
            str, strawberry.argument(description="A duty matter code of config/duty_matters.toml.")
        ],
    ) -> list[ApplicableMeasureType] | None:
        return resolve_applicable(info, self.view, matter)

    @strawberry.field(
        description="自然人诚信积分 (001 art. 28), explained: for the person itself, and for "
        "an institution under the person's consent naming INTEGRITY_SCORE, computed over what "
        "that consent opens. Anyone else gets CONSENT_REQUIRED or FORBIDDEN (a unit's duty "
        "matter never opens it). Null for organisations."
    )
    def integrity_score(self, info: Info[Context, None]) -> IntegrityScoreType | None:
        return resolve_score(info, self.view)

    @strawberry.field(description="信用信息概要: visible record counts per category.")
    def summary(self) -> list[CategoryCount]:
        counts = {c: 0 for c in Category}
        for disclosed in self.view.records:
            counts[disclosed.record.category] += 1
        return [CategoryCount(category=c, count=n) for c, n in counts.items()]

    @classmethod
    def shows(cls, fields: frozenset[str]) -> frozenset[str]:
        return fields

    def disclosed(self, fields: frozenset[str]) -> Iterable[Disclosed]:
        others = fields - _SHOWS_NOTHING
        if others and not others <= _SHOWS_REGISTRATION:
            return self.view.records  # summary, and any field not named here
        registration = () if self.view.registration is None else (self.view.registration,)
        if others or not self.asked:
            # Found by name, a subject shows its registration, whatever is selected.
            return registration
        return self._existence(registration)

    def _existence(self, registration: tuple[Disclosed, ...]) -> Iterable[Disclosed]:
        # A subject is in the answer only when the caller may see something of
        # it: if all of that is non-public, being there discloses it.
        if any(not d.decision.logged for d in self.view.records):
            return ()
        score = () if self.score is None else (self.score,)
        return registration or self.view.records or score


# The code is the caller's own input (found by name, the subject shows its
# registration anyway) and the kind follows from it. `records` and
# `listEntries` return objects that say for themselves what they show.
_SHOWS_NOTHING = frozenset(
    {
        "code",
        "kind",
        "__typename",
        "records",
        "listEntries",
        "applicableMeasures",
        "integrityScore",
    }
)
_SHOWS_REGISTRATION = frozenset({"name", "basicInfo"})


def subject_type(
    view: SubjectView, *, asked: bool = True, score: Disclosed | None = None
) -> Subject | None:
    """The schema object, or None when the viewer may see nothing about the subject.

    ``asked`` is False for a subject the caller did not name (a search result).
    ``score`` is the person's integrity score when the viewer may see it: a
    consent naming only the score still shows the person.
    """
    if not view.visible and score is None:
        return None
    return Subject(view=view, asked=asked, code=view.code, kind=view.kind, score=score)


def parse_or_error(raw: str, argument: str) -> SubjectCode | GraphQLError:
    try:
        return parse_code(raw)
    except InvalidCode as exc:
        return bad_input(str(exc), argument=argument, reason=exc.reason)


async def resolve_subject(info: Info[Context, None], code: str) -> Subject | None:
    parsed = parse_or_error(code, "code")
    if isinstance(parsed, GraphQLError):
        raise parsed
    context = info.context
    context.count_codes(1, "code")
    view = await _view(info, parsed)
    return subject_type(view, score=score_disclosed(context, view.state))


async def resolve_subjects(
    info: Info[Context, None], codes: list[str]
) -> list[Subject | GraphQLError | None]:
    context = info.context
    parsed, views = await batch_views(context, codes, lambda code: _view(info, code))
    # An invalid code fails only its own position: graphql-core raises an
    # Exception found in a list at that index, so the rest still arrive.
    return [
        p
        if isinstance(p, GraphQLError)
        else subject_type(views[p.value], score=score_disclosed(context, views[p.value].state))
        for p in parsed
    ]


async def batch_views(
    context: Context, codes: list[str], look: Callable[[SubjectCode], Awaitable[SubjectView]]
) -> tuple[list[SubjectCode | GraphQLError], dict[str, SubjectView]]:
    """A batch's codes charged to the request's limit and parsed (an invalid one is
    a BAD_USER_INPUT at its position), and the valid ones looked up at once, each once."""
    context.count_codes(len(codes), "codes")
    parsed = [parse_or_error(code, f"codes[{i}]") for i, code in enumerate(codes)]
    valid = list({p.value: p for p in parsed if isinstance(p, SubjectCode)}.values())
    views = await asyncio.gather(*(look(p) for p in valid))
    return parsed, dict(zip([p.value for p in valid], views, strict=True))


async def _view(info: Info[Context, None], code: SubjectCode) -> SubjectView:
    """The subject's view for this field's selection: from the registration alone
    when the selection shows only that (a name, kind and basic info lookup), else
    in full. Both give the same answer and the same log for such a selection."""
    context = info.context
    if _registration_only(selected_fields(info._raw_info)):
        view = await context.registration_view(code)
        if view is not None:
            return view
    return await context.view(code)


def _registration_only(fields: frozenset[str]) -> bool:
    # `code`/`kind` alone say the subject exists, which depends on every record;
    # a name or basic info shows the registration, whatever else is on file.
    return fields <= _REGISTRATION_FIELDS and bool(fields & _SHOWS_REGISTRATION)


_REGISTRATION_FIELDS = frozenset({"code", "kind", "name", "basicInfo", "__typename"})


def _matches(
    d: Disclosed, categories: frozenset[Category] | None, items: frozenset[str] | None
) -> bool:
    record = d.record
    return (categories is None or record.category in categories) and (
        items is None or record.item.code in items
    )


def _text(values: dict[str, DetailValue], key: str) -> str | None:
    value = values.get(key)
    return None if value is None else str(value)


def _date(values: dict[str, DetailValue], key: str) -> date | None:
    value = values.get(key)
    return value if isinstance(value, date) else None


def _number(values: dict[str, DetailValue], key: str) -> float | None:
    value = values.get(key)
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
