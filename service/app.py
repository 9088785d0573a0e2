"""The ASGI application: Starlette routes, the lifespan that owns all state, GraphQL."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import orjson
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from adapters.fanout import SourceSet
from adapters.kinds import Resources, load_config
from gateway.access import Access, Credentials, resolve
from gateway.auth.verifier import TokenVerifier
from gateway.config.loader import GatewayConfig
from gateway.errors import ErrorCode
from gateway.records import Normaliser
from gateway.store.checkpoints import checkpointing
from gateway.store.store import Store
from resolvers.context import Context, Services
from resolvers.schema import build_schema
from service.http import answers
from service.http.cors import JsonCORSMiddleware
from service.http.endpoint import GraphQLEndpoint
from service.http.graphiql import assets_mount, graphiql_page
from service.http.persisted import PersistedDocuments
from service.reports import ReportDownload
from service.sweeper import Sweeper
from service.webhooks import WebhookDelivery

log = logging.getLogger(__name__)


def utc_now() -> datetime:
    return datetime.now(UTC)


def create_app(
    config: GatewayConfig | None = None,
    clock: Callable[[], datetime] = utc_now,
    *,
    tune_gc: bool = False,
) -> Starlette:
    """Build the gateway. Nothing is opened until the lifespan starts.

    ``config`` defaults to the files under ``config/`` (or ``CREDIT_GATEWAY_CONFIG``).
    ``clock`` gives the current time (aware); tests and demos may pin it. The
    lifespan opens every source, the token verifier and the store (migrating
    it to the newest schema) and closes them on shutdown. ``tune_gc`` (for a
    serving process, not a test) freezes start-up objects out of the garbage
    collector and collects the young generation less often: async resolvers
    make garbage collection a quarter of CPU under load (DESIGN.md section 6).
    """
    config = config or load_config()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        store = Store.open(config.settings.store_url)
        await store.migrate()
        # Both hash chains get signed checkpoints (gateway/store/checkpoints.py).
        signer = checkpointing(store.engine, config.settings.audit, clock)
        store.query_log.checkpointing = store.workflows.checkpointing = signer
        sources = SourceSet.build(config.sources, Normaliser(config.catalogue), Resources(store))
        verifier = TokenVerifier(config.auth)
        app.state.services = Services(config, sources, store, verifier, clock)
        # None without a webhook URL: nothing is pushed (service/webhooks.py).
        webhooks = WebhookDelivery.start(config.settings.notifications, store.engine, clock)
        app.state.webhooks = webhooks
        sweeper = _sweeping(config, sources, store, clock)
        if tune_gc:
            gc.collect()
            gc.freeze()
            gc.set_threshold(50_000, 20, 100)
        try:
            yield
        finally:
            if sweeper is not None:
                sweeper.cancel()
                await asyncio.gather(sweeper, return_exceptions=True)
            if webhooks is not None:
                await webhooks.aclose()
            await sources.aclose()
            await verifier.aclose()
            for chain in (store.query_log, store.workflows):
                await signer.seal(chain)
            await store.aclose()

    settings = config.settings
    app = Starlette(
        lifespan=lifespan,
        middleware=[Middleware(JsonCORSMiddleware, origins=settings.server.cors_origins)],
        exception_handlers={HTTPException: _http_error, Exception: _server_error},
    )

    async def access(request: Request, consent_tokens: list[str]) -> Access:
        services: Services = app.state.services
        headers = request.headers
        credentials = Credentials.from_headers(
            headers.get("authorization"),
            [*headers.getlist("x-consent-token"), *consent_tokens],
            headers.get("x-query-purpose"),
            headers.get("x-duty-matter"),
        )
        return await resolve(
            credentials,
            config=services.config,
            verifier=services.verifier,
            consents=services.store.consents,
            now=services.clock(),
        )

    def context(access: Access) -> Context:
        return Context(app.state.services, access.viewer, access.notices)

    endpoint = GraphQLEndpoint(
        build_schema(settings.limits, introspection=settings.server.introspection_on),
        limits=settings.limits,
        documents=PersistedDocuments(settings.documents, config.trusted_documents),
        access=access,
        context=context,
        page=graphiql_page if settings.server.graphiql_on else None,
    )
    # A trailing slash is another path: a coded 404, not a bare redirect.
    app.router.redirect_slashes = False
    app.router.routes.extend(
        [
            Route("/graphql", endpoint),
            # The same schema, viewer and query log as /graphql (001 art. 40).
            Route(
                "/reports/{code}.pdf",
                # Every method reaches it: it answers all but GET with a coded 405.
                ReportDownload(
                    endpoint.schema, limits=settings.limits, access=access, context=context
                ),
            ),
            Route("/healthz", _health, methods=["GET"]),
            Route("/metrics", _metrics, methods=["GET"]),
        ]
    )
    if settings.server.graphiql_on:
        app.router.routes.append(assets_mount())
    return app


def _sweeping(
    config: GatewayConfig, sources: SourceSet, store: Store, clock: Callable[[], datetime]
) -> asyncio.Task[None] | None:
    """The look at watched subjects' records every ``sweep_every_s`` (service/sweeper.py)."""
    every = config.settings.notifications.sweep_every_s
    if every <= 0:
        return None
    return asyncio.create_task(Sweeper(config, sources, store, clock).run(every))


async def _health(request: Request) -> Response:
    services: Services = request.app.state.services
    return JSONResponse({"status": "ok", "sources": sorted(services.sources.specs)})


async def _metrics(request: Request) -> Response:
    """Per-source calls, failures, latency, cache hit ratio and breaker state; the
    webhook's delivered, retried and given-up notifications where one is configured."""
    services: Services = request.app.state.services
    body: dict[str, object] = {"sources": services.sources.metrics()}
    if (webhooks := request.app.state.webhooks) is not None:
        body["webhook"] = webhooks.metrics()
    return Response(orjson.dumps(body), media_type="application/json")


async def _http_error(request: Request, exc: Exception) -> Response:
    """Starlette's own refusals (an unknown path, a wrong method) as coded JSON."""
    assert isinstance(exc, HTTPException)
    code = {404: ErrorCode.NOT_FOUND, 405: ErrorCode.METHOD_NOT_ALLOWED}.get(
        exc.status_code, ErrorCode.BAD_REQUEST
    )
    body = answers.error_body(code, f"{exc.detail}.")
    return answers.json_response(body, exc.status_code, headers=exc.headers)


async def _server_error(request: Request, exc: Exception) -> Response:
    """The last resort for a bug: logged in full, answered without any of it."""
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    body = answers.error_body(
        ErrorCode.INTERNAL_SERVER_ERROR, "Internal error; it has been logged."
    )
    return answers.json_response(body, 500)
