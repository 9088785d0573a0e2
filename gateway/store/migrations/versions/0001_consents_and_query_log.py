"""Consents, the hash-chained query log and its head.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

GENESIS = "0" * 64

# 001 art. 39: nobody may alter or delete query records. The triggers refuse
# it at the database; `credit-gateway audit verify` catches anyone who gets
# past them (e.g. by dropping a trigger).
_SQLITE_TRIGGERS = [
    "CREATE TRIGGER query_log_no_update BEFORE UPDATE ON query_log "
    "BEGIN SELECT RAISE(ABORT, 'query_log is append-only'); END",
    "CREATE TRIGGER query_log_no_delete BEFORE DELETE ON query_log "
    "BEGIN SELECT RAISE(ABORT, 'query_log is append-only'); END",
]
_POSTGRES_TRIGGERS = [
    "CREATE FUNCTION query_log_append_only() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION 'query_log is append-only'; END; $$ LANGUAGE plpgsql",
    "CREATE TRIGGER query_log_no_change BEFORE UPDATE OR DELETE ON query_log "
    "FOR EACH ROW EXECUTE FUNCTION query_log_append_only()",
]
_MYSQL_TRIGGERS = [
    "CREATE TRIGGER query_log_no_update BEFORE UPDATE ON query_log FOR EACH ROW "
    "SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'query_log is append-only'",
    "CREATE TRIGGER query_log_no_delete BEFORE DELETE ON query_log FOR EACH ROW "
    "SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'query_log is append-only'",
]


def upgrade() -> None:
    op.create_table(
        "consents",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("subject_code", sa.String(18), nullable=False, index=True),
        sa.Column("grantee_code", sa.String(18), nullable=False, index=True),
        sa.Column("purpose", sa.String(8), nullable=False),
        sa.Column("items", sa.Text, nullable=False),
        sa.Column("sensitive_financial", sa.Boolean, nullable=False),
        sa.Column("valid_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("valid_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "query_log",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("viewer_kind", sa.String(16), nullable=False),
        sa.Column("viewer_code", sa.String(64), nullable=False),
        sa.Column("viewer_name", sa.String(200), nullable=True),
        sa.Column("subject_code", sa.String(18), nullable=False, index=True),
        sa.Column("items", sa.Text, nullable=False),
        sa.Column("purpose", sa.String(64), nullable=True),
        sa.Column("duty_matter", sa.String(64), nullable=True),
        sa.Column("consent_id", sa.String(36), nullable=True),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    head = op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.bulk_insert(head, [{"id": 1, "seq": 0, "hash": GENESIS}])
    dialect = op.get_bind().dialect.name
    triggers = {"sqlite": _SQLITE_TRIGGERS, "postgresql": _POSTGRES_TRIGGERS}.get(
        dialect, _MYSQL_TRIGGERS
    )
    for statement in triggers:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS query_log_no_change ON query_log")
        op.execute("DROP FUNCTION IF EXISTS query_log_append_only()")
    op.drop_table("audit_head")
    op.drop_table("query_log")
    op.drop_table("consents")
