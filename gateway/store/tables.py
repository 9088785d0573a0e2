"""The store's tables (SQLAlchemy Core). Migrations in ``migrations/`` create them."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

consents = Table(
    "consents",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("subject_code", String(18), nullable=False, index=True),
    Column("grantee_code", String(18), nullable=False, index=True),
    Column("purpose", String(8), nullable=False),
    Column("items", Text, nullable=False),  # JSON list of catalogue item codes
    Column("sensitive_financial", Boolean, nullable=False, default=False),
    Column("valid_from", DateTime(timezone=True), nullable=False),
    Column("valid_until", DateTime(timezone=True), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
)

# 001 art. 39, 001 art. 33: who saw what about whom, when and why; nobody may
# alter it. Rows are hash-chained; ``audit_head`` holds the chain's tip and
# serialises appends across gateway processes.
query_log = Table(
    "query_log",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("viewer_kind", String(16), nullable=False),
    Column("viewer_code", String(64), nullable=False),
    Column("viewer_name", String(200), nullable=True),
    Column("subject_code", String(18), nullable=False, index=True),
    Column("items", Text, nullable=False),  # JSON list of catalogue item codes
    Column("purpose", String(64), nullable=True),
    Column("duty_matter", String(64), nullable=True),
    Column("consent_id", String(36), nullable=True),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)

audit_head = Table(
    "audit_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("seq", Integer, nullable=False),
    Column("hash", String(64), nullable=False),
)

# Signed heads of the hash-chained logs (``gateway.store.checkpoints``): one row
# per (chain, seq), signed with an Ed25519 key kept outside the store.
audit_checkpoints = Table(
    "audit_checkpoints",
    metadata,
    Column("chain", String(32), primary_key=True),
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("hash", String(64), nullable=False),
    Column("signed_at", DateTime(timezone=True), nullable=False),
    Column("key_id", String(64), nullable=False),  # SHA-256 of the raw public key
    Column("signature", String(128), nullable=False),  # hex, 64 bytes
)

# 001 art. 15, 004 art. 30: what subjects declare about themselves, served back
# as records marked SELF_DECLARED.
declarations = Table(
    "declarations",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("subject_code", String(18), nullable=False, index=True),
    Column("item", String(64), nullable=False),
    Column("title", String(200), nullable=False),
    Column("details", Text, nullable=False),  # JSON object: detail key -> value
    Column("declared_at", DateTime(timezone=True), nullable=False),
    # A commitment's performance, recorded by its accepting unit (001 art. 30,
    # 004 art. 22): KEPT or BROKEN, on which day, with the unit's note.
    Column("accepting_unit", String(64), nullable=True),  # a config/provider_units.toml code
    Column("performance", String(16), nullable=True),
    Column("performance_on", Date, nullable=True),
    Column("performance_note", Text, nullable=True),
    Column("performance_at", DateTime(timezone=True), nullable=True),
)

# The gateway's own marks (the record-state stage). On a record (``record_id``,
# its stable id: source, table, row id): an objection pending, a repair done, a
# shield asked for, a withdrawal. On a subject (no record_id): a list
# membership the gateway itself holds (``list_kind``), e.g. key attention.
record_marks = Table(
    "record_marks",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("subject_code", String(18), nullable=False, index=True),
    Column("record_id", String(200), nullable=True),
    Column("mark", String(16), nullable=False),  # OBJECTION, REPAIR, SHIELD, WITHDRAWAL, LISTING
    Column("list_kind", String(32), nullable=True),  # for LISTING
    Column("since", DateTime(timezone=True), nullable=False),
    Column("until", DateTime(timezone=True), nullable=True),  # null: in force
    Column("reference", String(200), nullable=True),  # e.g. the decision behind it
    Column("detail", Text, nullable=True),  # CORRECTION: JSON field -> corrected value
)
