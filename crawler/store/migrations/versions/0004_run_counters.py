"""crawl_runs.counters: a run's finer counters (errors by kind, robots, retries, pages)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25

The five count columns stay as they are; ``counters`` keeps the rest of a run's
``leadwatch/*`` Scrapy stats (e.g. ``errors/http_404``, ``pages/charset_mismatch``,
``robots_forbidden``) and its retries, which were only in the crawl log. Runs recorded
before this revision get ``{}``.
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN: a batch rebuild would drop and re-create the table, which
    # SQLite refuses while other tables' rows point at it (articles.run_id).
    op.add_column(
        "crawl_runs",
        sa.Column("counters", sa.JSON(), nullable=False, server_default=sa.text("'{}'")),
    )


def downgrade() -> None:
    with op.batch_alter_table("crawl_runs", schema=None) as batch_op:
        batch_op.drop_column("counters")
