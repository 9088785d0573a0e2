"""Check a parsed GraphQL document against operation limits, in time linear in its size.

Every fragment definition is measured once, after the fragments it spreads
(Kahn's algorithm), and its numbers are reused at every spread; selection sets
are walked with explicit stacks. So a fragment bomb costs what its text costs,
and no document graphql-core can parse makes this module recurse.

Depth counts every field, ``__schema`` and ``__type`` included; fragments add
no level. Aliases and fields are counted with every spread expanded. A field
costs 1 + m * (the cost of its selection set), where m is its ``first`` (as
written, from the variables, or the schema's default; 0..MAX_MULTIPLIER), else
the length of its ``codes``, else 1. An unset variable counts as the largest
default any of the document's operations declares for it.

The defaults below were measured with this module against the gateway's schema:

- GraphiQL's introspection query (graphql-core 3.3's ``get_introspection_query(
  descriptions=True, input_value_deprecation=True)``) nests 15 deep
  (``__schema types fields args type`` then ``TypeRef``'s nine ``ofType``), and
  executes 226 fields at cost 226 (229 with every option on). So the depth limit
  is 15, the smallest that admits it; 500 fields gives it twice that headroom.
- The bank's batch, ``subjects(codes: $codes)`` with 100 codes selecting
  ``records(first: 50) { totalCount edges { node { id title item { code
  category openness } status decidedOn } } }``, is 16 fields, 6 deep, and costs
  1 + 100 * (3 + 1 + 50 * 11) = 55,401. A cost limit of 100,000 admits it with
  1.8x headroom; asking for every field of every record (cost 161,301) takes two
  batches of 50 codes (80,651 each).
- Aliases stay at the gateway's earlier 30, directives get 50 (GraphQL Armor
  uses 15 aliases, depth 6 and cost 5,000 with a different cost model).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from graphql import (
    DocumentNode,
    ExecutableDefinitionNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLNamedType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    NamedTypeNode,
    Node,
    NullValueNode,
    OperationDefinitionNode,
    SelectionNode,
    SelectionSetNode,
    Undefined,
    ValueNode,
    VariableNode,
    get_named_type,
    is_composite_type,
)

from gateway.config.settings import Limits

MAX_MULTIPLIER = 10_000
"""A `first` or `codes` argument multiplies the cost below it by at most this."""

_SATURATION = 10**12
"""Counts stop growing here (or just over their limit, if that is higher)."""

_LIMITS = ("depth", "aliases", "fields", "cost")
_FINDINGS = ("nests fields {} deep", "uses {} aliases", "would execute {} fields", "would cost {}")


@dataclass(frozen=True, slots=True)
class OperationLimits:
    """What one operation may ask for. The defaults are `gateway.config.settings.Limits`';
    the module docstring justifies them."""

    max_depth: int
    max_aliases: int
    max_fields: int
    max_directives: int
    max_cost: int

    @classmethod
    def from_limits(cls, limits: Limits) -> OperationLimits:
        return cls(
            limits.max_depth,
            limits.max_aliases,
            limits.max_fields,
            limits.max_directives,
            limits.max_cost,
        )


class _Metrics(NamedTuple):
    depth: int
    aliases: int
    fields: int
    cost: int


_ZERO = _Metrics(0, 0, 0, 0)


def check_document(
    schema: GraphQLSchema,
    document: DocumentNode,
    variables: Mapping[str, object] | None,
    limits: OperationLimits,
) -> list[GraphQLError]:
    """Errors for the limits the document exceeds, at most one per limit; [] if none.

    Every operation is checked with the fragments it spreads, and so is every
    fragment nothing spreads, since graphql-core's validation walks it too.
    """
    definitions = [d for d in document.definitions if isinstance(d, ExecutableDefinitionNode)]
    scans = [_scan(d) for d in definitions]
    fragments = {d.name.value: d for d in definitions if isinstance(d, FragmentDefinitionNode)}
    spreads = {
        d.name.value: names
        for d, (names, _) in zip(definitions, scans, strict=True)
        if isinstance(d, FragmentDefinitionNode) and fragments[d.name.value] is d
    }
    order, cycle = _topological_order(spreads)
    if cycle:
        return [_cycle_error([fragments[name] for name in cycle])]
    errors: list[GraphQLError] = []
    directives = sum(count for _, count in scans)
    if directives > limits.max_directives:
        maximum = limits.max_directives
        message = f"The document applies {directives} directives; the limit is {maximum}."
        errors.append(_error(message, [document], "directives", maximum))
    maxima = _Metrics(limits.max_depth, limits.max_aliases, limits.max_fields, limits.max_cost)
    caps = _Metrics(*(max(limit + 1, _SATURATION) for limit in maxima))
    measure = _Measure(schema, _variable_values(variables, definitions), caps)
    measure.supplied = frozenset(variables or ())
    measure.undefaulted = frozenset(
        variable.variable.name.value
        for definition in definitions
        for variable in definition.variable_definitions or ()
        if variable.default_value is None
    )
    for name in order:
        measure.fragments[name] = measure.definition(fragments[name])
    spread = {name for names, _ in scans for name in names}
    reported: set[str] = set()
    for definition in definitions:
        name = definition.name.value if definition.name else ""
        if name in spread and fragments.get(name) is definition:
            continue  # a fragment measured as part of whatever spreads it
        errors += _excess(definition, measure.definition(definition), maxima, caps, reported)
        if len(reported) == len(_LIMITS):
            break
    return errors


def _scan(definition: ExecutableDefinitionNode) -> tuple[dict[str, None], int]:
    """The fragment names a definition spreads, in order, and its directive applications."""
    names: dict[str, None] = {}
    directives = len(definition.directives or ())
    directives += sum(len(v.directives or ()) for v in definition.variable_definitions or ())
    stack = [definition.selection_set]
    while stack:
        for node in stack.pop().selections:
            directives += len(node.directives or ())
            if isinstance(node, FragmentSpreadNode):
                names[node.name.value] = None
            elif isinstance(node, FieldNode | InlineFragmentNode) and node.selection_set:
                stack.append(node.selection_set)
    return names, directives


def _topological_order(spreads: dict[str, dict[str, None]]) -> tuple[list[str], list[str]]:
    """The fragments, each after those it spreads; or a cycle of spreads, if there is one."""
    spreads = {name: {n: None for n in names if n in spreads} for name, names in spreads.items()}
    spread_by: dict[str, list[str]] = {name: [] for name in spreads}
    for name, names in spreads.items():
        for target in names:
            spread_by[target].append(name)
    waiting = {name: len(names) for name, names in spreads.items()}
    ready = [name for name, count in waiting.items() if count == 0]
    order: list[str] = []
    while ready:
        order.append(ready.pop())
        for name in spread_by[order[-1]]:
            waiting[name] -= 1
            if waiting[name] == 0:
                ready.append(name)
    left = [name for name, count in waiting.items() if count > 0]
    if not left:
        return order, []
    # Each fragment left spreads another one left: follow such spreads until one repeats.
    path: dict[str, int] = {}
    name = left[0]
    while name not in path:
        path[name] = len(path)
        name = next(n for n in spreads[name] if waiting[n] > 0)
    return order, list(path)[path[name] :]


class _Measure:
    """Measures selection sets; `fragments` holds each fragment's numbers once known."""

    def __init__(
        self, schema: GraphQLSchema, variables: dict[str, list[object]], caps: _Metrics
    ) -> None:
        self.schema = schema
        self.variables = variables
        self.supplied: frozenset[str] = frozenset()  # variables the request gives values for
        self.undefaulted: frozenset[str] = frozenset()  # declared somewhere without a default
        self.caps = caps
        self.fragments: dict[str, _Metrics] = {}

    def definition(self, definition: ExecutableDefinitionNode) -> _Metrics:
        if isinstance(definition, OperationDefinitionNode):
            parent: GraphQLNamedType | None = self.schema.get_root_type(definition.operation)
        else:
            assert isinstance(definition, FragmentDefinitionNode)
            parent = self._type(definition.type_condition, None)
        return self.selection_set(definition.selection_set, parent)

    def selection_set(
        self, selection_set: SelectionSetNode, parent: GraphQLNamedType | None
    ) -> _Metrics:
        """Walk it with an explicit stack of frames, one per field being measured."""
        root = _Frame([(node, parent) for node in selection_set.selections], None, 1)
        stack = [root]
        while stack:
            frame = stack[-1]
            if not frame.todo:
                stack.pop()
                if stack:
                    stack[-1].add(frame.as_field(self.caps), self.caps)
                continue
            node, parent = frame.todo.pop()
            if isinstance(node, FieldNode):
                stack.append(self._field_frame(node, parent))
            elif isinstance(node, InlineFragmentNode):
                inner = self._type(node.type_condition, parent)
                frame.todo += [(child, inner) for child in node.selection_set.selections]
            elif isinstance(node, FragmentSpreadNode) and node.name.value in self.fragments:
                frame.add(self.fragments[node.name.value], self.caps)
        return root.total

    def _field_frame(self, node: FieldNode, parent: GraphQLNamedType | None) -> _Frame:
        field = (
            self.schema.get_field(parent, node.name.value) if is_composite_type(parent) else None
        )
        inner = get_named_type(field.type) if field else None
        children = node.selection_set.selections if node.selection_set else ()
        return _Frame([(child, inner) for child in children], node, self._multiplier(node, field))

    def _type(
        self, node: NamedTypeNode | None, default: GraphQLNamedType | None
    ) -> GraphQLNamedType | None:
        return self.schema.get_type(node.name.value) if node else default

    def _multiplier(self, node: FieldNode, field: GraphQLField | None) -> int:
        """`first`, else the length of `codes`, else 1; the largest value they may take."""
        pages = self._argument(node, field, "first")
        if pages:
            return max(_page_size(value) for value in pages)
        codes = self._argument(node, field, "codes")
        if codes:
            return max(_list_length(value) for value in codes)
        return 1

    def _argument(self, node: FieldNode, field: GraphQLField | None, name: str) -> list[object]:
        """The values an argument may take: as written, from the variables, or its default."""
        value = next((a.value for a in node.arguments or () if a.name.value == name), None)
        if isinstance(value, VariableNode):
            variable = value.name.value
            if variable in self.supplied:
                return self.variables[variable]
            # Unset, it takes an operation's default, or (in an operation that
            # declares none) the argument's own default: either may run.
            declared = self.variables.get(variable, [])
            if declared and variable not in self.undefaulted:
                return declared
            return [*declared, *self._default(field, name)]
        if value is not None:
            return [_literal(value)]
        return self._default(field, name)

    @staticmethod
    def _default(field: GraphQLField | None, name: str) -> list[object]:
        argument = field.args.get(name) if field else None
        if argument is None or argument.default_value is Undefined:
            return []
        return [argument.default_value]


@dataclass(slots=True)
class _Frame:
    """A field being measured: what is left of its selection set, and the total so far."""

    todo: list[tuple[SelectionNode, GraphQLNamedType | None]]
    node: FieldNode | None
    multiplier: int
    total: _Metrics = _ZERO

    def add(self, other: _Metrics, caps: _Metrics) -> None:
        total = self.total
        self.total = _Metrics(
            max(total.depth, other.depth),
            min(total.aliases + other.aliases, caps.aliases),
            min(total.fields + other.fields, caps.fields),
            min(total.cost + other.cost, caps.cost),
        )

    def as_field(self, caps: _Metrics) -> _Metrics:
        total, aliased = self.total, self.node is not None and self.node.alias is not None
        return _Metrics(
            1 + total.depth,
            min(aliased + total.aliases, caps.aliases),
            min(1 + total.fields, caps.fields),
            min(1 + self.multiplier * total.cost, caps.cost),
        )


def _variable_values(
    variables: Mapping[str, object] | None, definitions: Sequence[ExecutableDefinitionNode]
) -> dict[str, list[object]]:
    """Each variable's value if given, else every default an operation declares for it."""
    values: dict[str, list[object]] = {}
    for definition in definitions:
        for variable in definition.variable_definitions or ():
            if variable.default_value is not None:
                name = variable.variable.name.value
                values.setdefault(name, []).append(_literal(variable.default_value))
    return values | {name: [value] for name, value in (variables or {}).items()}


def _literal(node: ValueNode) -> object:
    """Enough of a literal's value for a multiplier, without descending into it."""
    if isinstance(node, IntValueNode):
        return int(node.value)
    if isinstance(node, ListValueNode):
        return list(node.values)
    return None if isinstance(node, NullValueNode) else node


def _page_size(value: object) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        return 0  # not an Int: the operation will not validate
    return min(max(value, 0), MAX_MULTIPLIER)


def _list_length(value: object) -> int:
    if isinstance(value, list | tuple):
        return min(len(value), MAX_MULTIPLIER)
    return 0 if value is None else 1  # a single value is coerced to a list of one


def _excess(
    definition: ExecutableDefinitionNode,
    metrics: _Metrics,
    maxima: _Metrics,
    caps: _Metrics,
    reported: set[str],
) -> list[GraphQLError]:
    """Errors for the limits not yet reported that this definition's numbers exceed."""
    kind = "fragment" if isinstance(definition, FragmentDefinitionNode) else "operation"
    who = f"The {kind} {definition.name.value}" if definition.name else f"The {kind}"
    errors = []
    for limit, finding, value, maximum, cap in zip(
        _LIMITS, _FINDINGS, metrics, maxima, caps, strict=True
    ):
        if value > maximum and limit not in reported:
            reported.add(limit)
            amount = f"at least {cap}" if value >= cap else str(value)
            message = f"{who} {finding.format(amount)}; the limit is {maximum}."
            errors.append(_error(message, [definition], limit, maximum))
    return errors


def _cycle_error(cycle: list[FragmentDefinitionNode]) -> GraphQLError:
    names = ", ".join(f.name.value for f in cycle[:10])
    if len(cycle) > 10:
        names += f" and {len(cycle) - 10} more"
    message = f"Fragments spread one another in a cycle: {names}."
    return _error(message, cycle[:10], "fragment_cycle", None)


def _error(message: str, nodes: Sequence[Node], limit: str, maximum: int | None) -> GraphQLError:
    extensions: dict[str, object] = {"code": "GRAPHQL_VALIDATION_FAILED", "limit": limit}
    if maximum is not None:
        extensions["max"] = maximum
    return GraphQLError(message, nodes=nodes, extensions=extensions)
