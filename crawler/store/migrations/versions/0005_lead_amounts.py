"""leads.amounts: every investment amount of a lead's sentence

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25

A lead keeps its headline amount in ``amount_yuan``/``currency``/``amount_text`` (the
largest in CNY, else the first); ``amounts`` lists all of its sentence's investment
amounts as ``{"value", "currency", "text"}`` (总投资8亿元，协议引资额6亿元). Leads stored
before this revision get ``[]`` until `leadwatch reclassify` re-tags them.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN: a batch rebuild would drop and re-create the table, which
    # SQLite refuses while other tables' rows point at it (articles.run_id).
    op.add_column(
        "leads",
        sa.Column("amounts", sa.JSON(), nullable=False, server_default=sa.text("'[]'")),
    )


def downgrade() -> None:
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.drop_column("amounts")
