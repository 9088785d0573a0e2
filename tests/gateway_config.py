"""Gateway configurations built in code for tests that need their own sources."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path

from adapters.sql.config import SqlSourceConfig
from gateway.config.catalogue import Catalogue, CatalogueItem
from gateway.config.loader import GatewayConfig
from gateway.config.resilience import Resilience
from gateway.config.settings import Limits, Server, Settings
from gateway.config.sources import SourceSpec
from gateway.domain import Category, Openness, Provenance
from tests.adapters import sql_fixture
from tests.factories import item

CATALOGUE_ITEMS = (
    item("REG", Category.BASIC, Openness.PUBLIC, period=None, registration=True),
    item("PENALTY", Category.ADVERSE, Openness.PUBLIC),
    item("WARNING", Category.ADVERSE, Openness.AUTHORIZED),
)


def sql_spec(config: SqlSourceConfig, timeout_s: float = 5.0) -> SourceSpec:
    items: frozenset[str] = frozenset().union(*(m.items for m in config.mappings))
    return SourceSpec(
        name=config.name,
        kind="sql",
        provenance=Provenance.PUBLIC_CREDIT,
        resilience=Resilience(timeout_s=timeout_s),
        config=config,
        items=items,
    )


def gateway_config(
    sources: Sequence[SourceSpec],
    items: Sequence[CatalogueItem] = CATALOGUE_ITEMS,
    limits: Limits | None = None,
) -> GatewayConfig:
    # A store of its own for every configuration: no test sees another's state.
    store = Path(tempfile.mkdtemp(prefix="cg-store-")) / "gateway.db"
    return GatewayConfig(
        directory=Path("."),
        data_dir=Path("."),
        settings=Settings(
            server=Server(), limits=limits or Limits(), store_url=f"sqlite+aiosqlite:///{store}"
        ),
        catalogue=Catalogue({i.code: i for i in items}),
        sources=tuple(sources),
    )


def fixture_source(url: str, name: str = "provider") -> SourceSpec:
    return sql_spec(sql_fixture.source_config(url, name))
