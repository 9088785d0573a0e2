"""Webhook delivery of notifications, commitment performance, corrections, the
record watch (what the subject was last told of each record) and issued reports.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A notification is also an outbox row for the configured webhook.
    with op.batch_alter_table("notifications") as batch:
        batch.add_column(sa.Column("record_id", sa.String(200), nullable=True))
        batch.add_column(sa.Column("attempts", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("delivery_error", sa.Text, nullable=True))
    op.create_index("ix_notifications_next_attempt_at", "notifications", ["next_attempt_at"])
    # 001 art. 30, 004 art. 22: the accepting unit records whether it was kept.
    with op.batch_alter_table("declarations") as batch:
        batch.add_column(sa.Column("accepting_unit", sa.String(64), nullable=True))
        batch.add_column(sa.Column("performance", sa.String(16), nullable=True))
        batch.add_column(sa.Column("performance_on", sa.Date, nullable=True))
        batch.add_column(sa.Column("performance_note", sa.Text, nullable=True))
        batch.add_column(sa.Column("performance_at", sa.DateTime(timezone=True), nullable=True))
    # 004 art. 52: an upheld objection corrects fields; the mark carries them (JSON).
    with op.batch_alter_table("record_marks") as batch:
        batch.add_column(sa.Column("detail", sa.Text, nullable=True))
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("corrections", sa.Text, nullable=True))
    op.create_table(
        "record_watch",
        sa.Column("subject_code", sa.String(18), primary_key=True),
        sa.Column("record_id", sa.String(200), primary_key=True),
        sa.Column("state", sa.String(64), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "issued_reports",
        sa.Column("number", sa.String(40), primary_key=True),
        sa.Column("subject_code", sa.String(18), nullable=False, index=True),
        sa.Column("viewer_kind", sa.String(16), nullable=False),
        sa.Column("viewer_code", sa.String(64), nullable=False),
        sa.Column("version", sa.String(16), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("issued_reports")
    op.drop_table("record_watch")
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("corrections")
    with op.batch_alter_table("record_marks") as batch:
        batch.drop_column("detail")
    with op.batch_alter_table("declarations") as batch:
        for name in (
            "performance_at",
            "performance_note",
            "performance_on",
            "performance",
            "accepting_unit",
        ):
            batch.drop_column(name)
    op.drop_index("ix_notifications_next_attempt_at", "notifications")
    with op.batch_alter_table("notifications") as batch:
        for name in ("delivery_error", "delivered_at", "next_attempt_at", "attempts", "record_id"):
            batch.drop_column(name)
