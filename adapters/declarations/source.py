"""The gateway's own store as a source of SELF_DECLARED records (001 art. 15).

It satisfies the same batched protocol as every provider database and bureau,
so the resolvers treat declarations like any other records: one statement per
batch, normalised through the catalogue, decided by the policy.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy.exc import SQLAlchemyError

from adapters.errors import SourceUnavailable
from adapters.protocol import Capabilities, EntriesRequest, FetchRequest, SearchRequest
from gateway.config.reader import Table
from gateway.config.resilience import RESILIENCE_KEYS
from gateway.domain import DetailValue, RawRecord, SubjectHit
from gateway.store.declarations import Declaration, Declarations, Performance


@dataclass(frozen=True, slots=True)
class DeclarationsConfig:
    name: str
    items: frozenset[str]


def parse_declarations_source(t: Table, name: str, data_dir: str) -> DeclarationsConfig:
    t.unknown_keys({"name", "kind", "provenance", "items"} | RESILIENCE_KEYS)
    items = frozenset(t.strings("items", required=True))
    if not items:
        t.problem("items", "list the catalogue items subjects may declare")
    return DeclarationsConfig(name, items)


class DeclarationsSource:
    """Reads declarations for many subjects at once from the store."""

    def __init__(self, config: DeclarationsConfig, declarations: Declarations) -> None:
        self.config = config
        self.declarations = declarations

    @property
    def name(self) -> str:
        return self.config.name

    def capabilities(self) -> Capabilities:
        return Capabilities(items=self.config.items, searchable=False)

    async def fetch(self, request: FetchRequest) -> Mapping[str, Sequence[RawRecord]]:
        """The declarations of ``request.codes``; a source serving BROKEN_COMMITMENT
        also gives, for each commitment its accepting unit found broken, that
        adverse record (001 art. 30)."""
        result: dict[str, list[RawRecord]] = {code: [] for code in request.codes}
        items = self.config.items if request.items is None else self.config.items & request.items
        if not items or not result:
            return result  # nothing it serves is wanted: the store is not asked
        try:
            # A source of findings only (BROKEN_COMMITMENT) reads only broken commitments.
            only = Performance.BROKEN if items == {BROKEN_COMMITMENT} else None
            found = await self.declarations.for_subjects(request.codes, only)
        except SQLAlchemyError as exc:
            raise SourceUnavailable(self.name, type(exc).__name__) from exc
        for d in found:
            if d.item in items:
                result[d.subject_code].append(_declared(self.name, d))
            if BROKEN_COMMITMENT in items and d.performance is Performance.BROKEN:
                result[d.subject_code].append(_broken(self.name, d))
        return result

    async def search(self, request: SearchRequest) -> Sequence[SubjectHit]:
        return []

    async def entries(self, request: EntriesRequest) -> Sequence[RawRecord]:
        return []  # nothing browsable (capabilities().browsable is empty)

    async def aclose(self) -> None:
        """The store's engine belongs to the application; nothing to close here."""


BROKEN_COMMITMENT = "BROKEN_COMMITMENT"

# A commitment's performance as its details say it (the catalogue's labels).
_PERFORMANCE = {None: "履约中", Performance.KEPT: "全部履行", Performance.BROKEN: "未履行"}


def _declared(source: str, d: Declaration) -> RawRecord:
    details: dict[str, DetailValue] = dict(d.details)
    if d.item == "CREDIT_COMMITMENT":
        # Recorded by the accepting unit, never by the subject (001 art. 30).
        details["performance_status"] = _PERFORMANCE[d.performance]
        details["performance_on"] = d.performance_on
        details["performance_note"] = d.performance_note
    return RawRecord(
        source=source,
        record_id=d.id,
        subject_code=d.subject_code,
        item=d.item,
        title=d.title,
        decided_on=d.declared_at.date(),
        occurred_on=d.declared_at.date(),
        details={k: v for k, v in details.items() if v is not None},
        provided_by=d.accepting_unit,
    )


def _broken(source: str, d: Declaration) -> RawRecord:
    """The adverse record of a broken commitment, found on ``performance_on``."""
    keep = ("commitment_type", "content", "accepting_unit")
    details: dict[str, DetailValue] = {k: d.details[k] for k in keep if k in d.details}
    if d.performance_note:
        details["performance_note"] = d.performance_note
    return RawRecord(
        source=source,
        record_id=f"{d.id}:broken",
        subject_code=d.subject_code,
        item=BROKEN_COMMITMENT,
        title=f"未履行信用承诺：{d.title}",
        decided_on=d.performance_on,
        occurred_on=d.performance_on,
        details=details,
        provided_by=d.accepting_unit,
    )
