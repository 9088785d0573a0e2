"""Gateway-wide settings from `config/gateway.toml`.

Every default is the dataclass field's default, written once here; the parser
reads a key only when the file sets it.
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

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


AUDIT_KEY_ENV = "CREDIT_GATEWAY_AUDIT_KEY_FILE"
DEV_AUDIT_KEY = "audit-dev-signing-key.pem"  # in the data dir, beside a SQLite store


@dataclass(frozen=True, slots=True)
class Audit:
    """Signed checkpoints over the hash-chained logs (`gateway.store.checkpoints`).

    The Ed25519 private key must live outside the store: whoever can write the
    tables could otherwise re-sign a rewritten chain. Paths are absolute once
    parsed. ``signing_key_file`` unset means a development key, generated on
    first use at ``dev_key_file``, which `serve` refuses beyond loopback.
    """

    signing_key_file: str | None = None  # PEM, PKCS#8; or CREDIT_GATEWAY_AUDIT_KEY_FILE
    verify_key_file: str | None = None  # PEM public key; unset: derived from the signing key
    checkpoint_every: int = 100  # sign the head whenever an append crosses a multiple of this
    dev_key_file: str = f"var/demo/{DEV_AUDIT_KEY}"

    @property
    def key_file(self) -> str:
        """The private key's path: the configured one, else the development key's."""
        return self.signing_key_file or self.dev_key_file


WEBHOOK_SECRET_ENV = "CREDIT_GATEWAY_WEBHOOK_SECRET_FILE"


@dataclass(frozen=True, slots=True)
class Notifications:
    """Push each notification to a webhook (000 arts. 45-46, 004 art. 52: the subject
    is told of outcomes; a portal or mobile app needs them pushed).

    Off while ``webhook_url`` is unset. Each POST is signed with HMAC-SHA256 under
    the secret in ``secret_file`` (absolute once parsed); a failed one is tried
    again after ``backoff_s`` seconds, doubling up to ``max_backoff_s``, until
    ``max_attempts`` attempts have failed (`service.webhooks`).
    """

    webhook_url: str | None = None
    secret_file: str | None = None  # or CREDIT_GATEWAY_WEBHOOK_SECRET_FILE
    max_attempts: int = 8
    backoff_s: int = 2  # the first retry's delay; doubles after each failure
    max_backoff_s: int = 3_600
    timeout_s: float = 5.0  # one POST, connecting included
    poll_s: float = 1.0  # how often the outbox is read for due notifications
    # How often the serving process looks at watched subjects' records for what
    # their sources changed (service/sweeper.py); 0: never (cron runs
    # `credit-gateway notify sweep` instead).
    sweep_every_s: float = 300.0

    @property
    def enabled(self) -> bool:
        return self.webhook_url is not None


@dataclass(frozen=True, slots=True)
class Settings:
    server: Server
    limits: Limits
    store_url: str = "sqlite+aiosqlite:///var/gateway.db"
    documents: Documents = field(default_factory=Documents)
    audit: Audit = field(default_factory=Audit)
    notifications: Notifications = field(default_factory=Notifications)


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine only (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def parse_settings(root: Table, data_dir: str) -> Settings:
    """Read `[server]`, `[limits]`, `[documents]`, `[store]`, `[audit]` and `[notifications]`.

    `[auth]` and `[consent]` are read elsewhere.
    """
    root.unknown_keys(
        {"server", "limits", "documents", "store", "audit", "notifications", "auth", "consent"}
    )
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
        audit=_audit(root.table("audit"), data_dir),
        notifications=_notifications(root.table("notifications")),
    )


def _audit(table: Table, data_dir: str) -> Audit:
    """`[audit]`; key paths relative to the configuration directory."""
    table.unknown_keys({"signing_key_file", "verify_key_file", "checkpoint_every"})
    every = table.integer("checkpoint_every", Audit().checkpoint_every)
    if every < 1:
        table.problem("checkpoint_every", "must be at least 1")
    from_env = os.environ.get(AUDIT_KEY_ENV)
    signing = Path(from_env).resolve() if from_env else _path(table, "signing_key_file")
    return Audit(
        signing_key_file=_optional_str(signing),
        verify_key_file=_optional_str(_path(table, "verify_key_file")),
        checkpoint_every=every,
        dev_key_file=str(Path(data_dir) / DEV_AUDIT_KEY),
    )


def _notifications(table: Table) -> Notifications:
    """`[notifications]`; the secret file relative to the configuration directory."""
    table.unknown_keys({f.name for f in fields(Notifications)})
    defaults = Notifications()
    from_env = os.environ.get(WEBHOOK_SECRET_ENV)
    secret = Path(from_env).resolve() if from_env else _path(table, "secret_file")
    parsed = Notifications(
        webhook_url=table.opt_string("webhook_url"),
        secret_file=_optional_str(secret),
        max_attempts=table.integer("max_attempts", defaults.max_attempts),
        backoff_s=table.integer("backoff_s", defaults.backoff_s),
        max_backoff_s=table.integer("max_backoff_s", defaults.max_backoff_s),
        timeout_s=table.real("timeout_s", defaults.timeout_s),
        poll_s=table.real("poll_s", defaults.poll_s),
        sweep_every_s=table.real("sweep_every_s", defaults.sweep_every_s),
    )
    if parsed.sweep_every_s < 0:
        table.problem("sweep_every_s", "must be 0 (never) or more")
    for name in ("max_attempts", "backoff_s", "timeout_s", "poll_s"):
        if getattr(parsed, name) <= 0:
            table.problem(name, "must be positive")
    if parsed.max_backoff_s < parsed.backoff_s:
        table.problem("max_backoff_s", "must be at least backoff_s")
    if parsed.webhook_url is not None:
        _check_webhook(table, parsed.webhook_url, secret)
    return parsed


def _check_webhook(table: Table, url: str, secret: Path | None) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        table.problem("webhook_url", f"must be an http:// or https:// URL, got {url!r}")
    if secret is None:
        message = f"(or {WEBHOOK_SECRET_ENV}) is required when webhook_url is set: it signs"
        table.problem("secret_file", f"{message} every delivery")
    elif not secret.is_file():
        table.problem("secret_file", f"{secret} is not a file")
    elif not secret.read_bytes().strip():
        table.problem("secret_file", f"{secret} is empty")


def _path(table: Table, name: str) -> Path | None:
    value = table.opt_string(name)
    return None if value is None else (Path(table.file).parent / value).resolve()


def _optional_str(path: Path | None) -> str | None:
    return None if path is None else str(path)


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
