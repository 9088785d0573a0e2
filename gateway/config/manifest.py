"""The trusted-documents manifest: the only operations a safelisted gateway runs."""

from __future__ import annotations

import hashlib
from pathlib import Path

import orjson


class ManifestError(ValueError):
    """The manifest cannot be used; the message says why."""


def sha256(document: str) -> str:
    return hashlib.sha256(document.encode()).hexdigest()


def read_manifest(path: Path) -> dict[str, str]:
    """``{sha256: document}`` from an Apollo persisted-query manifest
    (``{"format": "apollo-persisted-query-manifest", "operations": [{id, body}]}``)
    or a plain hash-to-document object, as graphql-codegen's client preset writes.

    Every id must be its document's SHA-256, so no entry can smuggle a document
    in under another's name.
    """
    try:
        data = orjson.loads(path.read_bytes())
    except OSError as error:
        raise ManifestError(f"cannot be read ({error.strerror})") from None
    except orjson.JSONDecodeError:
        raise ManifestError("is not valid JSON") from None
    if isinstance(data, dict) and isinstance(data.get("operations"), list):
        pairs = [
            (op.get("id"), op.get("body")) for op in data["operations"] if isinstance(op, dict)
        ]
    elif isinstance(data, dict):
        pairs = list(data.items())
    else:
        raise ManifestError("must be a JSON object")
    manifest: dict[str, str] = {}
    for digest, body in pairs:
        if not isinstance(digest, str) or not isinstance(body, str) or sha256(body) != digest:
            raise ManifestError(f"entry {digest!r} is not the SHA-256 of its document")
        manifest[digest] = body
    return manifest
