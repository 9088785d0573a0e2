"""CORS for browser portals: Starlette's middleware, with an allow-list from config.

A preflight it refuses is answered as coded JSON, like everything else.
"""

from __future__ import annotations

from collections.abc import Sequence

from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response
from starlette.types import ASGIApp

from gateway.errors import ErrorCode
from service.http import answers

# What a portal sends: its bearer token, consents, purpose and duty matter.
ALLOWED_HEADERS = (
    "accept",
    "authorization",
    "content-type",
    "x-consent-token",
    "x-duty-matter",
    "x-query-purpose",
)


class JsonCORSMiddleware(CORSMiddleware):
    """Cross-origin calls from ``origins`` only (``*`` for any); none by default."""

    def __init__(self, app: ASGIApp, origins: Sequence[str] = ()) -> None:
        super().__init__(
            app,
            allow_origins=list(origins),
            allow_methods=["GET", "POST"],
            allow_headers=list(ALLOWED_HEADERS),
            max_age=600,
        )

    def preflight_response(self, request_headers: Headers) -> Response:
        response = super().preflight_response(request_headers)
        if response.status_code < 400:
            return response
        reason = bytes(response.body).decode()
        body = answers.error_body(ErrorCode.FORBIDDEN, f"{reason}; see [server] cors_origins.")
        headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
        headers.pop("content-type", None)
        return answers.json_response(body, 403, headers=headers)
