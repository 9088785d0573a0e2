"""Load every configuration file at once and check them against each other."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from gateway.config.catalogue import Catalogue, load_catalogue
from gateway.config.reader import Problems, Table
from gateway.config.settings import Settings, parse_settings
from gateway.config.sources import SourceSpec, parse_sources

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True, slots=True)
class GatewayConfig:
    """Everything the gateway is configured with; immutable once loaded."""

    directory: Path
    data_dir: Path
    settings: Settings
    catalogue: Catalogue
    sources: tuple[SourceSpec, ...]


def default_config_dir() -> Path:
    return Path(os.environ.get("CREDIT_GATEWAY_CONFIG", PROJECT_ROOT / "config"))


def default_data_dir() -> Path:
    return Path(os.environ.get("CREDIT_GATEWAY_DATA", PROJECT_ROOT / "var" / "demo"))


def load_config(directory: Path | None = None, data_dir: Path | None = None) -> GatewayConfig:
    """Read `gateway.toml`, `catalogue.toml` and `sources.toml` from ``directory``.

    Raises :class:`gateway.config.ConfigError` listing every problem found,
    each with its file and key path.
    """
    directory = directory or default_config_dir()
    data_dir = (data_dir or default_data_dir()).resolve()
    problems = Problems()
    settings = parse_settings(Table.load(directory / "gateway.toml", problems))
    catalogue = load_catalogue(directory / "catalogue.toml", problems)
    sources_root = Table.load(directory / "sources.toml", problems)
    sources = parse_sources(sources_root, str(data_dir))
    _check_items(sources, catalogue, sources_root.file, problems)
    problems.raise_if_any()
    return GatewayConfig(directory, data_dir, settings, catalogue, tuple(sources))


def _check_items(
    sources: list[SourceSpec], catalogue: Catalogue, file: str, problems: Problems
) -> None:
    for index, spec in enumerate(sources):
        for item in sorted(spec.items):
            if catalogue.get(item) is None:
                problems.add(
                    file,
                    f"source[{index}] ({spec.name})",
                    f"maps records to item {item!r}, which is not in the catalogue",
                )
