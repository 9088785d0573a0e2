"""How uvicorn is run: the same options for `serve`, the tests and the benchmarks."""

from __future__ import annotations

from typing import Any

from gateway.config.settings import Limits


def uvicorn_options(limits: Limits) -> dict[str, Any]:
    """h11, whose header buffer is sized so that the gateway, not uvicorn, answers an
    oversized request: with a coded 431 up to four times ``max_header_bytes``
    (uvicorn's own refusal beyond that is plain text, and its default buffer is 16 KiB)."""
    return {
        "http": "h11",
        "h11_max_incomplete_event_size": max(1 << 20, 4 * limits.max_header_bytes),
        "server_header": False,
    }
