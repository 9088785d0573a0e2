"""The report, pure: `config/report.toml` and every way it is refused, and a report
built from a view: sections, summary, tags, redaction, changes, number and digest."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from gateway.config.catalogue import Catalogue, load_catalogue
from gateway.config.loader import PROJECT_ROOT
from gateway.config.reader import Problems
from gateway.config.report import ReportConfig, ReportSection, load_report
from gateway.domain import Category, ListKind, Openness, RecordStatus, SubjectKind
from gateway.policy import SubjectState
from gateway.records import Correction, CreditRecord
from gateway.report import NUMBER, EventKind, build_report, canonical, digest, new_number
from gateway.viewer import ANONYMOUS, Viewer, ViewerKind
from gateway.visibility import AccessPlan, SubjectView, view_subject
from tests.factories import consent, item, record

CONFIG = PROJECT_ROOT / "config"
NOW = datetime(2026, 11, 23, 4, 0, 30, 123456, tzinfo=UTC)
COMPANY = "91330106MA2H7K3Q0L"
PERSON = "330106198507152318"


def shipped_catalogue() -> Catalogue:
    problems = Problems()
    catalogue = load_catalogue(CONFIG / "catalogue.toml", problems)
    assert problems.items == []
    return catalogue


def test_the_shipped_sections_follow_the_standard_and_place_every_item() -> None:
    problems = Problems()
    catalogue = shipped_catalogue()
    config = load_report(CONFIG / "report.toml", catalogue, problems)
    assert problems.items == []
    assert [s.title for s in config.sections] == [
        "登记注册基础信息",
        "行政管理信息",
        "诚实守信相关荣誉信息",
        "严重失信主体名单信息",
        "经营（活动）异常名录（状态）信息",
        "信用承诺信息",
        "信用评价信息",
        "司法判决及执行信息",
        "职称和职业资格信息",
        "其他信息",
    ]
    placed = [code for s in config.sections for code in s.items]
    assert sorted(placed) == sorted(i.code for i in catalogue)
    assert len(placed) == len(set(placed))

    def section(item: str) -> str:
        found = config.section_of(item)
        assert found is not None
        return found.id

    assert section("TAX_A_GRADE") == "ADMINISTRATION"
    assert section("BROKEN_COMMITMENT") == section("CREDIT_COMMITMENT") == "COMMITMENTS"
    # A list kind brings the items recording it, and its responsible persons.
    assert section("SERIOUS_DISHONESTY_RESPONSIBLE") == "SERIOUS_DISHONESTY"
    assert section("RED_LIST") == "HONOURS"
    qualifications = next(s for s in config.sections if s.id == "QUALIFICATIONS")
    assert qualifications.subject_kinds == {SubjectKind.NATURAL_PERSON}
    assert config.tags[ListKind.RED_LIST] == "守信激励对象"
    assert config.objection_channels
    assert config.repair_channels


def problems_of(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "report.toml"
    path.write_text(text, encoding="utf-8")
    problems = Problems()
    load_report(path, shipped_catalogue(), problems)
    return [f"{p.key}: {p.message}" for p in problems.items]


HEADER = """[report]
issuer = "网关"
version = "V1.0"
title_organisation = "法人报告"
title_person = "个人报告"
[channels]
objection = "异议渠道"
repair = "修复渠道"
"""


def everything_but(*left_out: str) -> str:
    codes = [i.code for i in shipped_catalogue() if i.code not in left_out]
    return f'[[section]]\nid = "ALL"\ntitle = "全部"\nitems = {json.dumps(codes)}\n'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (everything_but("TAX_PAYMENT"), "section: catalogue item TAX_PAYMENT is in no section"),
        (
            everything_but() + '[[section]]\nid = "B"\ntitle = "乙"\nitems = ["TAX_PAYMENT"]\n',
            "section[1]: TAX_PAYMENT is already in section ALL",
        ),
        (
            everything_but() + '[[section]]\nid = "B"\ntitle = "乙"\nitems = ["NO_SUCH"]\n',
            "section[1].items: 'NO_SUCH' is not a catalogue item",
        ),
        (
            everything_but() + '[[section]]\nid = "B"\ntitle = "乙"\nlists = ["BLACK"]\n',
            "section[1].lists: 'BLACK' is not a list kind",
        ),
        (
            everything_but("ADM_LICENCE")
            + '[[section]]\nid = "B"\ntitle = "乙"\nitems = ["ADM_LICENCE"]\n'
            + 'subject_kinds = ["NATURAL_PERSON"]\n',
            "section[1].subject_kinds: ADM_LICENCE is also about LEGAL_PERSON, "
            "UNINCORPORATED_ORG, whose records this section would leave out",
        ),
        (
            everything_but() + '[[section]]\nid = "ALL"\ntitle = "又"\n',
            "section[1].id: duplicate section id 'ALL'",
        ),
        (everything_but() + "[tags]\nBLACK = '黑'\n", "tags.BLACK: is not a list kind"),
        (everything_but() + "colour = 'red'\n", "colour: unknown key"),
    ],
)
def test_a_file_is_refused(tmp_path: Path, text: str, expected: str) -> None:
    problems = problems_of(tmp_path, HEADER + text)
    assert any(expected in problem for problem in problems), problems


def test_channels_are_required_and_a_missing_file_is_a_problem(tmp_path: Path) -> None:
    header = HEADER.split("[channels]")[0]
    assert "channels: is required" in problems_of(tmp_path, header + everything_but())
    problems = Problems()
    load_report(tmp_path / "missing.toml", shipped_catalogue(), problems)
    assert next(p.key for p in problems.items) == "(file)"


# --- building a report ----------------------------------------------------------------

REG = replace(item("REG", Category.BASIC, period=None, registration=True), name="登记")
PENALTY = replace(item("PENALTY", Category.ADVERSE), name="处罚")
WARNING = replace(item("WARNING", Category.ADVERSE, Openness.AUTHORIZED), name="警示")
RED = replace(item("RED", Category.COMMENDATORY, period=None), listing=ListKind.RED_LIST)
TAX = replace(
    item("TAX", Category.OTHER, Openness.AUTHORIZED, period=None, sensitive=True), name="纳税"
)
CONFIG_IN_CODE = ReportConfig(
    issuer="测试网关",
    version="V9",
    tags={ListKind.RED_LIST: "守信激励对象"},
    sections=(
        ReportSection("BASIC", "基础", frozenset({"REG"})),
        ReportSection("ADMIN", "行政", frozenset({"PENALTY", "WARNING"})),
        ReportSection("HONOURS", "荣誉", frozenset({"RED"})),
        ReportSection("PERSONS", "仅个人", frozenset(), frozenset({SubjectKind.NATURAL_PERSON})),
    ),
    explanation=("客观中立。",),
    objection_channels="窗口",
    repair_channels="平台",
)


def view_of(viewer: Viewer, code: str, *records: CreditRecord, **state: object) -> SubjectView:
    kind = SubjectKind.NATURAL_PERSON if len(code) == 18 and code[0] == "3" else None
    subject = SubjectState(code, kind or SubjectKind.LEGAL_PERSON, **state)  # type: ignore[arg-type]
    return view_subject(
        AccessPlan(viewer, NOW), subject, [replace(r, subject_code=code) for r in records]
    )


def registration() -> CreditRecord:
    base = record(REG, decided_on=date(2020, 1, 1), disclosure_until=None)
    return replace(base, subject_name="杭州某公司", details=())


def test_sections_summary_and_header_hold_what_the_viewer_may_see() -> None:
    records = [
        registration(),
        replace(record(PENALTY, decided_on=date(2026, 6, 15)), id="src:p1"),
        replace(record(PENALTY, decided_on=date(2025, 1, 1)), id="src:p2"),
        record(WARNING),  # authorized: not for the public
        record(RED, disclosure_until=None),
    ]
    report = build_report(
        view_of(ANONYMOUS, COMPANY, *records), CONFIG_IN_CODE, ANONYMOUS, "N", NOW
    )
    assert [(s.id, [e.record_id for e in s.entries]) for s in report.sections] == [
        ("BASIC", ["src:REG:S"]),
        ("ADMIN", ["src:p1", "src:p2"]),  # newest first
        ("HONOURS", ["src:RED:S"]),
    ]
    assert dict(report.summary) == {
        Category.BASIC: 1,
        Category.ADVERSE: 2,
        Category.COMMENDATORY: 1,
        Category.OTHER: 0,
    }
    assert report.subject.name == "杭州某公司"
    assert report.subject.tags == ("守信激励对象",)
    assert (report.issuer, report.version, report.scope) == ("测试网关", "V9", "社会公开查询")
    assert report.title == "法人和非法人组织公共信用信息报告"
    assert report.issued_at == datetime(2026, 11, 23, 4, 0, 30, tzinfo=UTC)
    assert report.explanation == ("客观中立。", "信用信息异议申诉：窗口", "信用修复：平台")
    assert {d.record.item.code for d in report.disclosed()} == {"REG", "PENALTY", "RED"}


def test_a_removed_or_withdrawn_list_entry_tags_nothing_and_says_what_changed() -> None:
    removed = replace(record(RED, disclosure_until=date(2027, 1, 1)), ended_on=date(2026, 1, 1))
    self_viewer = Viewer(ViewerKind.SUBJECT, COMPANY)
    report = build_report(
        view_of(self_viewer, COMPANY, removed), CONFIG_IN_CODE, self_viewer, "N", NOW
    )
    [entry] = report.sections[2].entries
    assert report.subject.tags == ()
    assert [(e.kind, e.on) for e in entry.events] == [(EventKind.REMOVED, date(2026, 1, 1))]
    withdrawn = replace(
        record(PENALTY), withdrawn=True, withdrawn_on=date(2026, 2, 1), withdrawal_reason="复议撤销"
    )
    objected = replace(
        record(WARNING),
        under_objection=True,
        objected_at=datetime(2026, 11, 20, 17, 0, tzinfo=UTC),  # 21st in China
        corrections=(
            Correction("note", "备注", PENALTY.fields[1].type, "旧", "新", date(2026, 11, 22)),
        ),
    )
    report = build_report(
        view_of(self_viewer, COMPANY, withdrawn, objected), CONFIG_IN_CODE, self_viewer, "N", NOW
    )
    by_id = {e.item: e for s in report.sections for e in s.entries}
    assert by_id["PENALTY"].status is RecordStatus.WITHDRAWN
    assert [(e.kind, e.on, e.note) for e in by_id["PENALTY"].events] == [
        (EventKind.WITHDRAWN, date(2026, 2, 1), "复议撤销")
    ]
    assert by_id["WARNING"].objected_on == date(2026, 11, 21)
    assert [(e.kind, e.on) for e in by_id["WARNING"].events] == [
        (EventKind.OBJECTED, date(2026, 11, 21)),
        (EventKind.CORRECTED, date(2026, 11, 22)),
    ]
    assert report.scope == "本人查询"
    # The public sees neither: withdrawn is withheld, the warning is authorized.
    public = build_report(
        view_of(ANONYMOUS, COMPANY, withdrawn, objected), CONFIG_IN_CODE, ANONYMOUS, "N", NOW
    )
    assert all(not s.entries for s in public.sections)


def test_a_persons_amounts_are_redacted_without_a_consent_naming_them() -> None:
    bank = "91330000MA27XX0C6N"
    grants = {
        "plain": consent(PERSON, bank, {"TAX"}),
        "sensitive": consent(PERSON, bank, {"TAX"}, sensitive=True),
    }
    shown = {}
    for name, grant in grants.items():
        viewer = Viewer(ViewerKind.INSTITUTION, bank, consents={PERSON: (grant,)}, purpose="02")
        report = build_report(
            view_of(viewer, PERSON, record(TAX)), CONFIG_IN_CODE, viewer, "N", NOW
        )
        [entry] = report.sections[-1].entries  # placed nowhere: the fallback 其他信息
        assert report.sections[-1].title == "其他信息"
        shown[name] = [d.key for d in entry.details]
    assert shown == {"plain": ["note"], "sensitive": ["amount", "note"]}


def test_a_persons_report_has_the_persons_sections_and_title() -> None:
    viewer = Viewer(ViewerKind.SUBJECT, PERSON)
    report = build_report(
        view_of(viewer, PERSON, record(PENALTY)), CONFIG_IN_CODE, viewer, "N", NOW
    )
    assert [s.id for s in report.sections] == ["BASIC", "ADMIN", "HONOURS", "PERSONS"]
    assert report.title == "个人公共信用信息报告"
    assert report.subject.name is None  # no registration among its records


def test_the_digest_is_sha256_of_the_canonical_content_and_changes_with_it() -> None:
    view = view_of(ANONYMOUS, COMPANY, registration(), record(PENALTY))
    report = build_report(view, CONFIG_IN_CODE, ANONYMOUS, "20261123ABCDEF0123456789", NOW)
    assert report.digest == hashlib.sha256(canonical(report)).hexdigest() == digest(report)
    content = json.loads(canonical(report))
    assert content["number"] == "20261123ABCDEF0123456789"
    assert "digest" not in content
    assert (
        canonical(report)
        == json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    )
    again = build_report(view, CONFIG_IN_CODE, ANONYMOUS, report.number, NOW)
    assert again.digest == report.digest  # the same content, the same digest
    other_number = replace(report, number="20261123ABCDEF0123456788")
    assert digest(other_number) != report.digest
    entry = report.sections[1].entries[0]
    altered_entry = replace(entry, title="另一个标题")
    altered = replace(
        report,
        sections=(report.sections[0], replace(report.sections[1], entries=(altered_entry,))),
    )
    assert digest(altered) != report.digest


def test_numbers_are_dated_unguessable_and_distinct() -> None:
    numbers = {new_number(NOW) for _ in range(1000)}
    assert len(numbers) == 1000
    assert all(NUMBER.match(n) and n.startswith("20261123") for n in numbers)
    # 23 November 2026, 20:00 UTC is already the 24th in China.
    assert new_number(datetime(2026, 11, 23, 20, 0, tzinfo=UTC)).startswith("20261124")


def test_a_repair_and_a_shield_are_events_on_their_day() -> None:
    self_viewer = Viewer(ViewerKind.SUBJECT, COMPANY)
    repaired = replace(record(PENALTY), repaired=True, repaired_on=date(2026, 10, 9))
    shielded = replace(record(RED), shielded=True, shielded_on=date(2026, 11, 2))
    report = build_report(
        view_of(self_viewer, COMPANY, repaired, shielded), CONFIG_IN_CODE, self_viewer, "N", NOW
    )
    by_item = {e.item: e for s in report.sections for e in s.entries}
    assert [(e.kind, e.on) for e in by_item["PENALTY"].events] == [
        (EventKind.REPAIRED, date(2026, 10, 9))
    ]
    assert [(e.kind, e.on) for e in by_item["RED"].events] == [
        (EventKind.SHIELDED, date(2026, 11, 2))
    ]


def test_a_correction_says_what_it_replaced_only_to_the_subject() -> None:
    fields = {f.key: f for f in TAX.fields}
    corrections = (
        Correction("note", "备注", fields["note"].type, "旧", "新", date(2026, 11, 22)),
        Correction("amount", "金额", fields["amount"].type, 10, 20, date(2026, 11, 22)),
    )
    tax = replace(record(TAX), corrections=corrections)
    bank = "91330000MA27XX0C6N"
    grant = consent(PERSON, bank, {"TAX"})
    viewers = {
        "self": Viewer(ViewerKind.SUBJECT, PERSON),
        "bank": Viewer(ViewerKind.INSTITUTION, bank, consents={PERSON: (grant,)}, purpose="02"),
    }
    notes = {}
    for name, viewer in viewers.items():
        report = build_report(view_of(viewer, PERSON, tax), CONFIG_IN_CODE, viewer, "N", NOW)
        [entry] = report.sections[-1].entries
        notes[name] = [e.note for e in entry.events if e.kind is EventKind.CORRECTED]
    assert notes == {
        "self": ["备注由“旧”更正为“新”（004 art. 52）", "金额由“10”更正为“20”（004 art. 52）"],
        # Not what was found wrong (004 art. 52), nor an amount no consent names (003 art. 18).
        "bank": ["备注更正为“新”（004 art. 52）"],
    }
