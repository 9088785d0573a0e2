"""A credit bureau's HTTP API as a batched source (issue 4; 001 arts. 15-17, 004 art. 29).

In ``batch`` mode one POST answers up to ``max_batch`` codes, and larger
batches are split into chunks sent concurrently; in ``per_subject`` mode each
code is one GET. Either way at most ``max_concurrency`` requests are in flight.
Retries, circuit breaking, caching and the per-call time limit are wrappers
(STYLE.md rule 4): only the connect timeout lives here.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Coroutine, Iterator, Mapping, Sequence
from typing import Any, TypeVar
from urllib.parse import quote

import aiohttp
import orjson

from adapters.bureau.config import BureauMode, BureauSourceConfig
from adapters.bureau.failures import status_error, transport_error
from adapters.bureau.payload import (
    Answer,
    PayloadError,
    RecordReader,
    batch_answers,
    decode,
    subject_answer,
)
from adapters.errors import SourceError, SourceRejected, SourceUnavailable
from adapters.protocol import Capabilities, EntriesRequest, FetchRequest, SearchRequest
from gateway.domain import RawRecord, SubjectHit

log = logging.getLogger(__name__)
T = TypeVar("T")


class BureauSource:
    """Reads a bureau's JSON records through :class:`RecordMapping` config.

    One :class:`aiohttp.ClientSession` serves the source for the application's
    lifetime: made on the first request (inside the running loop, never at
    construction or import) and closed by :meth:`aclose`.
    """

    def __init__(
        self, config: BureauSourceConfig, environ: Mapping[str, str] | None = None
    ) -> None:
        self.config = config
        # The key is read once, when the source is built (api_key_env).
        self._key = _api_key(config, os.environ if environ is None else environ)
        self._reader = RecordReader(config)
        self._slots = asyncio.Semaphore(config.max_concurrency)
        self._session: aiohttp.ClientSession | None = None
        self._closed = False

    @property
    def name(self) -> str:
        return self.config.name

    @property
    def is_open(self) -> bool:
        """Whether the HTTP session exists (it is made on first use)."""
        return self._session is not None

    def capabilities(self) -> Capabilities:
        # Bureaus answer by subject code only; they cannot be searched by name
        # nor browsed (browsable stays empty).
        return Capabilities(items=self.config.items, searchable=False)

    async def fetch(self, request: FetchRequest) -> Mapping[str, Sequence[RawRecord]]:
        result: dict[str, list[RawRecord]] = {code: [] for code in request.codes}
        if not request.codes or not self._serves(request.items):
            return result
        wanted = {code.upper(): code for code in request.codes}
        for answered, raws in await self._answers(list(wanted.values())):
            code = wanted.get(answered.strip().upper())
            if code is None:
                continue  # a code nobody asked for: ignored
            for raw in raws:
                record = self._read(code, raw)
                if record is not None and (request.items is None or record.item in request.items):
                    result[code].append(record)
        return result

    async def search(self, request: SearchRequest) -> Sequence[SubjectHit]:
        return []

    async def entries(self, request: EntriesRequest) -> Sequence[RawRecord]:
        return []  # nothing browsable (capabilities().browsable is empty)

    async def aclose(self) -> None:
        self._closed = True
        if self._session is not None:
            session, self._session = self._session, None
            await session.close()

    def _serves(self, items: frozenset[str] | None) -> bool:
        return items is None or bool(items & self.config.items)

    async def _answers(self, codes: list[str]) -> list[Answer]:
        if self.config.mode is BureauMode.BATCH:
            size = self.config.max_batch
            calls = [self._batch(codes[i : i + size]) for i in range(0, len(codes), size)]
        else:
            calls = [self._subject(code) for code in codes]
        return [answer for answers in await _all(calls) for answer in answers]

    async def _batch(self, codes: list[str]) -> list[Answer]:
        payload = await self._call("POST", self.config.batch_path, {"codes": codes})
        try:
            return list(batch_answers(payload))
        except PayloadError as exc:
            raise SourceRejected(self.name, str(exc)) from exc

    async def _subject(self, code: str) -> list[Answer]:
        path = self.config.subject_path.replace("{code}", quote(code, safe=""))
        payload = await self._call("GET", path, None)
        try:
            return [subject_answer(payload, code)]
        except PayloadError as exc:
            raise SourceRejected(self.name, str(exc)) from exc

    def _read(self, code: str, raw: object) -> RawRecord | None:
        try:
            return self._reader.read(code, raw)
        except PayloadError as exc:
            raise SourceRejected(self.name, str(exc)) from exc

    async def _call(self, method: str, path: str, body: object) -> object:
        session = self._open()
        data = None if body is None else orjson.dumps(body)
        headers = {} if data is None else {"Content-Type": "application/json"}
        async with self._slots:
            try:
                async with session.request(
                    method, self.config.base_url + path, data=data, headers=headers
                ) as response:
                    error = status_error(self.name, response.status, response.headers)
                    if error is not None:
                        raise error
                    content = await response.read()
            except SourceError:
                raise
            except (aiohttp.ClientError, OSError) as exc:  # TimeoutError is an OSError
                raise transport_error(self.name, exc) from exc
        try:
            return decode(content)
        except PayloadError as exc:
            raise SourceRejected(self.name, str(exc)) from exc

    def _open(self) -> aiohttp.ClientSession:
        if self._closed:
            raise SourceUnavailable(self.name, "the source has been closed")
        if self._key is None:
            raise SourceRejected(self.name, f"no API key: ${self.config.api_key_env} is not set")
        if self._session is None:
            seconds = self.config.connect_timeout_s
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=None, connect=seconds, sock_connect=seconds),
                headers={self.config.auth_header: self._key, "Accept": "application/json"},
                connector=aiohttp.TCPConnector(limit=self.config.max_concurrency),
            )
        return self._session


def _api_key(config: BureauSourceConfig, environ: Mapping[str, str]) -> str | None:
    if config.api_key is not None:
        return config.api_key
    key = environ.get(config.api_key_env or "")
    if not key:
        # Not fatal for the gateway: this source's calls fail, the others serve.
        log.warning("source %s: $%s is not set", config.name, config.api_key_env)
    return key or None


async def _all(calls: Sequence[Coroutine[Any, Any, T]]) -> list[T]:
    """Run ``calls`` concurrently; the first failure cancels the rest and is raised."""
    if len(calls) == 1:
        return [await calls[0]]
    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(call) for call in calls]
    except BaseExceptionGroup as failed:
        first = next((e for e in _leaves(failed) if isinstance(e, SourceError)), None)
        if first is None:
            raise
        raise first from first.__cause__  # keep the aiohttp cause for the log
    return [task.result() for task in tasks]


def _leaves(exc: BaseException) -> Iterator[BaseException]:
    if isinstance(exc, BaseExceptionGroup):
        for inner in exc.exceptions:
            yield from _leaves(inner)
    else:
        yield exc
