"""The typed per-request context (STYLE.md rule 6): viewer, loaders, what to report."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from graphql import GraphQLError
from graphql.pyutils import Path
from strawberry.dataloader import DataLoader

from adapters.errors import SourceError
from adapters.fanout import SourceSet
from gateway.auth.verifier import TokenVerifier
from gateway.codes import SubjectCode, parse_code
from gateway.config.loader import GatewayConfig
from gateway.config.settings import Limits
from gateway.disclosures import Disclosures
from gateway.errors import ErrorCode, bad_input, client_error
from gateway.list_rules import derived_entries
from gateway.policy import SubjectState, china_today, openable_items
from gateway.record_state import merge
from gateway.records import CreditRecord
from gateway.store.store import Store
from gateway.viewer import Viewer
from gateway.visibility import AccessPlan, Disclosed, SubjectView, view_subject
from resolvers.disclosure import nulled_positions, under


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
        self.today: date = china_today(self.now)
        # One deadline bounds every source call of this request, retries included.
        self.deadline = asyncio.get_running_loop().time() + self.limits.deadline_ms / 1000
        self.access = AccessPlan(viewer, self.now)
        self.subjects: DataLoader[str, Loaded] = DataLoader(load_fn=self._load)
        self.registrations: DataLoader[str, Loaded | None] = DataLoader(
            load_fn=self._load_registrations
        )
        # Whether this request's document may show a record's details; the
        # sources read them only then (set from the document, resolvers.detail_reads).
        self.details_shown = True
        self.source_errors: dict[str, SourceError] = {}
        self.notices = list(notices)
        self.denials: list[GraphQLError] = []
        self.disclosures = Disclosures(viewer)
        self._shown: list[tuple[Path | None, Iterable[Disclosed]]] = []
        # What each selection of a disclosing type shows (resolvers.disclosure).
        self.selections: dict[tuple[object, ...], object] = {}
        self._views: dict[str, SubjectView] = {}
        self._parsed: dict[str, SubjectCode] = {}
        self._codes_asked = 0

    @property
    def limits(self) -> Limits:
        return self.services.config.settings.limits

    @property
    def codes_left(self) -> int:
        """How many more subject codes this request may look up (the batch limit)."""
        return max(0, self.limits.max_batch - self._codes_asked)

    def count_codes(self, count: int, argument: str) -> None:
        """Charge ``count`` subject codes to this request's batch limit (001 art. 40).

        The limit is per request, across every field and alias that takes codes.
        """
        self._codes_asked += count
        limit = self.limits.max_batch
        if self._codes_asked > limit:
            raise bad_input(
                f"At most {limit} subject codes per request (this one asks for at least "
                f"{self._codes_asked}); split the batch.",
                argument=argument,
                limit=limit,
            )

    async def view(self, code: SubjectCode) -> SubjectView:
        """The subject as this request's viewer may see it (policy applied once)."""
        view = self._views.get(code.value)
        if view is None:
            self._parsed[code.value] = code
            loaded = await self.subjects.load(code.value)
            view = view_subject(self.access, loaded.state, loaded.records, loaded.derived)
            self._views[code.value] = view
        return view

    async def registration_view(self, code: SubjectCode) -> SubjectView | None:
        """The subject as this viewer may see it from its registration alone: for a
        selection that shows nothing else (its name, kind, basic info), the sources
        are asked for the registration items only. None when that shows no
        registration to this viewer (then :meth:`view` answers in full)."""
        full = self._views.get(code.value)
        if full is not None:
            return full
        self._parsed[code.value] = code
        loaded = await self.registrations.load(code.value)
        if loaded is None:
            return None
        view = view_subject(self.access, loaded.state, loaded.records, ())
        return view if view.registration is not None else None

    def loaded(self, code: str) -> bool:
        """Whether this request has already looked ``code`` up (and charged it)."""
        return code in self._views

    def forget(self, code: str) -> None:
        """Drop what this request loaded about ``code`` (after the gateway wrote to it)."""
        if self._views.pop(code, None) is not None:
            self.subjects.clear(code)
        with contextlib.suppress(KeyError):  # strawberry's clear of a key never loaded
            self.registrations.clear(code)

    def disclose(self, shown: Iterable[Disclosed], at: Path | None = None) -> None:
        """Note what an object entering the response at ``at`` (its own path)
        carries, for the query log (resolvers.disclosure)."""
        self._shown.append((at, shown))

    def disclosed(self, data: object, errors: Sequence[GraphQLError]) -> Disclosures:
        """What the answer ``data`` carries: what its objects noted, less those under
        a position an error nulled (they were built, but did not leave)."""
        nulled = nulled_positions(data, errors)
        for at, shown in self._shown:
            if not nulled or at is None or not under(at.as_list(), nulled):
                self.disclosures.add(shown)
        self._shown = []
        return self.disclosures

    def deny_items(self, view: SubjectView, items: Sequence[str], path: Path) -> None:
        """Explain, with FORBIDDEN or CONSENT_REQUIRED, items asked for but closed to the viewer.

        Unknown item codes are one BAD_USER_INPUT error, however many there are.
        """
        catalogue = self.services.config.catalogue
        unknown = sorted(code for code in items if catalogue.get(code) is None)
        if unknown:
            shown = ", ".join(repr(code) for code in unknown[:5])
            more = f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""
            self.denials.append(
                bad_input(
                    f"Unknown catalogue items {shown}{more}.", argument="items", path=path.as_list()
                )
            )
        for code in items:
            item = catalogue.get(code)
            if item is None:
                continue
            decision = self.access.item(view.state, item)
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

    async def _load(self, codes: list[str]) -> list[Loaded]:
        # One call per batch tick: every subject asked for in this tick, every
        # source asked once, concurrently, for what this viewer may open; the
        # gateway's own marks read in the same tick.
        parsed = [self._parsed.get(code) or parse_code(code) for code in codes]
        services = self.services
        outcome, marks = await asyncio.gather(
            services.sources.fetch(
                codes,
                self._items_to_ask(parsed),
                details=self.details_shown,
                deadline=self.deadline,
            ),
            services.store.marks.for_subjects(codes),
        )
        self.note_failures(outcome.failures)
        config = services.config
        # A list rule judged on part of what it reads would be wrong (eligible for
        # the red list because the tax source is down): no derived entries then.
        inputs = config.list_rules.inputs()
        judged = not any(services.sources.serves(f.source) & inputs for f in outcome.failures)
        loaded = []
        for code in parsed:
            state, records = merge(
                code, outcome.records[code.value], marks[code.value], self.now, self.today
            )
            derived = (
                derived_entries(config.list_rules, config.catalogue, state, records, self.today)
                if judged
                else []
            )
            loaded.append(Loaded(state, records, derived))
        return loaded

    async def _load_registrations(self, codes: list[str]) -> list[Loaded | None]:
        # The registration items this viewer may open, and the gateway's marks on
        # them; no list rule (their inputs are not asked) and no other record.
        parsed = [self._parsed.get(code) or parse_code(code) for code in codes]
        catalogue = self.services.config.catalogue
        states = [SubjectState(code.value, code.default_kind) for code in parsed]
        openable = openable_items(self.viewer, states, catalogue, self.now)
        items = frozenset(i.code for i in catalogue if i.registration and i.code in openable)
        if not items:
            return [None] * len(codes)
        services = self.services
        outcome, marks = await asyncio.gather(
            services.sources.fetch(
                codes, items, details=self.details_shown, deadline=self.deadline
            ),
            services.store.marks.for_subjects(codes),
        )
        if outcome.failures:
            return [None] * len(codes)  # the full look says which source failed
        loaded: list[Loaded | None] = []
        for code in parsed:
            state, records = merge(
                code, outcome.records[code.value], marks[code.value], self.now, self.today
            )
            loaded.append(Loaded(state, records, []))
        return loaded

    def _items_to_ask(self, codes: list[SubjectCode]) -> frozenset[str]:
        catalogue = self.services.config.catalogue
        states = [SubjectState(code.value, code.default_kind) for code in codes]
        openable = openable_items(self.viewer, states, catalogue, self.now)
        # The record-state stage reads list memberships whoever asks (003 art. 35),
        # and the list rules read what they count: a list is a fact about the
        # subject, not about what this viewer may see.
        listings = {item.code for item in catalogue if item.listing is not None}
        return openable | listings | self.services.config.list_rules.inputs()


@dataclass(frozen=True, slots=True)
class Loaded:
    """One subject as the sources and the gateway's own marks know it."""

    state: SubjectState
    records: list[CreditRecord]
    derived: list[CreditRecord]
