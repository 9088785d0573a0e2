"""Name search with Relay cursor pagination over every searchable source."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

import strawberry
from strawberry import Info

from adapters.protocol import SearchRequest
from gateway.codes import InvalidCode, SubjectCode, parse_code
from gateway.errors import bad_input
from gateway.visibility import Disclosed, searchable_kinds
from resolvers.context import Context
from resolvers.disclosure import Disclosing
from resolvers.pagination import PageInfo, check_first, decode_cursor, encode_cursor
from resolvers.subjects import Subject, subject_type


@strawberry.type(description="A subject found by name.")
class SubjectEdge(Disclosing):
    cursor: str = strawberry.field(description="Opaque cursor of this result.")
    node: Subject = strawberry.field(description="The subject.")

    @classmethod
    def shows(cls, fields: frozenset[str]) -> bool:
        # The cursor holds the name and code; the node says for itself what it shows.
        return bool(fields - {"node"})

    def disclosed(self, shown: bool) -> Iterable[Disclosed]:
        registration = self.node.view.registration
        return () if registration is None else (registration,)


@strawberry.type(description="One page of name-search results, ordered by name then code.")
class SubjectConnection(Disclosing):
    edges: list[SubjectEdge] = strawberry.field(description="This page's results.")
    page_info: PageInfo = strawberry.field(description="Paging information.")

    @classmethod
    def shows(cls, fields: frozenset[str]) -> bool:
        return "pageInfo" in fields  # its cursors hold names and codes

    def disclosed(self, shown: bool) -> Iterable[Disclosed]:
        return [r for e in self.edges if (r := e.node.view.registration) is not None]


async def resolve_search(
    info: Info[Context, None], name: str, first: int, after: str | None
) -> SubjectConnection:
    context = info.context
    check_first(first, context.limits.max_page)
    text = name.strip()
    if len(text) < 2:
        raise bad_input("Search for at least two characters of a name.", argument="name")
    if not text.isprintable() or len(text) > 100:
        raise bad_input("Search for printable text of at most 100 characters.", argument="name")
    key = decode_cursor(after, 2) if after is not None else None
    kinds = searchable_kinds(context.access, context.services.config.catalogue)
    request = SearchRequest(text, kinds, first + 1, (key[0], key[1]) if key else None)
    outcome = await context.services.sources.search(request, deadline=context.deadline)
    context.note_failures(outcome.failures)
    hits = outcome.hits[: first + 1]
    page = hits[:first]
    found = [(hit, code) for hit in page if (code := _code(hit.code)) is not None]
    context.count_codes(len(found), "first")
    # Gathered together, the page's subjects load in one batch from each source.
    views = await asyncio.gather(*(context.view(code) for _, code in found))
    edges = [
        SubjectEdge(cursor=encode_cursor(hit.name, hit.code), node=node)
        for (hit, _), view in zip(found, views, strict=True)
        if (node := subject_type(view, asked=False)) is not None
    ]
    return SubjectConnection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=len(hits) > first,
            has_previous_page=False,
            start_cursor=edges[0].cursor if edges else None,
            # Only a subject this page shows may appear in a cursor.
            end_cursor=edges[-1].cursor if edges else None,
        ),
    )


def _code(raw: str) -> SubjectCode | None:
    try:
        return parse_code(raw)
    except InvalidCode:
        return None  # a source's bad code is its problem, not the caller's
