"""Strawberry types and thin field resolvers over the gateway's loaders."""

# Registers the domain enums with their schema descriptions before any type uses them.
from resolvers import enums as _enums  # noqa: F401
