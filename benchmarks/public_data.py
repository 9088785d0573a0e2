"""Organisations' public records read by hand-written SQL, for the shapes' other rows.

The floor (:mod:`benchmarks.floor`) and bare strawberry
(:mod:`benchmarks.bare_strawberry`) run the statements of ``benchmarks/sql``
through one aiosqlite connection with the four provider databases attached;
Apollo's ``server.mjs`` runs the same files through better-sqlite3. None of
them reads the gateway's configuration: what an anonymous viewer sees is
written out in the SQL, and :mod:`benchmarks.shapes` checks each answer
identical to the gateway's before timing it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import aiosqlite
import orjson

SQL_DIR = Path(__file__).parent / "sql"
# Schema name -> provider database, as the statements name them.
DATABASES = {
    "m": "market_regulation.db",
    "c": "court.db",
    "t": "tax.db",
    "a": "civil_affairs.db",
}
# Disclosure periods run on China's calendar days (as gateway.policy counts them).
CHINA = ZoneInfo("Asia/Shanghai")

# (code, subject_name, id, title, item, category, decided): one row of records.sql.
RecordRow = tuple[str, str | None, str, str, str, str, str | None]
# (code, name, kind): one row of registration.sql.
RegistrationRow = tuple[str, str | None, str]


def statement(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def china_today() -> str:
    return datetime.now(CHINA).date().isoformat()


def attach_statements(data_dir: Path) -> list[tuple[str, str]]:
    """``ATTACH`` statements and their read-only URIs, one per provider database."""
    return [
        (f"ATTACH DATABASE ? AS {schema}", f"file:{(data_dir / name).resolve()}?mode=ro")
        for schema, name in DATABASES.items()
    ]


async def connect(data_dir: Path) -> aiosqlite.Connection:
    """One read-only connection with every provider database attached."""
    db = await aiosqlite.connect("file::memory:", uri=True)
    for sql, uri in attach_statements(data_dir):
        await db.execute(sql, (uri,))
    await db.execute("PRAGMA query_only = ON")
    return db


def connect_sync(data_dir: Path) -> sqlite3.Connection:
    """The same, blocking: for choosing the benchmark's subjects."""
    db = sqlite3.connect("file::memory:", uri=True)
    for sql, uri in attach_statements(data_dir):
        db.execute(sql, (uri,))
    db.execute("PRAGMA query_only = ON")
    return db


class PublicRecords:
    """The two statements over one connection, batched by subject code."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        self.db = db
        self._records = statement("records")
        self._registration = statement("registration")

    async def records(self, codes: Sequence[str]) -> dict[str, list[RecordRow]]:
        """Each code's visible records, newest first (empty when none)."""
        rows = await self._run(self._records, {"codes": _codes(codes), "today": china_today()})
        return _grouped(codes, rows)

    async def registrations(self, codes: Sequence[str]) -> dict[str, RegistrationRow]:
        """The registration of each code that has one."""
        rows = await self._run(self._registration, {"codes": _codes(codes)})
        return {row[0]: row for row in rows}

    async def _run(self, sql: str, parameters: dict[str, str]) -> Iterable[Any]:
        # One trip to aiosqlite's thread, not three (execute, fetch, close).
        return await self.db.execute_fetchall(sql, parameters)


def _grouped(codes: Sequence[str], rows: Iterable[Any]) -> dict[str, list[RecordRow]]:
    by_code: dict[str, list[RecordRow]] = {code: [] for code in codes}
    for row in rows:
        by_code.setdefault(row[0], []).append(row)
    return by_code


def record_json(row: RecordRow) -> dict[str, object]:
    """One record as the shapes select it (status: anonymous viewers see active ones only)."""
    _, _, id_, title, item, category, decided = row
    return {
        "id": id_,
        "title": title,
        "item": {"code": item},
        "category": category,
        "decidedOn": decided,
        "status": "ACTIVE",
    }


def _codes(codes: Sequence[str]) -> str:
    return orjson.dumps(list(codes)).decode()
