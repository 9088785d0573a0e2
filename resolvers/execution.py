"""The executor every operation runs on: each object is checked under its own path.

graphql-core hands an object type's ``is_type_of`` the resolve info of the
field that returned it, so an item of a list gets the list's path. Disclosure
is noted there (resolvers/disclosure.py), and the log leaves out what sits
under a position an error nulled; with the list's path, a nulled item's
disclosure could not be told from its neighbours'. :func:`at_path` gives the
check the item's own path; :class:`GatewayExecution` applies it on the
generic path, and the compiled path (resolvers/compiled.py) does the same.
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLObjectType, GraphQLResolveInfo
from graphql.execution.collect_fields import FieldDetailsList
from graphql.pyutils import AwaitableOrValue, Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

_PATH = GraphQLResolveInfo._fields.index("path")


def at_path(info: GraphQLResolveInfo[Any], path: Path) -> GraphQLResolveInfo[Any]:
    """``info`` as it reads for the object at ``path`` (a list item: its own)."""
    if info.path is path:
        return info
    # NamedTuple._replace, without its keyword checks: once per list item.
    fields = list(info)
    fields[_PATH] = path
    replaced: GraphQLResolveInfo[Any] = tuple.__new__(type(info), fields)
    return replaced


class GatewayExecution(StrawberryGraphQLCoreExecutionContext):
    """strawberry's executor, asking ``is_type_of`` with the object's own path."""

    def complete_object_value(
        self,
        return_type: GraphQLObjectType,
        field_details_list: FieldDetailsList,
        info: GraphQLResolveInfo[Any],
        path: Path,
        result: Any,
        position_context: Any,
    ) -> AwaitableOrValue[dict[str, Any]]:
        if return_type.is_type_of is not None:
            info = at_path(info, path)
        return super().complete_object_value(
            return_type, field_details_list, info, path, result, position_context
        )
