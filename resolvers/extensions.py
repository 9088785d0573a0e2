"""Schema extensions: deliberate errors out, everything else masked (STYLE.md rule 8)."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Iterator
from typing import Any

from graphql import GraphQLError, GraphQLSyntaxError
from strawberry.extensions import SchemaExtension
from strawberry.types.execution import PreExecutionError

from gateway.errors import ErrorCode, client_error, error_code
from resolvers.context import Context

log = logging.getLogger("gateway.errors")


class ErrorShaping(SchemaExtension):
    """Masks unexpected errors and reports failed sources, once each.

    A client sees only errors that carry a code: its own mistakes (validation,
    bad input), denials, and sources that failed. A stack trace, SQL text or an
    upstream body never leaves the gateway; it goes to the log.
    """

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is None:
            return
        errors = [self._shape(e) for e in result.errors or []]
        context = self.execution_context.context
        # What the request collected on the way belongs to an answer that ran.
        if isinstance(context, Context) and not isinstance(result, PreExecutionError):
            errors += _reported(context)
        result.errors = errors or None

    def _shape(self, error: GraphQLError) -> GraphQLError:
        code = error_code(error)
        original = error.original_error
        if code is not None:
            if error.extensions and error.extensions.get("code"):
                return _without_suggestions(error, error.extensions)
            assert isinstance(original, GraphQLError)
            return _rebuilt(error, original.message, original.extensions or {})
        if isinstance(error, GraphQLSyntaxError):
            return _rebuilt(error, error.message, {"code": ErrorCode.GRAPHQL_PARSE_FAILED.value})
        if error.path is None:
            # Raised before any resolver ran: the variables did not coerce to
            # their types. A scalar's own parser may have said why in Python's
            # words; only graphql-core's part, before the ';', is kept.
            message = error.message if original is None else error.message.split(";")[0] + "."
            return _rebuilt(error, _no_values(message), {"code": ErrorCode.BAD_USER_INPUT.value})
        log.error("unexpected error at %s", error.path, exc_info=original)
        return _rebuilt(
            error,
            "Internal error; it has been logged.",
            {"code": ErrorCode.INTERNAL_SERVER_ERROR.value},
        )


# graphql-core suggests names it knows ("Did you mean 'code'?"): a map of the
# schema, and of enum values, for anyone probing. No message keeps one.
_SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")


# graphql-core quotes a bad variable's value in Python's notation ("{'a': 1}").
_QUOTED_VALUE = re.compile(r"(got) invalid value .*?(;|$)|(value): .*$")


def _no_values(message: str) -> str:
    return _QUOTED_VALUE.sub(
        lambda m: f"{m[1]} an invalid value{m[2]}" if m[1] else f"{m[3]}.", message
    )


def _rebuilt(error: GraphQLError, message: str, extensions: dict[str, Any]) -> GraphQLError:
    return GraphQLError(
        _SUGGESTION.sub("", message),
        error.nodes,
        error.source,
        error.positions,
        error.path,
        extensions=extensions,
    )


def _without_suggestions(error: GraphQLError, extensions: dict[str, Any]) -> GraphQLError:
    return (
        error if "Did you mean" not in error.message else _rebuilt(error, error.message, extensions)
    )


def _reported(context: Context) -> list[GraphQLError]:
    """Errors the request collected on the way: consents, denials, failed sources."""
    errors = [client_error(ErrorCode.CONSENT_REQUIRED, notice) for notice in context.notices]
    errors += context.denials
    errors += [
        client_error(ErrorCode(failure.code), failure.public_message, source=failure.source)
        for failure in context.source_errors.values()
    ]
    return errors


class QueryLogging(SchemaExtension):
    """Writes the request's disclosures to the query log before the answer leaves.

    001 art. 39 makes the log mandatory, so it fails closed: when the log cannot
    be written, no data is returned. One append per request keeps batches fast.
    """

    async def on_operation(self) -> AsyncIterator[None]:
        yield
        context = self.execution_context.context
        result = self.execution_context.result
        if not isinstance(context, Context) or result is None:
            return
        disclosures = context.disclosed(result.data, result.errors or ())
        if not disclosures:
            return
        try:
            await context.services.store.query_log.append(disclosures.entries(context.now))
        except Exception:
            log.exception("query log append failed; withholding the response")
            result.data = None
            result.errors = [
                client_error(
                    ErrorCode.INTERNAL_SERVER_ERROR,
                    "The disclosure could not be recorded, so nothing was disclosed; retry later.",
                )
            ]
