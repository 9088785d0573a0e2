"""The typed per-request context (STYLE.md rule 6): viewer, loaders, collected errors."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from strawberry.dataloader import DataLoader

from adapters.errors import SourceError
from gateway.codes import SubjectCode
from gateway.config.loader import GatewayConfig
from gateway.config.settings import Limits
from gateway.fanout import SourceSet
from gateway.records import CreditRecord
from gateway.viewer import Viewer
from gateway.visibility import SubjectView, view_subject


@dataclass(frozen=True, slots=True)
class Services:
    """Application-lifetime state, made and closed in the Starlette lifespan."""

    config: GatewayConfig
    sources: SourceSet
    today: Callable[[], date]


class Context:
    """Everything one request needs; resolvers reach it as ``info.context``."""

    def __init__(self, services: Services, viewer: Viewer) -> None:
        self.services = services
        self.viewer = viewer
        self.today = services.today()
        self.records: DataLoader[str, list[CreditRecord]] = DataLoader(load_fn=self._load)
        self.source_errors: dict[str, SourceError] = {}
        self._views: dict[str, SubjectView] = {}

    @property
    def limits(self) -> Limits:
        return self.services.config.settings.limits

    async def view(self, code: SubjectCode) -> SubjectView:
        """The subject as this request's viewer may see it (policy applied once)."""
        view = self._views.get(code.value)
        if view is None:
            records = await self.records.load(code.value)
            view = view_subject(self.viewer, code, records, self.today)
            self._views[code.value] = view
        return view

    def note_failures(self, failures: list[SourceError]) -> None:
        for failure in failures:
            self.source_errors.setdefault(failure.source, failure)

    async def _load(self, codes: list[str]) -> list[list[CreditRecord]]:
        # One call per batch tick: every subject asked for in this tick,
        # every source asked once, concurrently.
        outcome = await self.services.sources.fetch(codes)
        self.note_failures(outcome.failures)
        return [outcome.records[code] for code in codes]
