"""Shared fixtures: the demo data (generated once per run) and a gateway over it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from adapters.kinds import load_config
from demo.bureau_sim import Knobs, running
from demo.generate import generate
from gateway.config.loader import PROJECT_ROOT, GatewayConfig
from gateway.config.sources import SourceSpec
from service.app import create_app
from tests.backends import POSTGRES, fresh_database
from tests.server import Client, serve

# The tests' "now": the policy's today is 2026-11-23 in China.
NOW = datetime(2026, 11, 23, 4, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def demo_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    generate(out, "small")
    return out


@pytest.fixture(params=["sqlite", "postgresql"])
async def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A URL for an empty gateway store: a SQLite file, and a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'store.db'}"
        return
    async with fresh_database(POSTGRES) as url:
        yield url


@pytest.fixture
async def bureau_url() -> AsyncIterator[str]:
    """The project's bureau simulator on a free loopback port, behaving well."""
    async with running(Knobs()) as url:
        yield url


@pytest.fixture
def demo_config(demo_data: Path, tmp_path: Path, bureau_url: str) -> GatewayConfig:
    """The shipped configuration over the demo data, with a store of the test's own
    and the bureau source pointed at this test's simulator."""
    config = load_config(PROJECT_ROOT / "config", demo_data)
    store_url = f"sqlite+aiosqlite:///{tmp_path / 'store.db'}"
    return replace(
        config,
        settings=replace(config.settings, store_url=store_url),
        sources=tuple(_pointed(spec, bureau_url) for spec in config.sources),
    )


def _pointed(spec: SourceSpec, bureau_url: str) -> SourceSpec:
    if spec.kind != "bureau":
        return spec
    return replace(spec, config=replace(spec.config, base_url=bureau_url))


@pytest.fixture
async def gateway(demo_config: GatewayConfig) -> AsyncIterator[Client]:
    app = create_app(demo_config, clock=lambda: NOW)
    async with serve(app) as client:
        client.app = app
        yield client
