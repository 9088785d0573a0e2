"""Load every configuration file at once and check them against each other."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from gateway.auth.settings import AuthSettings, parse_auth
from gateway.config.access import DutyMatter, Purpose, load_duty_matters, load_purposes
from gateway.config.catalogue import Catalogue, load_catalogue
from gateway.config.list_rules import ListRules, load_list_rules
from gateway.config.manifest import ManifestError, read_manifest
from gateway.config.measures import MeasureList, load_measures
from gateway.config.provider_units import ProviderUnit, load_provider_units
from gateway.config.reader import Problems, Table
from gateway.config.report import ReportConfig, load_report
from gateway.config.rights import RightsProfiles, load_rights
from gateway.config.score import ScoreConfig, load_score
from gateway.config.settings import Settings, parse_settings
from gateway.config.sources import KindParser, SourceSpec, parse_sources
from gateway.consent import DEV_SECRET, ConsentSettings, parse_consent

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True, slots=True)
class GatewayConfig:
    """Everything the gateway is configured with; immutable once loaded."""

    directory: Path
    data_dir: Path
    settings: Settings
    catalogue: Catalogue
    sources: tuple[SourceSpec, ...]
    auth: AuthSettings = field(default_factory=AuthSettings)
    consent: ConsentSettings = field(default_factory=lambda: ConsentSettings(DEV_SECRET))
    purposes: Mapping[str, Purpose] = field(default_factory=dict)
    duty_matters: Mapping[str, DutyMatter] = field(default_factory=dict)
    measures: MeasureList = field(default_factory=MeasureList)
    trusted_documents: Mapping[str, str] = field(default_factory=dict)
    list_rules: ListRules = field(default_factory=ListRules)
    rights: RightsProfiles = field(default_factory=RightsProfiles)
    provider_units: Mapping[str, ProviderUnit] = field(default_factory=dict)
    score: ScoreConfig = field(default_factory=ScoreConfig)
    report: ReportConfig = field(default_factory=ReportConfig)


def default_config_dir() -> Path:
    return Path(os.environ.get("CREDIT_GATEWAY_CONFIG", PROJECT_ROOT / "config"))


def default_data_dir() -> Path:
    return Path(os.environ.get("CREDIT_GATEWAY_DATA", PROJECT_ROOT / "var" / "demo"))


def load_config(
    kinds: Mapping[str, KindParser],
    directory: Path | None = None,
    data_dir: Path | None = None,
) -> GatewayConfig:
    """Read `gateway.toml`, `catalogue.toml`, `sources.toml` and the rest from ``directory``.

    ``kinds`` reads each kind of source's own settings; the core knows no
    adapter, so the caller passes them (``adapters.kinds.load_config`` does).

    Raises :class:`gateway.config.ConfigError` listing every problem found,
    each with its file and key path.
    """
    directory = directory or default_config_dir()
    data_dir = (data_dir or default_data_dir()).resolve()
    problems = Problems()
    root = Table.load(directory / "gateway.toml", problems)
    settings = parse_settings(root, str(data_dir))
    catalogue = load_catalogue(directory / "catalogue.toml", problems)
    sources_root = Table.load(directory / "sources.toml", problems)
    sources = parse_sources(sources_root, str(data_dir), kinds)
    _check_items(sources, catalogue, sources_root.file, problems)
    _check_timeouts(sources, settings.limits.deadline_ms, sources_root.file, problems)
    matters = load_duty_matters(directory / "duty_matters.toml", problems)
    measures = load_measures(directory / "measures.toml", problems, catalogue, matters)
    list_rules = load_list_rules(directory / "list_rules.toml", catalogue, problems)
    config = GatewayConfig(
        directory=directory,
        data_dir=data_dir,
        settings=settings,
        catalogue=catalogue,
        sources=tuple(sources),
        auth=parse_auth(root.table("auth"), directory),
        consent=parse_consent(root.table("consent")),
        purposes=load_purposes(directory / "purposes.toml", problems),
        duty_matters=matters,
        measures=measures,
        trusted_documents=_trusted_documents(settings, directory, root.file, problems),
        list_rules=list_rules,
        rights=load_rights(directory / "rights.toml", problems),
        provider_units=load_provider_units(
            directory / "provider_units.toml", (s.name for s in sources), problems
        ),
        score=load_score(directory / "score.toml", catalogue, measures, list_rules, problems),
        report=load_report(directory / "report.toml", catalogue, problems),
    )
    problems.raise_if_any()
    return config


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


def _check_timeouts(
    sources: list[SourceSpec], deadline_ms: int, file: str, problems: Problems
) -> None:
    # An attempt cut short by the request's deadline is not the source's failure,
    # so a source whose own timeout outlasts the deadline would never open its
    # circuit breaker however long it hangs.
    for index, spec in enumerate(sources):
        if spec.resilience.timeout_s * 1000 >= deadline_ms:
            problems.add(
                file,
                f"source[{index}] ({spec.name}).timeout_s",
                f"must be below [limits] deadline_ms ({deadline_ms} ms) so that a hanging "
                "source opens its circuit breaker",
            )


def _trusted_documents(
    settings: Settings, directory: Path, file: str, problems: Problems
) -> dict[str, str]:
    """The manifest named by `[documents] manifest`, relative to the config directory."""
    if settings.documents.manifest is None:
        if settings.documents.trusted_only:
            problems.add(file, "documents.trusted_only", "needs [documents] manifest")
        return {}
    path = directory / settings.documents.manifest
    try:
        return read_manifest(path)
    except ManifestError as error:
        problems.add(file, "documents.manifest", f"{path}: {error}")
        return {}
