"""Persisted operations: Apollo's APQ protocol and trusted documents (safelisting).

APQ: a client sends ``extensions.persistedQuery = {version: 1, sha256Hash}``
and no query; on ``PERSISTED_QUERY_NOT_FOUND`` it sends both once, the gateway
checks the hash and remembers the document. Trusted documents: only operations
from a manifest run, named by hash (Apollo's persisted query manifest, or a
plain ``{hash: document}`` object as graphql-codegen writes).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from cachetools import LRUCache

from gateway.config.manifest import sha256
from gateway.config.settings import Documents
from gateway.errors import ErrorCode
from service.http.params import GraphQLParams, RequestError

_SHA256 = re.compile(r"[0-9a-f]{64}")


class PersistedDocuments:
    """Turns a request's parameters into the document to run, or refuses it."""

    def __init__(self, settings: Documents, manifest: Mapping[str, str] | None = None) -> None:
        self.settings = settings
        self.manifest = dict(manifest or {})
        self._registered: LRUCache[str, str] = LRUCache(maxsize=settings.apq_cache_size)

    def document(self, params: GraphQLParams) -> str:
        """The GraphQL document this request runs."""
        wanted = _persisted_hash(params.extensions)
        if wanted is None:
            if params.query is None:
                raise RequestError(
                    ErrorCode.BAD_REQUEST, "Send a 'query' (or a persisted query's hash)."
                )
            self._check_trusted(sha256(params.query))
            return params.query
        if params.query is None:
            return self._lookup(wanted)
        if sha256(params.query) != wanted:
            raise RequestError(
                ErrorCode.BAD_REQUEST, "persistedQuery.sha256Hash is not the query's SHA-256."
            )
        self._check_trusted(wanted)
        if self.settings.apq and wanted not in self.manifest:
            self._registered[wanted] = params.query
        return params.query

    def _lookup(self, wanted: str) -> str:
        known = self.manifest.get(wanted)
        if known is None and not self.settings.trusted_only:
            if not self.settings.apq:
                raise RequestError(
                    ErrorCode.PERSISTED_QUERY_NOT_SUPPORTED,
                    "PersistedQueryNotSupported",
                    400,
                )
            known = self._registered.get(wanted)
        if known is None:
            raise RequestError(ErrorCode.PERSISTED_QUERY_NOT_FOUND, "PersistedQueryNotFound", 404)
        return known

    def _check_trusted(self, digest: str) -> None:
        if self.settings.trusted_only and digest not in self.manifest:
            raise RequestError(
                ErrorCode.PERSISTED_QUERY_NOT_IN_LIST,
                "Only trusted documents run here; this operation is not in the manifest.",
                403,
            )


def _persisted_hash(extensions: Mapping[str, Any] | None) -> str | None:
    if not extensions or extensions.get("persistedQuery") is None:
        return None
    persisted = extensions["persistedQuery"]
    if not isinstance(persisted, dict) or persisted.get("version") != 1:
        raise RequestError(
            ErrorCode.BAD_REQUEST,
            "extensions.persistedQuery must be {version: 1, sha256Hash: <64 hex digits>}.",
        )
    digest = persisted.get("sha256Hash")
    if not isinstance(digest, str) or not _SHA256.fullmatch(digest):
        raise RequestError(
            ErrorCode.BAD_REQUEST,
            "extensions.persistedQuery.sha256Hash must be 64 lower-case hex digits.",
        )
    return digest
