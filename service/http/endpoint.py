"""``/graphql``: GraphQL over HTTP, in front of strawberry's execution.

One request, in order: method, header size, media type, body (bounded),
parameters, persisted document, the caller's access, execution. Each step
refuses with a coded JSON error; nothing a client sends gets a 5xx or a
Python message.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import strawberry
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from strawberry.exceptions import MissingQueryError
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types.graphql import OperationType

from gateway.access import Access, AccessRefused
from gateway.config.settings import Limits
from gateway.errors import ErrorCode
from service.http import answers
from service.http.media import Media, negotiate
from service.http.params import GraphQLParams, RequestError, from_body, from_query_string
from service.http.persisted import PersistedDocuments

# Who is asking, from the request's headers and its consent tokens.
AccessResolver = Callable[[Request, list[str]], Awaitable[Access]]
# The per-request context strawberry hands to resolvers.
ContextFactory = Callable[[Access], Any]

_QUERIES = (OperationType.QUERY,)
_ANY = (OperationType.QUERY, OperationType.MUTATION)


class GraphQLEndpoint:
    """The ASGI endpoint; ``page`` renders GraphiQL for browsers (None: off)."""

    def __init__(
        self,
        schema: strawberry.Schema,
        *,
        limits: Limits,
        documents: PersistedDocuments,
        access: AccessResolver,
        context: ContextFactory,
        page: Callable[[], Response] | None = None,
    ) -> None:
        self.schema = schema
        self.limits = limits
        self.documents = documents
        self.access = access
        self.context = context
        self.page = page

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        response = await self.respond(request)
        await response(scope, receive, send)

    async def respond(self, request: Request) -> Response:
        response = await self._respond(request)
        if response.headers.get("content-type", "").startswith("text/html"):
            return response  # GraphiQL sets its own caching
        # Answers depend on who asks: only the public's complete answers to GET
        # may be shared by a cache (set in _execute), and every cache must key on
        # the credentials.
        response.headers.setdefault("Cache-Control", "no-store")
        response.headers["Vary"] = _VARY
        return response

    async def _respond(self, request: Request) -> Response:
        get = request.method == "GET"
        media = negotiate(request.headers.get("accept"), html=get and self.page is not None)
        try:
            self._check_envelope(request, media)
            if media is Media.HTML and self.page is not None:
                return self.page()
            assert media is not None
            params = await self._params(request, get)
            return await self._execute(request, params, media, get)
        except RequestError as error:
            return answers.refusal(error, media or Media.JSON)
        except AccessRefused as refused:
            headers = {"WWW-Authenticate": "Bearer"} if refused.status == 401 else None
            body = answers.error_body(refused.code, refused.message)
            return answers.json_response(body, refused.status, media or Media.JSON, headers)

    def _check_envelope(self, request: Request, media: Media | None) -> None:
        # HEAD would run the operation (and log its disclosures) for no body.
        if request.method not in ("GET", "POST"):
            raise RequestError(
                ErrorCode.METHOD_NOT_ALLOWED,
                "Use GET (queries) or POST (queries and mutations).",
                405,
                {"Allow": "GET, POST"},
            )
        size = sum(len(name) + len(value) for name, value in request.headers.raw)
        if size > self.limits.max_header_bytes:
            raise RequestError(
                ErrorCode.HEADERS_TOO_LARGE,
                f"The request's headers exceed {self.limits.max_header_bytes} bytes; send "
                "consent tokens in extensions.consentTokens instead.",
                431,
            )
        if media is None:
            raise RequestError(
                ErrorCode.NOT_ACCEPTABLE,
                "Accept application/graphql-response+json or application/json.",
                406,
            )

    async def _params(self, request: Request, get: bool) -> GraphQLParams:
        if get:
            return from_query_string(request.query_params)
        body = await _bounded_body(request, self.limits.max_body_bytes)
        return from_body(request.headers.get("content-type"), body)

    async def _execute(
        self, request: Request, params: GraphQLParams, media: Media, get: bool
    ) -> Response:
        if params.query is not None and len(params.query) > self.limits.max_document_bytes:
            # Checked before anything is parsed, cached or registered as a persisted query.
            raise RequestError(
                ErrorCode.PAYLOAD_TOO_LARGE,
                f"The document exceeds {self.limits.max_document_bytes} characters.",
                413,
            )
        document = self.documents.document(params)
        access = await self.access(request, _consent_tokens(params.extensions))
        try:
            outcome = await self.schema.execute(
                document,
                variable_values=params.variables,
                context_value=self.context(access),
                operation_name=params.operation_name,
                allowed_operation_types=_QUERIES if get else _ANY,
            )
        except InvalidOperationTypeError as refused:
            if refused.operation_type is OperationType.SUBSCRIPTION:
                raise RequestError(
                    ErrorCode.GRAPHQL_VALIDATION_FAILED, "This gateway has no subscriptions."
                ) from None
            raise RequestError(
                ErrorCode.METHOD_NOT_ALLOWED,
                "Mutations must be sent with POST.",
                405,
                {"Allow": "POST"},
            ) from None
        except CannotGetOperationTypeError:
            raise RequestError(
                ErrorCode.GRAPHQL_VALIDATION_FAILED,
                "Name one of the document's operations in 'operationName'.",
            ) from None
        except MissingQueryError:
            raise RequestError(ErrorCode.BAD_REQUEST, "Send a 'query'.") from None
        response = answers.result(outcome.data, outcome.errors or (), media)
        if get and not outcome.errors and outcome.data is not None and not _credentials(request):
            response.headers["Cache-Control"] = "public, max-age=30"
        return response


_CREDENTIALS = ("authorization", "x-consent-token", "x-duty-matter", "x-query-purpose")
_VARY = "Accept, Authorization, X-Consent-Token, X-Duty-Matter, X-Query-Purpose"


def _credentials(request: Request) -> bool:
    return any(name in request.headers for name in _CREDENTIALS)


async def _bounded_body(request: Request, limit: int) -> bytes:
    """The body, refused with 413 as soon as it is known to exceed ``limit`` bytes."""
    too_large = RequestError(
        ErrorCode.PAYLOAD_TOO_LARGE, f"The request body exceeds {limit} bytes.", 413
    )
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_large
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


def _consent_tokens(extensions: Mapping[str, Any] | None) -> list[str]:
    """Consent tokens in the request's ``extensions.consentTokens``.

    A bank's batch of 100 subjects carries 100 consents: too many for headers
    (see ``max_header_bytes``), so they may travel in the body instead.
    """
    tokens = (extensions or {}).get("consentTokens")
    if tokens is None:
        return []
    if not isinstance(tokens, list) or not all(isinstance(t, str) for t in tokens):
        raise RequestError(
            ErrorCode.BAD_REQUEST, "extensions.consentTokens must be a list of strings."
        )
    return tokens
