"""How one provider-unit table (or view) maps to credit records, as configuration.

Any table layout becomes records purely through this mapping (issue 2, item 5):
which column holds the subject code, the record id, the catalogue item (fixed
or looked up from a column), title, dates and detail columns, and an
optional row filter. A list's mapping may also name the persons each entry
holds responsible (``[[source.mapping.responsible]]``), and the item that
records the entry on each such person's own file (``responsible_item``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from gateway.config.details import detail_mapping
from gateway.config.reader import Table
from gateway.config.resilience import RESILIENCE_KEYS
from gateway.domain import SubjectKind


@dataclass(frozen=True, slots=True)
class ResponsibleColumns:
    """Where a row names one person responsible for its entry (004 art. 44).

    The role is fixed (``role = "法定代表人"``) or read from ``role_column``;
    ``code_column`` holds the person's citizen ID number, which links the entry
    to the person's own file (001 art. 26).
    """

    role: str | None
    role_column: str | None
    name_column: str | None
    code_column: str | None

    @property
    def columns(self) -> tuple[str, ...]:
        named = (self.role_column, self.name_column, self.code_column)
        return tuple(c for c in named if c is not None)


@dataclass(frozen=True, slots=True)
class TableMapping:
    """One table or view and how its rows become records."""

    name: str
    table: str
    schema: str | None
    code_column: str
    id_column: str
    item: str | None
    item_column: str | None
    item_values: Mapping[str, str]
    title: str | None
    title_column: str | None
    occurred_column: str | None
    decided_column: str | None
    ended_column: str | None
    name_column: str | None
    kind: SubjectKind | None
    kind_column: str | None
    kind_values: Mapping[str, SubjectKind]
    where: str | None
    details: Mapping[str, str]
    # 001 art. 26, 003 art. 36: the persons an entry names as responsible, and
    # the item that records the entry against each of them.
    responsible: tuple[ResponsibleColumns, ...] = ()
    responsible_item: str | None = None

    # 003 art. 43: the day the act was revoked or corrected, and why; a row with a
    # date there is withdrawn from the file for everyone but its subject.
    withdrawn_column: str | None = None
    withdrawal_reason_column: str | None = None

    @property
    def subject_items(self) -> frozenset[str]:
        """The items of the records about each row's own subject (the organisation)."""
        if self.item is not None:
            return frozenset({self.item})
        return frozenset(self.item_values.values())

    @property
    def items(self) -> frozenset[str]:
        """Every item its records may carry: the subject's, and the responsible persons'."""
        if self.responsible_item is None:
            return self.subject_items
        return self.subject_items | {self.responsible_item}

    @property
    def linked(self) -> tuple[ResponsibleColumns, ...]:
        """The responsible groups naming a person's ID number, which finds the person's rows."""
        return tuple(g for g in self.responsible if g.code_column is not None)

    @property
    def searchable(self) -> bool:
        return self.name_column is not None

    @property
    def columns(self) -> tuple[str, ...]:
        """Every column a record is read from, each once, in a stable order."""
        return self.columns_for(details=True)

    def columns_for(self, *, details: bool) -> tuple[str, ...]:
        """The columns a record is read from, its detail columns only with ``details``
        (a column that is also a key, a date or a party's is read either way)."""
        named = (
            self.code_column,
            self.id_column,
            self.item_column,
            self.title_column,
            self.occurred_column,
            self.decided_column,
            self.ended_column,
            self.withdrawn_column,
            self.withdrawal_reason_column,
            self.name_column,
            self.kind_column,
            *(c for group in self.responsible for c in group.columns),
            *(self.details.values() if details else ()),
        )
        return tuple(dict.fromkeys(c for c in named if c is not None))


@dataclass(frozen=True, slots=True)
class SqlSourceConfig:
    """A provider-unit database: its URL and its table mappings."""

    name: str
    url: str
    mappings: tuple[TableMapping, ...]


def parse_sql_source(t: Table, name: str, data_dir: str) -> SqlSourceConfig:
    """Read a `kind = "sql"` source; ``{data_dir}`` in the URL is expanded."""
    t.unknown_keys(_SOURCE_KEYS)
    mappings = tuple(_mapping(m) for m in t.tables("mapping"))
    if not mappings:
        t.problem("mapping", "a sql source needs at least one [[source.mapping]]")
    names = [m.name for m in mappings]
    for name in sorted({n for n in names if names.count(n) > 1}):
        # A row says which mapping it came from by name (adapters/sql/statements.py).
        t.problem("mapping", f"two mappings are named {name!r}; give each its own 'name'")
    return SqlSourceConfig(
        name=name,
        url=t.string("url").replace("{data_dir}", data_dir),
        mappings=mappings,
    )


_SOURCE_KEYS = {"name", "kind", "url", "provenance", "mapping"} | RESILIENCE_KEYS
_MAPPING_KEYS = {
    "name",
    "table",
    "schema",
    "code_column",
    "id_column",
    "item",
    "item_column",
    "item_values",
    "title",
    "title_column",
    "occurred_column",
    "decided_column",
    "ended_column",
    "withdrawn_column",
    "withdrawal_reason_column",
    "name_column",
    "kind",
    "kind_column",
    "kind_values",
    "where",
    "details",
    "responsible",
    "responsible_item",
}
_RESPONSIBLE_KEYS = {"role", "role_column", "name_column", "code_column"}


def _mapping(t: Table) -> TableMapping:
    t.unknown_keys(_MAPPING_KEYS)
    table = t.string("table")
    item, item_column = t.opt_string("item"), t.opt_string("item_column")
    if (item is None) == (item_column is None):
        t.problem("item", "set exactly one of 'item' or 'item_column' (with 'item_values')")
    item_values = _string_map(t.table("item_values", required=item_column is not None))
    kind_values = {
        raw: _kind(t, f"kind_values.{raw}", value)
        for raw, value in _string_map(t.table("kind_values")).items()
    }
    kind_raw = t.opt_string("kind")
    responsible = tuple(_responsible(g) for g in t.tables("responsible"))
    return TableMapping(
        name=t.opt_string("name") or table,
        table=table,
        schema=t.opt_string("schema"),
        code_column=t.string("code_column"),
        id_column=t.string("id_column"),
        item=item,
        item_column=item_column,
        item_values=item_values,
        title=t.opt_string("title"),
        title_column=t.opt_string("title_column"),
        occurred_column=t.opt_string("occurred_column"),
        decided_column=t.opt_string("decided_column"),
        ended_column=t.opt_string("ended_column"),
        withdrawn_column=t.opt_string("withdrawn_column"),
        withdrawal_reason_column=t.opt_string("withdrawal_reason_column"),
        name_column=t.opt_string("name_column"),
        kind=None if kind_raw is None else _kind(t, "kind", kind_raw),
        kind_column=t.opt_string("kind_column"),
        kind_values=kind_values,
        where=t.opt_string("where"),
        details=detail_mapping(t.table("details"), "column"),
        responsible=responsible,
        responsible_item=_responsible_item(t, responsible, {item, *item_values.values()}),
    )


def _responsible_item(
    t: Table, responsible: tuple[ResponsibleColumns, ...], own: set[str | None]
) -> str | None:
    item = t.opt_string("responsible_item")
    if item is not None and not any(g.code_column for g in responsible):
        t.problem(
            "responsible_item",
            "needs a [[responsible]] group with 'code_column': "
            "a person's ID number is what finds the person's entries",
        )
    if item is not None and item in own:
        t.problem("responsible_item", "must differ from the items of the mapping's own records")
    return item


def _responsible(t: Table) -> ResponsibleColumns:
    t.unknown_keys(_RESPONSIBLE_KEYS)
    group = ResponsibleColumns(
        role=t.opt_string("role"),
        role_column=t.opt_string("role_column"),
        name_column=t.opt_string("name_column"),
        code_column=t.opt_string("code_column"),
    )
    if (group.role is None) == (group.role_column is None):
        t.problem("role", "set exactly one of 'role' or 'role_column'")
    if group.name_column is None and group.code_column is None:
        t.problem("name_column", "set 'name_column', 'code_column' or both: whom the row names")
    return group


def _kind(t: Table, key: str, raw: str) -> SubjectKind:
    try:
        return SubjectKind(raw)
    except ValueError:
        t.problem(key, f"{raw!r} is not one of {', '.join(k.value for k in SubjectKind)}")
        return SubjectKind.LEGAL_PERSON


def _string_map(t: Table) -> dict[str, str]:
    result: dict[str, str] = {}
    for key, value in t.entries():
        if isinstance(value, str):
            result[key] = value
        else:
            t.problem(key, "must be a string")
    return result
