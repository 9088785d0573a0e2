"""Schema extensions: deliberate errors out, everything else masked (STYLE.md rule 8)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

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
        if isinstance(context, Context):
            errors += _reported(context)
        result.errors = errors or None

    def _shape(self, error: GraphQLError) -> GraphQLError:
        code = error_code(error)
        if code is not None:
            if error.extensions and error.extensions.get("code"):
                return error
            original = error.original_error
            assert isinstance(original, GraphQLError)
            return GraphQLError(
                original.message,
                error.nodes,
                error.source,
                error.positions,
                error.path,
                extensions=original.extensions,
            )
        if error.original_error is None:
            # Parse and validation errors: the client's query, safe to explain.
            return GraphQLError(
                error.message,
                error.nodes,
                error.source,
                error.positions,
                error.path,
                extensions={"code": ErrorCode.GRAPHQL_VALIDATION_FAILED.value},
            )
        log.error("unexpected error at %s", error.path, exc_info=error.original_error)
        return GraphQLError(
            "Internal error; it has been logged.",
            error.nodes,
            error.source,
            error.positions,
            error.path,
            extensions={"code": ErrorCode.INTERNAL_SERVER_ERROR.value},
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
        if not isinstance(context, Context) or result is None or not context.disclosures:
            return
        try:
            await context.services.store.query_log.append(context.disclosures.entries(context.now))
        except Exception:
            log.exception("query log append failed; withholding the response")
            result.data = None
            result.errors = [
                client_error(
                    ErrorCode.INTERNAL_SERVER_ERROR,
                    "The disclosure could not be recorded, so nothing was disclosed; retry later.",
                )
            ]
