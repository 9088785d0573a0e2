"""The tables of the subject-rights workflows (objection and repair cases), their log,
notifications (and their webhook outbox), the record watch and issued reports.

Kept beside :mod:`gateway.store.tables`, on the same metadata.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, DateTime, Integer, String, Table, Text

from gateway.store.tables import metadata

cases = Table(
    "cases",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("kind", String(16), nullable=False),  # OBJECTION, REPAIR
    Column("subject_code", String(18), nullable=False, index=True),
    Column("record_id", String(200), nullable=False),
    Column("item", String(64), nullable=False),
    Column("reason", Text, nullable=False),
    Column("evidence", Text, nullable=True),
    # OBJECTION: ANNOTATED, FORWARDED, UPHELD, REJECTED; REPAIR: APPLIED, APPROVED, REJECTED
    Column("status", String(16), nullable=False),
    Column("profile", String(16), nullable=False),
    Column("filed_at", DateTime(timezone=True), nullable=False),
    Column("decide_by", Date, nullable=True),  # null: the profile sets no deadline
    Column("official", Boolean, nullable=False),  # deadline on the official calendar
    Column("forwarded_to", String(200), nullable=True),
    Column("forwarded_at", DateTime(timezone=True), nullable=True),
    Column("decided_at", DateTime(timezone=True), nullable=True),
    Column("decided_by", String(64), nullable=True),
    Column("decision_reason", Text, nullable=True),
    Column("corrections", Text, nullable=True),  # JSON: field -> corrected value (004 art. 52)
)

# Every step of every case, hash-chained like the query log (head: audit_head id 2).
workflow_log = Table(
    "workflow_log",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("case_id", String(36), nullable=False, index=True),
    Column("subject_code", String(18), nullable=False, index=True),
    Column("step", String(32), nullable=False),
    Column("actor_kind", String(16), nullable=False),
    Column("actor_code", String(64), nullable=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("note", Text, nullable=True),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)

notifications = Table(
    "notifications",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("subject_code", String(18), nullable=False, index=True),
    Column("seq", Integer, nullable=False),  # the workflow-log step it tells of
    Column("at", DateTime(timezone=True), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("case_id", String(36), nullable=True),
    Column("text", Text, nullable=False),
    Column("read_at", DateTime(timezone=True), nullable=True),
    Column("record_id", String(200), nullable=True),  # the record it tells of, if one
    # The outbox of the configured webhook: delivered, or when to try again.
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", DateTime(timezone=True), nullable=True, index=True),
    Column("delivered_at", DateTime(timezone=True), nullable=True),
    Column("delivery_error", Text, nullable=True),
)

# What the subject was last told of each of its records that a source changed
# on its own (listed, removed, withdrawn, corrected: 003 art. 33, 003 art. 43, 004 art. 52):
# the record's state and a digest of its content, as last seen.
record_watch = Table(
    "record_watch",
    metadata,
    Column("subject_code", String(18), primary_key=True),
    Column("record_id", String(200), primary_key=True),
    Column("state", String(64), nullable=False),
    Column("digest", String(64), nullable=False),
    Column("seen_at", DateTime(timezone=True), nullable=False),
)

# Credit reports issued (001 art. 40): not their content, only what verifies one.
issued_reports = Table(
    "issued_reports",
    metadata,
    Column("number", String(40), primary_key=True),
    Column("subject_code", String(18), nullable=False, index=True),
    Column("viewer_kind", String(16), nullable=False),
    Column("viewer_code", String(64), nullable=False),
    Column("version", String(16), nullable=False),
    Column("issued_at", DateTime(timezone=True), nullable=False),
    Column("digest", String(64), nullable=False),  # SHA-256 of the report's content
    # SHA-256 of the PDF file as served, bytes for bytes; null unless served as PDF.
    Column("pdf_digest", String(64), nullable=True),
)
