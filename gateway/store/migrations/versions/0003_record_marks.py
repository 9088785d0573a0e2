"""The gateway's own marks: on records (objection, repair, shield, withdrawal) and on
subjects (list memberships).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "record_marks",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("subject_code", sa.String(18), nullable=False, index=True),
        sa.Column("record_id", sa.String(200), nullable=True),
        sa.Column("mark", sa.String(16), nullable=False),
        sa.Column("list_kind", sa.String(32), nullable=True),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reference", sa.String(200), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("record_marks")
