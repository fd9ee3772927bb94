"""full-text search index (SQLite FTS5) and analysts' lead status

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-26

Creates ``lead_status`` on every backend. On SQLite it also creates the ``articles_fts``
index, its pending queue and the triggers that fill the queue (see crawler.store.search),
then backfills: every existing article is tokenized with jieba and indexed now, so the
first search after the upgrade does not pay for it. Other backends get no index; search
says so and points to `items` and `export`.
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "lead_status",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('followed', 'dismissed')", name="ck_lead_status_status"),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("article_id"),
    )
    conn = op.get_bind()
    if conn.dialect.name != "sqlite":
        return
    from crawler.store import search

    search.install(conn)
    if search.enqueue_all(conn):
        while search.index_pending(conn, limit=1000):
            pass


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        from crawler.store import search

        search.uninstall(conn)
    op.drop_table("lead_status")
