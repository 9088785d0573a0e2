"""Batching, end to end: one statement per source per batch, whatever the batch size.

Statements are counted on each provider database's engine, so this fails if a
resolver ever asks a source once per subject (the N+1 that halves throughput).
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import ExceptionContext
from starlette.applications import Starlette

from adapters.sql.source import SqlSource
from adapters.wrappers.metrics import MeasuredSource
from adapters.wrappers.stack import find
from demo.examples import EXAMPLES
from gateway.config.loader import GatewayConfig
from service.app import create_app
from tests import viewers
from tests.conftest import NOW
from tests.server import serve

BATCH = """query($codes: [String!]!) {
  subjects(codes: $codes) { code name summary { count } records { totalCount } }
}"""


def _codes(demo_data: Path, count: int) -> list[str]:
    with sqlite3.connect(demo_data / "market_regulation.db") as db:
        rows = db.execute("SELECT tyshxydm FROM qy_jbxx ORDER BY tyshxydm LIMIT ?", (count,))
        return [code for (code,) in rows]


def _fetches(app: Starlette) -> Counter[str]:
    """Calls each source's adapter stack has taken, from its metrics wrapper."""
    calls: Counter[str] = Counter()
    for source in app.state.services.sources.sources:
        measured = find(source, MeasuredSource)
        assert measured is not None
        calls[source.name] = measured.fetches.calls
    return calls


@contextmanager
def _counting(app: Starlette) -> Iterator[Counter[str]]:
    """SQL statements sent by each provider database's engine."""
    counts: Counter[str] = Counter()
    engines = []
    for source in app.state.services.sources.sources:
        inner = find(source, SqlSource)
        if inner is None:
            continue

        def count(*_: object, name: str = inner.name) -> None:
            counts[name] += 1

        def interrupted(context: ExceptionContext, name: str = inner.name) -> None:
            if "interrupted" in str(context.original_exception):
                counts[name] -= 1

        # Statements that answered (an inline read interrupted under load and
        # answered off the loop is one; gateway/sql_reads.py).
        for engine in inner.reads.engines:
            event.listen(engine, "before_cursor_execute", count)
            event.listen(engine, "handle_error", interrupted)
            engines.append((engine, count))
    try:
        yield counts
    finally:
        for engine, listener in engines:
            event.remove(engine, "before_cursor_execute", listener)


async def test_a_batch_costs_one_statement_per_source(
    demo_config: GatewayConfig, demo_data: Path
) -> None:
    app = create_app(demo_config, clock=lambda: NOW)
    every = {spec.name for spec in demo_config.sources}
    sql = {spec.name for spec in demo_config.sources if spec.kind == "sql"}
    assert len(every) > len(sql) >= 4
    unit = viewers.gov(demo_config.auth)  # in a duty matter: every source has items it opens
    async with serve(app) as client:
        for size in (1, 100):
            codes = _codes(demo_data, size)
            before = _fetches(app)
            with _counting(app) as statements:
                body = await client.query(BATCH, {"codes": codes}, unit)
            assert "errors" not in body
            assert [s["code"] for s in body["data"]["subjects"]] == codes
            assert statements == dict.fromkeys(sql, 1), size
            assert _fetches(app) - before == dict.fromkeys(every, 1), size


async def test_aliased_lookups_share_one_batch(demo_config: GatewayConfig) -> None:
    app = create_app(demo_config, clock=lambda: NOW)
    lookups = " ".join(
        f'e{i}: subject(code: "{e.code}") {{ name records {{ totalCount }} }}'
        for i, e in enumerate(EXAMPLES)
    )
    query = f"{{ {lookups} }}"
    async with serve(app) as client:
        with _counting(app) as counts:
            body = await client.query(query)
    assert body["data"]["e0"]["name"] == EXAMPLES[0].name
    assert set(counts.values()) == {1}


async def test_a_consented_batch_writes_one_log_entry_per_subject_disclosed(
    demo_config: GatewayConfig, demo_data: Path
) -> None:
    app = create_app(demo_config, clock=lambda: NOW)
    codes = _codes(demo_data, 30)
    async with serve(app) as client:
        # Public-only answers write nothing, however many subjects.
        await client.query(BATCH, {"codes": codes}, viewers.bank(demo_config.auth))
        await client.query(BATCH, {"codes": codes})
        store = app.state.services.store
        assert (await store.query_log.verify()).checked == 0
        # A unit in a duty matter sees internal records: one entry per subject shown any.
        await client.query(BATCH, {"codes": codes}, viewers.gov(demo_config.auth))
        verification = await store.query_log.verify()
    assert verification.ok
    assert 0 < verification.checked <= len(codes)


@contextmanager
def _statements(app: Starlette, source: str) -> Iterator[list[str]]:
    """The SQL text ``source``'s engine sends."""
    sent: list[str] = []
    (inner,) = (
        found
        for s in app.state.services.sources.sources
        if (found := find(s, SqlSource)) is not None and found.name == source
    )

    def keep(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        sent.append(statement)

    for engine in inner.reads.engines:
        event.listen(engine, "before_cursor_execute", keep)
    try:
        yield sent
    finally:
        for engine in inner.reads.engines:
            event.remove(engine, "before_cursor_execute", keep)


RECORDS = "records {{ edges {{ node {{ id title decidedOn {details} }} }} }}"


async def test_a_query_without_details_reads_no_detail_column(
    demo_config: GatewayConfig, demo_data: Path
) -> None:
    # jyfw (business scope) is only ever a registration's detail; nbxh its id.
    app = create_app(demo_config, clock=lambda: NOW)
    codes = _codes(demo_data, 20)
    lean = BATCH.replace("records { totalCount }", RECORDS.format(details=""))
    full = BATCH.replace("records { totalCount }", RECORDS.format(details="details { key }"))
    unit = viewers.gov(demo_config.auth)
    async with serve(app) as client:
        # Each read is one statement, or two when one interrupted on the loop under
        # load is answered off it (gateway/sql_reads.py): the same text both times.
        with _statements(app, "market_regulation") as sent_lean:
            without = await client.query(lean, {"codes": codes}, unit)
        with _statements(app, "market_regulation") as sent_full:
            with_ = await client.query(full, {"codes": codes}, unit)
    assert len(set(sent_lean)) == len(set(sent_full)) == 1
    assert ("jyfw" in sent_lean[0], "nbxh" in sent_lean[0]) == (False, True)
    assert ("jyfw" in sent_full[0], "nbxh" in sent_full[0]) == (True, True)
    assert "errors" not in without
    assert "errors" not in with_
    assert sum(len(s["records"]["edges"]) for s in without["data"]["subjects"]) > 20
    for subject in with_["data"]["subjects"]:
        for edge in subject["records"]["edges"]:
            edge["node"].pop("details")
    assert without == with_
