"""Disclosure recorded from what the response carries, by one mechanism (001 arts. 33, 39).

No field reports what it returns. Every schema object that carries a
subject's information is :class:`Disclosing`: it says which records each of
its fields shows. :class:`DisclosureRecording` asks it after every field that
resolved, so the query log lists exactly the items that left in this
response, whichever field (present or future) carried them. A field an
object does not name shows everything the object holds: a new field logs too
much before it can log too little.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from inspect import isawaitable
from typing import Any

from strawberry.extensions import SchemaExtension

from gateway.visibility import Disclosed


class Disclosing:
    """A schema object carrying a subject's information."""

    def disclosed_by(self, field: str) -> Iterable[Disclosed]:
        """The records that field ``field`` of this object shows."""
        raise NotImplementedError


class DisclosureRecording(SchemaExtension):
    """After each field of a :class:`Disclosing` object resolves, note what it showed."""

    def resolve(
        self,
        _next: Callable[..., Any],
        root: Any,
        info: Any,  # graphql-core's GraphQLResolveInfo
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        result = _next(root, info, *args, **kwargs)
        if not isinstance(root, Disclosing):
            return result
        if isawaitable(result):
            return _then_disclose(result, root, info)
        info.context.disclose(root.disclosed_by(info.field_name))
        return result


async def _then_disclose(result: Awaitable[Any], root: Disclosing, info: Any) -> Any:
    value = await result
    info.context.disclose(root.disclosed_by(info.field_name))
    return value
