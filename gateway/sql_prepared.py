"""A read statement rendered once per shape, for SQLite's own cursor.

Each time SQLAlchemy runs a statement it works out its cache key, finds its
compiled form, expands every IN list into the SQL text, builds and processes
the parameters, the result's metadata and a row object per row: about 40 µs,
where the indexed lookup itself takes a few. For a statement object that runs
again and again with lists of the same lengths (a source's batch lookup, the
store's marks and consents reads), all of that comes out the same every time.
So :class:`gateway.sql_reads.SqlReads` has a statement rendered here once per
*shape* (its parameter names, and each list's length), checked against what
SQLAlchemy itself sent and answered for it, and from then on gives SQLite's
cursor that SQL and those parameters directly.

The check is exact: the rendering is kept only if its SQL text and its
parameter values are those SQLAlchemy sent, and its rows those SQLAlchemy
returned, on the same run. Anything it cannot show the same (a value rendered
into the SQL, a result column it cannot type) stays with SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

from sqlalchemy import Dialect, TextClause
from sqlalchemy.sql import Executable
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ClauseElement

Rows = list[dict[str, Any]]
# A statement's parameter names, with each list parameter's length (-1: not a list).
Shape: TypeAlias = tuple[tuple[str, int], ...]
Processor: TypeAlias = Callable[[Any], Any]


def shape_of(params: Mapping[str, Any]) -> Shape:
    return tuple(
        (name, len(value) if isinstance(value, list | tuple) else -1)
        for name, value in params.items()
    )


@dataclass(frozen=True, slots=True)
class _Mark:
    """Stands for one parameter value (a list's item when ``index`` is set) while
    rendering, so that where each lands among the positional parameters shows."""

    name: str
    index: int | None


@dataclass(frozen=True, slots=True)
class _Slot:
    """Where one positional parameter's value comes from (a parameter, a list's
    item, or the statement's own value when ``name`` is None), and its bind
    processor."""

    name: str | None
    index: int | None
    process: Processor | None
    own: Any = None

    def value(self, params: Mapping[str, Any]) -> Any:
        if self.name is None:
            value = self.own
        elif self.index is None:
            value = params[self.name]
        else:
            value = params[self.name][self.index]
        return value if self.process is None else self.process(value)


@dataclass(frozen=True, slots=True)
class _Run:
    """A run of positional parameters taken as a whole: the statement's own
    values (``name`` None), or a list parameter's items in order, unprocessed."""

    name: str | None
    own: tuple[Any, ...] = ()


@dataclass(frozen=True, slots=True)
class Prepared:
    """A statement's SQL for one shape, where its parameters go, and how its rows read."""

    sql: str
    parts: tuple[_Run | _Slot, ...]
    keys: tuple[str, ...]
    # Each result column's processor (SQLAlchemy's, for its type on this
    # dialect); None when no column has one.
    columns: tuple[Processor | None, ...] | None

    def parameters(self, params: Mapping[str, Any]) -> list[Any]:
        found: list[Any] = []
        for part in self.parts:
            if isinstance(part, _Slot):
                found.append(part.value(params))
            elif part.name is None:
                found.extend(part.own)
            else:
                found.extend(params[part.name])
        return found

    def rows(self, fetched: Sequence[Sequence[Any]]) -> Rows:
        keys = self.keys
        if self.columns is None:
            return [dict(zip(keys, row, strict=True)) for row in fetched]
        processors = self.columns
        return [
            {
                key: value if process is None or value is None else process(value)
                for key, process, value in zip(keys, processors, row, strict=True)
            }
            for row in fetched
        ]


def prepare(
    statement: Executable,
    dialect: Dialect,
    params: Mapping[str, Any],
    keys: Sequence[str],
) -> Prepared | None:
    """``statement`` rendered for ``params``' shape, or None where it cannot be.

    The caller checks the result against SQLAlchemy's own run (:func:`matches`).
    """
    if not isinstance(statement, ClauseElement) or len(set(keys)) != len(keys):
        return None
    columns = _column_processors(statement, dialect, len(keys))
    if columns is None:
        return None
    marks = {
        name: [_Mark(name, i) for i in range(len(value))]
        if isinstance(value, list | tuple)
        else _Mark(name, None)
        for name, value in params.items()
    }
    try:
        compiled = statement.compile(dialect=dialect)
        if not isinstance(compiled, SQLCompiler):
            return None
        state = compiled.construct_expanded_state(marks, escape_names=False)
    except Exception:  # whatever it is, SQLAlchemy keeps the statement
        return None
    if state.positiontup is None:
        return None
    slots = []
    for name in state.positiontup:
        value = state.parameters.get(name)
        # An expanded list's items have their processors in the state; every
        # other parameter has its type's, for this dialect.
        process = state.processors.get(name)
        if process is None and name in compiled.binds:
            process = compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect)
        if isinstance(value, _Mark):
            slots.append(_Slot(value.name, value.index, process))
        else:
            # A value of the statement's own (a literal): this statement object
            # always sends it, as it is cached by the object.
            slots.append(_Slot(None, None, process, value))
    lengths = {name: length for name, length in shape_of(params)}
    processed = columns if any(p is not None for p in columns) else None
    return Prepared(state.statement, _runs(slots, lengths), tuple(keys), processed)


def _runs(slots: Sequence[_Slot], lengths: Mapping[str, int]) -> tuple[_Run | _Slot, ...]:
    """``slots`` with each run of own values, and each whole list in order, as one part."""
    parts: list[_Run | _Slot] = []
    i = 0
    while i < len(slots):
        slot = slots[i]
        if slot.name is None and slot.process is None:
            j = i
            while j < len(slots) and slots[j].name is None and slots[j].process is None:
                j += 1
            parts.append(_Run(None, tuple(s.own for s in slots[i:j])))
            i = j
            continue
        if slot.index == 0 and slot.process is None:
            j = i
            while (
                j < len(slots)
                and slots[j].name == slot.name
                and slots[j].index == j - i
                and slots[j].process is None
            ):
                j += 1
            if j - i == lengths.get(slot.name or "", -1):
                parts.append(_Run(slot.name))
                i = j
                continue
        parts.append(slot)
        i += 1
    return tuple(parts)


def _column_processors(
    statement: ClauseElement, dialect: Dialect, width: int
) -> tuple[Processor | None, ...] | None:
    """Each result column's processor, or None when the columns cannot be told
    (then SQLAlchemy keeps the statement)."""
    selected = getattr(statement, "selected_columns", None)
    if selected is None:
        # A text() statement without typed columns: SQLAlchemy processes nothing.
        return (None,) * width if isinstance(statement, TextClause) else None
    if len(selected) != width:
        return None
    return tuple(c.type.dialect_impl(dialect).result_processor(dialect, None) for c in selected)


def matches(
    prepared: Prepared,
    params: Mapping[str, Any],
    sent_sql: str,
    sent_parameters: Sequence[Any],
    answered: Rows,
    run: Callable[[Prepared], Rows],
) -> bool:
    """Whether ``prepared`` sends what SQLAlchemy sent and reads what it answered."""
    if prepared.sql != sent_sql or tuple(prepared.parameters(params)) != tuple(sent_parameters):
        return False
    return run(prepared) == answered
