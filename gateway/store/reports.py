"""Credit reports issued (001 art. 40): what verifies one, never its content.

A report's content is what its viewer could see at the time; keeping it would
keep a copy of non-public information beyond its disclosure. So the store
keeps the number, the subject, the viewer, the version, the time, the
SHA-256 digest of the content and, for a report served as PDF, the SHA-256 of
that file: enough to tell whether a report shown to someone is one the gateway
issued, unaltered. The file's digest is the one a holder can check
(``sha256sum report.pdf``); the PDF is rendered anew for every report, so no
two files are alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.store.consents import utc
from gateway.store.workflow_tables import issued_reports


@dataclass(frozen=True, slots=True)
class IssuedReport:
    number: str
    subject_code: str
    viewer_kind: str
    viewer_code: str
    version: str
    issued_at: datetime
    digest: str
    pdf_digest: str | None = None  # the file's, when it was served as PDF


class IssuedReports:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def add(self, reports: Sequence[IssuedReport]) -> None:
        """Record ``reports``, a whole batch in one statement."""
        if not reports:
            return
        rows = [
            {
                "number": r.number,
                "subject_code": r.subject_code,
                "viewer_kind": r.viewer_kind,
                "viewer_code": r.viewer_code,
                "version": r.version,
                "issued_at": utc(r.issued_at),
                "digest": r.digest,
                "pdf_digest": r.pdf_digest,
            }
            for r in reports
        ]
        async with self.engine.begin() as connection:
            await connection.execute(issued_reports.insert(), rows)

    async def add_pdf_digest(self, number: str, pdf_digest: str) -> bool:
        """Record the digest of the PDF served as report ``number``; False when there is
        no such report, or it already has one (one report, one file)."""
        query = (
            update(issued_reports)
            .where(issued_reports.c.number == number, issued_reports.c.pdf_digest.is_(None))
            .values(pdf_digest=pdf_digest)
        )
        async with self.engine.begin() as connection:
            done = await connection.execute(query)
        return done.rowcount == 1

    async def find(self, number: str) -> IssuedReport | None:
        query = select(issued_reports).where(issued_reports.c.number == number)
        async with self.engine.connect() as connection:
            row = (await connection.execute(query)).first()
        if row is None:
            return None
        return IssuedReport(
            number=row.number,
            subject_code=row.subject_code,
            viewer_kind=row.viewer_kind,
            viewer_code=row.viewer_code,
            version=row.version,
            issued_at=utc(row.issued_at),
            digest=row.digest,
            pdf_digest=row.pdf_digest,
        )
