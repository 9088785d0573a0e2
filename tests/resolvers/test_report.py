"""Issuing reports (resolvers/report.py): a report holds records, so a subject seen
only through entries the gateway worked out by rule gets none, and none is issued."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from types import SimpleNamespace
from typing import Any

from gateway.config.catalogue import CatalogueItem
from gateway.domain import Category, ListKind, SubjectKind
from gateway.policy import Basis, Decision, SubjectState
from gateway.store.reports import IssuedReport
from gateway.viewer import Viewer, ViewerKind
from gateway.visibility import Disclosed, SubjectView
from resolvers.report import _issue
from tests.factories import item, record
from tests.test_report import COMPANY, CONFIG_IN_CODE, NOW, PENALTY

DERIVED = replace(
    item("KEY_ATTENTION", Category.ADVERSE, period=None), listing=ListKind.KEY_ATTENTION
)
UNIT = Viewer(ViewerKind.GOV_UNIT, "11330100002489176N")


class Reports:
    def __init__(self) -> None:
        self.added: list[IssuedReport] = []

    async def add(self, reports: Sequence[IssuedReport]) -> None:
        self.added.extend(reports)


def context() -> Any:
    services = SimpleNamespace(
        config=SimpleNamespace(report=CONFIG_IN_CODE), store=SimpleNamespace(reports=Reports())
    )
    return SimpleNamespace(services=services, viewer=UNIT, now=NOW, source_errors={})


def view(*records: Disclosed, derived: tuple[Disclosed, ...] = ()) -> SubjectView:
    state = SubjectState(COMPANY, SubjectKind.LEGAL_PERSON)
    return SubjectView(state, records, None, derived)


def disclosed(catalogue_item: CatalogueItem) -> Disclosed:
    return Disclosed(record(catalogue_item, COMPANY), Decision(True, "duty", Basis.DUTY))


async def test_a_subject_seen_only_through_derived_entries_gets_no_report() -> None:
    ctx = context()
    only_derived = view(derived=(disclosed(DERIVED),))
    assert only_derived.visible  # the subject is there for this viewer ...
    assert await _issue(ctx, [only_derived]) == [None]  # ... but has no record to report
    assert ctx.services.store.reports.added == []
    with_record = view(disclosed(PENALTY))
    [report] = await _issue(ctx, [with_record])
    assert report is not None
    assert [r.subject_code for r in ctx.services.store.reports.added] == [COMPANY]
