"""Which operations get a compiled plan, and how a plan answers where resolvers fail.

A small schema of its own has what the gateway's lacks: resolvers that
raise, return null for a non-null field, wait, hand back errors inside
lists, and an interface. Generated operations over it run through the
compiled executor and the generic one, which must answer alike.
"""

from __future__ import annotations

import asyncio
import gc
import json
from datetime import UTC, datetime
from typing import Any, ClassVar

import pytest
import strawberry
from graphql import parse
from graphql.execution.collect_fields import FragmentDetails
from hypothesis import given, settings
from hypothesis import strategies as st
from strawberry.extensions import FieldExtension
from strawberry.permission import BasePermission

from resolvers.compiled import (
    CompiledExecution,
    compile_operation,
    compiled_execution,
)


@strawberry.interface
class Named:
    name: str


class Deny(BasePermission):
    message = "denied"

    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        return False


class Upper(FieldExtension):
    def resolve(self, next_: Any, source: Any, info: Any, **kwargs: Any) -> Any:
        return str(next_(source, info, **kwargs)).upper()


class Row:
    """Not a strawberry object: its `flaky` fails on the first read, `when` is a datetime."""

    reads: ClassVar[list[str]] = []

    def __init__(self, id: int) -> None:
        self.id = id
        self._read = False

    @property
    def flaky(self) -> str:
        Row.reads.append(f"flaky {self.id}")
        if not self._read:
            self._read = True
            raise ValueError(f"first read of {self.id} fails")
        return "ok"

    @property
    def when(self) -> datetime:
        Row.reads.append(f"when {self.id}")
        return datetime(2026, 1, self.id + 1, tzinfo=UTC)


@strawberry.type(name="Row")
class RowType:
    id: int
    flaky: str | None
    when: datetime


class Closing:
    """An iterator whose source fails after its first item."""

    def __init__(self) -> None:
        self.given = 0

    def __iter__(self) -> Closing:
        return self

    def __next__(self) -> str | None:
        self.given += 1
        if self.given == 1:
            return None
        raise RuntimeError("cursor closed")


def _tag(root: Leaf, info: strawberry.Info, suffix: str = "") -> str:
    """A resolver asking for the parent object as ``root``, and for ``info``."""
    return f"{root.id}{suffix} at {info.path.key}"


@strawberry.type
class Leaf(Named):
    id: int
    # Attributes that break their types: null for a non-null scalar, a float for an Int.
    absent: str = None  # type: ignore[assignment]
    ratio: int = 0.5  # type: ignore[assignment]
    # Fields without a resolver that strawberry still wraps: no mere attribute reads.
    secret: str = strawberry.field(default="s3cret", permission_classes=[Deny])
    loud: str = strawberry.field(default="quiet", extensions=[Upper()])

    @strawberry.field
    def boom(self) -> str | None:
        raise ValueError(f"boom {self.id}")

    @strawberry.field
    def strict_boom(self) -> str:
        raise ValueError(f"strict boom {self.id}")

    @strawberry.field
    def missing(self) -> str:
        return None  # type: ignore[return-value]

    @strawberry.field
    async def later(self) -> str | None:
        await asyncio.sleep(0)
        return f"later {self.id}"

    @strawberry.field
    async def later_maybe(self) -> str | None:
        await asyncio.sleep(0)
        raise ValueError(f"later maybe {self.id}")

    @strawberry.field
    async def later_boom(self) -> str:
        await asyncio.sleep(0)
        raise ValueError(f"later boom {self.id}")

    @strawberry.field
    def twice(self, times: int = 2) -> list[int]:
        return [self.id] * times

    tag: str = strawberry.field(resolver=_tag)

    @strawberry.field
    def grow(self, items: list[int]) -> list[int]:
        # Changes its argument: each object's call must have its own list.
        items.append(self.id)
        return items

    @strawberry.field
    def children(self) -> list[Leaf]:
        return (
            [Leaf(id=self.id * 10 + i, name=f"child {i}") for i in range(2)]
            if self.id < 100
            else []
        )


@strawberry.type
class Query:
    @strawberry.field
    def leaves(self, n: int = 3) -> list[Leaf]:
        return [Leaf(id=i, name=f"leaf {i}") for i in range(n)]

    @strawberry.field
    def gaps(self) -> list[Leaf | None]:
        return [Leaf(id=1, name="one"), None, ValueError("no leaf"), Leaf(id=3, name="three")]  # type: ignore[list-item]

    @strawberry.field
    async def one(self, id: int) -> Leaf | None:
        await asyncio.sleep(0)
        return Leaf(id=id, name=f"leaf {id}") if id >= 0 else None

    @strawberry.field
    def strict(self) -> Leaf:
        return Leaf(id=9, name="nine")

    @strawberry.field
    def named(self) -> Named:
        return Leaf(id=5, name="five")

    @strawberry.field
    def rows(self) -> list[RowType]:
        return [Row(i) for i in range(2)]  # type: ignore[misc]

    @strawberry.field
    def names(self) -> list[str] | None:
        return Closing()  # type: ignore[return-value]

    @strawberry.field
    async def failing(self) -> str | None:
        await asyncio.sleep(0)
        raise ValueError("failing")

    @strawberry.field
    def single(self) -> list[Leaf]:
        return [Leaf(id=7, name="seven")]

    @strawberry.field
    async def awaited_items(self) -> list[int | None]:
        async def item(i: int) -> int:
            if i == 2:
                raise ValueError("item two")
            return i

        return [item(i) for i in range(4)]  # type: ignore[misc]


TOY = strawberry.Schema(query=Query)
TOY_COMPILED = strawberry.Schema(query=Query, execution_context_class=compiled_execution())
LEAF_FIELDS = [
    "id",
    "absent",
    "ratio",
    "secret",
    "loud",
    "name",
    "boom",
    "strictBoom",
    "missing",
    "later",
    "laterMaybe",
    "laterBoom",
    "twice",
    "twice(times: 1)",
    "twice(times: 3)",
    "tag",
    'tag(suffix: "!")',
    "grow(items: [7])",
    "__typename",
]


@st.composite
def leaf_selection(draw: st.DrawFn) -> str:
    fields = draw(st.lists(st.sampled_from(LEAF_FIELDS), min_size=1, max_size=5))
    parts = [f"{draw(st.sampled_from(['', 'x: ', 'y: ']))}{f}" for f in fields]
    if draw(st.booleans()):
        parts.append(f"... on Leaf {{ {' '.join(parts)} }}")
    return " ".join(parts)


@st.composite
def toy_operations(draw: st.DrawFn) -> str:
    roots = [
        lambda: f"leaves(n: {draw(st.integers(0, 4))}) {{ {draw(leaf_selection())} }}",
        lambda: f"gaps {{ {draw(leaf_selection())} }}",
        lambda: f"one(id: {draw(st.integers(-1, 2))}) {{ {draw(leaf_selection())} }}",
        lambda: f"strict {{ {draw(leaf_selection())} }}",
        lambda: f"single {{ {draw(leaf_selection())} }}",
        lambda: "names",
        lambda: "failing",
        lambda: "awaitedItems",
        lambda: "named { name ... on Leaf { id } }",
        lambda: f"leaves(n: 2) {{ children {{ {draw(leaf_selection())} children {{ id }} }} }}",
    ]
    chosen = draw(st.lists(st.sampled_from(range(len(roots))), min_size=1, max_size=4))
    body = " ".join(f"r{i}: {roots[k]()}" for i, k in enumerate(chosen))
    if draw(st.booleans()):
        body += " __typename"
    return f"{{ {body} }}"


async def _answer(schema: strawberry.Schema, query: str) -> tuple[Any, list[str]]:
    result = await schema.execute(query)
    # In the order reported: the toy's scheduling is deterministic.
    errors = [json.dumps(e.formatted, sort_keys=True) for e in result.errors or ()]
    return result.data, errors


# When a non-null error nulls the data, graphql-core (either path) leaves the
# list items of `awaitedItems` unawaited; collected here, they are this test's.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.filterwarnings("ignore:coroutine .* was never awaited:RuntimeWarning")
@settings(max_examples=300, deadline=None)
@given(query=toy_operations())
def test_failing_resolvers_null_and_report_alike(query: str) -> None:
    async def both() -> None:
        assert await _answer(TOY_COMPILED, query) == await _answer(TOY, query)

    asyncio.run(both())
    gc.collect()


def test_a_plan_calls_resolvers_with_their_own_arguments_root_and_info() -> None:
    query = (
        "{ leaves(n: 2) { a: twice(times: 1) b: twice(times: 3) "
        'tag x: tag(suffix: "!") grow(items: [7]) } }'
    )
    data, errors = asyncio.run(_answer(TOY_COMPILED, query))
    assert errors == []
    assert data == {
        "leaves": [
            {"a": [i], "b": [i] * 3, "tag": f"{i} at tag", "x": f"{i}! at x", "grow": [7, i]}
            for i in range(2)
        ]
    }
    assert _compiled(TOY_COMPILED, query)


def test_a_plan_answers_partial_data_with_paths() -> None:
    query = "{ gaps { id boom } strict { id missing } }"
    data, errors = asyncio.run(_answer(TOY_COMPILED, query))
    # `strict` is non-null and `missing` is null: the error nulls the whole data.
    assert data is None
    paths = [json.loads(e)["path"] for e in errors]
    assert ["strict", "missing"] in paths
    assert ["gaps", 2] in paths
    assert ["gaps", 0, "boom"] in paths
    assert _compiled(TOY_COMPILED, query)


def _compiled(schema: strawberry.Schema, query: str) -> bool:
    """Whether the schema's executor ran ``query`` from a plan."""
    executor: type[CompiledExecution] = schema.execution_context_class  # type: ignore[assignment]
    for operation, plan in executor.plans.values():
        if operation.loc is not None and operation.loc.source.body == query:
            return plan is not None
    raise AssertionError("the operation never reached the executor")


def _plan(query: str) -> Any:
    document = parse(query)
    operation = document.definitions[0]
    fragments = {
        d.name.value: FragmentDetails(d)
        for d in document.definitions[1:]
        if hasattr(d, "type_condition")
    }
    return compile_operation(TOY._schema, operation, fragments)  # type: ignore[arg-type]


def test_a_plain_query_is_planned_with_its_keys_merged_in_order() -> None:
    plan = _plan(
        "{ a: leaves { id } leaves { name } a: leaves { name } ...F } "
        "fragment F on Query { strict { id } }"
    )
    assert [f.key for f in plan.fields] == ["a", "leaves", "strict"]
    merged = plan.fields[0]
    assert len(merged.nodes) == 2
    inner = merged.completion.inner.inner.inner  # [Leaf!]!
    assert [f.key for f in inner.fields] == ["id", "name"]


@pytest.mark.parametrize(
    "query",
    [
        "{ leaves @include(if: true) { id } }",
        "{ leaves { id @skip(if: false) } }",
        "query Q @deprecated { leaves { id } }",
        "{ named { name } }",  # an interface
        "{ __schema { queryType { name } } }",
        "{ leaves { ...F } } fragment F on Leaf @include(if: true) { id }",
        "mutation { leaves { id } }",
    ],
)
def test_anything_else_is_left_to_the_generic_executor(query: str) -> None:
    assert _plan(query) is None


def test_a_fragment_spread_many_times_is_planned_once_per_place() -> None:
    assert _plan("{ leaves { ...F ...F id } } fragment F on Leaf { id name }") is not None


def test_an_operation_that_expands_past_the_cap_is_not_planned() -> None:
    # Each fragment spreads the one below twice: 12 levels expand to 2**12 fields.
    fragments = ["fragment F0 on Leaf { id }"]
    for i in range(1, 12):
        fragments.append(
            f"fragment F{i} on Leaf "
            f"{{ a: children {{ ...F{i - 1} }} b: children {{ ...F{i - 1} }} }}"
        )
    assert _plan("{ leaves { ...F11 } } " + " ".join(fragments)) is None
    assert _plan("{ leaves { ...F3 } } " + " ".join(fragments[:4])) is not None


def test_an_attribute_is_read_once_whatever_becomes_of_its_value() -> None:
    query = "{ rows { id flaky when } }"
    answers = []
    for schema in (TOY, TOY_COMPILED):
        Row.reads.clear()
        answers.append((asyncio.run(_answer(schema, query)), list(Row.reads)))
    assert answers[0] == answers[1]
    assert answers[1][1] == ["flaky 0", "when 0", "flaky 1", "when 1"]
    assert _compiled(TOY_COMPILED, query)


def test_fields_strawberry_wraps_are_not_read_as_attributes() -> None:
    query = "{ strict { loud secret } }"
    data, errors = asyncio.run(_answer(TOY_COMPILED, query))
    assert asyncio.run(_answer(TOY, query)) == (data, errors)
    assert data is None  # `secret` is non-null and denied
    assert [json.loads(e)["message"] for e in errors] == ["denied"]
    assert asyncio.run(_answer(TOY_COMPILED, "{ strict { loud } }"))[0] == {
        "strict": {"loud": "QUIET"}
    }


def test_resolvers_strawberry_only_converts_for_are_called_directly() -> None:
    plan = _plan("{ leaves { twice tag boom later secret loud id } }")
    [leaves] = plan.fields
    assert leaves.direct is not None
    leaf = leaves.completion.inner.inner.inner  # [Leaf!]! down to Leaf
    direct = {f.key: f.direct is not None for f in leaf.fields}
    # A permission class or an extension runs in strawberry's wrapper; an
    # attribute is read, not called.
    assert direct == {
        "twice": True,
        "tag": True,
        "boom": True,
        "later": True,
        "secret": False,
        "loud": False,
        "id": False,
    }


def test_a_str_read_for_a_string_is_passed_through_as_graphql_core_would_coerce_it() -> None:
    plan = _plan("{ leaves { name ratio id __typename } }")
    leaf = plan.fields[0].completion.inner.inner.inner
    assert {f.key: f.unchanged for f in leaf.fields} == {
        "name": str,
        "ratio": None,  # Int: graphql-core checks its range
        "id": None,
        "__typename": str,
    }
    data, errors = asyncio.run(_answer(TOY_COMPILED, "{ leaves(n: 1) { name absent } }"))
    assert data is None  # `absent` is a null for a non-null String: still an error
    assert len(errors) == 1


def test_with_an_exception_handler_every_resolver_runs_in_strawberrys_wrapper() -> None:
    class Handler(strawberry.ExceptionHandler[ValueError, Leaf]):
        def handle(self, exception: ValueError, **_: Any) -> Leaf | None:
            return None

    schema = strawberry.Schema(query=Query, exception_handlers=[Handler()])
    operation = parse("{ leaves { twice } }").definitions[0]
    plan = compile_operation(schema._schema, operation, {})  # type: ignore[arg-type]
    assert plan is not None
    assert plan.fields[0].direct is None


def test_errors_come_in_the_generic_executors_order() -> None:
    # One item of a list waiting, beside a waiting root field: graphql-core awaits a
    # lone item directly, so its error is reported first.
    query = "{ single { laterMaybe } failing }"
    data, errors = asyncio.run(_answer(TOY_COMPILED, query))
    assert asyncio.run(_answer(TOY, query)) == (data, errors)
    assert [json.loads(e)["path"] for e in errors] == [["single", 0, "laterMaybe"], ["failing"]]


def test_compiling_stops_after_so_many_selections_however_few_fields_they_make() -> None:
    # One wide fragment spread in many places: few planned fields, many visits.
    fragment = "fragment F on Leaf { " + " ".join(f"i{i}: id" for i in range(100)) + " }"

    def spread(places: int) -> str:
        return "{ " + " ".join(f"p{j}: strict {{ ...F }}" for j in range(places)) + " } " + fragment

    assert _plan(spread(10)) is not None
    assert _plan(spread(30)) is None


def test_an_operation_asked_to_run_serially_runs_on_the_generic_executor() -> None:
    """Root fields run one after another are the generic executor's work: no plan
    is made for them, and the answer is the same."""
    executor: type[CompiledExecution] = TOY_COMPILED.execution_context_class  # type: ignore[assignment]
    document = parse("{ leaves { id name } gaps { id } }")
    assert document.loc is not None
    source = document.loc.source

    async def answer(serially: bool) -> Any:
        context = executor.build(TOY_COMPILED._schema, document)
        assert isinstance(context, CompiledExecution)
        result = context.execute_operation(serially=serially)
        return (await result if context.is_awaitable(result) else result).formatted

    def planned() -> bool:
        return any(
            operation.loc is not None and operation.loc.source is source
            for operation, _ in executor.plans.values()
        )

    serial = asyncio.run(answer(True))
    assert not planned()
    assert asyncio.run(answer(False)) == serial
    assert planned()
