"""``GET /reports/{code}.pdf``: a credit report (001 art. 40) as a PDF download.

The route runs :data:`REPORT_QUERY` through the gateway's own schema, with the
viewer resolved from the same headers as ``/graphql`` (bearer token, consent
tokens, query purpose, duty matter), so the PDF is issued, recorded and logged
exactly as ``Query.creditReport`` is, and says what it said. Every refusal is
JSON with a stable ``extensions.code``; a status below 500 for everything,
since a source that is down or a query log that cannot be written is not a
fault of this server's code (``424 Failed Dependency``: retry later).

Once served, the SHA-256 of the exact bytes is recorded with the report, so
whoever holds the file can check it (``verifyReport``): the file is what they
hold, and a PDF altered in any way no longer matches.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Mapping
from typing import Any

import strawberry
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from gateway.access import AccessRefused
from gateway.config.settings import Limits
from gateway.errors import ErrorCode
from resolvers.context import Context
from service.http import answers
from service.http.endpoint import AccessResolver, ContextFactory
from service.report_pdf import render

log = logging.getLogger(__name__)

_ENTRY = """recordId title item itemName category providerUnit occurredOn decidedOn
  disclosureUntil status underObjection objectedOn details { key label text }
  events { kind on note }"""

REPORT_QUERY = f"""query Report($code: String!) {{ creditReport(code: $code) {{
  number version title issuer issuedAt scope requester
  subject {{ code kind name legalRepresentative establishedOn address tags }}
  summary {{ category count }}
  sections {{ id title entries {{ {_ENTRY} }} }}
  explanationTitle explanation digest }} }}"""

_STATUS = {
    ErrorCode.BAD_USER_INPUT: 400,
    ErrorCode.UNAUTHENTICATED: 401,
    ErrorCode.FORBIDDEN: 403,
    ErrorCode.CONSENT_REQUIRED: 403,
    ErrorCode.NOT_FOUND: 404,
}
_FAILED_DEPENDENCY = 424
_SOURCE_FAILURES = {
    ErrorCode.SOURCE_UNAVAILABLE,
    ErrorCode.SOURCE_TIMEOUT,
    ErrorCode.SOURCE_REJECTED,
}
_UNRENDERABLE = 422
# How much of a code in the path an error repeats (a code has 18 characters).
_ECHOED = 40


class ReportDownload:
    """The endpoint; ``access`` and ``context`` are those ``/graphql`` uses."""

    def __init__(
        self,
        schema: strawberry.Schema,
        *,
        limits: Limits,
        access: AccessResolver,
        context: ContextFactory,
    ) -> None:
        self.schema = schema
        self.limits = limits
        self.access = access
        self.context = context

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = await self.respond(Request(scope, receive))
        await response(scope, receive, send)

    async def respond(self, request: Request) -> Response:
        # HEAD (which Starlette adds to a GET route) would issue and log a report
        # for no body: refused before anything runs, as /graphql refuses it.
        if request.method != "GET":
            message = "Use GET to download a report."
            return _refusal(ErrorCode.METHOD_NOT_ALLOWED, message, 405, {"Allow": "GET"})
        size = sum(len(name) + len(value) for name, value in request.headers.raw)
        if size > self.limits.max_header_bytes:
            message = f"The request's headers exceed {self.limits.max_header_bytes} bytes."
            return _refusal(ErrorCode.HEADERS_TOO_LARGE, message, 431)
        try:
            access = await self.access(request, [])
        except AccessRefused as refused:
            headers = {"WWW-Authenticate": "Bearer"} if refused.status == 401 else None
            return _refusal(refused.code, refused.message, refused.status, headers)
        code: str = request.path_params["code"]
        if len(code) > _ECHOED:
            message = (
                f"{code[:_ECHOED]!r}... ({len(code)} characters) is not a valid subject code: "
                "a unified social credit code or citizen ID number has 18."
            )
            return _refusal(ErrorCode.BAD_USER_INPUT, message, 400)
        if access.notices:
            # A consent that cannot be used is said, not silently left out of a PDF;
            # said before a report is issued or logged.
            return _failed(
                [
                    {"message": notice, "extensions": {"code": ErrorCode.CONSENT_REQUIRED.value}}
                    for notice in access.notices
                ]
            )
        context: Context = self.context(access)
        outcome = await self.schema.execute(
            REPORT_QUERY,
            variable_values={"code": code},
            context_value=context,
            operation_name="Report",
        )
        report = (outcome.data or {}).get("creditReport")
        # Where in the gateway's own document an error arose means nothing here.
        errors: list[Mapping[str, Any]] = [
            {"message": e.message, "extensions": e.extensions or {}} for e in outcome.errors or ()
        ]
        # A report issued is complete for this viewer (resolvers/report.py): a source
        # that failed serves nothing it may see of the subject. Any other error stops it.
        if report is None or any(_code(e) not in _SOURCE_FAILURES for e in errors):
            return _failed(errors)
        return await _download(context, report)


async def _download(context: Context, report: Mapping[str, Any]) -> Response:
    """The PDF of ``report``, its digest recorded; a coded refusal if either fails."""
    number = report["number"]
    try:
        pdf = await asyncio.to_thread(render, report)
    except Exception:
        # reportlab's own errors (LayoutError and the like) say nothing a client can use.
        log.exception("report %s could not be rendered as PDF", number)
        message = (
            f"Report {number} was issued but could not be rendered as PDF; this has been "
            "logged. Query.creditReport gives the same report."
        )
        return _refusal(ErrorCode.INTERNAL_SERVER_ERROR, message, _UNRENDERABLE)
    digest = hashlib.sha256(pdf).hexdigest()
    try:
        recorded = await context.services.store.reports.add_pdf_digest(number, digest)
    except Exception:
        log.exception("the PDF digest of report %s could not be recorded", number)
        recorded = False
    if not recorded:
        # A file verifyReport could not vouch for is not served.
        message = "The report's file could not be recorded for verification; retry later."
        return _refusal(ErrorCode.INTERNAL_SERVER_ERROR, message, _FAILED_DEPENDENCY)
    return Response(
        pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{number}.pdf"',
            "Cache-Control": "no-store",
        },
    )


def _failed(errors: list[Mapping[str, Any]]) -> Response:
    """No PDF: the execution's own coded errors, or NOT_FOUND when it found nothing."""
    if not errors:
        return _refusal(ErrorCode.NOT_FOUND, "Nothing about this subject is visible to you.", 404)
    codes = [_code(e) for e in errors]
    known = [ErrorCode(c) for c in codes if c in ErrorCode.__members__]
    status = next((_STATUS[c] for c in known if c in _STATUS), _FAILED_DEPENDENCY)
    return answers.json_response({"errors": errors}, status, headers={"Cache-Control": "no-store"})


def _code(error: Mapping[str, Any]) -> str:
    return str((error.get("extensions") or {}).get("code"))


def _refusal(
    code: ErrorCode, message: str, status: int, headers: Mapping[str, str] | None = None
) -> Response:
    return answers.json_response(answers.error_body(code, message), status, headers=headers)
