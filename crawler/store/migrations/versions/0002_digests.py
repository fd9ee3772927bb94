"""digests: retry backoff, per-channel results, scheduled slot, watermark, lease, item kind

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("scheduled_for", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("watermark", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("channels", sa.JSON(), nullable=False, server_default=sa.text("'{}'"))
        )
        batch_op.add_column(
            sa.Column("claimed_by", sa.String(length=200), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index("ix_deliveries_status", ["status"], unique=False)
    with op.batch_alter_table("delivery_items", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=10), nullable=False, server_default="lead")
        )


def downgrade() -> None:
    with op.batch_alter_table("delivery_items", schema=None) as batch_op:
        batch_op.drop_column("kind")
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_deliveries_status")
        batch_op.drop_column("claimed_until")
        batch_op.drop_column("claimed_by")
        batch_op.drop_column("channels")
        batch_op.drop_column("watermark")
        batch_op.drop_column("next_attempt_at")
        batch_op.drop_column("scheduled_for")
