"""Real database servers for tests: one fresh database per test run.

A server that cannot be reached skips its tests with a clear message, except
under ``CI=true``, where every backend must run.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

IN_CI = os.environ.get("CI", "").lower() == "true"


@dataclass(frozen=True)
class Server:
    name: str
    host: str
    port: int
    admin_url: str
    url_template: str  # {db} is replaced by the per-run database name

    def reachable(self) -> bool:
        try:
            with socket.create_connection((self.host, self.port), timeout=1):
                return True
        except OSError:
            return False

    def require(self) -> None:
        if self.reachable():
            return
        message = f"{self.name} is not reachable on {self.host}:{self.port}"
        if IN_CI:
            pytest.fail(f"{message}; CI=true requires it (start it, see DEVELOPERS.md)")
        pytest.skip(f"{message}; start it to run these tests")


POSTGRES = Server(
    "PostgreSQL",
    "127.0.0.1",
    5432,
    os.environ.get("TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"),
    "postgresql+asyncpg://postgres@127.0.0.1:5432/{db}",
)
MARIADB = Server(
    "MariaDB",
    "127.0.0.1",
    3306,
    os.environ.get("TEST_MARIADB_URL", "mysql+aiomysql://root@127.0.0.1:3306/test"),
    "mysql+aiomysql://root@127.0.0.1:3306/{db}?charset=utf8mb4",
)


@asynccontextmanager
async def fresh_database(server: Server) -> AsyncIterator[str]:
    """Create a uniquely named database, yield its URL, drop it afterwards."""
    server.require()
    name = f"cg_test_{uuid.uuid4().hex[:12]}"
    admin = create_async_engine(server.admin_url, isolation_level="AUTOCOMMIT")
    create = f"CREATE DATABASE {name}"
    if server is MARIADB:
        create += " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
    try:
        async with admin.connect() as connection:
            await connection.execute(text(create))
        yield server.url_template.format(db=name)
    finally:
        async with admin.connect() as connection:
            if server is POSTGRES:
                await connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            else:
                await connection.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        await admin.dispose()
