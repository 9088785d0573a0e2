"""Push notifications to the configured webhook (000 arts. 45-46, 004 art. 52).

A background task of the application's lifespan reads the outbox
(`gateway.store.outbox`) every ``poll_s`` seconds and POSTs each due
notification as JSON, signed with HMAC-SHA256 under the configured secret.
A 2xx answer delivers it; any other answer, a timeout or a connection error
is tried again after an exponential backoff, until ``max_attempts`` attempts
have failed. Delivery is at least once: receivers deduplicate on
``X-Credit-Gateway-Id``. The secret and the URL (which may carry a token) are
never logged.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path

import aiohttp
import orjson
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.config.settings import Notifications
from gateway.store.outbox import Outbox, Pending

log = logging.getLogger(__name__)

ID_HEADER = "X-Credit-Gateway-Id"
TIMESTAMP_HEADER = "X-Credit-Gateway-Timestamp"
SIGNATURE_HEADER = "X-Credit-Gateway-Signature"
BATCH = 20  # notifications claimed, and posted concurrently, per round
LEASE_MARGIN_S = 30  # a claimed round must end well within its lease


def payload(pending: Pending) -> bytes:
    """The JSON body posted for ``pending``."""
    return orjson.dumps(
        {
            "id": pending.id,
            "subjectCode": pending.subject_code,
            "kind": pending.kind,
            "text": pending.text,
            "at": pending.at.isoformat(),
            "caseId": pending.case_id,
            "recordId": pending.record_id,
        }
    )


def signature(secret: bytes, timestamp: int, body: bytes) -> str:
    """``sha256=`` and the hex HMAC-SHA256 of ``f"{timestamp}.{body}"`` under ``secret``."""
    mac = hmac.new(secret, f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


def backoff(settings: Notifications, failures: int) -> timedelta:
    """How long to wait after the ``failures``-th failed attempt: doubling, capped."""
    seconds = settings.backoff_s * 2 ** min(failures - 1, 32)
    return timedelta(seconds=min(seconds, settings.max_backoff_s))


@dataclass(slots=True)
class Counters:
    delivered: int = 0
    retried: int = 0
    given_up: int = 0


class WebhookDelivery:
    """Delivers the outbox to ``settings.webhook_url``; `start` runs it in the background,
    `run_once` delivers one round (what the background task repeats)."""

    def __init__(
        self,
        settings: Notifications,
        outbox: Outbox,
        secret: bytes,
        clock: Callable[[], datetime],
    ) -> None:
        assert settings.webhook_url is not None
        self.settings = settings
        self.url = settings.webhook_url
        self.outbox = outbox
        self.secret = secret
        self.clock = clock
        self.counters = Counters()
        self.session = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=settings.timeout_s)
        )
        self.task: asyncio.Task[None] | None = None

    @classmethod
    def start(
        cls, settings: Notifications, engine: AsyncEngine, clock: Callable[[], datetime]
    ) -> WebhookDelivery | None:
        """The running delivery, or None when no webhook is configured."""
        if settings.webhook_url is None or settings.secret_file is None:
            return None
        secret = Path(settings.secret_file).read_bytes().strip()
        delivery = cls(settings, Outbox(engine, settings.max_attempts), secret, clock)
        delivery.task = asyncio.create_task(delivery._run(), name="webhook-delivery")
        return delivery

    async def aclose(self) -> None:
        """Stop the background task (a notification being posted is posted again later)."""
        if self.task is not None:
            self.task.cancel()
            await asyncio.wait({self.task})  # not `await task`: our own cancellation propagates
        await self.session.close()

    def metrics(self) -> dict[str, int]:
        return asdict(self.counters)

    async def run_once(self) -> int:
        """Claim the due notifications and post them; how many were claimed."""
        lease_s = int(self.settings.timeout_s) + LEASE_MARGIN_S
        claimed = await self.outbox.claim(self.clock(), BATCH, lease_s)
        done = await asyncio.gather(*map(self._deliver, claimed), return_exceptions=True)
        for pending, outcome in zip(claimed, done, strict=True):
            if isinstance(outcome, Exception):  # the outcome not recorded: the lease expires
                log.warning("webhook delivery: notification %s", pending.id, exc_info=outcome)
        return len(claimed)

    async def _run(self) -> None:
        while True:
            try:
                claimed = await self.run_once()
            except Exception:  # the store unavailable: the loop must outlive it
                log.warning("webhook delivery: the outbox could not be read", exc_info=True)
                claimed = 0
            if claimed < BATCH:
                await asyncio.sleep(self.settings.poll_s)

    async def _deliver(self, pending: Pending) -> None:
        error = await self._post(pending)
        now = self.clock()
        if error is None:
            await self.outbox.delivered(pending.id, now)
            self.counters.delivered += 1
            return
        failures = pending.attempts + 1
        if failures >= self.settings.max_attempts:
            await self.outbox.failed(pending.id, error, None)
            self.counters.given_up += 1
            log.warning(
                "webhook delivery: gave up notification %s after %d attempts: %s",
                pending.id,
                failures,
                error,
            )
            return
        await self.outbox.failed(pending.id, error, now + backoff(self.settings, failures))
        self.counters.retried += 1
        log.info("webhook delivery: notification %s failed (%s), retrying", pending.id, error)

    async def _post(self, pending: Pending) -> str | None:
        """Post ``pending``; None when the receiver took it, else what went wrong."""
        body = payload(pending)
        timestamp = int(self.clock().timestamp())
        headers = {
            "Content-Type": "application/json",
            ID_HEADER: pending.id,
            TIMESTAMP_HEADER: str(timestamp),
            SIGNATURE_HEADER: signature(self.secret, timestamp, body),
        }
        try:
            # A redirect is not followed: the signed body goes to the configured URL only.
            post = self.session.post(self.url, data=body, headers=headers, allow_redirects=False)
            async with post as response:
                return None if 200 <= response.status < 300 else f"HTTP {response.status}"
        except TimeoutError:
            return f"no answer within {self.settings.timeout_s:g} s"
        except aiohttp.ClientConnectorError as exc:
            return f"cannot connect: {exc.os_error.strerror or type(exc.os_error).__name__}"
        except aiohttp.ClientError as exc:
            return type(exc).__name__  # its message may carry the URL, and a token in it
