"""``GET /reports/{code}.pdf``: a credit report (001 art. 40) as a PDF download.

The route runs :data:`REPORT_QUERY` through the gateway's own schema, with the
viewer resolved from the same headers as ``/graphql`` (bearer token, consent
tokens, query purpose, duty matter), so the PDF is issued, recorded and logged
exactly as ``Query.creditReport`` is, and says what it said. Every refusal is
JSON with a stable ``extensions.code``; a status below 500 for everything,
since a source that is down or a query log that cannot be written is not a
fault of this server's code (``424 Failed Dependency``: retry later).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

import strawberry
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from gateway.access import AccessRefused
from gateway.config.settings import Limits
from gateway.errors import ErrorCode
from service.http import answers
from service.http.endpoint import AccessResolver, ContextFactory
from service.report_pdf import render

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
        size = sum(len(name) + len(value) for name, value in request.headers.raw)
        if size > self.limits.max_header_bytes:
            message = f"The request's headers exceed {self.limits.max_header_bytes} bytes."
            return _refusal(ErrorCode.HEADERS_TOO_LARGE, message, 431)
        try:
            access = await self.access(request, [])
        except AccessRefused as refused:
            headers = {"WWW-Authenticate": "Bearer"} if refused.status == 401 else None
            return _refusal(refused.code, refused.message, refused.status, headers)
        outcome = await self.schema.execute(
            REPORT_QUERY,
            variable_values={"code": request.path_params["code"]},
            context_value=self.context(access),
            operation_name="Report",
        )
        report = (outcome.data or {}).get("creditReport")
        if outcome.errors or report is None:
            # Where in the gateway's own document an error arose means nothing here.
            errors: list[Mapping[str, Any]] = [
                {"message": e.message, "extensions": e.extensions or {}}
                for e in outcome.errors or ()
            ]
            return _failed(errors)
        pdf = await asyncio.to_thread(render, report)
        return Response(
            pdf,
            media_type="application/pdf",
            headers={
                "Content-Disposition": f'attachment; filename="{report["number"]}.pdf"',
                "Cache-Control": "no-store",
            },
        )


def _failed(errors: list[Mapping[str, Any]]) -> Response:
    """No PDF: the execution's own coded errors, or NOT_FOUND when it found nothing."""
    if not errors:
        return _refusal(ErrorCode.NOT_FOUND, "Nothing about this subject is visible to you.", 404)
    codes = [str((e.get("extensions") or {}).get("code")) for e in errors]
    known = [ErrorCode(c) for c in codes if c in ErrorCode.__members__]
    status = next((_STATUS[c] for c in known if c in _STATUS), _FAILED_DEPENDENCY)
    return answers.json_response({"errors": errors}, status, headers={"Cache-Control": "no-store"})


def _refusal(
    code: ErrorCode, message: str, status: int, headers: Mapping[str, str] | None = None
) -> Response:
    return answers.json_response(answers.error_body(code, message), status, headers=headers)
