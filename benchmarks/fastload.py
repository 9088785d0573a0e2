"""A lean keep-alive HTTP/1.1 load generator for the shapes: loopback only, bounded.

The floor answers many thousands of requests a second on one core, more than
aiohttp's client can send from one (benchmarks/load.py): a load generator
slower than the server measures itself. This one writes one prepared request
per connection and reads the answer by its Content-Length on a bare asyncio
protocol, a few microseconds a request. A request fails on any status but
200 and on a body naming ``"errors"``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import orjson

from benchmarks.load import Result

MAX_REQUESTS = 2_000_000


class _Connection(asyncio.Protocol):
    """One connection sending ``request`` again as soon as each answer is in."""

    def __init__(self, request: bytes, deadline: float, result: _Tally) -> None:
        self.request = request
        self.deadline = deadline
        self.result = result
        self.buffer = bytearray()
        self.closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.transport: asyncio.Transport | None = None
        self.sent_at = 0.0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self._send()

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        head_end = self.buffer.find(b"\r\n\r\n")
        if head_end < 0:
            return
        head = bytes(self.buffer[:head_end])
        length = _content_length(head)
        end = head_end + 4 + length
        if len(self.buffer) < end:
            return
        body = bytes(self.buffer[head_end + 4 : end])
        del self.buffer[:end]
        ok = head.startswith((b"HTTP/1.1 200", b"HTTP/1.0 200")) and b'"errors"' not in body
        self.result.add(time.perf_counter() - self.sent_at, ok)
        if time.perf_counter() < self.deadline and self.result.count < MAX_REQUESTS:
            self._send()
        elif self.transport is not None:
            self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.closed.done():
            self.closed.set_result(None)

    def _send(self) -> None:
        assert self.transport is not None
        self.sent_at = time.perf_counter()
        self.transport.write(self.request)


class _Tally:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.errors = 0

    @property
    def count(self) -> int:
        return len(self.latencies)

    def add(self, seconds: float, ok: bool) -> None:
        self.latencies.append(seconds * 1000)
        self.errors += 0 if ok else 1


def _content_length(head: bytes) -> int:
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value)
    raise RuntimeError(f"an answer without Content-Length: {head[:200]!r}")


def request_bytes(url: str, payload: Mapping[str, Any]) -> bytes:
    parts = urlsplit(url)
    body = orjson.dumps(payload)
    head = (
        f"POST {parts.path or '/'} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
        "Content-Type: application/json\r\nAccept: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: keep-alive\r\n\r\n"
    )
    return head.encode() + body


async def run(url: str, payload: Mapping[str, Any], *, concurrency: int, seconds: float) -> Result:
    """POST ``payload`` to ``url`` over ``concurrency`` connections for ``seconds``."""
    parts = urlsplit(url)
    assert parts.hostname == "127.0.0.1", "load goes to this machine only"
    assert parts.port is not None
    request = request_bytes(url, payload)
    loop = asyncio.get_running_loop()
    tally = _Tally()
    started = time.perf_counter()
    deadline = started + seconds
    connections = []
    for _ in range(concurrency):
        _, protocol = await loop.create_connection(
            lambda: _Connection(request, deadline, tally), parts.hostname, parts.port
        )
        connections.append(protocol)
    try:
        # An answer still missing long after the deadline is a hung server.
        await asyncio.wait_for(asyncio.gather(*(c.closed for c in connections)), seconds + 60)
    finally:
        for connection in connections:
            if connection.transport is not None:
                connection.transport.close()
    elapsed = time.perf_counter() - started
    return Result(tally.count, tally.errors, elapsed, tuple(tally.latencies))
