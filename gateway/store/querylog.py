"""查询记录: an append-only, hash-chained log of every non-public disclosure.

001 art. 33 lets the subject read who looked at it and why; 001 art. 39 says
nobody may alter the log. Each entry's hash covers its content and the hash
before it, so editing, deleting or reordering any entry breaks the chain from
that entry on, and ``verify`` names the first entry that no longer fits.
Recomputing every later hash as well is caught by the signed checkpoints
(``gateway.store.checkpoints``), which this log, as a ``HashChain``, has.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections.abc import Collection, Sequence
from dataclasses import dataclass, fields
from datetime import datetime

from sqlalchemy import RowMapping, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from gateway.store.checkpoints import GENESIS as GENESIS
from gateway.store.checkpoints import AutoCheckpoint, walk_chain
from gateway.store.checkpoints import Verification as Verification
from gateway.store.checkpoints import moment as moment
from gateway.store.tables import audit_head, query_log

QUERY_LOG_HEAD = 1  # the query log's row in audit_head

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One disclosure to one viewer about one subject in one request."""

    at: datetime
    viewer_kind: str
    viewer_code: str
    viewer_name: str | None
    subject_code: str
    items: tuple[str, ...]
    purpose: str | None
    duty_matter: str | None
    consent_id: str | None


@dataclass(frozen=True, slots=True)
class StoredEntry:
    seq: int
    entry: LogEntry
    prev_hash: str
    hash: str


def _fields(entry: LogEntry) -> dict[str, object]:
    # A shallow copy: dataclasses.asdict deep-copies every value, a third of an
    # append of a batch's 100 entries.
    return {f.name: getattr(entry, f.name) for f in fields(entry)}


def entry_hash(seq: int, prev_hash: str, entry: LogEntry) -> str:
    content = _fields(entry) | {"at": moment(entry.at).isoformat(), "items": list(entry.items)}
    canonical = json.dumps([seq, prev_hash, content], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


class QueryLog:
    """The log in the store: a :class:`~gateway.store.checkpoints.HashChain`.

    With ``checkpointing``, appends that cross its interval sign the new head.
    """

    chain = "query_log"

    def __init__(self, engine: AsyncEngine, checkpointing: AutoCheckpoint | None = None) -> None:
        self.engine = engine
        self.checkpointing = checkpointing
        # Group commit: appends that arrive while one transaction is being written
        # wait for the next, and are all written in it (one lock, one commit).
        self._pending: list[tuple[Sequence[LogEntry], asyncio.Future[None]]] = []
        self._writer: asyncio.Task[None] | None = None
        self.transactions = 0  # committed, for tests and /metrics

    async def append(self, entries: Sequence[LogEntry]) -> None:
        """Append ``entries`` atomically; return once they are committed.

        The appends of concurrent requests are grouped into one transaction, in
        the order they arrived. If it fails, each request's entries are tried on
        their own, so one request's failure is that request's alone; a request
        whose entries were not written gets the error (and is answered with none
        of what it would have disclosed).
        """
        if not entries:
            return
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending.append((entries, done))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_pending())
        await asyncio.shield(done)

    async def _write_pending(self) -> None:
        while self._pending:
            group, self._pending = self._pending, []
            try:
                await self._write_group(group)
            except BaseException as exc:
                # Cancelled, or worse: no request of the group may wait forever.
                _settle(group, exc if isinstance(exc, Exception) else RuntimeError(str(exc)))
                _settle(self._pending, RuntimeError("the query-log writer stopped"))
                self._pending = []
                raise

    async def _write_group(
        self, group: list[tuple[Sequence[LogEntry], asyncio.Future[None]]]
    ) -> None:
        try:
            await self._write([entries for entries, _ in group])
        except Exception as exc:
            if len(group) == 1:
                _settle(group, exc)
                return
            # Each request on its own: one request's failure is that request's alone.
            for one in group:
                try:
                    await self._write([one[0]])
                except Exception as alone:
                    _settle([one], alone)
                else:
                    _settle([one], None)
        else:
            _settle(group, None)

    async def _write(self, batches: Sequence[Sequence[LogEntry]]) -> None:
        count = sum(len(entries) for entries in batches)
        async with self.engine.begin() as connection:
            # Moving the head first takes its write lock, so appends from
            # several gateway processes queue up instead of forking the chain.
            await connection.execute(
                update(audit_head)
                .where(audit_head.c.id == QUERY_LOG_HEAD)
                .values(seq=audit_head.c.seq + count)
            )
            head_seq, prev = await _head(connection)
            seq = before = head_seq - count
            rows = []
            for entries in batches:
                for entry in entries:
                    seq += 1
                    digest = entry_hash(seq, prev, entry)
                    rows.append(_row(seq, prev, digest, entry))
                    prev = digest
            await connection.execute(query_log.insert(), rows)
            await connection.execute(
                update(audit_head).where(audit_head.c.id == QUERY_LOG_HEAD).values(hash=prev)
            )
        self.transactions += 1
        if self.checkpointing is not None:
            # After the commit: the entries stand whatever happens to the signature
            # (the next checkpoint covers them); a failure here is not the write's.
            try:
                await self.checkpointing.appended(self.chain, before, seq, prev)
            except Exception:
                log.exception("signing a query-log checkpoint failed; the next one covers it")

    async def head(self) -> tuple[int, str]:
        async with self.engine.connect() as connection:
            return await _head(connection)

    async def for_subject(self, code: str, limit: int, before: int | None) -> list[StoredEntry]:
        """The subject's entries, newest first, ``limit`` at most, older than ``before``."""
        query = select(query_log).where(query_log.c.subject_code == code)
        if before is not None:
            query = query.where(query_log.c.seq < before)
        query = query.order_by(query_log.c.seq.desc()).limit(limit)
        async with self.engine.connect() as connection:
            return [_stored(row) for row in (await connection.execute(query)).mappings()]

    async def verify(self, at: Collection[int] = ()) -> Verification:
        """Recompute the chain; report the first entry that was altered or is missing.

        ``hashes`` holds the recomputed hash at each seq in ``at`` (for checkpoints).
        """

        def expected(row: RowMapping, prev: str) -> str:
            return entry_hash(int(row["seq"]), prev, _stored(row).entry)

        return await walk_chain(
            self.engine, query_log, QUERY_LOG_HEAD, expected, ("entry", "entries"), at
        )


def _settle(
    group: Sequence[tuple[Sequence[LogEntry], asyncio.Future[None]]], error: Exception | None
) -> None:
    for _, done in group:
        if done.done():
            continue
        if error is None:
            done.set_result(None)
        else:
            done.set_exception(error)


async def _head(connection: AsyncConnection) -> tuple[int, str]:
    query = select(audit_head.c.seq, audit_head.c.hash).where(audit_head.c.id == QUERY_LOG_HEAD)
    head = (await connection.execute(query)).one()
    return int(head.seq), str(head.hash)


def _row(seq: int, prev: str, digest: str, entry: LogEntry) -> dict[str, object]:
    return _fields(entry) | {
        "seq": seq,
        "at": moment(entry.at),
        "items": json.dumps(list(entry.items)),
        "prev_hash": prev,
        "hash": digest,
    }


def _stored(row: object) -> StoredEntry:
    values = dict(row)  # type: ignore[call-overload]
    entry = LogEntry(
        at=moment(values["at"]),
        viewer_kind=values["viewer_kind"],
        viewer_code=values["viewer_code"],
        viewer_name=values["viewer_name"],
        subject_code=values["subject_code"],
        items=tuple(json.loads(values["items"])),
        purpose=values["purpose"],
        duty_matter=values["duty_matter"],
        consent_id=values["consent_id"],
    )
    return StoredEntry(values["seq"], entry, values["prev_hash"], values["hash"])
