"""A GraphQL-over-HTTP request's parameters, read from a GET query string or a POST body.

Anything malformed is a :class:`RequestError` with a stable code and a fixed,
client-safe message: no parser's text, no Python type name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import orjson

from gateway.errors import ErrorCode


class RequestError(Exception):
    """The request cannot be run at all; answered with ``status`` and no ``data``."""

    def __init__(
        self,
        code: ErrorCode,
        message: str,
        status: int = 400,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.headers = dict(headers or {})


@dataclass(frozen=True, slots=True)
class GraphQLParams:
    """The four parameters of the GraphQL-over-HTTP spec; ``query`` may be absent
    when the operation is persisted and named by ``extensions.persistedQuery``."""

    query: str | None
    operation_name: str | None
    variables: dict[str, Any] | None
    extensions: dict[str, Any] | None


def from_query_string(params: Mapping[str, str]) -> GraphQLParams:
    """GET: ``variables`` and ``extensions`` arrive as JSON text."""
    return _params(
        {
            "query": params.get("query"),
            "operationName": params.get("operationName"),
            "variables": _json_param(params, "variables"),
            "extensions": _json_param(params, "extensions"),
        }
    )


def from_body(content_type: str | None, body: bytes) -> GraphQLParams:
    """POST: a JSON object in UTF-8 (``application/json``)."""
    _check_content_type(content_type)
    if not body.strip():
        raise RequestError(ErrorCode.BAD_REQUEST, "The request body is empty; send a JSON object.")
    payload = _decode(body, "The request body is not valid JSON in UTF-8.")
    if isinstance(payload, list):
        raise RequestError(
            ErrorCode.BAD_REQUEST,
            "Batched operations are not supported; send one JSON object per request.",
        )
    if not isinstance(payload, dict):
        raise RequestError(ErrorCode.BAD_REQUEST, "The request body must be a JSON object.")
    return _params(payload)


def _check_content_type(content_type: str | None) -> None:
    if not content_type:
        raise RequestError(
            ErrorCode.UNSUPPORTED_MEDIA_TYPE,
            "Say 'Content-Type: application/json' on a POST.",
            415,
        )
    media, *params = (part.strip().lower() for part in content_type.split(";"))
    charsets = [p.partition("=")[2].strip("\"' ") for p in params if p.startswith("charset")]
    if media != "application/json" or any(c not in ("utf-8", "utf8") for c in charsets):
        raise RequestError(
            ErrorCode.UNSUPPORTED_MEDIA_TYPE,
            "Only 'application/json' bodies in UTF-8 are accepted.",
            415,
        )


def _json_param(params: Mapping[str, str], name: str) -> Any:
    text = params.get(name)
    if text is None or text == "":
        return None
    return _decode(text.encode(), f"The '{name}' parameter is not valid JSON.")


def _decode(data: bytes, message: str) -> Any:
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        raise RequestError(ErrorCode.BAD_REQUEST, message) from None


def _params(payload: Mapping[str, Any]) -> GraphQLParams:
    return GraphQLParams(
        query=_typed(payload, "query", str, "a string"),
        operation_name=_typed(payload, "operationName", str, "a string"),
        variables=_typed(payload, "variables", dict, "an object"),
        extensions=_typed(payload, "extensions", dict, "an object"),
    )


def _typed(payload: Mapping[str, Any], name: str, kind: type, described: str) -> Any:
    value = payload.get(name)
    if value is not None and not isinstance(value, kind):
        raise RequestError(ErrorCode.BAD_REQUEST, f"'{name}' must be {described} or null.")
    return value
