"""The client-visible error codes (STYLE.md rule 8) and how errors are built.

Every error a client sees carries a stable ``extensions.code``; anything else
is masked before it leaves the gateway.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from graphql import GraphQLError


class ErrorCode(StrEnum):
    # The request itself (HTTP): answered before any GraphQL is run.
    BAD_REQUEST = "BAD_REQUEST"
    PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
    HEADERS_TOO_LARGE = "HEADERS_TOO_LARGE"
    UNSUPPORTED_MEDIA_TYPE = "UNSUPPORTED_MEDIA_TYPE"
    NOT_ACCEPTABLE = "NOT_ACCEPTABLE"
    METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
    NOT_FOUND = "NOT_FOUND"
    # Persisted operations (Apollo's APQ protocol, trusted documents).
    PERSISTED_QUERY_NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
    PERSISTED_QUERY_NOT_SUPPORTED = "PERSISTED_QUERY_NOT_SUPPORTED"
    PERSISTED_QUERY_NOT_IN_LIST = "PERSISTED_QUERY_NOT_IN_LIST"
    # The document, and what it asks for.
    GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    CONSENT_REQUIRED = "CONSENT_REQUIRED"
    BAD_USER_INPUT = "BAD_USER_INPUT"
    SOURCE_UNAVAILABLE = "SOURCE_UNAVAILABLE"
    SOURCE_TIMEOUT = "SOURCE_TIMEOUT"
    SOURCE_REJECTED = "SOURCE_REJECTED"
    GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
    INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"


def client_error(
    code: ErrorCode, message: str, *, path: list[str | int] | None = None, **extensions: Any
) -> GraphQLError:
    """An error meant for the client, with its code and any extra facts."""
    return GraphQLError(message, path=path, extensions={"code": code.value, **extensions})


def bad_input(
    message: str, *, path: list[str | int] | None = None, **extensions: Any
) -> GraphQLError:
    return client_error(ErrorCode.BAD_USER_INPUT, message, path=path, **extensions)


def error_code(error: GraphQLError) -> str | None:
    """The code an error carries, looking through to a wrapped GraphQLError."""
    for candidate in (error, error.original_error):
        if isinstance(candidate, GraphQLError) and candidate.extensions:
            code = candidate.extensions.get("code")
            if isinstance(code, str):
                return code
    return None
