"""Disclosure recorded from what the response carries, by one mechanism (001 arts. 33, 39).

No field reports what it returns. Every schema object that carries a
subject's information is :class:`Disclosing`: it says which records each of
its fields shows. graphql-core asks an object type's ``is_type_of`` once for
every object it puts into the response, with the fields selected on it; the
base class answers by noting what those fields show, and where. An object
that enters the response can still be nulled out of it afterwards, when one
of its non-null fields fails; the log leaves out what was noted at or below
a position an error nulled (:func:`nulled_positions`). Each check is asked
with the object's own path, a list item's included (resolvers/execution.py).
So the query log lists the items that left in this response, whichever field
(present or future) carried them, and an object that is built but not
returned logs nothing. A field an object does not name shows everything the
object holds: a new field logs too much before it can log too little.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from graphql import (
    BooleanValueNode,
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLResolveInfo,
    InlineFragmentNode,
    SelectionNode,
    VariableNode,
)

from gateway.visibility import Disclosed


class Disclosing:
    """A schema object carrying a subject's information.

    ``shows(fields)`` says, once per selection, what a set of selected fields
    shows (anything falsy: nothing); ``disclosed(shown)`` lists the records that
    means for one object.
    """

    @classmethod
    def shows(cls, fields: frozenset[str]) -> object:
        raise NotImplementedError

    def disclosed(self, shown: Any) -> Iterable[Disclosed]:
        raise NotImplementedError

    @classmethod
    def is_type_of(cls, obj: Any, info: GraphQLResolveInfo[Any]) -> bool:
        """graphql-core's per-object check, called as ``obj`` enters the response."""
        if not isinstance(obj, cls):
            return False
        context = info.context
        key = (cls, *map(id, info.field_nodes))
        shown = context.selections.get(key, _UNSEEN)
        if shown is _UNSEEN:
            # Every object of a list shares its selection: worked out once per request.
            shown = context.selections[key] = cls.shows(selected_fields(info))
        if shown:
            context.disclose(obj.disclosed(shown), info.path)
        return True


_UNSEEN = object()


def selected_fields(info: GraphQLResolveInfo[Any]) -> frozenset[str]:
    """The names of the fields selected on the object ``info``'s field returns.

    Through fragments and inline fragments, honouring @skip and @include; a
    condition it cannot read counts as selected (logging more, never less).
    """
    return frozenset(_walk(info))


def _walk(info: GraphQLResolveInfo[Any]) -> Iterator[str]:
    stack = [node.selection_set for node in info.field_nodes if node.selection_set]
    spread: set[str] = set()
    # graphql-core types these as VariableValues, but hands resolvers the coerced dict.
    values: Any = info.variable_values
    variables: dict[str, Any] = getattr(values, "coerced", values)
    while stack:
        for selection in stack.pop().selections:
            if not _included(selection, variables):
                continue
            if isinstance(selection, FieldNode):
                yield selection.name.value  # __typename too: a list of them still counts
            elif isinstance(selection, InlineFragmentNode):
                stack.append(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = info.fragments.get(name)
                if fragment is not None and name not in spread:
                    spread.add(name)
                    stack.append(fragment.selection_set)


def _included(selection: SelectionNode, variables: dict[str, Any]) -> bool:
    for directive in selection.directives or ():
        name = directive.name.value
        if name not in ("skip", "include"):
            continue
        arguments = directive.arguments or ()
        condition = next((a.value for a in arguments if a.name.value == "if"), None)
        if isinstance(condition, BooleanValueNode):
            value: object = condition.value
        elif isinstance(condition, VariableNode):
            value = variables.get(condition.name.value)
        else:
            continue
        if isinstance(value, bool) and value is (name == "skip"):
            return False
    return True


Position = list[str | int]


def nulled_positions(data: object, errors: Sequence[GraphQLError]) -> list[Position]:
    """Where errors left a null in ``data``: each error's path, cut at the first
    null along it (a non-null field's error nulls the nearest nullable parent)."""
    nulled: list[Position] = []
    for error in errors:
        path = error.path
        if path is None:
            continue
        value: Any = data
        for depth, key in enumerate(path):
            if value is None:
                nulled.append(list(path[:depth]))
                break
            value = _step(value, key)
        else:
            if value is None:
                nulled.append(list(path))
    return nulled


def under(path: Position, nulled: Sequence[Position]) -> bool:
    """Whether ``path`` is at or below one of the ``nulled`` positions."""
    return any(path[: len(position)] == position for position in nulled)


def _step(value: Any, key: str | int) -> Any:
    if isinstance(key, int):
        return value[key] if isinstance(value, list) and 0 <= key < len(value) else None
    return value.get(key) if isinstance(value, dict) else None
