"""A real gateway on 127.0.0.1 for end-to-end tests, and a small GraphQL client."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import uvicorn
from starlette.applications import Starlette

from gateway.config.settings import Limits
from service.http.serving import uvicorn_options


class Client:
    """Posts GraphQL to a running gateway and returns the decoded body."""

    def __init__(self, session: aiohttp.ClientSession, url: str) -> None:
        self.session = session
        self.url = url
        self.app: Starlette | None = None  # the app served, where a fixture keeps it

    async def post(
        self,
        query: str,
        variables: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        extensions: Mapping[str, Any] | None = None,
    ) -> tuple[int, dict[str, Any]]:
        payload: dict[str, Any] = {"query": query, "variables": dict(variables or {})}
        if extensions is not None:
            payload["extensions"] = dict(extensions)
        async with self.session.post(self.url, json=payload, headers=headers) as response:
            return response.status, await response.json()

    async def query(
        self,
        query: str,
        variables: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        extensions: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        status, body = await self.post(query, variables, headers, extensions)
        assert status == 200, body
        return body


@asynccontextmanager
async def serve(app: Starlette) -> AsyncIterator[Client]:
    """Run ``app`` under uvicorn on a free loopback port for the block's duration."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    threads = threading.active_count()
    options = uvicorn_options(Limits())
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on", **options))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            if task.done():
                task.result()
            await asyncio.sleep(0.01)
        async with aiohttp.ClientSession() as session:
            yield Client(session, f"http://127.0.0.1:{port}/graphql")
    finally:
        server.should_exit = True
        await task
        sock.close()
        # aiosqlite finishes closing connections on worker threads that call back
        # into this loop; let them, so none outlives the test's event loop.
        for _ in range(100):
            if threading.active_count() <= threads:
                break
            await asyncio.sleep(0.01)
