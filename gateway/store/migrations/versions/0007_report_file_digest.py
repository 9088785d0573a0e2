"""The SHA-256 of an issued report's PDF, as served: what its holder can check.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Null for a report served over GraphQL only, and for those issued before.
    with op.batch_alter_table("issued_reports") as batch:
        batch.add_column(sa.Column("pdf_digest", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("issued_reports") as batch:
        batch.drop_column("pdf_digest")
