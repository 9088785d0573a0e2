"""Small builders for catalogue items and records used across tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from gateway.config.catalogue import CatalogueItem, DetailField, Period, PeriodStart
from gateway.domain import Category, DetailType, Openness, Provenance, SubjectKind
from gateway.records import CreditRecord, Detail
from gateway.viewer import ConsentGrant

ALL_KINDS = frozenset(SubjectKind)
FIVE_YEARS = Period(5, "y")


def item(
    code: str = "ITEM",
    category: Category = Category.ADVERSE,
    openness: Openness = Openness.PUBLIC,
    *,
    public_for_persons: bool = False,
    period: Period | None = FIVE_YEARS,
    registration: bool = False,
    sensitive: bool = False,
) -> CatalogueItem:
    fields = (
        DetailField("amount", "金额", DetailType.MONEY, sensitive_financial=sensitive),
        DetailField("note", "备注", DetailType.TEXT),
    )
    return CatalogueItem(
        code=code,
        name=code,
        category=category,
        provider_unit="测试单位",
        subject_kinds=ALL_KINDS,
        openness=openness,
        public_for_persons=public_for_persons,
        disclosure_period=period,
        period_start=PeriodStart.DECIDED,
        update_frequency="daily",
        legal_basis="test",
        registration=registration,
        fields=fields,
    )


def record(
    catalogue_item: CatalogueItem,
    subject_code: str = "S",
    *,
    decided_on: date = date(2025, 1, 1),
    disclosure_until: date | None = date(2030, 1, 1),
    **flags: bool,
) -> CreditRecord:
    base = CreditRecord(
        id=f"src:{catalogue_item.code}:{subject_code}",
        subject_code=subject_code,
        item=catalogue_item,
        provenance=Provenance.PUBLIC_CREDIT,
        source="src",
        title=catalogue_item.name,
        occurred_on=None,
        decided_on=decided_on,
        ended_on=None,
        disclosure_until=disclosure_until,
        details=(
            Detail(
                "amount",
                "金额",
                DetailType.MONEY,
                100.0,
                catalogue_item.fields[0].sensitive_financial,
            ),
            Detail("note", "备注", DetailType.TEXT, "n", False),
        ),
    )
    return replace(base, **flags) if flags else base


def consent(
    subject_code: str,
    grantee: str,
    items: set[str],
    *,
    sensitive: bool = False,
    valid_from: datetime = datetime(2026, 1, 1, tzinfo=UTC),
    valid_until: datetime = datetime(2027, 1, 1, tzinfo=UTC),
    purpose: str = "02",
    revoked: bool = False,
) -> ConsentGrant:
    return ConsentGrant(
        consent_id="c-1",
        subject_code=subject_code,
        grantee_code=grantee,
        purpose=purpose,
        items=frozenset(items),
        valid_from=valid_from,
        valid_until=valid_until,
        sensitive_financial=sensitive,
        revoked=revoked,
    )
