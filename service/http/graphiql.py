"""GraphiQL served by the gateway itself: a page and the assets it loads, all same-origin.

strawberry's own GraphiQL page loads its scripts from a CDN, so without internet
access it never gets past "Loading...". This page loads GraphiQL and React from
``service/static/graphiql/`` (vendored, pinned npm builds; see the README there)
under ``ASSETS_PATH``, and names no other origin at all.
"""

from __future__ import annotations

import hashlib
import secrets
from functools import cache
from html import escape
from pathlib import Path

from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

ASSETS_PATH = "/graphiql"
ASSETS_DIR = Path(__file__).resolve().parent.parent / "static" / "graphiql"

DEFAULT_QUERY = '{ subject(code: "91330106MA2H7K3Q0L") { name kind records { totalCount } } }'

# Scripts and style sheets come from this origin only. The one <style> element
# GraphiQL creates (its dialogs' scroll lock) carries a per-page nonce, which
# start.js hands it as __webpack_nonce__; CodeMirror's and React's inline style
# attributes are allowed. The fonts are data: URLs inside graphiql.min.css.
_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; "
    "style-src-elem 'self' 'nonce-{nonce}'; style-src-attr 'unsafe-inline'; "
    "font-src 'self' data:; img-src 'self' data:; connect-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)

_STYLES = ("graphiql.min.css", "page.css")
_SCRIPTS = (
    "react.production.min.js",
    "react-dom.production.min.js",
    "graphiql.min.js",
    "start.js",
)

# Asset URLs carry ?v=<content hash>, so such a URL never names stale content.
_IMMUTABLE = "public, max-age=31536000, immutable"

_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>credit-gateway GraphiQL</title>
<link rel="icon" href="data:,">
{styles}
</head>
<body>
<div id="graphiql" data-endpoint="{endpoint}" data-default-query="{query}"
     data-style-nonce="{nonce}">Loading…</div>
{scripts}
</body>
</html>
"""


class _Assets(StaticFiles):
    """StaticFiles that lets browsers keep a versioned (``?v=``) asset for a year."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code in (200, 304):
            query: bytes = scope.get("query_string", b"")
            versioned = any(part.startswith(b"v=") for part in query.split(b"&"))
            response.headers["Cache-Control"] = _IMMUTABLE if versioned else "no-cache"
        return response


def assets_mount() -> Mount:
    """The route serving ``service/static/graphiql/`` at ``ASSETS_PATH``."""
    return Mount(ASSETS_PATH, app=_Assets(directory=ASSETS_DIR), name="graphiql-assets")


@cache
def _asset_url(name: str) -> str:
    digest = hashlib.sha256((ASSETS_DIR / name).read_bytes()).hexdigest()[:16]
    return f"{ASSETS_PATH}/{name}?v={digest}"


def graphiql_page(endpoint: str = "/graphql") -> HTMLResponse:
    """GraphiQL posting to ``endpoint``, loading nothing from outside this origin."""
    nonce = secrets.token_urlsafe(18)
    styles = "\n".join(
        f'<link rel="stylesheet" href="{escape(_asset_url(name))}">' for name in _STYLES
    )
    scripts = "\n".join(f'<script src="{escape(_asset_url(name))}"></script>' for name in _SCRIPTS)
    html = _PAGE.format(
        styles=styles,
        scripts=scripts,
        endpoint=escape(endpoint, quote=True),
        query=escape(DEFAULT_QUERY, quote=True),
        nonce=nonce,
    )
    return HTMLResponse(
        html,
        headers={
            "Content-Security-Policy": _CSP.format(nonce=nonce),
            "Cache-Control": "no-cache",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
        },
    )
