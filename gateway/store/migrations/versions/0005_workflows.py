"""The subject-rights workflows: objection and repair cases, their hash-chained step
log, notifications.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

GENESIS = "0" * 64

# Like the query log: every step is kept, none altered (the triggers refuse it;
# `credit-gateway audit verify` catches anyone who gets past them).
_SQLITE = [
    "CREATE TRIGGER workflow_log_no_update BEFORE UPDATE ON workflow_log "
    "BEGIN SELECT RAISE(ABORT, 'workflow_log is append-only'); END",
    "CREATE TRIGGER workflow_log_no_delete BEFORE DELETE ON workflow_log "
    "BEGIN SELECT RAISE(ABORT, 'workflow_log is append-only'); END",
]
_POSTGRES = [
    "CREATE FUNCTION workflow_log_append_only() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION 'workflow_log is append-only'; END; $$ LANGUAGE plpgsql",
    "CREATE TRIGGER workflow_log_no_change BEFORE UPDATE OR DELETE ON workflow_log "
    "FOR EACH ROW EXECUTE FUNCTION workflow_log_append_only()",
]
_MYSQL = [
    "CREATE TRIGGER workflow_log_no_update BEFORE UPDATE ON workflow_log FOR EACH ROW "
    "SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'workflow_log is append-only'",
    "CREATE TRIGGER workflow_log_no_delete BEFORE DELETE ON workflow_log FOR EACH ROW "
    "SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'workflow_log is append-only'",
]


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("subject_code", sa.String(18), nullable=False, index=True),
        sa.Column("record_id", sa.String(200), nullable=False),
        sa.Column("item", sa.String(64), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("evidence", sa.Text, nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("profile", sa.String(16), nullable=False),
        sa.Column("filed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decide_by", sa.Date, nullable=True),
        sa.Column("official", sa.Boolean, nullable=False),
        sa.Column("forwarded_to", sa.String(200), nullable=True),
        sa.Column("forwarded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(64), nullable=True),
        sa.Column("decision_reason", sa.Text, nullable=True),
    )
    op.create_table(
        "workflow_log",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("case_id", sa.String(36), nullable=False, index=True),
        sa.Column("subject_code", sa.String(18), nullable=False, index=True),
        sa.Column("step", sa.String(32), nullable=False),
        sa.Column("actor_kind", sa.String(16), nullable=False),
        sa.Column("actor_code", sa.String(64), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.create_table(
        "notifications",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("subject_code", sa.String(18), nullable=False, index=True),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("case_id", sa.String(36), nullable=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
    )
    head = sa.table("audit_head", sa.column("id"), sa.column("seq"), sa.column("hash"))
    op.bulk_insert(head, [{"id": 2, "seq": 0, "hash": GENESIS}])
    dialect = op.get_bind().dialect.name
    for statement in {"sqlite": _SQLITE, "postgresql": _POSTGRES}.get(dialect, _MYSQL):
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS workflow_log_no_change ON workflow_log")
        op.execute("DROP FUNCTION IF EXISTS workflow_log_append_only()")
    op.execute("DELETE FROM audit_head WHERE id = 2")
    op.drop_table("notifications")
    op.drop_table("workflow_log")
    op.drop_table("cases")
