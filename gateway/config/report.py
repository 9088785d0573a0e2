"""The public credit information report (公共信用信息报告, 001 art. 40) as configuration.

`config/report.toml` names the report's header (issuing gateway, version,
titles), the tags its header shows for the lists a subject is on, its sections
in order, each with the catalogue items it shows, and the 报告说明 with the
objection and repair channels. :mod:`gateway.report` builds a report from it.

Every catalogue item is placed in exactly one section: an unknown item or
list, an item in two sections and a catalogue item in no section are
refused, so that a new item is placed deliberately rather than dropped or
filed under 其他信息 by default.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from gateway.config.catalogue import Catalogue, CatalogueItem
from gateway.config.reader import Problems, Table
from gateway.domain import ListKind, SubjectKind


@dataclass(frozen=True, slots=True)
class ReportSection:
    """One section of the report and the catalogue items it shows."""

    id: str
    title: str
    items: frozenset[str]
    subject_kinds: frozenset[SubjectKind] = frozenset(SubjectKind)


@dataclass(frozen=True, slots=True)
class ReportConfig:
    """The report's header, sections in order, and 报告说明."""

    issuer: str = "credit-gateway"
    version: str = "V1.0"
    title_organisation: str = "法人和非法人组织公共信用信息报告"
    title_person: str = "个人公共信用信息报告"
    tags: Mapping[ListKind, str] = field(default_factory=dict)
    sections: tuple[ReportSection, ...] = ()
    explanation_title: str = "报告说明"
    explanation: tuple[str, ...] = ()
    objection_channels: str = ""
    repair_channels: str = ""

    def section_of(self, item: str) -> ReportSection | None:
        return next((s for s in self.sections if item in s.items), None)


_TOP = {"report", "tags", "section", "explanation", "channels"}
_HEADER = {"issuer", "version", "title_organisation", "title_person"}


def load_report(path: Path, catalogue: Catalogue, problems: Problems) -> ReportConfig:
    """Read `report.toml` and check it against the catalogue."""
    root = Table.load(path, problems)
    root.unknown_keys(_TOP)
    header = root.table("report", required=True)
    header.unknown_keys(_HEADER)
    explanation = root.table("explanation")
    explanation.unknown_keys({"title", "paragraphs"})
    channels = root.table("channels", required=True)
    channels.unknown_keys({"objection", "repair"})
    sections = tuple(_section(t, catalogue) for t in root.tables("section"))
    _check_placement(root, sections, catalogue)
    return ReportConfig(
        issuer=header.string("issuer"),
        version=_version(header),
        title_organisation=header.string("title_organisation"),
        title_person=header.string("title_person"),
        tags=_tags(root.table("tags")),
        sections=sections,
        explanation_title=explanation.opt_string("title") or "报告说明",
        explanation=explanation.strings("paragraphs"),
        # 001 arts. 34, 36: the report says how to object and apply for repair.
        objection_channels=channels.string("objection"),
        repair_channels=channels.string("repair"),
    )


def _version(t: Table) -> str:
    version = t.string("version")
    if len(version) > 16:  # issued_reports.version
        t.problem("version", "must be at most 16 characters")
    return version


def _tags(t: Table) -> dict[ListKind, str]:
    tags: dict[ListKind, str] = {}
    for name, text in t.entries():
        try:
            kind = ListKind(name)
        except ValueError:
            t.problem(name, f"is not a list kind ({', '.join(ListKind)})")
            continue
        if not isinstance(text, str) or not text:
            t.problem(name, "must be the tag's text")
            continue
        tags[kind] = text
    return tags


def _section(t: Table, catalogue: Catalogue) -> ReportSection:
    t.unknown_keys({"id", "title", "items", "lists", "subject_kinds"})
    items: set[str] = set()
    for code in t.strings("items"):
        if catalogue.get(code) is None:
            t.problem("items", f"{code!r} is not a catalogue item")
        items.add(code)
    for raw in t.strings("lists"):
        try:
            kind = ListKind(raw)
        except ValueError:
            t.problem("lists", f"{raw!r} is not a list kind")
            continue
        if kind not in catalogue.lists:
            t.problem("lists", f"{kind} has no [[list]] in the catalogue")
        items |= {i.code for i in catalogue if _records_list(i, catalogue) is kind}
    kinds = t.enums("subject_kinds", SubjectKind) if t.has("subject_kinds") else frozenset()
    section = ReportSection(
        t.string("id"), t.string("title"), frozenset(items), kinds or frozenset(SubjectKind)
    )
    for code in sorted(section.items):
        item = catalogue.get(code)
        missing = set() if item is None else item.subject_kinds - section.subject_kinds
        if missing:
            t.problem(
                "subject_kinds",
                f"{code} is also about {', '.join(sorted(missing))}, whose records this "
                "section would leave out",
            )
    return section


def _records_list(item: CatalogueItem, catalogue: Catalogue) -> ListKind | None:
    """The list an item's records are entries of: its own, or the one it names the
    responsible persons of (001 art. 26)."""
    if item.responsible_for is not None:
        target = catalogue.get(item.responsible_for)
        return None if target is None else target.listing
    return item.listing


def _check_placement(
    root: Table, sections: tuple[ReportSection, ...], catalogue: Catalogue
) -> None:
    placed: dict[str, str] = {}
    ids: set[str] = set()
    for index, section in enumerate(sections):
        where = f"section[{index}]"
        if section.id in ids:
            root.problem(f"{where}.id", f"duplicate section id {section.id!r}")
        ids.add(section.id)
        for code in sorted(section.items):
            if code in placed:
                root.problem(where, f"{code} is already in section {placed[code]}")
            placed.setdefault(code, section.id)
    for item in catalogue:
        if item.code not in placed:
            root.problem("section", f"catalogue item {item.code} is in no section")
