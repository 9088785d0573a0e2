"""A credit report as PDF: A4, reportlab's built-in CJK font, numbered on every page.

Rendered from the GraphQL answer to :data:`service.reports.REPORT_QUERY`, so
the PDF says exactly what ``Query.creditReport`` said, digest included. The
font is reportlab's CID font STSong-Light (the viewer supplies its glyphs), so
no font file is needed on the server. Every page carries the report number
and query time in its header and "第 x 页 共 y 页" in its footer, so that a page
taken from one report, or a missing page, shows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FONT = "STSong-Light"
_CHINA = ZoneInfo("Asia/Shanghai")
_NUMERALS = "一二三四五六七八九十"
_CATEGORIES = {
    "BASIC": "基础信息",
    "ADVERSE": "失信信息",
    "COMMENDATORY": "守信信息",
    "OTHER": "其他信息",
}
_STATUS = {
    "ACTIVE": "公示中",
    "EXPIRED": "公示期满（仅本人可见）",
    "REPAIRED": "已修复（仅本人可见）",
    "SHIELDED": "已屏蔽（仅本人可见）",
    "WITHDRAWN": "已撤销（仅本人可见）",
}
_KINDS = {"NATURAL_PERSON": "自然人", "LEGAL_PERSON": "法人", "UNINCORPORATED_ORG": "非法人组织"}


def _styles() -> dict[str, ParagraphStyle]:
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))  # idempotent; no file, no I/O
    base = ParagraphStyle("base", fontName=FONT, fontSize=9.5, leading=14, wordWrap="CJK")
    return {
        "base": base,
        "title": ParagraphStyle("title", base, fontSize=18, leading=26, alignment=1),
        "heading": ParagraphStyle("heading", base, fontSize=12.5, leading=20, spaceBefore=8),
        "entry": ParagraphStyle("entry", base, fontSize=10.5, leading=16, spaceBefore=4),
        "small": ParagraphStyle("small", base, fontSize=8.5, leading=12),
    }


def render(report: Mapping[str, Any]) -> bytes:
    """The PDF of one report, as ``Query.creditReport`` answered it."""
    styles = _styles()
    out = BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=24 * mm,
        bottomMargin=20 * mm,
        title=f"{report['title']} {report['number']}",
        author=report["issuer"],
        subject=f"{report['subject']['code']} SHA-256 {report['digest']}",
    )
    number, at = report["number"], query_time(report["issuedAt"])

    def on_page(canvas: Canvas, _doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 8)
        canvas.drawString(18 * mm, A4[1] - 12 * mm, f"{report['title']}  报告编号：{number}")
        canvas.drawRightString(A4[0] - 18 * mm, A4[1] - 12 * mm, f"查询时间：{at}")
        canvas.line(18 * mm, A4[1] - 14 * mm, A4[0] - 18 * mm, A4[1] - 14 * mm)
        canvas.restoreState()

    doc.build(
        list(_story(report, styles)),
        onFirstPage=on_page,
        onLaterPages=on_page,
        canvasmaker=NumberedCanvas,
    )
    return out.getvalue()


class NumberedCanvas(Canvas):
    """Holds every page until the end, so each footer can say how many there are."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:  # reportlab's name
        self._pages.append(dict(self.__dict__))
        # reportlab's own recipe for 'page x of y'; its stubs leave _startPage out.
        self._startPage()  # type: ignore[attr-defined]

    def save(self) -> None:
        total = len(self._pages)
        for page in self._pages:
            self.__dict__.update(page)
            self.setFont(FONT, 8)
            self.drawCentredString(
                A4[0] / 2, 10 * mm, f"第 {self.getPageNumber()} 页 共 {total} 页"
            )
            super().showPage()
        super().save()


def query_time(iso: str) -> str:
    """The issue time in China, to the second."""
    return datetime.fromisoformat(iso).astimezone(_CHINA).strftime("%Y-%m-%d %H:%M:%S")


def _story(report: Mapping[str, Any], s: Mapping[str, ParagraphStyle]) -> list[Flowable]:
    subject = report["subject"]
    story: list[Flowable] = [Paragraph(_t(report["title"]), s["title"]), Spacer(1, 4 * mm)]
    story.append(
        _table(
            [
                ("报告编号", report["number"]),
                ("版本号", report["version"]),
                ("出具机构", report["issuer"]),
                ("查询时间", f"{query_time(report['issuedAt'])}（北京时间）"),
                ("查询类型", report["scope"]),
                ("查询者", report["requester"] or "社会公众"),
            ],
            s,
        )
    )
    story.append(Paragraph("主体信息", s["heading"]))
    code_label = "公民身份号码" if subject["kind"] == "NATURAL_PERSON" else "统一社会信用代码"
    rows = [
        ("名称", subject["name"] or "（未向您公开）"),
        (code_label, subject["code"]),
        ("主体类型", _KINDS.get(subject["kind"], subject["kind"])),
        ("法定代表人（负责人）", subject["legalRepresentative"]),
        ("成立日期", subject["establishedOn"]),
        ("住所", subject["address"]),
        ("主体标签", "、".join(subject["tags"]) or "无"),
    ]
    story.append(_table([(k, v) for k, v in rows if v], s))
    story.append(Paragraph("信用信息概要", s["heading"]))
    counts = [
        (_CATEGORIES.get(c["category"], c["category"]), str(c["count"])) for c in report["summary"]
    ]
    story.append(_table([tuple(label for label, _ in counts), tuple(n for _, n in counts)], s))
    for index, section in enumerate(report["sections"]):
        story.append(Paragraph(f"{_numeral(index)}、{_t(section['title'])}", s["heading"]))
        if not section["entries"]:
            story.append(Paragraph("暂无此类信息。", s["base"]))
        for entry in section["entries"]:
            story.extend(_entry(entry, s))
    story.append(
        Paragraph(
            f"{_numeral(len(report['sections']))}、{_t(report['explanationTitle'])}", s["heading"]
        )
    )
    for number, paragraph in enumerate(report["explanation"], start=1):
        story.append(Paragraph(f"{number}. {_t(paragraph)}", s["base"]))
    story.append(Spacer(1, 4 * mm))
    story.append(Paragraph(f"内容摘要（SHA-256）：{_t(report['digest'])}", s["small"]))
    return story


def _entry(entry: Mapping[str, Any], s: Mapping[str, ParagraphStyle]) -> list[Flowable]:
    rows: list[tuple[str, str | None]] = [
        ("信息类别", entry["itemName"]),
        ("信息提供单位", entry["providerUnit"]),
        ("发生日期", entry["occurredOn"]),
        ("决定日期", entry["decidedOn"]),
        ("公示截止日期", entry["disclosureUntil"]),
        ("状态", _STATUS.get(entry["status"], entry["status"])),
    ]
    if entry["underObjection"]:
        rows.append(("异议", f"异议处理中（{entry['objectedOn'] or '日期不详'}提出）"))
    rows += [(d["label"], d["text"]) for d in entry["details"]]
    rows += [("变更记录", f"{e['on'] or '日期不详'} {e['note']}") for e in entry["events"]]
    return [Paragraph(_t(entry["title"]), s["entry"]), _table([(k, v) for k, v in rows if v], s)]


def _table(rows: Sequence[Sequence[str | None]], s: Mapping[str, ParagraphStyle]) -> Table:
    """Label-value rows; any other table has its labels in the first row instead."""
    cells = [[Paragraph(_t(str(v or "")), s["base"]) for v in row] for row in rows]
    columns = len(rows[0])
    labels = ((0, 0), (0, -1)) if columns == 2 else ((0, 0), (-1, 0))
    widths = [40 * mm, _WIDTH - 40 * mm] if columns == 2 else [_WIDTH / columns] * columns
    # splitInRow: a cell taller than a page (a long business scope, say) is split
    # across pages; without it reportlab cannot place the table at all.
    table = Table(cells, colWidths=widths, hAlign="LEFT", splitInRow=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", *labels, colors.whitesmoke),
            ]
        )
    )
    return table


_WIDTH = A4[0] - 36 * mm  # between the margins


def _numeral(index: int) -> str:
    """The heading numeral of the ``index``-th part (0 is 一): 一 to 九十九, then digits."""
    number = index + 1
    if not 0 < number < 100:
        return str(number)
    tens, units = divmod(number, 10)
    ten = "" if tens == 0 else "十" if tens == 1 else _NUMERALS[tens - 1] + "十"
    return ten + ("" if units == 0 else _NUMERALS[units - 1])


def _t(text: str) -> str:
    """Plain text for a Paragraph, which reads a little markup."""
    return escape(text)
