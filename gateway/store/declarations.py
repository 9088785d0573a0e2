"""Self-declarations and credit commitments in the store (001 arts. 15, 30; 004 art. 30)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.store.consents import utc
from gateway.store.tables import declarations


class Performance(StrEnum):
    """Whether a credit commitment was kept, as its accepting unit found (001 art. 30)."""

    KEPT = "KEPT"
    BROKEN = "BROKEN"


@dataclass(frozen=True, slots=True)
class Declaration:
    id: str
    subject_code: str
    item: str
    title: str
    details: Mapping[str, str]
    declared_at: datetime
    # A commitment's accepting unit (a config/provider_units.toml code) and what
    # that unit recorded of its performance (001 art. 30, 004 art. 22).
    accepting_unit: str | None = None
    performance: Performance | None = None
    performance_on: date | None = None
    performance_note: str | None = None


class Declarations:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def add(
        self,
        *,
        subject_code: str,
        item: str,
        title: str,
        details: Mapping[str, str],
        now: datetime,
        accepting_unit: str | None = None,
    ) -> Declaration:
        declaration = Declaration(
            str(uuid.uuid4()),
            subject_code,
            item,
            title,
            dict(details),
            utc(now),
            accepting_unit=accepting_unit,
        )
        row = {
            "id": declaration.id,
            "subject_code": subject_code,
            "item": item,
            "title": title,
            "details": json.dumps(declaration.details, ensure_ascii=False),
            "declared_at": declaration.declared_at,
            "accepting_unit": accepting_unit,
        }
        async with self.engine.begin() as connection:
            await connection.execute(declarations.insert().values(**row))
        return declaration

    async def get(self, declaration_id: str) -> Declaration | None:
        query = select(declarations).where(declarations.c.id == declaration_id)
        async with self.engine.connect() as connection:
            row = (await connection.execute(query)).first()
        return None if row is None else declaration_of(row)

    async def for_subjects(
        self, codes: Sequence[str], performance: Performance | None = None
    ) -> list[Declaration]:
        """Every declaration of ``codes`` (only commitments of that ``performance``
        when one is given), in one statement."""
        query = select(declarations).where(declarations.c.subject_code.in_(list(codes)))
        if performance is not None:
            query = query.where(declarations.c.performance == performance.value)
        async with self.engine.connect() as connection:
            rows = await connection.execute(query.order_by(declarations.c.declared_at))
            return [declaration_of(row) for row in rows]


def declaration_of(row: Any) -> Declaration:
    return Declaration(
        id=row.id,
        subject_code=row.subject_code,
        item=row.item,
        title=row.title,
        details=json.loads(row.details),
        declared_at=utc(row.declared_at),
        accepting_unit=row.accepting_unit,
        performance=None if row.performance is None else Performance(row.performance),
        performance_on=row.performance_on,
        performance_note=row.performance_note,
    )
