"""Notifications pushed to a real webhook receiver on 127.0.0.1: signed, retried with
backoff until accepted or given up, not pushed at all without a URL, and end to end
from an objection filed over HTTP to the receiver."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from demo.examples import ADVERSE_COMPANY
from gateway.config.loader import GatewayConfig
from gateway.config.settings import Notifications
from gateway.store.outbox import Outbox
from gateway.store.store import Store
from gateway.store.workflow_tables import notifications
from service.app import create_app
from service.webhooks import WebhookDelivery
from tests.conftest import NOW
from tests.server import serve
from tests.test_api_objections import _arrears, _file

SECRET = b"webhook-secret-for-tests-0123456789"
T0 = datetime(2026, 11, 23, 4, 0, tzinfo=UTC)


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    verified: bool
    status: int

    @property
    def json(self) -> dict[str, Any]:
        payload: dict[str, Any] = json.loads(self.body)
        return payload


@dataclass
class Receiver:
    """A portal's webhook endpoint: checks the signature with its own copy of the
    secret (401 when it does not match), then answers ``answers`` in turn, 200 after."""

    secret: bytes = SECRET
    answers: list[int] = field(default_factory=list)
    delay_s: float = 0.0
    received: list[Received] = field(default_factory=list)
    url: str = ""

    def verify(self, timestamp: str, body: bytes, signature: str) -> bool:
        # What the README tells a receiver to do.
        expected = hmac.new(self.secret, timestamp.encode() + b"." + body, hashlib.sha256)
        return hmac.compare_digest(signature, "sha256=" + expected.hexdigest())

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        headers = dict(request.headers)
        verified = self.verify(
            headers.get("X-Credit-Gateway-Timestamp", ""),
            body,
            headers.get("X-Credit-Gateway-Signature", ""),
        )
        status = (self.answers.pop(0) if self.answers else 200) if verified else 401
        self.received.append(Received(headers, body, verified, status))
        await asyncio.sleep(self.delay_s)
        if status in (301, 302, 307, 308):
            raise web.HTTPTemporaryRedirect("/elsewhere")
        return web.Response(status=status)

    @property
    def accepted(self) -> list[Received]:
        return [r for r in self.received if r.status == 200]


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    found = Receiver()
    app = web.Application()
    app.router.add_post("/hook", found.handle)
    app.router.add_post("/elsewhere", found.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    found.url = f"http://{host}:{port}/hook"
    yield found
    await runner.cleanup()


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    store = Store.open(f"sqlite+aiosqlite:///{tmp_path / 'store.db'}")
    await store.migrate()
    yield store.engine
    await store.aclose()


class Clock:
    """The delivery's clock, moved on by the test: backoff without waiting."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: int) -> None:
        self.now += timedelta(seconds=seconds)


async def _notify(engine: AsyncEngine) -> str:
    """A notification as the workflow store writes one: due at once."""
    id_ = str(uuid.uuid4())
    row = {"subject_code": ADVERSE_COMPANY.code, "seq": 3, "at": T0, "kind": "OBJECTION_UPHELD"}
    row |= {"text": "您的异议已核实，记录已更正", "next_attempt_at": T0, "case_id": "case-1"}
    async with engine.begin() as connection:
        await connection.execute(notifications.insert().values(id=id_, **row))
    return id_


async def _row(engine: AsyncEngine, id_: str) -> dict[str, Any]:
    async with engine.connect() as connection:
        query = select(notifications).where(notifications.c.id == id_)
        return dict((await connection.execute(query)).mappings().one())


def _settings(url: str, tmp_path: Path, **more: Any) -> Notifications:
    secret = tmp_path / "webhook-secret.txt"
    secret.write_bytes(SECRET + b"\n")  # as `echo` writes it: the newline is not the secret
    return Notifications(webhook_url=url, secret_file=str(secret), **more)


@pytest.fixture
async def delivery(
    receiver: Receiver, engine: AsyncEngine, tmp_path: Path
) -> AsyncIterator[Callable[..., Awaitable[WebhookDelivery]]]:
    """A delivery on a test clock, driven one round at a time (`run_once`)."""
    made: list[WebhookDelivery] = []

    async def make(url: str | None = None, **settings: Any) -> WebhookDelivery:
        config = _settings(url or receiver.url, tmp_path, **settings)
        outbox = Outbox(engine, config.max_attempts)
        made.append(WebhookDelivery(config, outbox, SECRET, Clock()))
        return made[-1]

    yield make
    for one in made:
        await one.aclose()


def _clock(delivery: WebhookDelivery) -> Clock:
    assert isinstance(delivery.clock, Clock)
    return delivery.clock


async def test_a_failed_post_is_retried_with_backoff_until_accepted(
    delivery: Callable[..., Awaitable[WebhookDelivery]], receiver: Receiver, engine: AsyncEngine
) -> None:
    receiver.answers = [500, 500]
    webhook = await delivery(backoff_s=2)
    clock = _clock(webhook)
    id_ = await _notify(engine)
    assert await webhook.run_once() == 1
    assert [r.status for r in receiver.received] == [500]
    row = await _row(engine, id_)
    assert (row["attempts"], row["delivery_error"]) == (1, "HTTP 500")
    # Due again 2 s after the first failure, then 4 s after the second: not before.
    for step, attempts in ((1, 1), (1, 2), (3, 2), (1, 3)):
        clock.advance(step)
        await webhook.run_once()
        assert len(receiver.received) == attempts, f"at +{clock.now - T0}"
    assert [r.status for r in receiver.received] == [500, 500, 200]
    assert all(r.verified for r in receiver.received)
    assert {r.headers["X-Credit-Gateway-Id"] for r in receiver.received} == {id_}
    (accepted,) = receiver.accepted
    assert accepted.headers["Content-Type"] == "application/json"
    assert accepted.headers["X-Credit-Gateway-Timestamp"] == str(int(clock.now.timestamp()))
    assert accepted.json == {
        "id": id_,
        "subjectCode": ADVERSE_COMPANY.code,
        "kind": "OBJECTION_UPHELD",
        "text": "您的异议已核实，记录已更正",
        "at": "2026-11-23T04:00:00+00:00",
        "caseId": "case-1",
        "recordId": None,
    }
    row = await _row(engine, id_)
    assert (row["attempts"], row["delivery_error"], row["next_attempt_at"]) == (3, None, None)
    assert row["delivered_at"].replace(tzinfo=UTC) == clock.now
    clock.advance(86_400)
    assert await webhook.run_once() == 0
    assert len(receiver.accepted) == 1
    assert webhook.metrics() == {"delivered": 1, "retried": 2, "given_up": 0}


async def test_a_receiver_that_always_fails_is_given_up_after_max_attempts(
    delivery: Callable[..., Awaitable[WebhookDelivery]], receiver: Receiver, engine: AsyncEngine
) -> None:
    receiver.answers = [503] * 10
    webhook = await delivery(max_attempts=3, backoff_s=1, max_backoff_s=1)
    id_ = await _notify(engine)
    for _ in range(6):
        await webhook.run_once()
        _clock(webhook).advance(1)
    assert [r.status for r in receiver.received] == [503, 503, 503]
    row = await _row(engine, id_)
    assert (row["attempts"], row["delivery_error"]) == (3, "HTTP 503")
    assert (row["next_attempt_at"], row["delivered_at"]) == (None, None)
    assert webhook.metrics() == {"delivered": 0, "retried": 2, "given_up": 1}


async def test_a_receiver_with_another_secret_rejects_the_signature(
    delivery: Callable[..., Awaitable[WebhookDelivery]], receiver: Receiver, engine: AsyncEngine
) -> None:
    receiver.secret = b"another-secret"
    webhook = await delivery()
    id_ = await _notify(engine)
    await webhook.run_once()
    (got,) = receiver.received
    assert got.headers["X-Credit-Gateway-Signature"].startswith("sha256=")
    assert (got.verified, got.status) == (False, 401)
    row = await _row(engine, id_)
    assert (row["delivered_at"], row["delivery_error"]) == (None, "HTTP 401")


async def test_timeouts_and_unreachable_receivers_are_retried(
    delivery: Callable[..., Awaitable[WebhookDelivery]], receiver: Receiver, engine: AsyncEngine
) -> None:
    receiver.delay_s = 2
    slow = await delivery(timeout_s=0.2)
    id_ = await _notify(engine)
    await slow.run_once()
    row = await _row(engine, id_)
    assert (row["attempts"], row["delivery_error"]) == (1, "no answer within 0.2 s")
    assert row["next_attempt_at"].replace(tzinfo=UTC) == T0 + timedelta(seconds=2)
    # Nothing listens on that port of 127.0.0.2: the connection is refused.
    closed = receiver.url.replace("127.0.0.1", "127.0.0.2")
    gone = await delivery(url=closed, timeout_s=2)
    _clock(gone).advance(2)
    await gone.run_once()
    row = await _row(engine, id_)
    assert row["attempts"] == 2
    assert row["delivery_error"].startswith("cannot connect")
    assert gone.metrics()["retried"] == 1


async def test_a_redirect_is_not_followed(
    delivery: Callable[..., Awaitable[WebhookDelivery]], receiver: Receiver, engine: AsyncEngine
) -> None:
    receiver.answers = [307]
    webhook = await delivery()
    id_ = await _notify(engine)
    await webhook.run_once()
    assert [r.status for r in receiver.received] == [307]
    assert (await _row(engine, id_))["delivery_error"] == "HTTP 307"


async def test_the_background_task_delivers_and_stops_at_shutdown(
    receiver: Receiver, engine: AsyncEngine, tmp_path: Path
) -> None:
    settings = _settings(receiver.url, tmp_path, poll_s=0.01)
    await _notify(engine)
    webhook = WebhookDelivery.start(settings, engine, lambda: T0)
    assert webhook is not None
    assert webhook.task is not None
    await _eventually(lambda: bool(receiver.accepted))
    await asyncio.wait_for(webhook.aclose(), timeout=20)
    assert webhook.task.done()
    assert webhook.session.closed
    assert receiver.accepted[0].verified


async def test_without_a_url_nothing_is_started(
    engine: AsyncEngine, demo_config: GatewayConfig, tmp_path: Path
) -> None:
    assert not demo_config.settings.notifications.enabled
    assert WebhookDelivery.start(Notifications(), engine, lambda: T0) is None
    secret_only = _settings("unused", tmp_path)  # a secret file (from the environment, say)
    assert WebhookDelivery.start(replace(secret_only, webhook_url=None), engine, lambda: T0) is None
    app = create_app(demo_config, clock=lambda: NOW)
    async with serve(app) as client:
        assert app.state.webhooks is None
        assert not [t for t in asyncio.all_tasks() if t.get_name() == "webhook-delivery"]
        async with client.session.get(client.url.replace("/graphql", "/metrics")) as response:
            assert "webhook" not in await response.json()


async def test_an_objection_filed_over_http_reaches_the_webhook(
    receiver: Receiver, demo_config: GatewayConfig, tmp_path: Path
) -> None:
    pushed = _settings(receiver.url, tmp_path, poll_s=0.05)
    config = replace(demo_config, settings=replace(demo_config.settings, notifications=pushed))
    app = create_app(config, clock=lambda: NOW)
    async with serve(app) as client:
        assert [t for t in asyncio.all_tasks() if t.get_name() == "webhook-delivery"]
        record_id = await _arrears(client, config)
        case = (await _file(client, config, ADVERSE_COMPANY.code, record_id))["data"]
        await _eventually(lambda: bool(_annotated(receiver)))
        # The receiver has answered; the gateway records the delivery just after.
        await _eventually(lambda: app.state.webhooks.metrics()["delivered"] >= 1)
        async with client.session.get(client.url.replace("/graphql", "/metrics")) as response:
            metrics = await response.json()
    (got,) = _annotated(receiver)
    assert got.verified
    assert got.json["subjectCode"] == ADVERSE_COMPANY.code
    assert got.json["caseId"] == case["fileObjection"]["id"]
    assert got.json["recordId"] == record_id
    assert metrics["webhook"]["delivered"] >= 1
    assert not [t for t in asyncio.all_tasks() if t.get_name() == "webhook-delivery"]


def _annotated(receiver: Receiver) -> list[Received]:
    return [r for r in receiver.accepted if r.json["kind"] == "OBJECTION_ANNOTATED"]


async def _eventually(done: Callable[[], bool], within_s: float = 20.0) -> None:
    """Wait for ``done``; a generous deadline, not a timed assertion."""
    for _ in range(int(within_s / 0.01)):
        if done():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("not within the deadline")
