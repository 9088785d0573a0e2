"""书面授权 in the store: granted by a subject, checked on every use, revocable.

Revocation is a row update read on every request, so it takes effect on the
very next request on every gateway process sharing the store (issue 3).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.sql_reads import SqlReads
from gateway.store.tables import consents


@dataclass(frozen=True, slots=True)
class StoredConsent:
    id: str
    subject_code: str
    grantee_code: str
    purpose: str
    items: frozenset[str]
    sensitive_financial: bool
    valid_from: datetime
    valid_until: datetime
    created_at: datetime
    revoked_at: datetime | None

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


def utc(at: datetime) -> datetime:
    """Aware UTC; SQLite hands naive datetimes back, which are UTC by construction."""
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


class Consents:
    def __init__(self, engine: AsyncEngine, reads: SqlReads | None = None) -> None:
        self.engine = engine
        self.reads = reads or SqlReads(engine)

    async def create(
        self,
        *,
        subject_code: str,
        grantee_code: str,
        purpose: str,
        items: Iterable[str],
        sensitive_financial: bool,
        valid_from: datetime,
        valid_until: datetime,
        now: datetime,
    ) -> StoredConsent:
        consent = StoredConsent(
            id=str(uuid.uuid4()),
            subject_code=subject_code,
            grantee_code=grantee_code,
            purpose=purpose,
            items=frozenset(items),
            sensitive_financial=sensitive_financial,
            valid_from=utc(valid_from),
            valid_until=utc(valid_until),
            created_at=utc(now),
            revoked_at=None,
        )
        row = {
            "id": consent.id,
            "subject_code": subject_code,
            "grantee_code": grantee_code,
            "purpose": purpose,
            "items": json.dumps(sorted(consent.items)),
            "sensitive_financial": sensitive_financial,
            "valid_from": consent.valid_from,
            "valid_until": consent.valid_until,
            "created_at": consent.created_at,
            "revoked_at": None,
        }
        async with self.engine.begin() as connection:
            await connection.execute(consents.insert().values(**row))
        return consent

    async def get_many(self, ids: Iterable[str]) -> dict[str, StoredConsent]:
        wanted = list(set(ids))
        if not wanted:
            return {}
        rows = await self.reads.rows(_CONSENTS_BY_ID, {"ids": wanted})
        return {row["id"]: _consent(row) for row in rows}

    async def for_subject(self, code: str) -> list[StoredConsent]:
        query = select(consents).where(consents.c.subject_code == code)
        async with self.engine.connect() as connection:
            rows = await connection.execute(query.order_by(consents.c.created_at.desc()))
            return [_consent(row._mapping) for row in rows]

    async def revoke(
        self, consent_id: str, subject_code: str, now: datetime
    ) -> StoredConsent | None:
        """Revoke the subject's own consent; None when it has no such consent."""
        async with self.engine.begin() as connection:
            await connection.execute(
                update(consents)
                .where(
                    consents.c.id == consent_id,
                    consents.c.subject_code == subject_code,
                    consents.c.revoked_at.is_(None),
                )
                .values(revoked_at=utc(now))
            )
            row = (
                await connection.execute(
                    select(consents).where(
                        consents.c.id == consent_id, consents.c.subject_code == subject_code
                    )
                )
            ).first()
        return None if row is None else _consent(row._mapping)


def _consent(row: object) -> StoredConsent:
    values = dict(row)  # type: ignore[call-overload]
    return StoredConsent(
        id=values["id"],
        subject_code=values["subject_code"],
        grantee_code=values["grantee_code"],
        purpose=values["purpose"],
        items=frozenset(json.loads(values["items"])),
        sensitive_financial=bool(values["sensitive_financial"]),
        valid_from=utc(values["valid_from"]),
        valid_until=utc(values["valid_until"]),
        created_at=utc(values["created_at"]),
        revoked_at=None if values["revoked_at"] is None else utc(values["revoked_at"]),
    )


# One statement object for every read (see gateway/store/marks.py).
_CONSENTS_BY_ID = select(consents).where(consents.c.id.in_(bindparam("ids", expanding=True)))
