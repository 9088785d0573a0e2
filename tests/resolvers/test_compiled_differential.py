"""The compiled execution path answers exactly as graphql-core's generic executor.

Generated queries, built from the schema itself (any field, any argument,
aliases, repeated fields, inline and named fragments, now and then a
directive that sends the operation down the generic path), run for random
viewers over random demo data through a schema with compiled plans and one
without. The whole response (data, errors with their codes and paths), every
object's disclosure and the query log entries must be the same. The generic
run always has the sources read every record's details, while the compiled
run leaves them out where the document shows none (resolvers.detail_reads):
the same answers prove that leaving them out changes nothing either.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from dataclasses import field as default
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    OperationDefinitionNode,
    get_named_type,
    is_abstract_type,
    is_leaf_type,
    is_object_type,
    parse,
)
from graphql.pyutils import Path as ResponsePath
from graphql.pyutils import Undefined
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from adapters.kinds import load_config
from demo.examples import BUSY_COMPANY, CONTROLLER, EXAMPLES
from demo.generate import generate
from gateway.config.loader import PROJECT_ROOT
from gateway.viewer import ConsentGrant, DutyGrant, Viewer, ViewerKind
from gateway.visibility import Disclosed
from resolvers.compiled import CompiledExecution
from resolvers.context import Context, Services
from resolvers.pagination import open_cursor
from resolvers.schema import build_schema
from service.app import create_app
from tests.conftest import NOW

# Root fields that only read. creditReport(s) issue a numbered report (a
# write); objectionQueue and me read workflow state, which is the same here.
ROOTS = (
    "subject",
    "subject",
    "subjects",
    "subjects",
    "searchSubjects",
    "listEntries",
    "measures",
    "catalogue",
    "me",
    "objectionQueue",
    "verifyReport",
)
DEPTH = 4
# Now and then a field has one of these, which sends the operation down the generic path.
DIRECTIVES = ["@include(if: true)", "@skip(if: false)", "@skip(if: true)"]


@dataclass
class World:
    """One data set, served: its codes, and both schemas."""

    loop: asyncio.AbstractEventLoop
    services: Services
    organisations: list[str]
    persons: list[str]
    items: list[str]
    matters: list[str]
    compiled: Any
    generic: Any
    # Per compiled run: whether its sources were asked without details.
    lean: list[bool] = default(default_factory=list)

    @property
    def codes(self) -> list[str]:
        return [*self.organisations, *self.persons]


@pytest.fixture(scope="module", params=[20261101, 7])
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    """The demo generator's data at a seed, served for the module's examples."""
    data = tmp_path_factory.mktemp(f"data-{request.param}")
    generate(data, "small", seed=request.param)
    store = tmp_path_factory.mktemp("store") / "store.db"
    config = load_config(PROJECT_ROOT / "config", data)
    # No bureau here: this compares executors, not sources (it answers SOURCE_UNAVAILABLE
    # on both paths, which the comparison covers too).
    config = replace(
        config,
        settings=replace(config.settings, store_url=f"sqlite+aiosqlite:///{store}"),
        sources=tuple(s for s in config.sources if s.kind != "bureau"),
    )
    app = create_app(config, clock=lambda: NOW)
    loop = asyncio.new_event_loop()
    lifespan = app.router.lifespan_context(app)
    loop.run_until_complete(lifespan.__aenter__())
    try:
        limits = config.settings.limits
        yield World(
            loop=loop,
            services=app.state.services,
            organisations=_codes(data, "market_regulation.db", "qy_jbxx", "tyshxydm"),
            persons=_codes(data, "civil_affairs.db", "rk_jbxx", "gmsfhm"),
            items=sorted(item.code for item in config.catalogue),
            matters=sorted(config.duty_matters),
            compiled=build_schema(limits),
            generic=build_schema(limits, compiled=False),
        )
    finally:
        loop.run_until_complete(lifespan.__aexit__(None, None, None))
        loop.close()


def _codes(data: Path, db: str, table: str, column: str) -> list[str]:
    connection = sqlite3.connect(data / db)
    try:
        rows = connection.execute(f"SELECT {column} FROM {table} ORDER BY {column} LIMIT 12")
        return [code for (code,) in rows]
    finally:
        connection.close()


class Recording(Context):
    """A context that also keeps every object's disclosure, logged or not; with
    ``full_details`` its sources read details whatever the document shows."""

    def __init__(self, services: Services, viewer: Viewer, *, full_details: bool) -> None:
        self.full_details = full_details
        super().__init__(services, viewer)
        self.shown: list[str] = []

    @property
    def details_shown(self) -> bool:
        return self._details_shown

    @details_shown.setter
    def details_shown(self, shown: bool) -> None:
        self._details_shown = shown or self.full_details

    def disclose(self, shown: Iterable[Disclosed], at: ResponsePath | None = None) -> None:
        shown = list(shown)
        self.shown.extend(f"{d.record.id}:{d.decision.logged}" for d in shown)
        super().disclose(shown, at)


@dataclass(frozen=True)
class Outcome:
    data: Any
    errors: list[str]
    shown: list[str]
    log: list[Any]


async def _run(
    schema: Any, world: World, query: str, variables: dict[str, Any], viewer: Viewer
) -> Outcome:
    generic = schema is world.generic
    context = Recording(world.services, viewer, full_details=generic)
    result = await schema.execute(query, variable_values=variables, context_value=context)
    if not generic:
        world.lean.append(not context.details_shown)
    errors = sorted(
        json.dumps(e.formatted, sort_keys=True, ensure_ascii=False) for e in result.errors or ()
    )
    entries = [replace(e, at=NOW) for e in context.disclosures.entries(NOW)]
    data = _unsealed(result.data, world.services.config.consent.secret)
    return Outcome(data, errors, sorted(context.shown), entries)


def _unsealed(value: Any, secret: str) -> Any:
    """``value`` with each sealed cursor opened: sealing is randomised, its content is not."""
    if isinstance(value, dict):
        return {k: _unsealed(v, secret) for k, v in value.items()}
    if isinstance(value, list):
        return [_unsealed(v, secret) for v in value]
    if isinstance(value, str) and value.startswith("gAAAAA"):
        return ("sealed", open_cursor(secret, value, 2))
    return value


# --- Generated queries -----------------------------------------------------


class Writer:
    """Builds one operation from a hypothesis draw, walking the schema."""

    def __init__(self, draw: st.DrawFn, schema: GraphQLSchema, world: World) -> None:
        self.draw = draw
        self.schema = schema
        self.world = world
        self.fragments: dict[str, str] = {}
        self.variables: dict[str, Any] = {}
        self.definitions: list[str] = []
        self.unaliased: dict[tuple[str, str], str | None] = {}
        self.aliases = 0

    def operation(self) -> str:
        query = self.schema.query_type
        assert query is not None
        # Mostly one root field: a failing non-null root nulls its siblings' data.
        roots = self.draw(st.lists(st.sampled_from(ROOTS), min_size=1, max_size=3))
        if self.draw(st.integers(0, 3)):
            roots = roots[:1]
        body = " ".join(s for s in (self.field(query, name, DEPTH) for name in roots) if s)
        header = f"({', '.join(self.definitions)})" if self.definitions else ""
        fragments = " ".join(self.fragments.values())
        return f"query Generated{header} {{ {body or '__typename'} }} {fragments}"

    def selection(self, type_: GraphQLObjectType, depth: int) -> str:
        names = sorted(type_.fields)
        if depth <= 0:
            names = [n for n in names if is_leaf_type(get_named_type(type_.fields[n].type))]
        chosen = self.draw(
            st.lists(st.sampled_from([*names, "__typename"]), min_size=1, max_size=5)
        )
        parts = [p for p in (self.field(type_, name, depth) for name in chosen) if p]
        if not parts:
            parts = ["__typename"]
        how = self.draw(st.sampled_from(["plain"] * 6 + ["inline", "fragment"]))
        text = " ".join(parts)
        if how == "inline":
            text = f"... on {type_.name} {{ {text} }} {parts[0]}"
        elif how == "fragment":
            name = f"F{len(self.fragments)}"
            self.fragments[name] = f"fragment {name} on {type_.name} {{ {text} }}"
            text = f"...{name}"
        return text

    def field(self, parent: GraphQLObjectType, name: str, depth: int) -> str | None:
        if name == "__typename":
            return name
        definition = parent.fields[name]
        # A field under its own name always takes the same arguments, and every
        # alias is new: the operation never has conflicting fields to merge.
        if self.draw(st.integers(0, 3)) == 0:
            arguments = self.arguments(name, definition)
            alias = f"a{self.aliases}: "
            self.aliases += 1
        else:
            key = (parent.name, name)
            if key not in self.unaliased:
                self.unaliased[key] = self.arguments(name, definition)
            arguments, alias = self.unaliased[key], ""
        if arguments is None:
            return None
        named = get_named_type(definition.type)
        directive = self.draw(st.sampled_from([""] * 40 + DIRECTIVES))
        head = f"{alias}{name}{arguments} {directive}".rstrip()
        if is_leaf_type(named):
            return head
        if depth <= 0:
            return None
        return f"{head} {{ {self.sub_selection(named, depth - 1)} }}"

    def sub_selection(self, named: GraphQLNamedType, depth: int) -> str:
        if is_object_type(named):
            return self.selection(named, depth)
        assert is_abstract_type(named)
        possible = self.schema.get_possible_types(named)
        arms = self.draw(st.lists(st.sampled_from(possible), min_size=1, max_size=2, unique=True))
        inner = " ".join(f"... on {t.name} {{ {self.selection(t, depth)} }}" for t in arms)
        return f"__typename {inner}"

    def arguments(self, field_name: str, definition: GraphQLField) -> str | None:
        given: list[str] = []
        for name, argument in definition.args.items():
            required = (
                isinstance(argument.type, GraphQLNonNull) and argument.default_value is Undefined
            )
            if not required and self.draw(st.booleans()):
                continue
            value = self.value(field_name, name, argument.type)
            if value is None:
                if required:
                    return None
                continue
            given.append(f"{name}: {value}")
        return f"({', '.join(given)})" if given else ""

    def value(self, field_name: str, name: str, type_: GraphQLInputType) -> str | None:
        draw = self.draw
        named = get_named_type(type_)
        listed = isinstance(type_, GraphQLList) or (
            isinstance(type_, GraphQLNonNull) and isinstance(type_.of_type, GraphQLList)
        )
        if name == "code" and field_name in ("subject", "creditReport"):
            code = draw(self.code())
            if draw(st.booleans()):
                variable = f"v{len(self.variables)}"
                self.variables[variable] = code
                self.definitions.append(f"${variable}: String!")
                return f"${variable}"
            return _string(code)
        if name == "codes":
            return _list(_string(c) for c in draw(st.lists(self.code(), max_size=6)))
        if name == "items":
            items = [*self.world.items, "NO_SUCH_ITEM"]
            return _list(_string(i) for i in draw(st.lists(st.sampled_from(items), max_size=3)))
        if name == "matter":
            return _string(draw(st.sampled_from([*self.world.matters, "NO_SUCH_MATTER"])))
        if name == "first":
            return str(draw(st.sampled_from([0, 1, 2, 3, 20, 50, -1, 100_000])))
        if isinstance(named, GraphQLEnumType):
            values = sorted(named.values)
            if listed:
                return _list(draw(st.lists(st.sampled_from(values), max_size=3, unique=True)))
            return draw(st.sampled_from(values))
        if named.name == "Boolean":
            return draw(st.sampled_from(["true", "false"]))
        if named.name == "Int":
            return str(draw(st.integers(-2, 60)))
        if named.name in ("String", "ID"):
            text = draw(st.sampled_from(["杭州", "科技", "", "Zm9v", "bm90IGEgY3Vyc29y", "x"]))
            return _list([_string(text)]) if listed else _string(text)
        return None

    def code(self) -> st.SearchStrategy[str]:
        return st.sampled_from(
            [
                *self.world.codes,
                *(e.code for e in EXAMPLES),
                BUSY_COMPANY.code,
                CONTROLLER.code,
                "91330106MA2H7K3Q0X",  # a bad check digit
                "123",
                "",
            ]
        )


def _string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _list(values: Iterable[str]) -> str:
    return f"[{', '.join(values)}]"


@st.composite
def operations(draw: st.DrawFn, world: World) -> tuple[str, dict[str, Any]]:
    writer = Writer(draw, world.compiled._schema, world)
    query = writer.operation()
    return query, writer.variables


@st.composite
def viewers(draw: st.DrawFn, world: World) -> Viewer:
    kind = draw(st.sampled_from(list(ViewerKind)))
    codes = [*world.codes, *(e.code for e in EXAMPLES)]
    if kind is ViewerKind.ANONYMOUS:
        return Viewer(kind)
    if kind is ViewerKind.SUBJECT:
        return Viewer(kind, code=draw(st.sampled_from(codes)), name="本人")
    if kind is ViewerKind.INSTITUTION:
        consents: dict[str, tuple[ConsentGrant, ...]] = {}
        for subject in draw(st.lists(st.sampled_from(codes), max_size=4, unique=True)):
            items = draw(st.lists(st.sampled_from(world.items), max_size=6, unique=True))
            consents[subject] = (
                ConsentGrant(
                    consent_id=f"c-{subject}",
                    subject_code=subject,
                    grantee_code="91330000MA27U0JB0K",
                    purpose="LOAN_APPROVAL",
                    items=frozenset(items),
                    valid_from=NOW - timedelta(days=1),
                    valid_until=NOW + timedelta(days=draw(st.sampled_from([-2, 30]))),
                    sensitive_financial=draw(st.booleans()),
                    revoked=draw(st.booleans()) and draw(st.booleans()),
                ),
            )
        return Viewer(
            kind,
            code="91330000MA27U0JB0K",
            name="测试银行",
            consents=consents,
            purpose="LOAN_APPROVAL",
        )
    if kind is ViewerKind.GOV_UNIT:
        if world.matters and draw(st.booleans()):
            return _unit(world, draw(st.sampled_from(world.matters)))
        return _unit(world, None)
    if kind is ViewerKind.PROVIDER:
        sources = draw(st.lists(st.sampled_from(["market_regulation", "court", "tax"]), max_size=2))
        return Viewer(kind, code="MARKET", name="提供单位", sources=frozenset(sources))
    return Viewer(kind, code="AGENCY", name="信用工作机构")


def _unit(world: World, matter_code: str | None) -> Viewer:
    """A government unit, acting in the duty matter ``matter_code`` if one is given."""
    duty = None
    if matter_code is not None:
        matter = world.services.config.duty_matters[matter_code]
        duty = DutyGrant(matter.code, matter.name, matter.categories)
    return Viewer(ViewerKind.GOV_UNIT, code="11330000002482061N", name="测试单位", duty=duty)


@settings(
    max_examples=1500,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_compiled_and_generic_paths_answer_and_log_alike(world: World, data: st.DataObject) -> None:
    query, variables = data.draw(operations(world), label="operation")
    viewer = data.draw(viewers(world), label="viewer")
    compiled = world.loop.run_until_complete(_run(world.compiled, world, query, variables, viewer))
    generic = world.loop.run_until_complete(_run(world.generic, world, query, variables, viewer))
    assert compiled.data == generic.data
    # What was nulled out of the answer is not logged, so the log is certain.
    assert compiled.log == generic.log
    if _propagated(generic):
        # An error nulled an object above it: fields still waiting on a source are
        # cancelled or finish, as timing has it, on either path, so what objects
        # noted on the way and which errors were reported vary; with one root
        # field the errors do not.
        event("a null propagated")
        if _roots(query) == 1:
            assert compiled.errors == generic.errors
        return
    assert compiled.errors == generic.errors
    assert compiled.shown == generic.shown


def _roots(query: str) -> int:
    document = parse(query)
    operation = document.definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    return len(operation.selection_set.selections)


def _propagated(outcome: Outcome) -> bool:
    """Whether an error's null reached past its own field (a non-null field failed)."""
    for error in map(json.loads, outcome.errors):
        path = error.get("path")
        if not path:
            continue
        value = outcome.data
        for step in path[:-1]:
            value = value[step] if value is not None else None
            if value is None:
                return True
        if value is None:
            return True
    return False


def test_the_generated_operations_mostly_ran_compiled(world: World) -> None:
    """Run after the comparison (same module): most generated operations had a plan,
    so the comparison above did compare two executors."""
    plans = _plans(world.compiled)
    assert plans, "no operation reached the compiled executor"
    compiled = sum(1 for _, plan in plans if plan is not None)
    assert compiled >= len(plans) // 2, f"{compiled} of {len(plans)} operations had a plan"
    assert compiled < len(plans), "no generated operation took the generic path"
    # And both with and without the records' details read.
    lean = sum(world.lean)
    assert len(world.lean) // 10 <= lean < len(world.lean), f"{lean} of {len(world.lean)} lean"


def _plans(schema: Any) -> list[Any]:
    executor: type[CompiledExecution] = schema.execution_context_class
    return list(executor.plans.values())


@pytest.mark.parametrize("path", ["compiled", "generic"])
def test_a_batch_item_an_error_nulled_is_logged_on_neither_path(world: World, path: str) -> None:
    """Each subject of a batch is noted under its own position, so one nulled
    after it entered the answer (its non-null `records` failed) logs nothing."""
    schema = getattr(world, path)
    persons = world.persons[:2]
    unit = _unit(world, world.matters[0])
    codes = ", ".join(f'"{code}"' for code in persons)
    query = "{ subjects(codes: [%s]) { name records(first: %d) { totalCount } } }"
    nulled = world.loop.run_until_complete(_run(schema, world, query % (codes, 0), {}, unit))
    assert nulled.data == {"subjects": [None, None]}
    assert nulled.shown  # both were noted on entering the answer
    assert nulled.log == []
    answered = world.loop.run_until_complete(_run(schema, world, query % (codes, 5), {}, unit))
    assert sorted(entry.subject_code for entry in answered.log) == sorted(persons)
