"""Name search with Relay cursor pagination over every searchable source."""

from __future__ import annotations

import asyncio

import strawberry
from strawberry import Info

from adapters.protocol import SearchRequest
from gateway.codes import InvalidCode, SubjectCode, parse_code
from gateway.errors import bad_input
from gateway.visibility import searchable_kinds
from resolvers.context import Context
from resolvers.pagination import PageInfo, check_first, decode_cursor, encode_cursor
from resolvers.subjects import Subject, subject_type


@strawberry.type(description="A subject found by name.")
class SubjectEdge:
    cursor: str = strawberry.field(description="Opaque cursor of this result.")
    node: Subject = strawberry.field(description="The subject.")


@strawberry.type(description="One page of name-search results, ordered by name then code.")
class SubjectConnection:
    edges: list[SubjectEdge] = strawberry.field(description="This page's results.")
    page_info: PageInfo = strawberry.field(description="Paging information.")


async def resolve_search(
    info: Info[Context, None], name: str, first: int, after: str | None
) -> SubjectConnection:
    context = info.context
    check_first(first, context.limits.max_page)
    text = name.strip()
    if len(text) < 2:
        raise bad_input("Search for at least two characters of a name.", argument="name")
    key = decode_cursor(after, 2) if after is not None else None
    kinds = searchable_kinds(context.access, context.services.config.catalogue)
    request = SearchRequest(text, kinds, first + 1, (key[0], key[1]) if key else None)
    outcome = await context.services.sources.search(request)
    context.note_failures(outcome.failures)
    hits = outcome.hits[: first + 1]
    page = hits[:first]
    found = [(hit, code) for hit in page if (code := _code(hit.code)) is not None]
    # Gathered together, the page's subjects load in one batch from each source.
    views = await asyncio.gather(*(context.view(code) for _, code in found))
    edges = [
        SubjectEdge(cursor=encode_cursor(hit.name, hit.code), node=node)
        for (hit, _), view in zip(found, views, strict=True)
        if (node := subject_type(view)) is not None
    ]
    return SubjectConnection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=len(hits) > first,
            has_previous_page=False,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=encode_cursor(page[-1].name, page[-1].code) if page else None,
        ),
    )


def _code(raw: str) -> SubjectCode | None:
    try:
        return parse_code(raw)
    except InvalidCode:
        return None  # a source's bad code is its problem, not the caller's
