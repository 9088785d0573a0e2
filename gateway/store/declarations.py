"""Self-declarations and credit commitments in the store (001 arts. 15, 30; 004 art. 30)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.store.consents import utc
from gateway.store.tables import declarations


@dataclass(frozen=True, slots=True)
class Declaration:
    id: str
    subject_code: str
    item: str
    title: str
    details: Mapping[str, str]
    declared_at: datetime


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
    ) -> Declaration:
        declaration = Declaration(
            str(uuid.uuid4()), subject_code, item, title, dict(details), utc(now)
        )
        row = {
            "id": declaration.id,
            "subject_code": subject_code,
            "item": item,
            "title": title,
            "details": json.dumps(declaration.details, ensure_ascii=False),
            "declared_at": declaration.declared_at,
        }
        async with self.engine.begin() as connection:
            await connection.execute(declarations.insert().values(**row))
        return declaration

    async def for_subjects(self, codes: Sequence[str]) -> list[Declaration]:
        """Every declaration of ``codes``, in one statement."""
        query = select(declarations).where(declarations.c.subject_code.in_(list(codes)))
        async with self.engine.connect() as connection:
            rows = await connection.execute(query.order_by(declarations.c.declared_at))
            return [
                Declaration(
                    id=row.id,
                    subject_code=row.subject_code,
                    item=row.item,
                    title=row.title,
                    details=json.loads(row.details),
                    declared_at=utc(row.declared_at),
                )
                for row in rows
            ]
