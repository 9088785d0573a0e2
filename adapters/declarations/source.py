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
from gateway.domain import RawRecord, SubjectHit
from gateway.store.declarations import Declarations


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
        result: dict[str, list[RawRecord]] = {code: [] for code in request.codes}
        items = self.config.items if request.items is None else self.config.items & request.items
        if not items or not result:
            return result  # nothing it serves is wanted: the store is not asked
        try:
            found = await self.declarations.for_subjects(request.codes)
        except SQLAlchemyError as exc:
            raise SourceUnavailable(self.name, type(exc).__name__) from exc
        for d in found:
            if d.item in items:
                result[d.subject_code].append(
                    RawRecord(
                        source=self.name,
                        record_id=d.id,
                        subject_code=d.subject_code,
                        item=d.item,
                        title=d.title,
                        decided_on=d.declared_at.date(),
                        occurred_on=d.declared_at.date(),
                        details=dict(d.details),
                    )
                )
        return result

    async def search(self, request: SearchRequest) -> Sequence[SubjectHit]:
        return []

    async def entries(self, request: EntriesRequest) -> Sequence[RawRecord]:
        return []  # nothing browsable (capabilities().browsable is empty)

    async def aclose(self) -> None:
        """The store's engine belongs to the application; nothing to close here."""
