"""`me`: the caller's own view: its credit file, its consents, who looked at it."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry import Info

from gateway.codes import parse_code
from gateway.errors import ErrorCode, bad_input, client_error
from gateway.store.querylog import StoredEntry
from gateway.viewer import ViewerKind
from resolvers.consents import Consent, consent_type, subject_code_of
from resolvers.context import Context
from resolvers.objections import NotificationType, ObjectionType, my_notifications, my_objections
from resolvers.pagination import PageInfo, check_first, decode_cursor, encode_cursor
from resolvers.repairs import my_repairs
from resolvers.score import IntegrityScoreType, my_score
from resolvers.subjects import Subject, subject_type


@strawberry.type(
    description="查询记录: one time someone saw your non-public information (001 art. 33)."
)
class QueryLogEntry:
    at: datetime = strawberry.field(description="When (UTC, to the second).")
    viewer_kind: ViewerKind = strawberry.field(description="Who: an institution or a unit.")
    viewer_code: str = strawberry.field(description="Their code.")
    viewer_name: str | None = strawberry.field(description="Their name, when their token has it.")
    items: list[str] = strawberry.field(description="Catalogue items they were shown.")
    purpose: str | None = strawberry.field(description="The agreed purpose, for consent queries.")
    duty_matter: str | None = strawberry.field(description="The duty matter, for units.")
    consent_id: strawberry.ID | None = strawberry.field(description="The consent used, if any.")


@strawberry.type(description="One entry of your query log.")
class QueryLogEdge:
    cursor: str = strawberry.field(description="Opaque cursor.")
    node: QueryLogEntry = strawberry.field(description="The entry.")


@strawberry.type(description="Your query log, newest first.")
class QueryLogConnection:
    edges: list[QueryLogEdge] = strawberry.field(description="This page's entries.")
    page_info: PageInfo = strawberry.field(description="Paging information.")


@strawberry.type(description="The caller, as the bearer token identifies it.")
class Me:
    kind: ViewerKind = strawberry.field(description="What kind of caller you are.")
    code: str | None = strawberry.field(description="Your code; null when anonymous.")

    @strawberry.field(description="Your own credit file, everything included (subjects only).")
    async def subject(self, info: Info[Context, None]) -> Subject | None:
        code = parse_code(subject_code_of(info))
        context = info.context
        context.count_codes(1, "me")
        return subject_type(await context.view(code))

    @strawberry.field(
        description="Your integrity score (自然人诚信积分, 001 art. 28), with every record that "
        "moved it and the benefits its band brings (001 art. 29). Null when you are not a "
        "natural person (subjects only)."
    )
    async def integrity_score(self, info: Info[Context, None]) -> IntegrityScoreType | None:
        return await my_score(info)

    @strawberry.field(description="The consents you granted, newest first (subjects only).")
    async def consents(self, info: Info[Context, None]) -> list[Consent]:
        context = info.context
        stored = await context.services.store.consents.for_subject(subject_code_of(info))
        return [consent_type(c, context.now) for c in stored]

    @strawberry.field(description="Who saw your non-public information and why (subjects only).")
    async def query_log(
        self,
        info: Info[Context, None],
        first: Annotated[int, strawberry.argument(description="Page size.")] = 20,
        after: Annotated[str | None, strawberry.argument(description="Cursor.")] = None,
    ) -> QueryLogConnection:
        context = info.context
        code = subject_code_of(info)
        check_first(first, context.limits.max_page)
        before = _sequence(decode_cursor(after, 1)[0]) if after is not None else None
        entries = await context.services.store.query_log.for_subject(code, first + 1, before)
        page = entries[:first]
        edges = [QueryLogEdge(cursor=encode_cursor(str(e.seq)), node=_entry(e)) for e in page]
        return QueryLogConnection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=len(entries) > first,
                has_previous_page=False,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
        )

    @strawberry.field(
        description="Your objections, newest first, each with its deadline and every step "
        "(subjects only)."
    )
    async def objections(self, info: Info[Context, None]) -> list[ObjectionType]:
        return await my_objections(info)

    @strawberry.field(description="Your repair applications, newest first (subjects only).")
    async def repairs(self, info: Info[Context, None]) -> list[ObjectionType]:
        return await my_repairs(info)

    @strawberry.field(
        description="What you have been told (告知): objections annotated and decided, and "
        "more as the workflows grow; newest first (subjects only)."
    )
    async def notifications(
        self,
        info: Info[Context, None],
        unread_only: Annotated[
            bool, strawberry.argument(description="Only those not marked read.")
        ] = False,
    ) -> list[NotificationType]:
        return await my_notifications(info, unread_only)


def resolve_me(info: Info[Context, None]) -> Me:
    viewer = info.context.viewer
    if viewer.kind is ViewerKind.ANONYMOUS:
        raise client_error(ErrorCode.UNAUTHENTICATED, "Send a bearer token to ask about yourself.")
    return Me(kind=viewer.kind, code=viewer.code)


def _entry(stored: StoredEntry) -> QueryLogEntry:
    entry = stored.entry
    return QueryLogEntry(
        at=entry.at,
        viewer_kind=ViewerKind(entry.viewer_kind),
        viewer_code=entry.viewer_code,
        viewer_name=entry.viewer_name,
        items=list(entry.items),
        purpose=entry.purpose,
        duty_matter=entry.duty_matter,
        consent_id=strawberry.ID(entry.consent_id) if entry.consent_id else None,
    )


def _sequence(text: str) -> int:
    """A query-log cursor's sequence number; anything else is not our cursor."""
    if not text.isdecimal() or len(text) > 18:
        raise bad_input("The cursor is not one this gateway issued.", argument="after")
    return int(text)
