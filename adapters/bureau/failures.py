"""aiohttp's exceptions and HTTP statuses translated into the SourceError tree.

STYLE.md rule 5: nothing past this module sees aiohttp. Messages name the
kind of failure and the status, never the bureau's body.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import aiohttp

from adapters.errors import SourceError, SourceRejected, SourceTimeout, SourceUnavailable

log = logging.getLogger(__name__)


def status_error(source: str, status: int, headers: Mapping[str, str]) -> SourceError | None:
    """The error an HTTP status means, or None for a success.

    5xx and 429 may pass when asked again later, so they are "unavailable" and
    carry the bureau's Retry-After; any other non-2xx answer will not change.
    """
    if 200 <= status < 300:
        return None
    if status == 429 or status >= 500:
        wait = retry_after(headers.get("Retry-After"))
        what = "rate limited" if status == 429 else "server error"
        return SourceUnavailable(source, f"HTTP {status} ({what})", retry_after=wait)
    return SourceRejected(source, f"HTTP {status}")


def transport_error(source: str, exc: Exception) -> SourceError:
    """The error an aiohttp or socket exception means (timeouts first: some are OSErrors)."""
    log.warning("source %s failed: %r", source, exc)
    if isinstance(exc, TimeoutError):
        # aiohttp's connect and socket timeouts subclass TimeoutError.
        return SourceTimeout(source, type(exc).__name__)
    if isinstance(exc, aiohttp.ClientResponseError):
        return SourceRejected(source, type(exc).__name__)
    return SourceUnavailable(source, type(exc).__name__)


def retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delay-seconds or an HTTP-date (RFC 9110).

    None when absent or unreadable; a date in the past means 0.
    """
    if value is None or not value.strip():
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)  # RFC 9110: HTTP-dates are GMT
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
