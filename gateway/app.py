"""The ASGI application: Starlette routes, the lifespan that owns all state, GraphQL."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import date
from typing import Any

import orjson
import strawberry
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from gateway.config.loader import GatewayConfig, load_config
from gateway.fanout import SourceSet
from gateway.records import Normaliser
from gateway.viewer import ANONYMOUS
from resolvers.context import Context, Services
from resolvers.schema import build_schema

log = logging.getLogger(__name__)


class GatewayGraphQL(GraphQL[Context, None]):
    """Strawberry's ASGI view with the gateway's context and a fast JSON encoder."""

    def __init__(self, schema: strawberry.Schema, app: Starlette, graphiql: bool) -> None:
        super().__init__(schema, graphql_ide="graphiql" if graphiql else None)
        self.app = app

    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        services: Services = self.app.state.services
        return Context(services, ANONYMOUS)

    def encode_json(self, data: object) -> bytes:
        # orjson encodes a large response ~14x faster than stdlib json (DESIGN.md section 6).
        return orjson.dumps(data)


def create_app(
    config: GatewayConfig | None = None, today: Callable[[], date] = date.today
) -> Starlette:
    """Build the gateway. Nothing is opened until the lifespan starts.

    ``config`` defaults to the files under ``config/`` (or ``CREDIT_GATEWAY_CONFIG``);
    ``today`` is the clock the policy uses, replaceable for tests and demos.
    """
    config = config or load_config()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        sources = SourceSet.build(config.sources, Normaliser(config.catalogue))
        app.state.services = Services(config=config, sources=sources, today=today)
        try:
            yield
        finally:
            await sources.aclose()

    app = Starlette(lifespan=lifespan)
    graphql = GatewayGraphQL(
        build_schema(config.settings.limits), app, config.settings.server.graphiql
    )
    app.router.routes.extend(
        [
            Route("/graphql", graphql, methods=["GET", "POST"]),
            Route("/healthz", _health, methods=["GET"]),
        ]
    )
    return app


async def _health(request: Request) -> Response:
    services: Services = request.app.state.services
    return JSONResponse({"status": "ok", "sources": sorted(services.sources.specs)})
