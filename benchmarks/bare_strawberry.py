"""Bare strawberry: the shapes' part of the gateway's schema, per-request DataLoaders, aiosqlite.

The same types and enums as schema.graphql for what the shapes select, the
hand-written SQL of ``benchmarks/sql`` behind two loaders (registrations and
records, each one statement per batch), parsed and validated documents
cached, as the gateway and Apollo Server cache them. No authentication,
policy, normalisation or query log: what strawberry and graphql-core cost
over the same data. Serve it with `python -m benchmarks.bare_strawberry --data DIR --port P`.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Any

import strawberry
import uvicorn
from starlette.applications import Starlette
from starlette.routing import Route
from strawberry.asgi import GraphQL
from strawberry.dataloader import DataLoader
from strawberry.extensions import ParserCache, ValidationCache

from benchmarks.public_data import PublicRecords, RecordRow, RegistrationRow, connect


@strawberry.enum
class Category(Enum):
    BASIC = "BASIC"
    ADVERSE = "ADVERSE"
    COMMENDATORY = "COMMENDATORY"
    OTHER = "OTHER"


@strawberry.enum
class RecordStatus(Enum):
    ACTIVE = "ACTIVE"
    EXPIRED = "EXPIRED"
    REPAIRED = "REPAIRED"
    SHIELDED = "SHIELDED"
    WITHDRAWN = "WITHDRAWN"


@strawberry.enum
class SubjectKind(Enum):
    NATURAL_PERSON = "NATURAL_PERSON"
    LEGAL_PERSON = "LEGAL_PERSON"
    UNINCORPORATED_ORG = "UNINCORPORATED_ORG"


@dataclass
class Context:
    registrations: DataLoader[str, RegistrationRow | None]
    records: DataLoader[str, list[RecordRow]]


@strawberry.type
class CatalogueItem:
    code: str


@strawberry.type
class CreditRecord:
    id: strawberry.ID
    title: str
    item: CatalogueItem
    category: Category
    decided_on: date | None
    status: RecordStatus


@strawberry.type
class CreditRecordEdge:
    node: CreditRecord


@strawberry.type
class CreditRecordConnection:
    edges: list[CreditRecordEdge]


@strawberry.type
class Subject:
    code: str
    kind: SubjectKind
    name: str | None

    @strawberry.field
    async def records(self, info: strawberry.Info[Context, None]) -> CreditRecordConnection:
        rows = await info.context.records.load(self.code)
        return CreditRecordConnection(edges=[CreditRecordEdge(node=_record(r)) for r in rows])


def _record(row: RecordRow) -> CreditRecord:
    _, _, id_, title, item, category, decided = row
    return CreditRecord(
        id=strawberry.ID(id_),
        title=title,
        item=CatalogueItem(code=item),
        category=Category(category),
        decided_on=None if decided is None else date.fromisoformat(decided),
        status=RecordStatus.ACTIVE,
    )


async def _subject(context: Context, code: str) -> Subject | None:
    registration = await context.registrations.load(code)
    if registration is not None:
        return Subject(code=code, kind=SubjectKind(registration[2]), name=registration[1])
    # No registration: the subject is there, nameless, when anything of it is public.
    if await context.records.load(code):
        return Subject(code=code, kind=SubjectKind.LEGAL_PERSON, name=None)
    return None


@strawberry.type
class Query:
    @strawberry.field
    async def subject(self, info: strawberry.Info[Context, None], code: str) -> Subject | None:
        return await _subject(info.context, code)

    @strawberry.field
    async def subjects(
        self, info: strawberry.Info[Context, None], codes: list[str]
    ) -> list[Subject | None]:
        return list(await asyncio.gather(*(_subject(info.context, c) for c in codes)))


def create_bare_app(data_dir: Path) -> Starlette:
    state: dict[str, PublicRecords] = {}

    async def registrations(codes: list[str]) -> list[RegistrationRow | None]:
        found = await state["data"].registrations(codes)
        return [found.get(code) for code in codes]

    async def records(codes: list[str]) -> list[list[RecordRow]]:
        found = await state["data"].records(codes)
        return [found[code] for code in codes]

    class View(GraphQL[Context, None]):
        async def get_context(self, request: Any, response: Any) -> Context:
            return Context(DataLoader(load_fn=registrations), DataLoader(load_fn=records))

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        db = await connect(data_dir)
        state["data"] = PublicRecords(db)
        yield
        await db.close()

    schema = strawberry.Schema(
        query=Query,
        extensions=[lambda: ParserCache(maxsize=1024), lambda: ValidationCache(maxsize=1024)],
    )
    return Starlette(
        routes=[Route("/graphql", View(schema), methods=["GET", "POST"])], lifespan=lifespan
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bare_strawberry")
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    app = create_bare_app(args.data)
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
