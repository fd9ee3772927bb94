"""crawl_runs.pid, crawl_runs.host: which process a running crawl is

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04

A run row is written by the process that starts the crawl (`leadwatch crawl`, the
scheduler) with that process's id and host name; the crawl job takes it over with its
own id as it starts. A run still ``running`` whose process is gone from this host was
killed with it: the next crawl of the source and the scheduler close it as failed at
once instead of waiting out ``crawl_timeout_s``. Runs recorded before this revision have
NULL in both, and are judged by their age as before.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMNs: a batch rebuild would drop and re-create the table, which
    # SQLite refuses while other tables' rows point at it (articles.run_id).
    op.add_column("crawl_runs", sa.Column("pid", sa.Integer(), nullable=True))
    op.add_column("crawl_runs", sa.Column("host", sa.String(length=255), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("crawl_runs", schema=None) as batch_op:
        batch_op.drop_column("host")
        batch_op.drop_column("pid")
