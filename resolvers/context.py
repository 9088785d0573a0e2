"""The typed per-request context (STYLE.md rule 6): viewer, loaders, what to report."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from graphql import GraphQLError
from graphql.pyutils import Path
from strawberry.dataloader import DataLoader

from adapters.errors import SourceError
from adapters.fanout import SourceSet
from gateway.auth.verifier import TokenVerifier
from gateway.codes import SubjectCode
from gateway.config.loader import GatewayConfig
from gateway.config.settings import Limits
from gateway.disclosures import Disclosures
from gateway.errors import ErrorCode, bad_input, client_error
from gateway.records import CreditRecord
from gateway.store.store import Store
from gateway.viewer import Viewer
from gateway.visibility import Disclosed, SubjectView, item_decision, view_subject

CHINA = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True, slots=True)
class Services:
    """Application-lifetime state, made and closed in the Starlette lifespan."""

    config: GatewayConfig
    sources: SourceSet
    store: Store
    verifier: TokenVerifier
    clock: Callable[[], datetime]


class Context:
    """Everything one request needs; resolvers reach it as ``info.context``."""

    def __init__(self, services: Services, viewer: Viewer, notices: Iterable[str] = ()) -> None:
        self.services = services
        self.viewer = viewer
        self.now = services.clock()
        # Disclosure periods run on China's calendar days.
        self.today: date = self.now.astimezone(CHINA).date()
        self.records: DataLoader[str, list[CreditRecord]] = DataLoader(load_fn=self._load)
        self.source_errors: dict[str, SourceError] = {}
        self.notices = list(notices)
        self.denials: list[GraphQLError] = []
        self.disclosures = Disclosures(viewer)
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

    def forget(self, code: str) -> None:
        """Drop what this request loaded about ``code`` (after the gateway wrote to it)."""
        if self._views.pop(code, None) is not None:
            self.records.clear(code)

    def disclose(self, view: SubjectView, shown: Iterable[Disclosed]) -> None:
        """Note what a field is about to return, for the query log."""
        self.disclosures.add(view.code, shown)

    def deny_items(self, view: SubjectView, items: Iterable[str], path: Path) -> None:
        """Explain, with FORBIDDEN or CONSENT_REQUIRED, items asked for but closed to the viewer."""
        catalogue = self.services.config.catalogue
        for code in items:
            item = catalogue.get(code)
            if item is None:
                self.denials.append(
                    bad_input(
                        f"Unknown catalogue item {code!r}.", argument="items", path=path.as_list()
                    )
                )
                continue
            decision = item_decision(self.viewer, view, item, self.today)
            if not decision.allowed and decision.denial is not None:
                error = client_error(
                    ErrorCode(decision.denial.value),
                    f"{code} of {view.code} is not disclosed to you: {decision.reason}.",
                    item=code,
                    path=path.as_list(),
                )
                self.denials.append(error)

    def note_failures(self, failures: list[SourceError]) -> None:
        for failure in failures:
            self.source_errors.setdefault(failure.source, failure)

    async def _load(self, codes: list[str]) -> list[list[CreditRecord]]:
        # One call per batch tick: every subject asked for in this tick,
        # every source asked once, concurrently.
        outcome = await self.services.sources.fetch(codes)
        self.note_failures(outcome.failures)
        return [outcome.records[code] for code in codes]
