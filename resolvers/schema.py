"""Build the strawberry schema with the gateway's limits and extensions."""

from __future__ import annotations

import strawberry
from graphql import GraphQLError, specified_rules
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule
from strawberry.types import ExecutionContext

from gateway.config.settings import Limits
from resolvers.compiled import compiled_execution
from resolvers.document_checks import DocumentCache, DocumentChecks
from resolvers.execution import GatewayExecution
from resolvers.extensions import ErrorShaping, QueryLogging
from resolvers.mutation import Mutation
from resolvers.query import Query


class GatewaySchema(strawberry.Schema):
    """strawberry's schema, minus its logging of every error a client caused:
    :class:`ErrorShaping` logs the unexpected ones, with their tracebacks."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        return None


def build_schema(
    limits: Limits | None = None, *, introspection: bool = True, compiled: bool = True
) -> strawberry.Schema:
    """The gateway's schema; ``limits`` bound what one operation may ask for.

    ``compiled=False`` runs every operation through graphql-core's generic
    executor rather than a plan compiled per document where one can be
    (resolvers/compiled.py); the differential test compares the two.

    ``introspection=False`` refuses ``__schema``/``__type`` queries, as a public
    production endpoint should (the schema is published as `schema.graphql`).
    """
    limits = limits or Limits()
    rules = [*specified_rules, MaybeNullValidationRule, OneOfInputValidationRule]
    if not introspection:
        rules.append(NoSchemaIntrospectionCustomRule)
    # Parsed and validated documents are cached by query text for the schema's
    # lifetime: uncached parsing and validation cost 5x throughput on a small
    # query (DESIGN.md section 6).
    cache = DocumentCache(maxsize=1024)
    return GatewaySchema(
        query=Query,
        mutation=Mutation,
        config=StrawberryConfig(disable_field_suggestions=True),
        execution_context_class=compiled_execution() if compiled else GatewayExecution,
        extensions=[
            ErrorShaping,
            QueryLogging,
            lambda: DocumentChecks(limits=limits, rules=rules, cache=cache),
        ],
    )


def print_sdl() -> str:
    """The schema in SDL, exactly as committed in `schema.graphql`."""
    return build_schema().as_str() + "\n"
