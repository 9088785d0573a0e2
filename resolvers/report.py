"""The credit report (公共信用信息报告, 001 art. 40): its types, issuing and verification.

A report is built from the same per-request views as ``Subject`` (one call per
source for a whole batch, each subject under its own consents) by the pure
:mod:`gateway.report`, then recorded in the store by number and digest. The
report object is :class:`~resolvers.disclosure.Disclosing`: any field of it
shows every record it holds, so serving it writes the query log like any
other disclosure, whichever of its fields are selected.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable, Sequence
from datetime import date, datetime

import strawberry
from graphql import GraphQLError
from strawberry import Info

from gateway.domain import Category, RecordStatus, SubjectKind
from gateway.errors import ErrorCode, bad_input, client_error
from gateway.policy import openable_items
from gateway.report import (
    NUMBER,
    CreditReport,
    EventKind,
    ReportEntry,
    ReportPart,
    build_report,
    new_number,
)
from gateway.store.reports import IssuedReport
from gateway.visibility import Disclosed, SubjectView
from resolvers.context import Context
from resolvers.disclosure import Disclosing
from resolvers.subjects import CategoryCount, batch_views, parse_or_error

strawberry.enum(EventKind, description="What happened to a record since it was reported.")
for _value in EventKind.__strawberry_definition__.values:  # type: ignore[attr-defined]
    _value.description = {
        "OBJECTED": "An objection is pending; the record is annotated (000 art. 46).",
        "CORRECTED": "An upheld objection corrected a detail (004 art. 52).",
        "WITHDRAWN": "Its decision was revoked or corrected (003 art. 43).",
        "REPAIRED": "信用修复 completed; no longer disclosed to others (004 art. 56).",
        "SHIELDED": "Shielded at the subject's request (001 art. 35).",
        "EXPIRED": "Its disclosure period ended (003 art. 35).",
        "REMOVED": "The list entry was removed from its list.",
    }[_value.name]


@strawberry.type(name="ReportDetail", description="One attribute of a report entry, as text.")
class ReportDetailType:
    key: str = strawberry.field(description="The catalogue's detail key, e.g. `fine_amount`.")
    label: str = strawberry.field(description="The catalogue's Chinese label.")
    text: str = strawberry.field(description="The value as printed (dates as YYYY-MM-DD).")


@strawberry.type(name="ReportEvent", description="A change to a record, and when it happened.")
class ReportEventType:
    kind: EventKind = strawberry.field(description="What happened.")
    on: date | None = strawberry.field(description="The day, in China; null when not known.")
    note: str = strawberry.field(description="The change as printed, in Chinese.")


@strawberry.type(name="ReportEntry", description="One record as the report prints it.")
class ReportEntryType:
    record_id: strawberry.ID = strawberry.field(description="The record's id (CreditRecord.id).")
    title: str = strawberry.field(description="Short title of the record.")
    item: str = strawberry.field(description="Its catalogue item code.")
    item_name: str = strawberry.field(description="The catalogue item's Chinese name.")
    category: Category = strawberry.field(description="基础 / 失信 / 守信 / 其他.")
    provider_unit: str = strawberry.field(description="信息提供单位: the unit responsible.")
    occurred_on: date | None = strawberry.field(description="When the act or event happened.")
    decided_on: date | None = strawberry.field(description="When the decision was made.")
    disclosure_until: date | None = strawberry.field(
        description="Last day of its disclosure period; null when it has none (003 art. 35)."
    )
    status: RecordStatus = strawberry.field(description="Lifecycle state of the record.")
    under_objection: bool = strawberry.field(description="An objection to it is pending.")
    objected_on: date | None = strawberry.field(
        description="The day the pending objection was filed; null when none is."
    )
    details: list[ReportDetailType] = strawberry.field(
        description="Its attributes, as CreditRecord.details shows them to you."
    )
    events: list[ReportEventType] = strawberry.field(
        description="What changed and when, oldest first (days not known last)."
    )


@strawberry.type(name="ReportSection", description="One section of the report, in order.")
class ReportSectionType:
    id: str = strawberry.field(description="Stable id from config/report.toml, e.g. JUDICIAL.")
    title: str = strawberry.field(description="The heading, e.g. 司法判决及执行信息.")
    entries: list[ReportEntryType] = strawberry.field(
        description="Its records you may see, newest first; empty prints 暂无."
    )


@strawberry.type(name="ReportSubject", description="The report header's subject.")
class ReportSubjectType:
    code: str = strawberry.field(description="统一社会信用代码 or 公民身份号码.")
    kind: SubjectKind = strawberry.field(description="Natural person, legal person or other.")
    name: str | None = strawberry.field(
        description="Name; null when its registration is not visible."
    )
    legal_representative: str | None = strawberry.field(description="法定代表人（负责人）.")
    established_on: date | None = strawberry.field(description="成立日期.")
    address: str | None = strawberry.field(description="住所.")
    tags: list[str] = strawberry.field(
        description="The lists it is on now, as far as you see their entries, e.g. 守信激励对象."
    )


@strawberry.type(
    name="CreditReport",
    description="公共信用信息报告 (001 art. 40): everything you may see about one subject, in "
    "the report's sections, numbered and digested so that it can be verified. Issuing it is "
    "logged like any disclosure of what it holds.",
)
class CreditReportType(Disclosing):
    report: strawberry.Private[CreditReport]
    number: str = strawberry.field(description="报告编号: issue date and 16 random hex digits.")
    version: str = strawberry.field(description="The report format's version (版本号).")
    title: str = strawberry.field(description="The report's title.")
    issuer: str = strawberry.field(description="The issuing gateway (出具机构).")
    issued_at: datetime = strawberry.field(description="查询时间: when it was issued.")
    scope: str = strawberry.field(
        description="查询类型: whose view it is, which decides its content."
    )
    requester: str | None = strawberry.field(description="Who asked; null for the public.")
    subject: ReportSubjectType = strawberry.field(
        description="The subject, as the header shows it."
    )
    summary: list[CategoryCount] = strawberry.field(
        description="信用信息概要: the report's records per category."
    )
    sections: list[ReportSectionType] = strawberry.field(
        description="The sections of config/report.toml in order, those for this subject's kind."
    )
    explanation_title: str = strawberry.field(description="The heading of 报告说明.")
    explanation: list[str] = strawberry.field(
        description="报告说明: neutrality, and how to object and apply for repair."
    )
    digest: str = strawberry.field(
        description="SHA-256 (hex) of this object with every field but `digest`, as canonical "
        "JSON (keys sorted, no spaces, UTF-8, names and values as GraphQL serialises them), "
        "number and time included. A PDF has a digest of its own: see "
        "ReportVerification.pdfDigest."
    )

    @classmethod
    def shows(cls, fields: frozenset[str]) -> bool:
        # Number and digest stand for the content, and a report that is there
        # says the subject has records for you: any field shows them all.
        return bool(fields)

    def disclosed(self, shown: bool) -> Iterable[Disclosed]:
        return self.report.disclosed()


@strawberry.type(
    description="Whether a report number was issued here: only when, for which subject, and "
    "its digests. Anyone may ask; numbers cannot be guessed."
)
class ReportVerification:
    number: str = strawberry.field(description="The number asked about, normalised.")
    issued: bool = strawberry.field(description="Whether this gateway issued it.")
    issued_at: datetime | None = strawberry.field(description="When; null when not issued.")
    subject_code: str | None = strawberry.field(description="For which subject's code.")
    digest: str | None = strawberry.field(
        description="The SHA-256 digest of the report's content (CreditReport.digest), "
        "recorded at issue."
    )
    pdf_digest: str | None = strawberry.field(
        description="The SHA-256 (hex) of the PDF file as it was served, bytes for bytes: "
        "compare `sha256sum report.pdf`. Null when not issued or not served as PDF."
    )
    digest_matches: bool | None = strawberry.field(
        description="Whether the `digest` argument equals `digest` or `pdfDigest`; null when "
        "not asked or not issued."
    )


async def resolve_report(info: Info[Context, None], code: str) -> CreditReportType | None:
    parsed = parse_or_error(code, "code")
    if isinstance(parsed, GraphQLError):
        raise parsed
    context = info.context
    context.count_codes(1, "code")
    [report] = await _issue(context, [await context.view(parsed)])
    if isinstance(report, GraphQLError):
        raise report
    return report


async def resolve_reports(
    info: Info[Context, None], codes: list[str]
) -> list[CreditReportType | GraphQLError | None]:
    """Reports in the order asked; an invalid code fails only its own position."""
    context = info.context
    parsed, views = await batch_views(context, codes, context.view)
    reports = dict(zip(views, await _issue(context, list(views.values())), strict=True))
    return [p if isinstance(p, GraphQLError) else reports[p.value] for p in parsed]


async def _issue(
    context: Context, views: Sequence[SubjectView]
) -> list[CreditReportType | GraphQLError | None]:
    """One report per view with a record the viewer sees, recorded together; None where
    there is none (a view visible only through derived entries has nothing to report)."""
    services = context.services
    results: list[CreditReportType | GraphQLError | None] = []
    issued: list[IssuedReport] = []
    for view in views:
        if not view.records:
            results.append(None)
            continue
        incomplete = _incomplete(context, view)
        if incomplete is not None:
            results.append(incomplete)
            continue
        number = new_number(context.now)
        report = build_report(view, services.config.report, context.viewer, number, context.now)
        issued.append(_issued(context, report))
        results.append(report_type(report))
    await services.store.reports.add(issued)
    return results


def _incomplete(context: Context, view: SubjectView) -> GraphQLError | None:
    # 001 art. 40: a report covers all the subject's information. One made while
    # a source it needs is down would be a verifiable report missing records:
    # refused. A source failed for the whole batch, but it is needed only where it
    # serves an item this viewer may open of this subject, or a list (a subject's
    # lists decide how long its records are disclosed, 003 art. 35).
    if not context.source_errors:
        return None
    needed = _needed_items(context, view)
    sources = context.services.sources
    failure = next(
        (f for f in context.source_errors.values() if sources.serves(f.source) & needed), None
    )
    if failure is None:
        return None
    return client_error(
        ErrorCode(failure.code),
        f"No report of {view.code} was issued: source '{failure.source}' did not answer, and "
        "a report covers all the subject's information (001 art. 40). Retry later.",
        source=failure.source,
    )


def _needed_items(context: Context, view: SubjectView) -> frozenset[str]:
    """The items a report of ``view`` cannot do without: what the sources were asked for
    this subject's sake (resolvers.context), the list rules' inputs aside (derived entries
    are never in a report)."""
    catalogue = context.services.config.catalogue
    openable = openable_items(context.viewer, [view.state], catalogue, context.now)
    return openable | {item.code for item in catalogue if item.listing is not None}


def _issued(context: Context, report: CreditReport) -> IssuedReport:
    viewer = context.viewer
    return IssuedReport(
        number=report.number,
        subject_code=report.subject.code,
        viewer_kind=viewer.kind.value,
        viewer_code=viewer.code or "",
        version=report.version,
        issued_at=report.issued_at,
        digest=report.digest,
        pdf_digest=None,  # added once the PDF is rendered (service/reports.py)
    )


async def verify_report(
    info: Info[Context, None], number: str, digest: str | None
) -> ReportVerification:
    normalised = number.strip().upper()
    if not NUMBER.match(normalised):
        raise bad_input(
            "A report number is the issue date (8 digits) then 16 hexadecimal digits.",
            argument="number",
        )
    found = await info.context.services.store.reports.find(normalised)
    if found is None:
        return ReportVerification(
            number=normalised,
            issued=False,
            issued_at=None,
            subject_code=None,
            digest=None,
            pdf_digest=None,
            digest_matches=None,
        )
    matches = None
    if digest is not None:
        # Bytes: compare_digest refuses a str with anything but ASCII in it.
        given = digest.strip().lower().encode()
        known = (d for d in (found.digest, found.pdf_digest) if d is not None)
        matches = any(hmac.compare_digest(given, d.encode()) for d in known)
    return ReportVerification(
        number=normalised,
        issued=True,
        issued_at=found.issued_at,
        subject_code=found.subject_code,
        digest=found.digest,
        pdf_digest=found.pdf_digest,
        digest_matches=matches,
    )


def report_type(report: CreditReport) -> CreditReportType:
    subject = report.subject
    return CreditReportType(
        report=report,
        number=report.number,
        version=report.version,
        title=report.title,
        issuer=report.issuer,
        issued_at=report.issued_at,
        scope=report.scope,
        requester=report.requester,
        subject=ReportSubjectType(
            code=subject.code,
            kind=subject.kind,
            name=subject.name,
            legal_representative=subject.legal_representative,
            established_on=subject.established_on,
            address=subject.address,
            tags=list(subject.tags),
        ),
        summary=[CategoryCount(category=c, count=n) for c, n in report.summary],
        sections=[_section(s) for s in report.sections],
        explanation_title=report.explanation_title,
        explanation=list(report.explanation),
        digest=report.digest,
    )


def _section(part: ReportPart) -> ReportSectionType:
    return ReportSectionType(
        id=part.id, title=part.title, entries=[_entry(e) for e in part.entries]
    )


def _entry(entry: ReportEntry) -> ReportEntryType:
    return ReportEntryType(
        record_id=strawberry.ID(entry.record_id),
        title=entry.title,
        item=entry.item,
        item_name=entry.item_name,
        category=entry.category,
        provider_unit=entry.provider_unit,
        occurred_on=entry.occurred_on,
        decided_on=entry.decided_on,
        disclosure_until=entry.disclosure_until,
        status=entry.status,
        under_objection=entry.under_objection,
        objected_on=entry.objected_on,
        details=[ReportDetailType(key=d.key, label=d.label, text=d.text) for d in entry.details],
        events=[ReportEventType(kind=e.kind, on=e.on, note=e.note) for e in entry.events],
    )
