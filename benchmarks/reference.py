"""The reference: the same queries answered by a bare strawberry schema over the same data.

No authentication, no policy, no normalisation, no query log, no error
shaping: just strawberry, a per-request DataLoader and the same SQL adapters.
The gateway's throughput is reported as a ratio of this one, measured in the
same run on the same machine, so the machine's speed and load cancel out.
Like the gateway, it caches parsed and validated documents.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from typing import Any

import strawberry
from starlette.applications import Starlette
from starlette.routing import Route
from strawberry.asgi import GraphQL
from strawberry.dataloader import DataLoader
from strawberry.extensions import ParserCache, ValidationCache

from adapters.kinds import KINDS
from adapters.protocol import FetchRequest, Source
from gateway.config.loader import GatewayConfig
from gateway.domain import RawRecord
from gateway.values import to_date


@strawberry.type
class Item:
    code: str


@strawberry.type
class CreditRecord:
    id: str
    title: str | None
    category: str
    openness: str
    decided_on: date | None
    item: Item


@strawberry.type
class Edge:
    node: CreditRecord


@strawberry.type
class Connection:
    total_count: int
    edges: list[Edge]


@strawberry.type
class Subject:
    code: str
    name: str | None
    records: Connection


async def _subject(info: strawberry.Info, code: str) -> Subject:
    raws: list[RawRecord] = await info.context["loader"].load(code)
    catalogue = info.context["catalogue"]
    records = [_record(raw, catalogue) for raw in raws]
    name = next((r.subject_name for r in raws if r.subject_name), None)
    return Subject(
        code=code,
        name=name,
        records=Connection(total_count=len(records), edges=[Edge(node=r) for r in records]),
    )


def _record(raw: RawRecord, catalogue: Any) -> CreditRecord:
    item = catalogue.get(raw.item)
    return CreditRecord(
        id=f"{raw.source}:{raw.record_id}",
        title=raw.title,
        category=item.category.value,
        openness=item.openness.value,
        decided_on=to_date(raw.decided_on),
        item=Item(code=raw.item),
    )


@strawberry.type
class Query:
    @strawberry.field
    async def subject(self, info: strawberry.Info, code: str) -> Subject:
        return await _subject(info, code)

    @strawberry.field
    async def subjects(self, info: strawberry.Info, codes: list[str]) -> list[Subject]:
        return list(await asyncio.gather(*(_subject(info, c) for c in codes)))


def create_reference_app(config: GatewayConfig) -> Starlette:
    sources: list[Source] = []

    async def load(codes: list[str]) -> list[list[RawRecord]]:
        # Its schema has no details, so it asks for none, as the gateway does here.
        request = FetchRequest(tuple(codes), details=False)
        answers = await asyncio.gather(*(s.fetch(request) for s in sources))
        return [[r for a in answers for r in a.get(code, ())] for code in codes]

    class View(GraphQL[dict[str, Any], None]):
        async def get_context(self, request: Any, response: Any) -> dict[str, Any]:
            return {"loader": DataLoader(load_fn=load), "catalogue": config.catalogue}

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # The same provider databases and bureau; declarations live in the
        # gateway's own store, which the reference does not have.
        sources.extend(
            KINDS[s.kind].create(s.config, None)  # type: ignore[arg-type]
            for s in config.sources
            if s.kind in ("sql", "bureau")
        )
        yield
        await asyncio.gather(*(s.aclose() for s in sources))

    schema = strawberry.Schema(
        query=Query,
        extensions=[lambda: ParserCache(maxsize=1024), lambda: ValidationCache(maxsize=1024)],
    )
    return Starlette(
        routes=[Route("/graphql", View(schema), methods=["GET", "POST"])], lifespan=lifespan
    )
