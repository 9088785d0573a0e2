"""Lookup latency as the provider data grows (issue 12: flat from 10^4 to 10^7 records).

For each size, a data set of that many provider records (generated once into
var/bench/scale-N) and the gateway over it, in this process, driven through
its ASGI app directly, so that what is timed is the gateway's own path, not an
HTTP client's: one lookup at a time, anonymous of organisations, and of the
persons the serious-dishonesty list names by each of them looking at their own
file (the mobile app's view; their entries are found through the list view's
joined table), each a different random subject, so that the
indexes are searched rather than one cached answer repeated. The database
files are read once first, so that they are in the page cache (see
:func:`warm`). The bureau is left out: its data does not grow with the
provider databases.

It reports, per size and kind of subject, p50 and p99 latency, the p50 as a
ratio of the smallest size's, and how many statements (the SQL sources' and the
store's) SQLite answered on the event loop and how many the async engine did
instead (past the 5 ms budget, or locked by a writer)
(:mod:`gateway.sql_reads`): a statement that grows with the data shows there
first.
"""

from __future__ import annotations

import random
import sqlite3
import tempfile
import time
from collections.abc import Awaitable, Callable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import orjson

from adapters.kinds import load_config
from adapters.sql.source import SqlSource
from adapters.wrappers.stack import find
from benchmarks.load import median, percentile
from gateway.auth.minting import mint
from gateway.config.loader import PROJECT_ROOT, GatewayConfig
from gateway.sql_reads import SqlReads
from resolvers.context import Services
from service.app import create_app

LOOKUPS = 300  # of each kind (fewer where fewer exist), after WARMUP others
WARMUP = 3
QUERY = (
    "query Scale($code: String!) { subject(code: $code) { code name "
    "records { edges { node { id title category decidedOn status item { code } } } } } }"
)
Message = MutableMapping[str, Any]
App = Callable[
    [Message, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]],
    Awaitable[None],
]


@dataclass(frozen=True, slots=True)
class Measured:
    size: int
    kind: str
    latencies_ms: tuple[float, ...]
    inline: int
    offloaded: int
    errors: int
    records: int  # in all the answers
    as_responsible: int  # of which on a person's file as a list entry's responsible person

    @property
    def p50(self) -> float:
        return median(self.latencies_ms)

    @property
    def p99(self) -> float:
        return percentile(self.latencies_ms, 99)


def warm(data_dir: Path) -> None:
    """Read every database file once, so that the page cache holds it: what is timed
    is then the lookups' own work, which the indexes bound, and not the disk's, which
    grows with the files for whichever pages other data pushed out of the cache."""
    for path in sorted(data_dir.glob("*.db")):
        with path.open("rb") as file:
            while file.read(1 << 20):
                pass


def subjects(data_dir: Path, count: int, seed: int = 7) -> dict[str, list[str]]:
    """``count`` random organisations, and up to ``count`` persons named on the
    serious-dishonesty list (as legal representative or in its persons' table)."""
    rng = random.Random(seed)
    with sqlite3.connect(data_dir / "market_regulation.db") as db:
        orgs = [str(r[0]) for r in db.execute("SELECT tyshxydm FROM qy_jbxx")]
        persons = sorted(
            {
                str(r[0])
                for r in db.execute(
                    "SELECT zjhm FROM qy_yzsx_zrr WHERE zjhm IS NOT NULL UNION "
                    "SELECT fddbr_zjhm FROM qy_yzsx WHERE fddbr_zjhm IS NOT NULL"
                )
            }
        )
    return {
        "organisation": rng.sample(orgs, min(count, len(orgs))),
        "person": rng.sample(persons, min(count, len(persons))),
    }


async def measure(size: int, data_dir: Path, lookups: int = LOOKUPS) -> list[Measured]:
    """``lookups`` of each kind of subject over ``data_dir``, one at a time."""
    warm(data_dir)
    config = load_config(PROJECT_ROOT / "config", data_dir)
    with tempfile.TemporaryDirectory() as store_dir:
        settings = replace(config.settings, store_url=f"sqlite+aiosqlite:///{store_dir}/store.db")
        sources = tuple(s for s in config.sources if s.kind != "bureau")
        app = create_app(replace(config, settings=settings, sources=sources))
        async with app.router.lifespan_context(app):
            reads = _reads(app.state.services)
            chosen = subjects(data_dir, lookups + WARMUP)
            timing = _Lookups(app, reads, responsible_items(config))
            # Each kind's statements are built on its first lookup: not timed.
            found = []
            for kind, codes in chosen.items():
                # A person looks at their own file (the mobile app's view), which
                # shows their records as a responsible person; tokens made untimed.
                tokens = {c: mint(config.auth, "subject", c) for c in codes if kind == "person"}
                for code in codes[:WARMUP]:
                    await _post(app, code, tokens.get(code))
                found.append(await timing.run(size, kind, codes[WARMUP:], tokens))
            return found


def _reads(services: Services) -> list[SqlReads]:
    """How the SQL sources and the store run their reads (each counts its statements)."""
    sources = [find(s, SqlSource) for s in services.sources.sources]
    return [services.store.reads, *(s.reads for s in sources if s is not None)]


def responsible_items(config: GatewayConfig) -> frozenset[str]:
    """The items that put a list entry on its responsible persons' files."""
    return frozenset(i.code for i in config.catalogue if i.responsible_for is not None)


@dataclass(frozen=True, slots=True)
class _Lookups:
    app: App
    reads: Sequence[SqlReads]
    responsible: frozenset[str]

    async def run(
        self, size: int, kind: str, codes: Sequence[str], tokens: Mapping[str, str]
    ) -> Measured:
        inline = sum(r.inline_runs for r in self.reads)
        offloaded = sum(r.offloaded for r in self.reads)
        latencies, errors, records, as_responsible = [], 0, 0, 0
        for code in codes:
            started = time.perf_counter()
            answer = await _post(self.app, code, tokens.get(code))
            latencies.append((time.perf_counter() - started) * 1000)
            errors += "errors" in answer
            subject = (answer.get("data") or {}).get("subject")
            edges = subject["records"]["edges"] if subject else []
            records += len(edges)
            as_responsible += sum(e["node"]["item"]["code"] in self.responsible for e in edges)
        return Measured(
            size,
            kind,
            tuple(latencies),
            sum(r.inline_runs for r in self.reads) - inline,
            sum(r.offloaded for r in self.reads) - offloaded,
            errors,
            records,
            as_responsible,
        )


async def _post(app: App, code: str, token: str | None) -> dict[str, Any]:
    body = orjson.dumps({"query": QUERY, "variables": {"code": code}})
    incoming: list[Message] = [{"type": "http.request", "body": body, "more_body": False}]
    sent: list[Message] = []

    async def receive() -> Message:
        return incoming.pop() if incoming else {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)

    scope: Message = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"content-type", b"application/json"),
            (b"host", b"127.0.0.1"),
            *([(b"authorization", f"Bearer {token}".encode())] if token else []),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }
    await app(scope, receive, send)
    answer = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    parsed: dict[str, Any] = orjson.loads(answer)
    return parsed


def table(rows: Sequence[Measured]) -> str:
    smallest = {r.kind: r for r in sorted(rows, key=lambda r: r.size, reverse=True)}
    head = (
        "| provider records | subject | lookups | records shown | of which as responsible | "
        "p50 ms | p99 ms | p50 / smallest | statements on the loop | statements off the loop |"
    )
    lines = [head, "|" + "---|" * 10]
    for r in rows:
        ratio = r.p50 / smallest[r.kind].p50
        lines.append(
            f"| {r.size:,} | {r.kind} | {len(r.latencies_ms)} | {r.records:,} | "
            f"{r.as_responsible:,} | "
            f"{r.p50:.2f} | {r.p99:.2f} | "
            f"{ratio:.2f} | {r.inline:,} | {r.offloaded:,} |"
        )
    failed = [r for r in rows if r.errors]
    lines += [f"\n{r.kind} at {r.size:,}: {r.errors} answers with errors" for r in failed]
    return "\n".join(lines)
