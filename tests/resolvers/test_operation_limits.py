"""Operation limits: each limit admits its value and refuses one more, in linear time."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace

import graphql
import pytest
from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLError,
    NameNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from gateway.config.settings import Limits
from resolvers.operation_limits import OperationLimits, check_document
from resolvers.schema import build_schema

SCHEMA = build_schema()._schema
UNLIMITED = OperationLimits(10**9, 10**9, 10**9, 10**9, 10**9)
BANK_BATCH = """query($codes: [String!]!) { subjects(codes: $codes) { code name kind
  records(first: 50) { totalCount edges { node {
    id title item { code category openness } status decidedOn } } } } }"""
CODES = {"codes": [f"91110000{i:010d}" for i in range(100)]}
INTROSPECTION = graphql.get_introspection_query(descriptions=True, input_value_deprecation=True)


def check(
    query: str | DocumentNode,
    variables: Mapping[str, object] | None = None,
    limits: OperationLimits = UNLIMITED,
    **maxima: int,
) -> list[GraphQLError]:
    document = graphql.parse(query, max_tokens=None) if isinstance(query, str) else query
    return check_document(SCHEMA, document, variables, replace(limits, **maxima))


def kinds(errors: list[GraphQLError]) -> list[str]:
    return [str((error.extensions or {})["limit"]) for error in errors]


def assert_limit(
    query: str, limit: str, value: int, variables: Mapping[str, object] | None = None
) -> GraphQLError:
    """`query` passes with the limit at `value` and is refused with it at `value - 1`."""
    assert check(query, variables, **{f"max_{limit}": value}) == []
    errors = check(query, variables, **{f"max_{limit}": value - 1})
    assert kinds(errors) == [limit]
    assert errors[0].extensions == {
        "code": "GRAPHQL_VALIDATION_FAILED",
        "limit": limit,
        "max": value - 1,
    }
    return errors[0]


@contextmanager
def shallow_stack(frames: int = 80) -> Iterator[None]:
    """Allow only `frames` more Python frames, so any recursion over the input fails."""
    depth, frame = 0, sys._getframe()
    while frame.f_back is not None:
        depth, frame = depth + 1, frame.f_back
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(depth + frames)
    try:
        yield
    finally:
        sys.setrecursionlimit(old)


def nested(depth: int) -> str:
    return "{" + "a {" * (depth - 1) + "b" + "}" * (depth - 1) + "}"


def bomb(count: int, *, used: bool = True) -> str:
    """`count` fragments, each with two aliases, each spreading the next twice."""
    fragments = [
        f"fragment F{i} on Query {{ x: __typename y: __typename ...F{i + 1} ...F{i + 1} }}"
        for i in range(count - 1)
    ]
    fragments.append(f"fragment F{count - 1} on Query {{ x: __typename y: __typename }}")
    return ("{ ...F0 }\n" if used else "{ __typename }\n") + "\n".join(fragments)


# Depth


def test_depth_at_the_limit_passes_and_one_more_is_refused() -> None:
    assert check(nested(10), max_depth=10) == []
    errors = check(nested(11), max_depth=10)
    assert [e.message for e in errors] == ["The operation nests fields 11 deep; the limit is 10."]
    assert errors[0].extensions == {
        "code": "GRAPHQL_VALIDATION_FAILED",
        "limit": "depth",
        "max": 10,
    }


def test_depth_counts_through_fragment_spreads() -> None:
    assert_limit("{ a { ...F } } fragment F on Query { b { c } }", "depth", 3)


def test_depth_counts_through_inline_fragments() -> None:
    assert_limit("{ a { ... on Query { b { ... { c } } } } }", "depth", 3)


def test_introspection_fields_count_toward_depth() -> None:
    query = "{ __schema { types { fields { type" + " { ofType" * 6 + " { name }" + " }" * 10
    assert check(query, max_depth=11) == []
    assert kinds(check(query, max_depth=10)) == ["depth"]


# Aliases and fields


def test_aliases_are_counted_at_every_spread() -> None:
    query = """{ s1: subject(code: "a") { ...F } s2: subject(code: "b") { ...F } }
        fragment F on Subject { n1: name n2: code }"""
    error = assert_limit(query, "aliases", 6)  # written down there are only 4
    assert error.message == "The operation uses 6 aliases; the limit is 5."


def test_fields_are_counted_at_every_spread() -> None:
    query = "{ a { ...F } b { ...F } } fragment F on Query { c d { e } }"
    assert_limit(query, "fields", 8)  # written down there are 5


@pytest.mark.parametrize("count", [21, 40])
def test_a_fragment_bomb_is_refused_quickly(count: int) -> None:
    document = graphql.parse(bomb(count))
    started = time.process_time()
    errors = check(document, limits=OperationLimits.from_limits(Limits()))
    elapsed = time.process_time() - started
    assert kinds(errors) == ["aliases", "fields", "cost"]
    assert elapsed < 0.5  # strawberry's limiters take 13.9 s for 21 fragments
    fields = 2 ** (count + 1) - 2
    expected = f"at least {10**12}" if fields >= 10**12 else str(fields)
    assert errors[1].message == f"The operation would execute {expected} fields; the limit is 500."


# Fragment cycles and deep documents


def test_a_two_fragment_cycle_is_refused() -> None:
    query = """{ ...C } fragment C on Query { ...A }
        fragment A on Query { a ...B } fragment B on Query { b ...A }"""
    errors = check(query)
    assert [e.message for e in errors] == ["Fragments spread one another in a cycle: A, B."]
    assert errors[0].extensions == {"code": "GRAPHQL_VALIDATION_FAILED", "limit": "fragment_cycle"}


def test_a_fragment_spreading_itself_is_refused() -> None:
    assert kinds(check("{ ...A } fragment A on Query { a ...A }")) == ["fragment_cycle"]


def test_a_500_fragment_cycle_is_refused_without_recursion() -> None:
    query = "{ ...F0 }" + "".join(
        f" fragment F{i} on Query {{ ...F{(i + 1) % 500} }}" for i in range(500)
    )
    document = graphql.parse(query, max_tokens=None)
    with shallow_stack():
        errors = check(document)
    assert kinds(errors) == ["fragment_cycle"]
    names = ", ".join(f"F{i}" for i in range(10))
    assert errors[0].message == f"Fragments spread one another in a cycle: {names} and 490 more."
    assert len(errors[0].nodes or ()) == 10


def test_a_3000_fragment_chain_is_measured_without_recursion() -> None:
    chain = "".join(f" fragment F{i} on Query {{ a {{ ...F{i + 1} }} }}" for i in range(2999))
    document = graphql.parse(
        "{ ...F0 }" + chain + " fragment F2999 on Query { b }", max_tokens=None
    )
    with shallow_stack():
        errors = check(document, limits=OperationLimits.from_limits(Limits()))
    assert kinds(errors) == ["depth", "fields"]
    assert errors[0].message == "The operation nests fields 3000 deep; the limit is 15."


def test_the_deepest_selection_set_the_parser_accepts_is_measured_without_recursion() -> None:
    depth, document = 1, graphql.parse(nested(1))
    while True:  # graphql-core's parser gives up at about 200 levels
        try:
            document = graphql.parse(nested(depth + 1), max_tokens=None)
        except graphql.GraphQLSyntaxError:
            break
        depth += 1
    assert depth > 100
    with shallow_stack():
        errors = check(document, max_depth=depth - 1)
    assert kinds(errors) == ["depth"]
    with shallow_stack():
        assert check(document, max_depth=depth) == []


def test_a_20000_deep_syntax_tree_is_measured_without_recursion() -> None:
    node = FieldNode(name=NameNode(value="b"))
    for _ in range(19_999):
        node = FieldNode(
            name=NameNode(value="a"), selection_set=SelectionSetNode(selections=(node,))
        )
    operation = OperationDefinitionNode(
        operation=OperationType.QUERY, selection_set=SelectionSetNode(selections=(node,))
    )
    with shallow_stack():
        errors = check(DocumentNode(definitions=(operation,)), max_depth=19_999)
    assert [e.message for e in errors] == [
        "The operation nests fields 20000 deep; the limit is 19999."
    ]


def test_a_spread_of_an_undefined_fragment_is_left_to_validation() -> None:
    assert check("{ a ...Missing }", max_depth=1, max_fields=1) == []


# Cost


def test_cost_multiplies_by_a_literal_first() -> None:
    error = assert_limit('{ subject(code: "x") { records(first: 10) { totalCount } } }', "cost", 12)
    assert error.message == "The operation would cost 12; the limit is 11."


def test_cost_multiplies_by_first_from_the_variables() -> None:
    query = 'query($n: Int!) { subject(code: "x") { records(first: $n) { totalCount } } }'
    assert_limit(query, "cost", 32, {"n": 30})


def test_cost_multiplies_by_a_variables_declared_default() -> None:
    query = 'query($n: Int! = 7) { subject(code: "x") { records(first: $n) { totalCount } } }'
    assert_limit(query, "cost", 9)
    assert_limit(query, "cost", 5, {"n": 3})


def test_another_operations_default_does_not_lower_the_cost() -> None:
    """An operation that declares $n without a default runs with the field's own (50)."""
    query = (
        "query A($n: Int = 1) { __typename } "
        'query B($n: Int) { subject(code: "x") { records(first: $n) { totalCount } } }'
    )
    assert_limit(query, "cost", 52)


def test_cost_multiplies_by_the_schema_default_of_first() -> None:
    assert_limit('{ subject(code: "x") { records { totalCount } } }', "cost", 52)  # first = 50
    assert_limit('{ searchSubjects(name: "ab") { edges { cursor } } }', "cost", 41)  # first = 20
    query = 'query($n: Int) { searchSubjects(name: "ab", first: $n) { edges { cursor } } }'
    assert_limit(query, "cost", 41)  # an unset variable leaves the default


@pytest.mark.parametrize(
    "query",
    [
        '{ subject(code: "x") { ... { records { totalCount } } } }',
        '{ subject(code: "x") { ... on Subject { records { totalCount } } } }',
        '{ subject(code: "x") { ...R } } fragment R on Subject { records { totalCount } }',
    ],
)
def test_schema_defaults_are_found_through_fragments(query: str) -> None:
    assert_limit(query, "cost", 52)


@pytest.mark.parametrize(
    ("first", "cost"), [("-5", 2), ("null", 2), ("1e9", 2), ("99999999", 10_002)]
)
def test_a_negative_invalid_or_huge_first_is_clamped(first: str, cost: int) -> None:
    assert_limit(
        f'{{ subject(code: "x") {{ records(first: {first}) {{ totalCount }} }} }}', "cost", cost
    )


def test_cost_multiplies_by_the_number_of_codes() -> None:
    assert_limit('{ subjects(codes: ["a", "b", "c"]) { code } }', "cost", 4)
    query = "query($c: [String!]!) { subjects(codes: $c) { code } }"
    assert_limit(query, "cost", 6, {"c": ["a", "b", "c", "d", "e"]})


def test_the_bank_batch_passes_the_defaults() -> None:
    assert check(BANK_BATCH, CODES, limits=OperationLimits.from_limits(Limits())) == []
    assert_limit(BANK_BATCH, "cost", 55_401, CODES)


def test_the_bank_batch_repeating_its_records_under_aliases_is_refused() -> None:
    node = "node { id title item { code category openness } status decidedOn }"
    records = f"records(first: 50) {{ totalCount edges {{ {node} }} }}"
    query = f"""query($codes: [String!]!) {{
        subjects(codes: $codes) {{ code name kind r1: {records} r2: {records} }} }}"""
    errors = check(query, CODES, limits=OperationLimits.from_limits(Limits()))
    assert [e.message for e in errors] == ["The operation would cost 110501; the limit is 100000."]
    assert (
        check(query, {"codes": CODES["codes"][:70]}, limits=OperationLimits.from_limits(Limits()))
        == []
    )


def test_the_introspection_query_passes_the_defaults() -> None:
    assert check(INTROSPECTION, limits=OperationLimits.from_limits(Limits())) == []
    assert_limit(INTROSPECTION, "depth", 15)
    assert_limit(INTROSPECTION, "fields", 226)
    assert_limit(INTROSPECTION, "cost", 226)


# Directives, unselected definitions, trivial documents


def test_directives_are_counted_wherever_they_are_written() -> None:
    query = """query Q($v: Int @d) @d { a @d ...F @d ... @d { b } c @include(if: true) }
        fragment F on Query @d { c @d }"""
    error = assert_limit(query, "directives", 8)
    assert error.message == "The document applies 8 directives; the limit is 7."


def test_an_operation_that_would_not_be_selected_is_still_checked() -> None:
    errors = check(
        f"query Small {{ a }} query Big {nested(11)} query Bigger {nested(12)}", max_depth=10
    )
    assert [e.message for e in errors] == [
        "The operation Big nests fields 11 deep; the limit is 10."
    ]


def test_a_fragment_nothing_spreads_is_still_checked() -> None:
    errors = check(bomb(40, used=False), limits=OperationLimits.from_limits(Limits()))
    assert kinds(errors) == ["aliases", "fields", "cost"]
    assert errors[0].message == f"The fragment F0 uses at least {10**12} aliases; the limit is 30."


def test_an_empty_document_and_a_typename_query_pass() -> None:
    zero = OperationLimits(0, 0, 0, 0, 0)
    assert check(DocumentNode(definitions=()), limits=zero) == []
    assert check("{ __typename }", limits=OperationLimits.from_limits(Limits())) == []
    assert check("{ __typename }", max_depth=1, max_fields=1, max_cost=1, max_aliases=0) == []


# Property: the linear measure agrees with a naive expansion on small documents


@dataclass(frozen=True)
class Field:
    alias: str | None
    name: str
    children: tuple[Selection, ...]


@dataclass(frozen=True)
class Inline:
    typed: bool
    children: tuple[Selection, ...]


@dataclass(frozen=True)
class Spread:
    index: int


Selection = Field | Inline | Spread


def render(selections: tuple[Selection, ...]) -> str:
    parts = []
    for s in selections:
        if isinstance(s, Field):
            head = f"{s.alias}: {s.name}" if s.alias else s.name
            parts.append(f"{head} {render(s.children)}" if s.children else head)
        elif isinstance(s, Inline):
            parts.append(("... on Query " if s.typed else "... ") + render(s.children))
        else:
            parts.append(f"...F{s.index}")
    return "{ " + " ".join(parts) + " }"


def naive(
    selections: tuple[Selection, ...], fragments: list[tuple[Selection, ...]]
) -> tuple[int, int, int]:
    """(depth, aliases, fields) by expanding every spread, recursively."""
    depth = aliases = fields = 0
    for s in selections:
        if isinstance(s, Field):
            d, a, f = naive(s.children, fragments)
            depth, aliases, fields = max(depth, 1 + d), aliases + a + bool(s.alias), fields + 1 + f
        else:
            d, a, f = naive(s.children if isinstance(s, Inline) else fragments[s.index], fragments)
            depth, aliases, fields = max(depth, d), aliases + a, fields + f
    return depth, aliases, fields


def selections(fragment_count: int) -> st.SearchStrategy[tuple[Selection, ...]]:
    aliases = st.none() | st.sampled_from(["x", "y"])
    leaf: st.SearchStrategy[Selection] = st.builds(
        Field, aliases, st.sampled_from(["a", "b", "c"]), st.just(())
    )
    if fragment_count:
        leaf = leaf | st.builds(Spread, st.integers(0, fragment_count - 1))

    def extend(inner: st.SearchStrategy[Selection]) -> st.SearchStrategy[Selection]:
        children = st.lists(inner, min_size=1, max_size=3).map(tuple)
        return st.builds(Field, aliases, st.sampled_from(["a", "b", "c"]), children) | st.builds(
            Inline, st.booleans(), children
        )

    return st.lists(st.recursive(leaf, extend, max_leaves=10), min_size=1, max_size=3).map(tuple)


@st.composite
def documents(draw: st.DrawFn) -> tuple[tuple[Selection, ...], list[tuple[Selection, ...]]]:
    fragments = [draw(selections(i)) for i in range(draw(st.integers(0, 4)))]
    return draw(selections(len(fragments))), fragments


@settings(max_examples=200, deadline=None)
@given(documents())
def test_the_measure_agrees_with_a_naive_expansion(
    document: tuple[tuple[Selection, ...], list[tuple[Selection, ...]]],
) -> None:
    operation, fragments = document
    text = render(operation) + "".join(
        f" fragment F{i} on Query {render(body)}" for i, body in enumerate(fragments)
    )
    spread = {
        s.index for body in [operation, *fragments] for s in walk(body) if isinstance(s, Spread)
    }
    units = [operation, *(body for i, body in enumerate(fragments) if i not in spread)]
    depth, aliases, fields = (
        max(m) for m in zip(*(naive(u, fragments) for u in units), strict=True)
    )
    exact = OperationLimits(depth, aliases, fields, 10**9, fields)  # unknown fields cost 1 each
    assert check(text, limits=exact) == []
    for limit, value in [
        ("depth", depth),
        ("aliases", aliases),
        ("fields", fields),
        ("cost", fields),
    ]:
        assert kinds(check(text, limits=replace(exact, **{f"max_{limit}": value - 1}))) == [limit]


def walk(selections: tuple[Selection, ...]) -> Iterator[Selection]:
    for s in selections:
        yield s
        if not isinstance(s, Spread):
            yield from walk(s.children)
