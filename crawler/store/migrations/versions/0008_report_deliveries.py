"""deliveries.kind: a digest or a scheduled report (招商周报 / 月报)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05

A subscription with ``report = "weekly"`` or ``"monthly"`` gets the report of each closed
week or month by mail, exactly once: one delivery row per report, its period the week's
or month's key (``report-week-2025-W07``), with the same uniqueness, lease and retry as a
digest. ``kind`` tells the rows apart (the digest's watermark and "last digest" look at
digests only); every row stored before this revision is a digest.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN with a server default fills the existing rows (no batch rebuild:
    # delivery_items' rows point at deliveries).
    op.add_column(
        "deliveries",
        sa.Column("kind", sa.String(length=10), nullable=False, server_default="digest"),
    )


def downgrade() -> None:
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_column("kind")
