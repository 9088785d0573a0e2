"""`GET /reports/{code}.pdf`: the GraphQL report as an A4 PDF, under the same token,
consent and duty headers, issued, logged and verifiable like it; every refusal JSON
with a code and a status below 500."""

from __future__ import annotations

import asyncio
import copy
import hashlib
import logging
import os
import re
import shutil
import subprocess
from collections.abc import AsyncIterator, Mapping, Sequence
from io import BytesIO
from pathlib import Path
from typing import Any

import orjson
import pytest
from pypdf import PdfReader
from reportlab.platypus.doctemplate import LayoutError
from sqlalchemy import func, select

from demo.examples import ADVERSE_COMPANY, CLEAN_COMPANY, CONTROLLER, PERSON
from gateway.config.loader import GatewayConfig
from gateway.store.querylog import LogEntry
from gateway.store.workflow_tables import issued_reports
from service import reports
from service.app import create_app
from service.report_pdf import _numeral, render
from tests import viewers
from tests.conftest import NOW
from tests.server import Client, serve
from tests.test_api_lists import _with_data
from tests.test_api_report import (
    ORGANISATION_SECTIONS,
    PERSON_SECTIONS,
    REPORT,
    VERIFY,
    consent_token,
    entries,
    failing_bureau_app,
)

QUERY_TIME = "2026-11-23 12:00:00"  # NOW in China


class Gateway:
    """A served gateway, its PDF downloads, and every query-log entry appended."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.base = client.url.removesuffix("/graphql")
        self.logged: list[LogEntry] = []

    async def get(
        self, code: str, headers: Mapping[str, str] | None = None, method: str = "GET"
    ) -> tuple[int, Mapping[str, str], bytes]:
        url = f"{self.base}/reports/{code}.pdf"
        async with self.client.session.request(method, url, headers=headers) as response:
            return response.status, response.headers, await response.read()

    async def pdf(self, code: str, headers: Mapping[str, str] | None = None) -> PdfReader:
        status, answer, body = await self.get(code, headers)
        assert status == 200, body[:500]
        assert answer["Content-Type"] == "application/pdf"
        assert answer["Cache-Control"] == "no-store"
        number = re.fullmatch(
            r'attachment; filename="(\w{24})\.pdf"', answer["Content-Disposition"]
        )
        assert number is not None
        return PdfReader(BytesIO(body))


@pytest.fixture
async def gateway(demo_config: GatewayConfig) -> AsyncIterator[Gateway]:
    app = create_app(demo_config, clock=lambda: NOW)
    async with serve(app) as client:
        client.app = app
        served = Gateway(client)
        log = app.state.services.store.query_log
        append = log.append

        async def spying(batch: Sequence[LogEntry]) -> None:
            served.logged.extend(batch)
            await append(batch)

        log.append = spying
        yield served


def text_of(pdf: PdfReader) -> list[str]:
    return [page.extract_text() for page in pdf.pages]


def number_of(pages: list[str]) -> str:
    found = re.search(r"报告编号：(\w{24})", pages[0])
    assert found is not None
    return found.group(1)


@pytest.mark.parametrize(
    ("subject", "who"),
    [(ADVERSE_COMPANY, "self"), (PERSON, "self"), (CLEAN_COMPANY, "public")],
    ids=["company-self", "person-self", "clean-public"],
)
async def test_the_pdf_says_what_the_graphql_report_says_on_numbered_pages(
    gateway: Gateway, demo_config: GatewayConfig, subject: Any, who: str
) -> None:
    headers = viewers.subject(demo_config.auth, subject.code) if who == "self" else {}
    body = await gateway.client.query(REPORT, {"code": subject.code}, headers)
    report = body["data"]["creditReport"]
    pages = text_of(await gateway.pdf(subject.code, headers))
    whole = "".join(pages).replace("\n", "")
    headings = PERSON_SECTIONS if subject is PERSON else ORGANISATION_SECTIONS
    for heading in [*headings, "报告说明", "信用信息概要", report["title"]]:
        assert heading in whole, heading
    assert subject.name in whole
    for entry in entries(report):
        assert entry["title"] in whole, entry["title"]
        for detail in entry["details"]:
            assert detail["text"].replace("\n", "") in whole, detail
    assert "fileObjection" in whole
    assert "applyForRepair" in whole
    # Every page: the report's own number (this PDF is a report of its own),
    # the query time, and which page of how many.
    number = number_of(pages)
    assert len(pages) >= 2
    for index, page in enumerate(pages, start=1):
        assert f"报告编号：{number}" in page
        assert f"查询时间：{QUERY_TIME}" in page
        assert f"第 {index} 页 共 {len(pages)} 页" in page
    verified = await gateway.client.query(VERIFY, {"number": number})
    issued = verified["data"]["verifyReport"]
    assert (issued["issued"], issued["subjectCode"]) == (True, subject.code)
    assert f"内容摘要（SHA-256）：{issued['digest']}" in whole


async def test_the_pdf_uses_the_same_consent_and_duty_headers(
    gateway: Gateway, demo_config: GatewayConfig
) -> None:
    code = ADVERSE_COMPANY.code
    public = "".join(text_of(await gateway.pdf(code)))
    assert "欠缴增值税" not in public  # TAX_ARREARS, authorized
    assert gateway.logged == []
    token = await consent_token(gateway.client, demo_config, code)
    gateway.logged.clear()
    bank = "".join(text_of(await gateway.pdf(code, viewers.bank(demo_config.auth, token))))
    assert "欠缴增值税" in bank
    [entry] = gateway.logged
    assert (entry.subject_code, entry.viewer_code, entry.purpose) == (code, viewers.BANK, "02")
    assert entry.consent_id is not None
    assert "TAX_ARREARS" in entry.items
    gateway.logged.clear()
    # A consent that cannot be used is said, not silently left out of a PDF.
    wrong = viewers.bank(demo_config.auth, token, purpose="03")
    status, _, body = await gateway.get(code, wrong)
    assert (status, _code(body)) == (403, "CONSENT_REQUIRED")
    assert "purpose 02, not 03" in body.decode()
    gateway.logged.clear()
    unit = "".join(text_of(await gateway.pdf(code, viewers.gov(demo_config.auth))))
    assert "扣押财物" in unit  # ADM_ENFORCEMENT, internal
    [entry] = gateway.logged
    assert entry.duty_matter == "PUBLIC_PROCUREMENT"
    assert set(entry.items) == {
        "ADM_ENFORCEMENT",
        "COMMERCIAL_DEFAULT",
        "SOCIAL_INSURANCE_ARREARS",
        "TAX_ARREARS",
    }


def _code(body: bytes) -> str:
    """The first error's code; every error has a message and a code, nothing else."""
    answer: dict[str, Any] = orjson.loads(body)
    errors = answer["errors"]
    assert all(set(e) == {"message", "extensions"} for e in errors)
    assert all(e["extensions"]["code"] for e in errors)
    code: str = errors[0]["extensions"]["code"]
    return code


async def issued(gateway: Gateway) -> int:
    assert gateway.client.app is not None
    engine = gateway.client.app.state.services.store.engine
    async with engine.connect() as connection:
        count: int = await connection.scalar(select(func.count()).select_from(issued_reports))
    return count


async def test_every_refusal_is_coded_json_below_500(
    gateway: Gateway, demo_config: GatewayConfig
) -> None:
    auth = demo_config.auth
    token = await consent_token(gateway.client, demo_config, ADVERSE_COMPANY.code)
    cases: list[tuple[str, Mapping[str, str], str, int, str]] = [
        ("91330106MA2H7K3Q0X", {}, "GET", 400, "BAD_USER_INPUT"),
        ("nonsense", {}, "GET", 400, "BAD_USER_INPUT"),
        ("9" * 5000, {}, "GET", 400, "BAD_USER_INPUT"),
        (ADVERSE_COMPANY.code, {"Authorization": "Basic eA=="}, "GET", 401, "UNAUTHENTICATED"),
        (ADVERSE_COMPANY.code, {"Authorization": "Bearer x.y.z"}, "GET", 401, "UNAUTHENTICATED"),
        (ADVERSE_COMPANY.code, {"X-Consent-Token": "t"}, "GET", 401, "UNAUTHENTICATED"),
        (ADVERSE_COMPANY.code, viewers.gov(auth, "NO_SUCH"), "GET", 400, "BAD_USER_INPUT"),
        (
            ADVERSE_COMPANY.code,
            viewers.gov(auth, "HONOURS_REVIEW", duties=("PUBLIC_PROCUREMENT",)),
            "GET",
            403,
            "FORBIDDEN",
        ),
        # A consent presented but unusable (another purpose), before anything is issued.
        (
            ADVERSE_COMPANY.code,
            viewers.bank(auth, token, purpose="03"),
            "GET",
            403,
            "CONSENT_REQUIRED",
        ),
        (CONTROLLER.code, {}, "GET", 404, "NOT_FOUND"),
        (ADVERSE_COMPANY.code, {}, "POST", 405, "METHOD_NOT_ALLOWED"),
        (ADVERSE_COMPANY.code, {}, "DELETE", 405, "METHOD_NOT_ALLOWED"),
        (ADVERSE_COMPANY.code, {"X-Big": "x" * 40_000}, "GET", 431, "HEADERS_TOO_LARGE"),
    ]
    for code, headers, method, status, error in cases:
        got, answer, body = await gateway.get(code, headers, method)
        assert got == status, (code[:40], headers, method, body[:300])
        assert answer["Content-Type"].startswith("application/json")
        assert _code(body) == error
        assert len(body) < 1000  # a huge code is not echoed whole
        if status == 405:
            assert answer["Allow"] == "GET"
    # HEAD would issue and log a report for no body: refused before anything runs.
    got, answer, body = await gateway.get(ADVERSE_COMPANY.code, viewers.gov(auth), "HEAD")
    assert (got, answer["Allow"], body) == (405, "GET", b"")
    assert answer["Content-Type"].startswith("application/json")
    assert gateway.logged == []
    assert await issued(gateway) == 0


async def test_no_pdf_while_a_source_is_down(demo_config: GatewayConfig, bureau_url: str) -> None:
    app = await failing_bureau_app(demo_config, bureau_url)
    async with serve(app) as client:
        gateway = Gateway(client)
        status, _, body = await gateway.get(ADVERSE_COMPANY.code, viewers.company(demo_config.auth))
    assert (status, _code(body)) == (424, "SOURCE_UNAVAILABLE")


async def test_no_pdf_when_the_query_log_cannot_be_written(
    gateway: Gateway, demo_config: GatewayConfig
) -> None:
    async def failing(batch: Sequence[LogEntry]) -> None:
        raise RuntimeError("the query log is unavailable")

    assert gateway.client.app is not None
    gateway.client.app.state.services.store.query_log.append = failing
    status, _, body = await gateway.get(ADVERSE_COMPANY.code, viewers.gov(demo_config.auth))
    assert (status, _code(body)) == (424, "INTERNAL_SERVER_ERROR")


def _png(pdf: bytes, directory: Path) -> tuple[bytes, str]:
    """Page 1 of ``pdf`` rendered by poppler, and what poppler complained of."""
    (directory / "report.pdf").write_bytes(pdf)
    done = subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", "report.pdf", "page"],
        cwd=directory,
        check=True,
        capture_output=True,
        timeout=60,
    )
    return (directory / "page.png").read_bytes(), done.stderr.decode(errors="replace")


# CI installs poppler and a CJK font (.ci/run); elsewhere the render is skipped.
@pytest.mark.skipif(
    shutil.which("pdftoppm") is None and os.environ.get("CI") != "true",
    reason="poppler's pdftoppm not installed",
)
async def test_a_page_renders_to_png(gateway: Gateway, tmp_path: Path) -> None:
    status, _, body = await gateway.get(CLEAN_COMPANY.code)
    assert status == 200
    png, complaints = await asyncio.to_thread(_png, body, tmp_path)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(png) > 10_000
    # The CID font (STSong-Light) is not embedded: a reader draws the Chinese with
    # a font of its own; poppler says so when it has none, and draws nothing.
    assert "Couldn't find a font" not in complaints, complaints


# --- verifying the file --------------------------------------------------------------


async def test_the_file_verifies_by_its_sha256_and_an_altered_one_does_not(
    gateway: Gateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    rendered: list[Mapping[str, Any]] = []

    def spying(report: Mapping[str, Any]) -> bytes:
        rendered.append(report)
        return render(report)

    monkeypatch.setattr(reports, "render", spying)
    status, _, body = await gateway.get(ADVERSE_COMPANY.code)
    assert status == 200
    [report] = rendered
    number, sha256 = report["number"], hashlib.sha256(body).hexdigest()

    async def verify(digest: str) -> dict[str, Any]:
        answer = await gateway.client.query(VERIFY, {"number": number, "digest": digest})
        verification: dict[str, Any] = answer["data"]["verifyReport"]
        return verification

    # `sha256sum report.pdf`, then verifyReport: the file is the one issued.
    verified = await verify(sha256)
    assert (verified["pdfDigest"], verified["digestMatches"]) == (sha256, True)
    assert verified["digest"] == report["digest"]  # the content's, printed in the file
    # One byte changed is another file.
    flipped = bytearray(body)
    flipped[len(flipped) // 2] ^= 0x01
    assert (await verify(hashlib.sha256(flipped).hexdigest()))["digestMatches"] is False
    # A penalty deleted, under the same number, time and printed digest: not the file.
    altered = copy.deepcopy(dict(report))
    for section in altered["sections"]:
        section["entries"] = [e for e in section["entries"] if e["item"] != "ADM_PENALTY"]
    assert len(entries(altered)) == len(entries(dict(report))) - 1
    forged = hashlib.sha256(render(altered)).hexdigest()
    assert (await verify(forged))["digestMatches"] is False


async def test_a_detail_longer_than_a_page_renders(
    demo_config: GatewayConfig, demo_data: Path, tmp_path: Path
) -> None:
    scope = "软件开发；信息技术咨询服务；" * 215  # 3,010 characters
    config = _with_data(
        demo_config,
        demo_data,
        tmp_path,
        "market_regulation.db",
        "UPDATE qy_jbxx SET jyfw = ? WHERE tyshxydm = ?",
        [(scope, CLEAN_COMPANY.code)],
    )
    app = create_app(config, clock=lambda: NOW)
    async with serve(app) as client:
        pdf = await Gateway(client).pdf(CLEAN_COMPANY.code)
    # Each page without its header (two lines) and footer: the scope runs on, whole.
    bodies = ["".join(page.splitlines()[2:-1]) for page in text_of(pdf)]
    assert len(bodies) > 2
    assert scope in "".join(bodies)


async def test_a_report_that_cannot_be_rendered_is_a_coded_refusal_logged(
    gateway: Gateway, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def failing(report: Mapping[str, Any]) -> bytes:
        raise LayoutError("Flowable <Table@0x7f> too large on page 2 in frame 'normal'")

    monkeypatch.setattr(reports, "render", failing)
    with caplog.at_level(logging.ERROR, logger="service.reports"):
        status, answer, body = await gateway.get(CLEAN_COMPANY.code)
    assert (status, _code(body)) == (422, "INTERNAL_SERVER_ERROR")
    assert answer["Content-Type"].startswith("application/json")
    assert b"Flowable" not in body
    assert b"Layout" not in body
    [logged] = [r for r in caplog.records if r.name == "service.reports"]
    assert logged.exc_info is not None
    assert logged.exc_info[0] is LayoutError


def test_sections_are_numbered_past_twenty() -> None:
    assert [_numeral(i) for i in (0, 9, 10, 19, 20, 21, 98, 99)] == [
        "一",
        "十",
        "十一",
        "二十",
        "二十一",
        "二十二",
        "九十九",
        "100",
    ]


async def test_a_report_of_many_sections_renders(gateway: Gateway) -> None:
    body = await gateway.client.query(REPORT, {"code": CLEAN_COMPANY.code})
    report = body["data"]["creditReport"]
    many = {**report, "sections": report["sections"] * 3}  # 27, and 报告说明 28th
    whole = "".join(text_of(PdfReader(BytesIO(render(many))))).replace("\n", "")
    assert "二十七、" in whole
    assert "二十八、报告说明" in whole
