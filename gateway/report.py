"""The public credit information report (公共信用信息报告, 001 art. 40), built from a view.

Pure: a report is made from one :class:`~gateway.visibility.SubjectView`, so it
holds exactly the records that viewer may see through ``Subject.records``,
each as its decision let it through (a person's amounts redacted without a
consent naming them, 003 art. 18). Entries the gateway works out by rule are
not records and are never in it (报告说明: 不进行评分或等级评定).

The digest is SHA-256 over :func:`canonical` of the report's content, number
and issue time included, so a report altered in any way, or shown under
another number, no longer matches what the store recorded when it was issued.
The content is ``Query.creditReport``'s answer with every field but ``digest``,
under the same names: whoever holds that answer can recompute the digest.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from gateway.config.report import ReportConfig
from gateway.domain import Category, DetailValue, RecordStatus, SubjectKind
from gateway.policy import china_today
from gateway.records import Correction
from gateway.shown import shown_corrections, shown_details
from gateway.viewer import Viewer, ViewerKind
from gateway.visibility import Disclosed, SubjectView

# 报告编号: the China date it was issued, then 64 random bits (unguessable).
NUMBER = re.compile(r"^[0-9]{8}[0-9A-F]{16}$")


class EventKind(StrEnum):
    """What happened to a record since it was reported, as the viewer may see it."""

    OBJECTED = "OBJECTED"  # an objection is pending (000 art. 46, 001 art. 34)
    CORRECTED = "CORRECTED"  # an upheld objection corrected a detail (004 art. 52)
    WITHDRAWN = "WITHDRAWN"  # its act revoked or corrected (003 art. 43)
    REPAIRED = "REPAIRED"  # 信用修复 (003 art. 44, 004 art. 56)
    SHIELDED = "SHIELDED"  # at the subject's request (001 art. 35)
    EXPIRED = "EXPIRED"  # its disclosure period ended (003 art. 35)
    REMOVED = "REMOVED"  # a list entry removed from the list


@dataclass(frozen=True, slots=True)
class ReportEvent:
    kind: EventKind
    on: date | None  # None where the gateway does not know the day
    note: str


@dataclass(frozen=True, slots=True)
class ReportDetail:
    key: str
    label: str
    text: str


@dataclass(frozen=True, slots=True)
class ReportEntry:
    """One record as the report prints it; ``disclosed`` is what it shows (not content)."""

    disclosed: Disclosed = field(compare=False)
    record_id: str
    title: str
    item: str
    item_name: str
    category: Category
    provider_unit: str
    occurred_on: date | None
    decided_on: date | None
    disclosure_until: date | None
    status: RecordStatus
    under_objection: bool
    objected_on: date | None
    details: tuple[ReportDetail, ...]
    events: tuple[ReportEvent, ...]


@dataclass(frozen=True, slots=True)
class ReportPart:
    id: str
    title: str
    entries: tuple[ReportEntry, ...]


@dataclass(frozen=True, slots=True)
class ReportSubject:
    code: str
    kind: SubjectKind
    name: str | None
    legal_representative: str | None
    established_on: date | None
    address: str | None
    tags: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CreditReport:
    number: str
    version: str
    title: str
    issuer: str
    issued_at: datetime
    scope: str  # 查询类型: who the report was made for, which decides its content
    requester: str | None
    subject: ReportSubject
    summary: tuple[tuple[Category, int], ...]  # 信用信息概要
    sections: tuple[ReportPart, ...]
    explanation_title: str
    explanation: tuple[str, ...]  # 报告说明, channels included
    digest: str = ""

    def disclosed(self) -> tuple[Disclosed, ...]:
        """Every record the report shows (its header reads the registration among them)."""
        return tuple(e.disclosed for s in self.sections for e in s.entries)


def new_number(now: datetime) -> str:
    return china_today(now).strftime("%Y%m%d") + secrets.token_hex(8).upper()


def build_report(
    view: SubjectView, config: ReportConfig, viewer: Viewer, number: str, now: datetime
) -> CreditReport:
    """The report of ``view`` for ``viewer``, numbered ``number``, issued at ``now``."""
    today = china_today(now)
    sections = _sections(view, config, today)
    counts = {c: 0 for c in Category}
    for part in sections:
        for entry in part.entries:
            counts[entry.category] += 1
    person = view.kind is SubjectKind.NATURAL_PERSON
    report = CreditReport(
        number=number,
        version=config.version,
        title=config.title_person if person else config.title_organisation,
        issuer=config.issuer,
        issued_at=now.astimezone(UTC).replace(microsecond=0),
        scope=_scope(viewer, view.code),
        requester=None if viewer.kind is ViewerKind.ANONYMOUS else viewer.name or viewer.code,
        subject=_subject(view, config, today),
        summary=tuple(counts.items()),
        sections=sections,
        explanation_title=config.explanation_title,
        explanation=(
            *config.explanation,
            f"信用信息异议申诉：{config.objection_channels}",
            f"信用修复：{config.repair_channels}",
        ),
    )
    return replace(report, digest=digest(report))


def digest(report: CreditReport) -> str:
    return hashlib.sha256(canonical(report)).hexdigest()


def canonical(report: CreditReport) -> bytes:
    """The report's content as canonical JSON (sorted keys, no spaces, UTF-8)."""
    text = json.dumps(content(report), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.encode("utf-8")


def content(report: CreditReport) -> dict[str, Any]:
    """Everything the report says, as ``Query.creditReport`` answers it with every field
    but ``digest``: the same names, the same values (dates ISO 8601, enums by name)."""
    return {
        "number": report.number,
        "version": report.version,
        "title": report.title,
        "issuer": report.issuer,
        "issuedAt": report.issued_at.isoformat(),
        "scope": report.scope,
        "requester": report.requester,
        "subject": _plain(report.subject),
        "summary": [{"category": c.name, "count": n} for c, n in report.summary],
        "sections": [
            {"id": s.id, "title": s.title, "entries": [_plain(e) for e in s.entries]}
            for s in report.sections
        ],
        "explanationTitle": report.explanation_title,
        "explanation": list(report.explanation),
    }


def _plain(value: object) -> Any:
    if isinstance(value, ReportEntry | ReportSubject | ReportDetail | ReportEvent):
        names = [n for n in value.__slots__ if n != "disclosed"]
        return {_camel(n): _plain(getattr(value, n)) for n in names}
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, StrEnum):
        return value.name  # as GraphQL serialises an enum
    if isinstance(value, date):
        return value.isoformat()
    return value


def _camel(name: str) -> str:
    """A field's GraphQL name (strawberry's): ``record_id`` is ``recordId``."""
    first, *rest = name.split("_")
    return first + "".join(word.capitalize() for word in rest)


def _sections(view: SubjectView, config: ReportConfig, today: date) -> tuple[ReportPart, ...]:
    shown = {s.id: s.title for s in config.sections if view.kind in s.subject_kinds}
    placed: dict[str, list[ReportEntry]] = {id: [] for id in shown}
    for disclosed in view.records:  # newest first
        section = config.section_of(disclosed.record.item.code)
        # Only a configuration built in code can leave an item unplaced (check-config
        # refuses one): nothing the viewer may see is dropped from the report.
        key = section.id if section is not None and section.id in placed else _OTHER
        placed.setdefault(key, []).append(_entry(disclosed, today))
    return tuple(
        ReportPart(id, shown.get(id, "其他信息"), tuple(entries)) for id, entries in placed.items()
    )


_OTHER = "OTHER"


def _entry(disclosed: Disclosed, today: date) -> ReportEntry:
    record, decision = disclosed.record, disclosed.decision
    return ReportEntry(
        disclosed=disclosed,
        record_id=record.id,
        title=record.title,
        item=record.item.code,
        item_name=record.item.name,
        category=record.category,
        provider_unit=record.item.provider_unit,
        occurred_on=record.occurred_on,
        decided_on=record.decided_on,
        disclosure_until=record.disclosure_until,
        status=decision.status,
        under_objection=record.under_objection,
        objected_on=None if record.objected_at is None else china_today(record.objected_at),
        # What CreditRecord.details shows this viewer; a value the source left out is
        # not printed (CreditRecord.details has it with a null text).
        details=tuple(
            ReportDetail(d.key, d.label, text(d.value))
            for d in shown_details(disclosed)
            if d.value is not None
        ),
        events=_events(disclosed, today),
    )


def _events(disclosed: Disclosed, today: date) -> tuple[ReportEvent, ...]:
    record, status = disclosed.record, disclosed.decision.status
    events = [
        ReportEvent(EventKind.CORRECTED, c.on, _correction_note(c))
        for c in shown_corrections(disclosed)
    ]
    if record.under_objection:
        on = None if record.objected_at is None else china_today(record.objected_at)
        events.append(ReportEvent(EventKind.OBJECTED, on, "异议处理中（000 art. 46，001 art. 34）"))
    ended = record.ended_on
    listed = record.item.listing is not None or record.item.responsible_for is not None
    if listed and ended is not None and ended <= today:
        events.append(ReportEvent(EventKind.REMOVED, ended, "已移出名单"))
    if status is RecordStatus.WITHDRAWN:
        reason = record.withdrawal_reason or "其决定被撤销或更正（003 art. 43）"
        events.append(ReportEvent(EventKind.WITHDRAWN, record.withdrawn_on, reason))
    elif status is RecordStatus.REPAIRED:
        note = "已完成信用修复，不再公示"
        events.append(ReportEvent(EventKind.REPAIRED, record.repaired_on, note))
    elif status is RecordStatus.SHIELDED:
        note = "已应信用主体申请屏蔽（001 art. 35）"
        events.append(ReportEvent(EventKind.SHIELDED, record.shielded_on, note))
    elif status is RecordStatus.EXPIRED:
        note = "公示期届满，不再公示（003 art. 35）"
        events.append(ReportEvent(EventKind.EXPIRED, record.disclosure_until, note))
    return tuple(sorted(events, key=lambda e: (e.on or date.max, e.kind)))


def _correction_note(c: Correction) -> str:
    # ``previous`` is there only for those who see what a correction replaced.
    if c.previous is None:
        return f"{c.label}更正为“{text(c.corrected)}”（004 art. 52）"
    return f"{c.label}由“{text(c.previous)}”更正为“{text(c.corrected)}”（004 art. 52）"


def _subject(view: SubjectView, config: ReportConfig, today: date) -> ReportSubject:
    registration = view.registration
    values: dict[str, DetailValue] = (
        {} if registration is None else {d.key: d.value for d in registration.record.details}
    )
    established = values.get("established_on")
    return ReportSubject(
        code=view.code,
        kind=view.kind,
        name=None if registration is None else registration.record.subject_name,
        legal_representative=_optional(values.get("legal_representative")),
        established_on=established if isinstance(established, date) else None,
        address=_optional(values.get("address")),
        tags=_tags(view, config, today),
    )


def _tags(view: SubjectView, config: ReportConfig, today: date) -> tuple[str, ...]:
    """The tags of the lists the subject is on now, as far as the viewer sees its entries."""
    on = set()
    for disclosed in view.records:
        record = disclosed.record
        kind = record.item.listing
        removed = record.ended_on is not None and record.ended_on <= today
        current = disclosed.decision.status is RecordStatus.ACTIVE and not removed
        if kind in config.tags and record.item.responsible_for is None and current:
            on.add(kind)
    return tuple(text for kind, text in config.tags.items() if kind in on)


def _scope(viewer: Viewer, code: str) -> str:
    if viewer.is_subject(code):
        return "本人查询"
    if viewer.kind is ViewerKind.GOV_UNIT and viewer.duty is not None:
        return f"政务部门依职责查询（{viewer.duty.matter_name}，001 art. 27）"
    return _SCOPES.get(viewer.kind, "社会公开查询")


_SCOPES = {
    ViewerKind.ANONYMOUS: "社会公开查询",
    ViewerKind.INSTITUTION: "机构查询（公开信息及书面授权范围内的信息，003 art. 20）",
    ViewerKind.GOV_UNIT: "政务部门查询（未声明履职事项）",
    ViewerKind.SUBJECT: "社会公开查询",
    ViewerKind.AGENCY: "公共信用工作机构查询",
    ViewerKind.PROVIDER: "信息提供单位查询",
}


def text(value: DetailValue) -> str:
    """A detail's display text, as ``CreditRecord.details.text`` has it."""
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, date) else str(value)


def _optional(value: DetailValue) -> str | None:
    return None if value is None else text(value)
