"""A compiled execution path for plain-data queries (issue 12, item 3).

graphql-core works out, for every field of every object it completes, what
the field is, which sub-fields it has, how its type wraps, and builds a
resolve info, even for a record's title read off an attribute. For a query
whose every field is plain (no directive, no abstract type, no introspection
but ``__typename``), all of that follows from the document alone, so it is
worked out once per cached document: a plan of nested field groups and
completions. Running the plan calls the very resolvers the schema has, with
the same arguments and resolve infos where they take one, asks every object
type's ``is_type_of`` (so disclosure is recorded by the one mechanism of
resolvers/disclosure.py), and handles errors with graphql-core's own
``handle_field_error``: nulls, partial data and error paths are the generic
executor's. Anything else (mutations, directives, a field of an interface or
union type, middleware, an abort signal) runs through the generic executor.

``tests/resolvers/test_compiled_differential.py`` runs generated queries over
random data and viewers through both paths and compares the whole response
and the query log.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import Enum
from operator import attrgetter
from typing import Any, ClassVar, TypeAlias

from cachetools import LRUCache
from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLLeafType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    GraphQLScalarType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    is_leaf_type,
    is_list_type,
    is_non_null_type,
    is_object_type,
)
from graphql.execution.collect_fields import (
    FieldDetails,
    FragmentDetails,
    does_fragment_condition_match,
    get_field_entry_key,
)
from graphql.execution.executor import collect_iterator_awaitables
from graphql.execution.values import get_argument_values
from graphql.pyutils import Path, Undefined, gather_with_cancel, inspect, is_iterable
from graphql.type.scalars import serialize_boolean, serialize_id, serialize_string
from strawberry import Info as StrawberryInfo
from strawberry.schema import Schema as StrawberrySchema
from strawberry.schema.config import StrawberryConfig
from strawberry.types.arguments import convert_arguments
from strawberry.types.field import StrawberryField
from strawberry.types.fields.resolver import StrawberryResolver
from strawberry.types.unset import UNSET

from resolvers.execution import GatewayExecution, at_path

# A plan is built only for operations of at most this many selections, counted
# as compiling visits them (fragments expanded where they are spread): so
# compiling costs at most that much work, where a document that spreads its
# fragments widely would otherwise expand exponentially. Larger ones run
# through the generic executor, whose limits apply as ever.
MAX_PLANNED_SELECTIONS = 2_000

Info: TypeAlias = GraphQLResolveInfo[Any]


@dataclass(frozen=True, slots=True)
class Leaf:
    type: GraphQLLeafType


@dataclass(frozen=True, slots=True)
class NonNull:
    type: GraphQLNonNull[Any]
    inner: Completion


@dataclass(frozen=True, slots=True)
class ListOf:
    type: GraphQLList[Any]
    inner: Completion


@dataclass(frozen=True, slots=True)
class ObjectPlan:
    """The fields to complete on an object of ``type``, in response order."""

    type: GraphQLObjectType
    fields: tuple[FieldPlan, ...]


Completion: TypeAlias = Leaf | NonNull | ListOf | ObjectPlan


@dataclass(frozen=True, slots=True)
class DirectCall:
    """What strawberry's resolver wrapper does for a field with a resolver and
    nothing around it (no field extension, so no permission class either, and no
    exception handler in the schema): convert the arguments to the resolver's
    types, and pass ``self``, the parent or root, and ``info`` where it asks."""

    field: StrawberryField
    resolver: StrawberryResolver[Any]
    info_class: type[StrawberryInfo[Any, Any]]
    config: StrawberryConfig
    scalars: Mapping[object, Any]
    passes_self: bool
    source_names: tuple[str, ...]
    info_name: str | None

    def convert(self, raw: dict[str, Any], info: StrawberryInfo[Any, Any]) -> dict[str, Any]:
        arguments = self.field.arguments
        return convert_arguments(raw, arguments, self.scalars, self.config, info=info)

    def __call__(
        self, source: Any, info: StrawberryInfo[Any, Any], converted: Mapping[str, Any]
    ) -> Any:
        kwargs = dict(converted)
        for name in self.source_names:
            kwargs[name] = source
        if self.info_name is not None:
            kwargs[self.info_name] = info
        if self.passes_self:
            return self.resolver(source, **kwargs)
        return self.resolver(**kwargs)


@dataclass(frozen=True, slots=True)
class FieldPlan:
    """One response key of a selection set: its field, nodes and completion."""

    key: str
    name: str
    parent: GraphQLObjectType
    definition: GraphQLField
    nodes: list[FieldNode]
    details: list[FieldDetails]
    resolve: Callable[..., Any] | None
    # For a field strawberry resolves by reading an attribute (no resolver, no
    # extension, no permission): that read, without strawberry's call chain.
    read: Callable[[Any], Any] | None
    has_arguments: bool
    completion: Completion
    # ``__typename``: the parent type's name, whatever the object.
    typename: str | None = None
    # The scalar or enum type of an attribute completed as one (``read`` set).
    scalar: GraphQLLeafType | None = None
    non_null: bool = False
    # The Python types such an attribute's value may take and be coerced directly.
    plain: frozenset[type] = frozenset()
    # The one Python type the scalar's coercion returns unchanged (a str for
    # String and ID, a bool for Boolean), when it is graphql-core's own.
    unchanged: type | None = None
    # For a field with a resolver and nothing around it: the call strawberry's
    # wrapper would make, made directly.
    direct: DirectCall | None = None


class NotPlain(Exception):
    """The operation has something only the generic executor runs."""


def compile_operation(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: Mapping[str, FragmentDetails],
) -> ObjectPlan | None:
    """The operation's plan, or None when the generic executor must run it."""
    root = schema.query_type
    if operation.operation is not OperationType.QUERY or operation.directives or root is None:
        return None
    try:
        return _Compiler(schema, fragments).object(root, [operation.selection_set])
    except (NotPlain, RecursionError):
        return None


class _Compiler:
    def __init__(self, schema: GraphQLSchema, fragments: Mapping[str, FragmentDetails]) -> None:
        self.schema = schema
        self.fragments = fragments
        self.visits = 0
        self.strawberry: StrawberrySchema | None = getattr(schema, "_strawberry_schema", None)

    def object(self, type_: GraphQLObjectType, sets: Iterable[SelectionSetNode]) -> ObjectPlan:
        groups: dict[str, list[FieldNode]] = {}
        visited: set[str] = set()
        for selection_set in sets:
            self._collect(type_, selection_set, groups, visited)
        return ObjectPlan(type_, tuple(self._field(type_, k, n) for k, n in groups.items()))

    def _collect(
        self,
        type_: GraphQLObjectType,
        selection_set: SelectionSetNode,
        groups: dict[str, list[FieldNode]],
        visited: set[str],
    ) -> None:
        # As graphql-core's collect_fields, for selections without directives.
        for selection in selection_set.selections:
            self.visits += 1
            if self.visits > MAX_PLANNED_SELECTIONS:
                raise NotPlain
            if selection.directives:
                raise NotPlain
            if isinstance(selection, FieldNode):
                groups.setdefault(get_field_entry_key(selection), []).append(selection)
            elif isinstance(selection, InlineFragmentNode):
                if does_fragment_condition_match(self.schema, selection, type_):
                    self._collect(type_, selection.selection_set, groups, visited)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is None or not does_fragment_condition_match(
                    self.schema, fragment.definition, type_
                ):
                    continue
                if fragment.variable_signatures or fragment.definition.directives:
                    raise NotPlain
                if name not in visited:
                    visited.add(name)
                    self._collect(type_, fragment.definition.selection_set, groups, visited)

    def _field(self, parent: GraphQLObjectType, key: str, nodes: list[FieldNode]) -> FieldPlan:
        name = nodes[0].name.value
        if name.startswith("__") and name != "__typename":
            raise NotPlain  # introspection
        definition = self.schema.get_field(parent, name)
        if definition is None:
            raise NotPlain
        resolve = definition.resolve
        read = _attribute_read(definition)
        completion = self._completion(definition.type, nodes)
        non_null = isinstance(completion, NonNull)
        leaf = completion.inner if isinstance(completion, NonNull) else completion
        return FieldPlan(
            key=key,
            name=name,
            parent=parent,
            definition=definition,
            nodes=nodes,
            details=[FieldDetails(node, None) for node in nodes],
            resolve=resolve,
            read=read,
            has_arguments=bool(definition.args or nodes[0].arguments),
            completion=completion,
            typename=parent.name if name == "__typename" else None,
            scalar=leaf.type if read is not None and isinstance(leaf, Leaf) else None,
            non_null=non_null,
            plain=_plain_types(leaf.type) if isinstance(leaf, Leaf) else frozenset(),
            unchanged=_UNCHANGED_BY.get(leaf.type.coerce_output_value)
            if isinstance(leaf, Leaf) and isinstance(leaf.type, GraphQLScalarType)
            else None,
            direct=None if read is not None else _direct_call(definition, self.strawberry),
        )

    def _completion(self, type_: GraphQLOutputType, nodes: list[FieldNode]) -> Completion:
        if is_non_null_type(type_):
            return NonNull(type_, self._completion(type_.of_type, nodes))
        if is_list_type(type_):
            return ListOf(type_, self._completion(type_.of_type, nodes))
        if is_leaf_type(type_):
            return Leaf(type_)
        if is_object_type(type_):
            return self.object(type_, [n.selection_set for n in nodes if n.selection_set])
        raise NotPlain  # an interface or a union


_Plans: TypeAlias = LRUCache[tuple[int, int], tuple[OperationDefinitionNode, "ObjectPlan | None"]]


class CompiledExecution(GatewayExecution):
    """strawberry's executor, running a cached plan where the operation has one.

    Each method mirrors the graphql-core ``Executor`` method named in its
    docstring, minus the work the plan has already done.
    """

    # Plans by schema and operation; each entry holds its operation, so its id is
    # not reused while cached. compiled_execution() gives each schema its own.
    plans: ClassVar[_Plans] = LRUCache(maxsize=1024)

    def execute_operation(self, serially: bool | None = None) -> Any:
        plan = None if serially else self._plan()
        if plan is None:
            return super().execute_operation(serially)
        # Each directly called field's converted arguments, by its plan.
        self._converted: dict[int, Mapping[str, Any]] = {}
        try:
            result = self._fields(plan, self.root_value, None)
            if self.is_awaitable(result):

                async def await_result() -> Any:
                    try:
                        data = await result
                    except GraphQLError as error:
                        self.collected_errors.add(error, None)
                        return self.build_response(None)
                    except Exception:
                        self.run_async_work_finished_hook()
                        raise
                    return self.build_response(data)

                return await_result()
            data = result
        except GraphQLError as error:
            self.collected_errors.add(error, None)
            return self.finish(self.build_response(None))
        return self.finish(self.build_response(data))

    def _plan(self) -> ObjectPlan | None:
        middleware = self.middleware_manager
        if (
            (middleware is not None and middleware.middlewares)
            or self.abort_signal is not None
            or self.hooks is not None
            or self.enable_early_execution
            or not self.error_propagation
        ):
            return None
        operation, key = self.operation, (id(self.schema), id(self.operation))
        cached = self.plans.get(key)
        if cached is None or cached[0] is not operation:
            plan = compile_operation(self.schema, operation, self.fragments)
            self.plans[key] = cached = (operation, plan)
        return cached[1]

    def _fields(self, plan: ObjectPlan, source: Any, path: Path | None) -> Any:
        """``execute_fields``."""
        results: dict[str, Any] = {}
        is_awaitable = self.is_awaitable
        awaiting: list[str] = []
        try:
            for field in plan.fields:
                if field.scalar is not None:
                    result = self._scalar(field, source, path)
                else:
                    result = self._field(field, source, Path(path, field.key, plan.type.name))
                results[field.key] = result
                if is_awaitable(result):
                    awaiting.append(field.key)
        except Exception:
            if awaiting:
                self.settle_in_background([results[key] for key in awaiting])
            raise
        if not awaiting:
            return results

        async def get_results() -> dict[str, Any]:
            if len(awaiting) == 1:
                results[awaiting[0]] = await results[awaiting[0]]
            else:
                values = await gather_with_cancel(*(results[key] for key in awaiting))
                results.update(zip(awaiting, values, strict=True))
            return results

        return get_results()

    def _scalar(self, field: FieldPlan, source: Any, path: Path | None) -> Any:
        """``execute_field`` for an attribute completed as a scalar or enum: read
        once, coerced at once when its value is plainly of a type the scalar takes,
        and its path built only when something else is to be done."""
        scalar, read = field.scalar, field.read
        if scalar is None or read is None:  # not such a field: never planned so
            return self._field(field, source, Path(path, field.key, field.parent.name))
        try:
            value = read(source)
        except Exception as raw_error:
            here = Path(path, field.key, field.parent.name)
            self.handle_field_error(raw_error, field.definition.type, field.details, here)
            return None
        if value is None:
            if not field.non_null:
                return None
        elif type(value) is field.unchanged:
            return value
        elif type(value) in field.plain:
            try:
                return self.complete_leaf_value(scalar, value)
            except Exception as raw_error:
                here = Path(path, field.key, field.parent.name)
                self.handle_field_error(raw_error, field.definition.type, field.details, here)
                return None
        return self._resolved(field, None, Path(path, field.key, field.parent.name), value)

    def _field(self, field: FieldPlan, source: Any, path: Path) -> Any:
        """``execute_field``."""
        info: Info | None = None
        try:
            if field.read is not None:
                result: Any = field.read(source)
            elif field.typename is not None:
                result = field.typename
            elif field.direct is not None:
                info = self._info(field, path)
                result = self._call(field, field.direct, source, info)
            else:
                info = self._info(field, path)
                args = self._raw_arguments(field)
                result = (field.resolve or self.field_resolver)(source, info, **args)
        except Exception as raw_error:
            self.handle_field_error(raw_error, field.definition.type, field.details, path)
            return None
        return self._resolved(field, info, path, result)

    def _raw_arguments(self, field: FieldPlan) -> dict[str, Any]:
        if not field.has_arguments:
            return {}
        return get_argument_values(
            field.definition, field.nodes[0], self.variable_values, None, self.hide_suggestions
        )

    def _call(self, field: FieldPlan, direct: DirectCall, source: Any, info: Info) -> Any:
        """The field's resolver, called as strawberry's wrapper calls it. Its
        arguments are the same for every object the field is resolved on in
        this operation, so where they are plain values they are converted once."""
        strawberry_info = direct.info_class(_raw_info=info, _field=direct.field)
        converted = self._converted.get(id(field))
        if converted is None:
            converted = direct.convert(self._raw_arguments(field), strawberry_info)
            if all(type(v) in _UNCHANGING or isinstance(v, Enum) for v in converted.values()):
                self._converted[id(field)] = converted
        return direct(source, strawberry_info, converted)

    def _resolved(self, field: FieldPlan, info: Info | None, path: Path, result: Any) -> Any:
        """The rest of ``execute_field``, once the field's value is in hand."""
        try:
            if self.is_awaitable(result):
                return self._await_field(field, info, path, result)
            completed = self._complete(field.completion, field, info, path, result)
            if self.is_awaitable(completed):
                return self._await_completed(field.definition.type, field, path, completed)
        except Exception as raw_error:
            self.handle_field_error(raw_error, field.definition.type, field.details, path)
            return None
        return completed

    def _info(self, field: FieldPlan, path: Path) -> Info:
        # A list of its own, as graphql-core gives each field's info.
        return self.build_resolve_info(field.definition, list(field.nodes), field.parent, path)

    async def _await_field(
        self, field: FieldPlan, info: Info | None, path: Path, result: Any
    ) -> Any:
        """``complete_awaitable_value``."""
        try:
            completed = self._complete(field.completion, field, info, path, await result)
            if self.is_awaitable(completed):
                completed = await completed
        except Exception as raw_error:
            self.handle_field_error(raw_error, field.definition.type, field.details, path)
            completed = None
        return completed

    async def _await_completed(
        self, type_: GraphQLOutputType, field: FieldPlan, path: Path, completed: Any
    ) -> Any:
        """``await_completed`` of ``execute_field`` and ``complete_list_item_value``."""
        try:
            return await completed
        except Exception as raw_error:
            self.handle_field_error(raw_error, type_, field.details, path)
            return None

    def _complete(
        self,
        completion: Completion,
        field: FieldPlan,
        info: Info | None,
        path: Path,
        result: Any,
    ) -> Any:
        """``complete_value``."""
        if isinstance(result, Exception):
            raise result
        if isinstance(completion, Leaf):
            if result is None or result is Undefined:
                return None
            return self.complete_leaf_value(completion.type, result)
        if isinstance(completion, NonNull):
            completed = self._complete(completion.inner, field, info, path, result)
            if completed is None:
                raise TypeError(
                    f"Cannot return null for non-nullable field {field.parent}.{field.name}."
                )
            return completed
        if result is None or result is Undefined:
            return None
        if info is None:
            # Objects are checked against their type with the field's info,
            # built only now: leaves never need one.
            info = self._info(field, path)
        if isinstance(completion, ListOf):
            return self._list(completion, field, info, path, result)
        return self._object(completion, field, info, path, result)

    def _list(self, plan: ListOf, field: FieldPlan, info: Info, path: Path, result: Any) -> Any:
        """``complete_list_value`` for a synchronous iterable."""
        if self.is_async_iterable(result):
            # Not in this schema; the generic executor knows how.
            return self.complete_value(plan.type, field.details, info, path, result, None)
        if not is_iterable(result):
            raise GraphQLError(
                f"Expected Iterable, but did not find one for field '{field.parent}.{field.name}'."
            )
        is_awaitable = self.is_awaitable
        completed: list[Any] = []
        awaiting: list[int] = []
        item = plan.inner
        item_type = item.type
        iterator = iter(result)
        try:
            for index, value in enumerate(iterator):
                item_path = path.add_key(index, None)
                if is_awaitable(value):
                    completed.append(self._await_item(item, field, info, item_path, value))
                    awaiting.append(index)
                    continue
                try:
                    done = self._complete(item, field, info, item_path, value)
                    if is_awaitable(done):
                        done = self._await_completed(item_type, field, item_path, done)
                        awaiting.append(index)
                    completed.append(done)
                except Exception as raw_error:
                    self.handle_field_error(raw_error, item_type, field.details, item_path)
                    completed.append(None)
        except Exception:
            # A non-null item failed: settle what was started, as graphql-core does.
            pending = [completed[i] for i in awaiting]
            pending.extend(collect_iterator_awaitables(iterator, is_awaitable))
            if pending:
                self.settle_in_background(pending)
            raise
        if not awaiting:
            return completed

        async def get_completed() -> list[Any]:
            if len(awaiting) == 1:
                completed[awaiting[0]] = await completed[awaiting[0]]
                return completed
            values = await gather_with_cancel(*(completed[i] for i in awaiting))
            for i, value in zip(awaiting, values, strict=True):
                completed[i] = value
            return completed

        return get_completed()

    async def _await_item(
        self,
        item: Completion,
        field: FieldPlan,
        info: Info,
        path: Path,
        value: Awaitable[Any],
    ) -> Any:
        """``complete_awaitable_list_item_value``."""
        try:
            completed = self._complete(item, field, info, path, await value)
            if self.is_awaitable(completed):
                completed = await completed
        except Exception as raw_error:
            self.handle_field_error(raw_error, item.type, field.details, path)
            return None
        return completed

    def _object(
        self,
        plan: ObjectPlan,
        field: FieldPlan,
        info: Info,
        path: Path,
        result: Any,
    ) -> Any:
        """``complete_object_value``."""
        type_ = plan.type
        if type_.is_type_of:
            is_type_of = type_.is_type_of(result, at_path(info, path))
            if self.is_awaitable(is_type_of):

                async def checked() -> Any:
                    if not await is_type_of:
                        raise _invalid(type_, result, field)
                    fields = self._fields(plan, result, path)
                    return await fields if self.is_awaitable(fields) else fields

                return checked()
            if not is_type_of:
                raise _invalid(type_, result, field)
        return self._fields(plan, result, path)


# graphql-core's coercions that return a value of this exact type as it is.
_UNCHANGED_BY: dict[Callable[[Any], Any], type] = {
    serialize_string: str,
    serialize_id: str,
    serialize_boolean: bool,
}

# Values that are neither awaitable nor exceptions: their completion is the
# scalar's coercion, with nothing else to check.
_PLAIN = frozenset({str, int, float, bool, date})


def _plain_types(type_: GraphQLLeafType) -> frozenset[type]:
    """:data:`_PLAIN`, and for a strawberry enum its Python enum (neither awaitable
    nor an exception)."""
    definition = type_.extensions.get("strawberry-definition")
    enum = getattr(definition, "wrapped_cls", None)
    if isinstance(enum, type) and issubclass(enum, Enum) and not issubclass(enum, Exception):
        return _PLAIN | {enum}
    return _PLAIN


def _attribute_read(definition: GraphQLField) -> Callable[[Any], Any] | None:
    """What strawberry's resolver reads for a field that is only an attribute, as
    one call; None for any other field.

    Only strawberry's ``_get_basic_result`` is that read (a field with no resolver,
    no extension, no permission class and no exception handler), and only while
    ``StrawberryField.get_result`` gives ``default_resolver(source, python_name)``.
    """
    resolve = definition.resolve
    field = definition.extensions.get("strawberry-definition")
    if (
        getattr(resolve, "__name__", None) != "_get_basic_result"
        or not getattr(resolve, "_is_default", False)
        or not isinstance(field, StrawberryField)
        or not field.is_basic_field
        or type(field).get_result is not StrawberryField.get_result
    ):
        return None
    name, read = field.python_name, field.default_resolver
    if read is getattr:
        return attrgetter(name)
    return lambda source: read(source, name)


# Argument values no resolver can change under another object's call.
_UNCHANGING = frozenset({str, int, float, bool, type(None), date, type(UNSET)})


def _direct_call(definition: GraphQLField, schema: StrawberrySchema | None) -> DirectCall | None:
    """The call strawberry's wrapper makes for the field, or None where it does
    more: a field extension or permission class, an exception handler, a
    ``get_result`` of its own, or a resolver that is not strawberry's wrapper."""
    resolve = definition.resolve
    field = definition.extensions.get("strawberry-definition")
    if (
        schema is None
        or schema.exception_handlers
        or getattr(resolve, "__name__", None) not in ("_resolver", "_async_resolver")
        or not isinstance(field, StrawberryField)
        or field.base_resolver is None
        or field.extensions
        or type(field).get_result is not StrawberryField.get_result
    ):
        return None
    resolver = field.base_resolver
    sources = (resolver.parent_parameter, resolver.root_parameter)
    info = resolver.info_parameter
    return DirectCall(
        field=field,
        resolver=resolver,
        info_class=schema.config.info_class,
        config=schema.config,
        scalars=schema.schema_converter.scalar_registry,
        passes_self=resolver.self_parameter is not None,
        source_names=tuple(p.name for p in sources if p is not None),
        info_name=info.name if info is not None else None,
    )


def _invalid(type_: GraphQLObjectType, result: Any, field: FieldPlan) -> GraphQLError:
    return GraphQLError(
        f"Expected value of type '{type_}' but got: {inspect(result)}.", field.nodes
    )


def compiled_execution(maxsize: int = 1024) -> type[CompiledExecution]:
    """An executor class with its own plan cache, for one schema."""
    return type("CompiledExecution", (CompiledExecution,), {"plans": LRUCache(maxsize=maxsize)})
