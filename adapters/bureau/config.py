"""How one credit bureau's HTTP API maps to credit records, as configuration.

A `kind = "bureau"` source names the bureau's base URL, how to authenticate,
whether it answers many subjects per request (``mode = "batch"``) or one
(``mode = "per_subject"``), and which of its record types become which
catalogue items (``[[source.mapping]]``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from yarl import URL

from gateway.config.details import detail_mapping
from gateway.config.reader import Table
from gateway.config.resilience import RESILIENCE_KEYS

_HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")  # an RFC 9110 token


class BureauMode(StrEnum):
    """Whether the bureau answers many subjects per request or one."""

    BATCH = "batch"  # POST batch_path {"codes": [...]}
    PER_SUBJECT = "per_subject"  # GET subject_path with {code}


@dataclass(frozen=True, slots=True)
class RecordMapping:
    """One record type of the bureau and how its JSON becomes a record.

    Field names are paths into the record's JSON object, dots for nesting
    (``"rating.agency.name"``).
    """

    type: str
    item: str
    id_field: str
    title: str | None
    title_field: str | None
    occurred_field: str | None
    decided_field: str | None
    ended_field: str | None
    details: Mapping[str, str]
    # An array of {"role", "name", "code"} objects: the persons a list entry
    # names as responsible (004 art. 44).
    responsible_field: str | None = None
    # When the bureau says the record was revoked or corrected by review or court,
    # and why (003 art. 43): the record is withdrawn from that day.
    withdrawn_field: str | None = None
    withdrawal_reason_field: str | None = None


@dataclass(frozen=True, slots=True)
class BureauSourceConfig:
    """A credit bureau's HTTP API. The key is resolved when the source is built."""

    name: str
    base_url: str
    mode: BureauMode
    batch_path: str
    subject_path: str
    auth_header: str
    api_key: str | None
    api_key_env: str | None
    connect_timeout_s: float
    max_batch: int
    max_concurrency: int
    type_field: str
    mappings: tuple[RecordMapping, ...]

    @property
    def items(self) -> frozenset[str]:
        return frozenset(m.item for m in self.mappings)


def parse_bureau_source(t: Table, name: str, data_dir: str) -> BureauSourceConfig:
    """Read a `kind = "bureau"` source (``data_dir`` is unused: bureaus are remote)."""
    t.unknown_keys(_SOURCE_KEYS)
    mode = t.enum("mode", BureauMode, BureauMode.BATCH)
    mappings = tuple(_mapping(m) for m in t.tables("mapping"))
    if not mappings:
        t.problem("mapping", "a bureau source needs at least one [[source.mapping]]")
    _no_duplicate_types(t, mappings)
    api_key, api_key_env = t.opt_string("api_key"), t.opt_string("api_key_env")
    if (api_key is None) == (api_key_env is None):
        t.problem("api_key", "set exactly one of 'api_key' or 'api_key_env'")
    return BureauSourceConfig(
        name=name,
        base_url=_base_url(t),
        mode=mode,
        batch_path=_path(t, "batch_path", "/v1/records:batchGet"),
        subject_path=_subject_path(t),
        auth_header=_header(t),
        api_key=api_key,
        api_key_env=api_key_env,
        connect_timeout_s=_positive(t, t.real("connect_timeout_s", 1.0), "connect_timeout_s"),
        max_batch=_at_least_one(t, "max_batch", 100),
        max_concurrency=_at_least_one(t, "max_concurrency", 4),
        type_field=t.opt_string("type_field") or "type",
        mappings=mappings,
    )


_SOURCE_KEYS = {
    "name",
    "kind",
    "provenance",
    "base_url",
    "mode",
    "batch_path",
    "subject_path",
    "auth_header",
    "api_key",
    "api_key_env",
    "connect_timeout_s",
    "max_batch",
    "max_concurrency",
    "type_field",
    "mapping",
} | RESILIENCE_KEYS
_MAPPING_KEYS = {
    "type",
    "item",
    "id_field",
    "title",
    "title_field",
    "occurred_field",
    "decided_field",
    "ended_field",
    "details",
    "responsible_field",
    "withdrawn_field",
    "withdrawal_reason_field",
}


def _base_url(t: Table) -> str:
    raw = t.string("base_url")
    try:
        url = URL(raw)
    except ValueError:
        url = URL()
    if url.scheme not in ("http", "https") or not url.host:
        t.problem("base_url", f"{raw!r} is not an http:// or https:// URL with a host")
    elif url.query_string or url.fragment:
        t.problem("base_url", "must not carry a query or fragment")
    return raw.rstrip("/")


def _path(t: Table, key: str, default: str) -> str:
    path = t.opt_string(key) or default
    if not path.startswith("/"):
        t.problem(key, f"{path!r} must start with '/'")
    return path


def _subject_path(t: Table) -> str:
    path = _path(t, "subject_path", "/v1/subjects/{code}/records")
    if "{code}" not in path:
        t.problem("subject_path", f"{path!r} must contain '{{code}}'")
    return path


def _header(t: Table) -> str:
    header = t.opt_string("auth_header") or "X-Api-Key"
    if not _HEADER_NAME.match(header):
        t.problem("auth_header", f"{header!r} is not a valid HTTP header name")
    return header


def _positive(t: Table, value: float, key: str) -> float:
    if value <= 0:
        t.problem(key, "must be more than 0")
    return value


def _at_least_one(t: Table, key: str, default: int) -> int:
    value = t.integer(key, default)
    if value < 1:
        t.problem(key, "must be at least 1")
    return value


def _mapping(t: Table) -> RecordMapping:
    t.unknown_keys(_MAPPING_KEYS)
    return RecordMapping(
        type=t.string("type"),
        item=t.string("item"),
        id_field=t.string("id_field"),
        title=t.opt_string("title"),
        title_field=t.opt_string("title_field"),
        occurred_field=t.opt_string("occurred_field"),
        decided_field=t.opt_string("decided_field"),
        ended_field=t.opt_string("ended_field"),
        details=detail_mapping(t.table("details"), "field"),
        responsible_field=t.opt_string("responsible_field"),
        withdrawn_field=t.opt_string("withdrawn_field"),
        withdrawal_reason_field=t.opt_string("withdrawal_reason_field"),
    )


def _no_duplicate_types(t: Table, mappings: tuple[RecordMapping, ...]) -> None:
    seen: set[str] = set()
    for index, mapping in enumerate(mappings):
        if mapping.type in seen:
            t.problem(f"mapping[{index}].type", f"duplicate record type {mapping.type!r}")
        seen.add(mapping.type)
