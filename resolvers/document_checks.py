"""Parse, limit and validate a document: the limits first, in linear time.

graphql-core's validation and strawberry's depth and alias limiters revisit a
fragment at every spread, so a 1.2 KB document of fragments that each spread
the next twice costs 2^n. Here the token limit bounds parsing, then
:func:`resolvers.operation_limits.check_document` (each fragment once)
refuses anything too deep, wide, costly or cyclic, and only then does the
full validation run, without "did you mean" suggestions. Parsed documents,
their validation results and whether they show details
(:mod:`resolvers.detail_reads`, told to the request's context) are cached by
query text.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from cachetools import LRUCache
from graphql import DocumentNode, GraphQLError, parse, validate
from graphql.validation import ASTValidationRule
from strawberry.extensions import SchemaExtension

from gateway.config.settings import Limits
from gateway.errors import ErrorCode
from resolvers.context import Context
from resolvers.detail_reads import shows_details
from resolvers.operation_limits import OperationLimits, check_document


@dataclass(slots=True)
class CheckedDocument:
    document: DocumentNode
    validation: list[GraphQLError] | None = None
    details_shown: bool | None = None  # resolvers.detail_reads, once validated


class DocumentCache(LRUCache[str, CheckedDocument]):
    """Documents by query text, shared by the requests of one schema."""


class DocumentChecks(SchemaExtension):
    """Runs before strawberry's own parsing and validation, which it replaces."""

    def __init__(
        self,
        *,
        limits: Limits,
        rules: Sequence[type[ASTValidationRule]],
        cache: DocumentCache,
    ) -> None:
        self.limits = limits
        self.operation_limits = OperationLimits.from_limits(limits)
        self.rules = tuple(rules)
        self.cache = cache
        self.checked: CheckedDocument | None = None

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        # A document that fails to parse is left to strawberry, which parses it
        # again under the same token limit and reports the syntax error.
        context.parse_options["max_tokens"] = self.limits.max_tokens
        # The spec has no empty selection sets; graphql-core 3.3 allows them unless told.
        context.parse_options["allow_empty_selection_sets"] = False  # type: ignore[typeddict-unknown-key]
        query = context.query
        if query is not None:
            self.checked = self.cache.get(query)
            if self.checked is None:
                try:
                    document = parse(
                        query, max_tokens=self.limits.max_tokens, allow_empty_selection_sets=False
                    )
                except GraphQLError:
                    document = None
                if document is not None:
                    self.checked = self.cache[query] = CheckedDocument(document)
            if self.checked is not None:
                context.graphql_document = self.checked.document
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        schema = context.schema._schema
        document = context.graphql_document
        assert document is not None
        assert self.checked is not None
        errors = check_document(schema, document, context.variables, self.operation_limits)
        if not errors:
            if self.checked.validation is None:
                found = validate(
                    schema,
                    document,
                    self.rules,
                    hide_suggestions=True,
                    allow_empty_selection_sets=False,
                )
                self.checked.validation = [_coded(error) for error in found]
            errors = self.checked.validation
        if not errors:
            if self.checked.details_shown is None:
                self.checked.details_shown = shows_details(schema, document)
            if isinstance(context.context, Context):
                context.context.details_shown = self.checked.details_shown
        # Setting the errors (even none) tells strawberry validation has run.
        context.pre_execution_errors = list(errors)
        yield


def _coded(error: GraphQLError) -> GraphQLError:
    return GraphQLError(
        error.message,
        error.nodes,
        error.source,
        error.positions,
        error.path,
        extensions={"code": ErrorCode.GRAPHQL_VALIDATION_FAILED.value},
    )
