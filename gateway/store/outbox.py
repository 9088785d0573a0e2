"""The webhook outbox: notifications not yet delivered, leased to one deliverer at a time.

Every notification row is also an outbox entry (migration 0006): the workflow
store writes it due at once (``next_attempt_at`` is its time). A deliverer
claims due rows by moving ``next_attempt_at`` past now, a lease, with a
conditional UPDATE: of two gateway processes claiming one row, the UPDATE that
finds it still due wins and the other matches nothing, on every backend. A
delivery ends in `delivered` or `failed`; a deliverer that dies in between
leaves its rows to be claimed again once the lease runs out, so delivery is at
least once and receivers deduplicate on the notification's id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, RowMapping, and_, func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.store.consents import utc
from gateway.store.querylog import moment
from gateway.store.workflow_tables import cases, notifications

ERROR_CHARS = 500  # of a delivery's error kept on the row


@dataclass(frozen=True, slots=True)
class Pending:
    """A notification to deliver, with the attempts that failed before this one."""

    id: str
    subject_code: str
    kind: str
    text: str
    at: datetime
    case_id: str | None
    record_id: str | None
    attempts: int


class Outbox:
    """The notifications table read as a webhook's outbox.

    ``attempts`` counts finished attempts (delivered or failed); a row with
    ``max_attempts`` of them is never claimed again.
    """

    def __init__(self, engine: AsyncEngine, max_attempts: int = 8) -> None:
        self.engine = engine
        self.max_attempts = max_attempts

    async def claim(self, now: datetime, limit: int, lease_s: int) -> list[Pending]:
        """Up to ``limit`` due notifications, oldest due first, each leased to the
        caller for ``lease_s`` seconds: no other claimer gets it meanwhile."""
        now = moment(now)
        due = self._due(now)
        record_id = func.coalesce(notifications.c.record_id, cases.c.record_id)
        query = (
            select(*_PENDING, record_id.label("record_id"))
            .select_from(notifications.outerjoin(cases, cases.c.id == notifications.c.case_id))
            .where(due)
            .order_by(notifications.c.next_attempt_at, notifications.c.id)
            .limit(limit)
        )
        async with self.engine.connect() as connection:
            rows = list((await connection.execute(query)).mappings())
        until = now + timedelta(seconds=lease_s)
        won: set[str] = set()
        async with self.engine.begin() as connection:
            # In id order, so that two claimers lock rows in the same order.
            for id_ in sorted(row["id"] for row in rows):
                lease = update(notifications).where(notifications.c.id == id_, due)
                result = await connection.execute(lease.values(next_attempt_at=until))
                if result.rowcount == 1:
                    won.add(id_)
        return [_pending(row) for row in rows if row["id"] in won]

    async def delivered(self, id_: str, now: datetime) -> bool:
        """Record ``id_`` delivered at ``now``; False if it already was."""
        return await self._finish(
            id_, delivered_at=moment(now), next_attempt_at=None, delivery_error=None
        )

    async def failed(self, id_: str, error: str, next_at: datetime | None) -> bool:
        """Record a failed attempt on ``id_``: due again at ``next_at``, or, for None,
        given up (its ``delivery_error`` kept, never due again)."""
        again = None if next_at is None else moment(next_at)
        return await self._finish(id_, next_attempt_at=again, delivery_error=error[:ERROR_CHARS])

    def _due(self, now: datetime) -> ColumnElement[bool]:
        return and_(
            notifications.c.delivered_at.is_(None),
            notifications.c.attempts < self.max_attempts,
            notifications.c.next_attempt_at <= now,
        )

    async def _finish(self, id_: str, **values: Any) -> bool:
        query = (
            update(notifications)
            .where(notifications.c.id == id_, notifications.c.delivered_at.is_(None))
            .values(attempts=notifications.c.attempts + 1, **values)
        )
        async with self.engine.begin() as connection:
            result = await connection.execute(query)
        return bool(result.rowcount == 1)


_PENDING = (
    notifications.c.id,
    notifications.c.subject_code,
    notifications.c.kind,
    notifications.c.text,
    notifications.c.at,
    notifications.c.case_id,
    notifications.c.attempts,
)


def _pending(row: RowMapping) -> Pending:
    values = dict(row)
    values["at"] = utc(values["at"])
    return Pending(**values)
