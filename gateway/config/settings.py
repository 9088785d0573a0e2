"""Gateway-wide settings from `config/gateway.toml`.

Every default is the dataclass field's default, written once here; the parser
reads a key only when the file sets it.
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field, fields, replace
from typing import Any, TypeVar

from gateway.config.reader import Table

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Limits:
    """Request limits that keep one caller from exhausting the gateway.

    The operation limits (depth to max_cost) are checked in time linear in the
    document's size before any other validation (`resolvers.operation_limits`).
    """

    max_batch: int = 100  # subject codes per request, across fields (001 art. 40)
    max_page: int = 50  # items per page of a connection
    max_depth: int = 15  # field nesting, through fragments and introspection
    max_aliases: int = 30  # aliased fields, fragments expanded
    max_fields: int = 500  # fields in the operation, fragments expanded
    max_directives: int = 50  # directive applications in the document
    max_cost: int = 100_000  # fields weighted by the `first`/`codes` sizes above them
    max_tokens: int = 2_000  # lexical tokens in one document
    max_document_bytes: int = 65_536  # one document's text (413 beyond); bounds the caches
    max_body_bytes: int = 1_048_576  # request body (413 beyond)
    max_header_bytes: int = 32_768  # all request headers together (431 beyond)
    deadline_ms: int = 3_000  # one request's source calls, retries and waits included


@dataclass(frozen=True, slots=True)
class Server:
    """Where to listen and what to offer there.

    ``graphiql`` and ``introspection`` left unset follow the address: on for a
    loopback host (a developer's machine), off anywhere else.
    """

    host: str = "127.0.0.1"
    port: int = 8000
    graphiql: bool | None = None
    introspection: bool | None = None
    cors_origins: tuple[str, ...] = ()

    @property
    def loopback(self) -> bool:
        return is_loopback(self.host)

    @property
    def graphiql_on(self) -> bool:
        return self.loopback if self.graphiql is None else self.graphiql

    @property
    def introspection_on(self) -> bool:
        return self.loopback if self.introspection is None else self.introspection


@dataclass(frozen=True, slots=True)
class Documents:
    """Persisted operations: Apollo's APQ protocol and trusted documents.

    ``apq`` lets clients register a document by its SHA-256 and then send only
    the hash. ``trusted_only`` runs nothing but the operations in ``manifest``
    (safelisting), as a production portal or mobile app should.
    """

    apq: bool = True
    apq_cache_size: int = 2_000  # documents, each at most max_document_bytes
    trusted_only: bool = False
    manifest: str | None = None


@dataclass(frozen=True, slots=True)
class Settings:
    server: Server
    limits: Limits
    store_url: str = "sqlite+aiosqlite:///var/gateway.db"
    documents: Documents = field(default_factory=Documents)


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine only (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def parse_settings(root: Table, data_dir: str) -> Settings:
    """Read `[server]`, `[limits]`, `[documents]` and `[store]`.

    `[auth]` and `[consent]` are read elsewhere.
    """
    root.unknown_keys({"server", "limits", "documents", "store", "auth", "consent"})
    store = root.table("store")
    store.unknown_keys({"url"})
    store_url = os.environ.get("CREDIT_GATEWAY_STORE_URL") or store.opt_string("url")
    store_url = (store_url or "sqlite+aiosqlite:///{data_dir}/gateway.db").replace(
        "{data_dir}", data_dir
    )
    limits = _read(root.table("limits"), Limits())
    for name, value in _values(limits).items():
        if value < 1:
            root.table("limits").problem(name, "must be at least 1")
    documents = _read(root.table("documents"), Documents())
    if documents.manifest is not None:
        documents = replace(documents, manifest=documents.manifest.replace("{data_dir}", data_dir))
    return Settings(
        server=_read(root.table("server"), Server()),
        limits=limits,
        store_url=store_url,
        documents=documents,
    )


def _values(instance: Any) -> dict[str, Any]:
    return {f.name: getattr(instance, f.name) for f in fields(instance)}


def _read(table: Table, defaults: T) -> T:
    """``defaults`` with every key ``table`` sets, each checked against its default's type."""
    values = _values(defaults)
    table.unknown_keys(set(values))
    changed: dict[str, Any] = {}
    for name, default in values.items():
        if not table.has(name):
            continue
        if isinstance(default, bool) or (default is None and name in _BOOLEAN_OR_UNSET):
            changed[name] = table.boolean(name, bool(default))
        elif isinstance(default, int):
            changed[name] = table.integer(name, default)
        elif isinstance(default, tuple):
            changed[name] = table.strings(name)
        else:
            changed[name] = table.opt_string(name)
    return replace(defaults, **changed)  # type: ignore[type-var]


# Settings whose unset default is None but whose value, when set, is a boolean.
_BOOLEAN_OR_UNSET = frozenset({"graphiql", "introspection"})
