"""Serve the simulator: for a block (tests), until cancelled, or from the command line."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from aiohttp import web
from yarl import URL

from demo.bureau_sim.app import DEFAULT_KEY_HEADER, DEMO_API_KEY, create_simulator
from demo.bureau_sim.knobs import Knobs

DEFAULT_PORT = 8100  # config/sources.toml's market_bureau points here
log = logging.getLogger(__name__)


@contextlib.asynccontextmanager
async def running(
    knobs: Knobs,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    api_key: str = DEMO_API_KEY,
    key_header: str = DEFAULT_KEY_HEADER,
    access_log: bool = False,
) -> AsyncIterator[str]:
    """The simulator listening on ``host:port`` (0: a free port) for the block.

    Yields its base URL. On exit, hanging requests end and the port closes
    within about a second.
    """
    app = create_simulator(knobs, api_key=api_key, key_header=key_header)
    logger = logging.getLogger("aiohttp.access") if access_log else None
    runner = web.AppRunner(app, access_log=logger, shutdown_timeout=1.0)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
        bound = runner.addresses[0][1]
        yield str(URL.build(scheme="http", host=host, port=bound))
    finally:
        await runner.cleanup()


async def run_simulator(
    host: str,
    port: int,
    knobs: Knobs,
    *,
    api_key: str = DEMO_API_KEY,
    key_header: str = DEFAULT_KEY_HEADER,
) -> None:
    """Serve the simulator until cancelled."""
    async with running(
        knobs, host, port, api_key=api_key, key_header=key_header, access_log=True
    ) as url:
        log.info("bureau simulator at %s (knobs %s)", url, knobs.as_json())
        await asyncio.Event().wait()


def serve_simulator(
    host: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    knobs: Knobs | None = None,
    *,
    api_key: str = DEMO_API_KEY,
    key_header: str = DEFAULT_KEY_HEADER,
) -> None:
    """Serve the simulator in the foreground until Ctrl-C (for `credit-gateway bureau-sim`)."""
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(
            run_simulator(host, port, knobs or Knobs(), api_key=api_key, key_header=key_header)
        )
