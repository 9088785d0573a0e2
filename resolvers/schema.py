"""Build the strawberry schema with the gateway's limits and extensions."""

from __future__ import annotations

import strawberry
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig

from gateway.config.settings import Limits
from resolvers.extensions import ErrorShaping, QueryLogging
from resolvers.mutation import Mutation
from resolvers.query import Query


def build_schema(limits: Limits | None = None, *, introspection: bool = True) -> strawberry.Schema:
    """The gateway's schema; ``limits`` bound what one operation may ask for.

    ``introspection=False`` refuses ``__schema``/``__type`` queries, as a public
    production endpoint should (the schema is published as `schema.graphql`).
    """
    limits = limits or Limits()
    # The depth and alias rules are built once: ValidationCache keys on the rule
    # classes, and a limiter made per request would make a new class each time.
    rules = [
        *QueryDepthLimiter(max_depth=limits.max_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=limits.max_aliases).validation_rules,
    ]
    if not introspection:
        rules.append(NoSchemaIntrospectionCustomRule)
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        config=StrawberryConfig(disable_field_suggestions=True),
        extensions=[
            ErrorShaping,
            QueryLogging,
            lambda: MaxTokensLimiter(max_token_count=limits.max_tokens),
            # Parsed and validated documents are cached (the caches live at module
            # level, shared by every request): uncached parsing and validation
            # cost 5x throughput on a small query (DESIGN.md section 6).
            lambda: ParserCache(maxsize=1024),
            lambda: ValidationCache(maxsize=1024),
            lambda: AddValidationRules(rules),
        ],
    )


def print_sdl() -> str:
    """The schema in SDL, exactly as committed in `schema.graphql`."""
    return build_schema().as_str() + "\n"
