"""What goes back over HTTP: a GraphQL result or a request error, always JSON with codes.

The status follows GraphQL over HTTP. A request that never reached execution
(bad body, parse or validation failure, bad variables) has no ``data`` entry;
under ``application/graphql-response+json`` it gets a 4xx, under the legacy
``application/json`` a GraphQL-level failure still gets 200. A result whose
execution started always gets 200, with ``data`` (possibly null).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import orjson
from graphql import GraphQLError
from starlette.responses import Response

from gateway.errors import ErrorCode
from service.http.media import Media
from service.http.params import RequestError

# Failures of the GraphQL request itself rather than of its HTTP envelope: the
# legacy JSON media type answers them with 200 (the spec's SHOULD).
GRAPHQL_LEVEL = frozenset(
    {
        ErrorCode.GRAPHQL_PARSE_FAILED,
        ErrorCode.GRAPHQL_VALIDATION_FAILED,
        ErrorCode.BAD_USER_INPUT,
        ErrorCode.PERSISTED_QUERY_NOT_FOUND,
        ErrorCode.PERSISTED_QUERY_NOT_SUPPORTED,
        ErrorCode.PERSISTED_QUERY_NOT_IN_LIST,
    }
)


def json_response(
    body: Mapping[str, Any],
    status: int,
    media: Media = Media.JSON,
    headers: Mapping[str, str] | None = None,
) -> Response:
    return Response(
        orjson.dumps(body), status, dict(headers or {}), media_type=f"{media}; charset=utf-8"
    )


def error_body(code: ErrorCode, message: str, **extensions: Any) -> dict[str, Any]:
    return {"errors": [{"message": message, "extensions": {"code": code.value, **extensions}}]}


def refusal(error: RequestError, media: Media) -> Response:
    """A request error: no ``data``, the error's own status unless the legacy type says 200."""
    status = error.status
    if media is Media.JSON and error.code in GRAPHQL_LEVEL:
        status = 200
    return json_response(error_body(error.code, error.message), status, media, error.headers)


def result(data: Any, errors: Iterable[GraphQLError], media: Media) -> Response:
    """An execution result; one that never started executing is a request error."""
    formatted = [error.formatted for error in errors]
    if data is None and formatted and all(_before_execution(e) for e in formatted):
        status = 200 if media is Media.JSON else 400
        return json_response({"errors": formatted}, status, media)
    body: dict[str, Any] = {"data": data}
    if formatted:
        body["errors"] = formatted
    return json_response(body, 200, media)


def _before_execution(error: Mapping[str, Any]) -> bool:
    extensions = error.get("extensions") or {}
    return error.get("path") is None and extensions.get("code") in GRAPHQL_LEVEL
