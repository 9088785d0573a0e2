"""The floor: the three shapes answered with no GraphQL at all.

Starlette, orjson and aiosqlite with the hand-written SQL of ``benchmarks/sql``:
the request's query text only picks the shape (it is never parsed), the
variables give the codes, and the answer is built as plain dicts. What any
GraphQL server over the same data costs beyond this is the GraphQL.
Serve it with `python -m benchmarks.floor --data DIR --port P`.
"""

from __future__ import annotations

import argparse
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import orjson
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from benchmarks.public_data import PublicRecords, RecordRow, connect, record_json
from benchmarks.shapes import SHAPE_OF_QUERY

Answer = Callable[[PublicRecords, Mapping[str, Any]], Awaitable[Mapping[str, Any]]]


async def q1(data: PublicRecords, variables: Mapping[str, Any]) -> Mapping[str, Any]:
    code = variables["code"]
    registration = (await data.registrations([code])).get(code)
    if registration is not None:
        return {"subject": {"code": code, "name": registration[1], "kind": registration[2]}}
    # No registration: the subject is there, nameless, when anything of it is public.
    records = (await data.records([code]))[code]
    return {"subject": {"code": code, "name": None, "kind": "LEGAL_PERSON"} if records else None}


async def q2(data: PublicRecords, variables: Mapping[str, Any]) -> Mapping[str, Any]:
    code = variables["code"]
    return {"subject": _subject(code, (await data.records([code]))[code])}


async def q3(data: PublicRecords, variables: Mapping[str, Any]) -> Mapping[str, Any]:
    codes = variables["codes"]
    records = await data.records(codes)
    return {"subjects": [_subject(code, records[code]) for code in codes]}


def _subject(code: str, records: list[RecordRow]) -> Mapping[str, Any] | None:
    if not records:
        return None
    edges = [{"node": record_json(row)} for row in records]
    return {"code": code, "name": records[0][1], "records": {"edges": edges}}


ANSWERS: Mapping[str, Answer] = {"Q1": q1, "Q2": q2, "Q3": q3}


def create_floor_app(data_dir: Path) -> Starlette:
    state: dict[str, PublicRecords] = {}

    async def graphql(request: Request) -> Response:
        body = orjson.loads(await request.body())
        shape = SHAPE_OF_QUERY.get(body.get("query"))
        if shape is None:
            return Response(b'{"errors":[{"message":"not a benchmark shape"}]}', 400)
        data = await ANSWERS[shape](state["data"], body.get("variables") or {})
        return Response(orjson.dumps({"data": data}), media_type="application/json")

    async def healthz(request: Request) -> Response:
        return Response(b"ok")

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        db = await connect(data_dir)
        state["data"] = PublicRecords(db)
        yield
        await db.close()

    routes = [Route("/graphql", graphql, methods=["POST"]), Route("/healthz", healthz)]
    return Starlette(routes=routes, lifespan=lifespan)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.floor")
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    app = create_floor_app(args.data)
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
