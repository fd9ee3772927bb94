"""the lead register: organisations, events, projects; follow-up per lead with history

Revision ID: 0007
Revises: 0005
Create Date: 2026-12-02

New tables: ``orgs`` and ``org_aliases`` (kept: the watchlist and analysts' alias reviews
live there), ``events``, ``event_reports``, ``event_orgs`` and ``projects`` (derived from
the stored leads: they stay empty here and are built by the first command that needs them
— ``leadwatch db upgrade`` builds them at once), ``follow_ups`` and ``follow_up_history``.

Today's per-article ``lead_status`` rows move to follow-ups anchored to leads:
- every row is kept in ``follow_up_history`` as it was (who: "迁移自文章标记"), so no note
  is lost, whatever the article holds;
- a *dismissed* article dismisses each of its leads (the analyst set the article aside);
- a *followed* article follows its strongest lead (the one every list showed for it):
  following all seven leads of a round-up would claim work nobody started.
Then ``lead_status`` is dropped. The downgrade rebuilds it from the follow-ups (an
article's latest mark among its leads').
"""

import hashlib
import re

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

MIGRATED_BY = "迁移自文章标记"
_NOISE = re.compile(r"[\s\W_]+")


def _lead_key(event: str, sentence: str) -> str:
    """crawler.register.reports.lead_key as of this revision (frozen here)."""
    text = _NOISE.sub("", sentence or "")
    return hashlib.sha1(f"{event}|{text}".encode()).hexdigest()[:16]


def _create_tables() -> None:
    tz = sa.DateTime(timezone=True)
    op.create_table(
        "orgs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("kind", sa.String(20), nullable=False, server_default="other"),
        sa.Column("first_seen_at", tz, nullable=False),
        sa.Column("followed_at", tz, nullable=True),
        sa.Column("followed_by", sa.String(100), nullable=False, server_default=""),
    )
    op.create_table(
        "org_aliases",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "org_id", sa.Integer(), sa.ForeignKey("orgs.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("alias", sa.String(200), nullable=False),
        sa.Column("origin", sa.String(10), nullable=False, server_default="derived"),
        sa.Column("confirmed", sa.Boolean(), nullable=True),
        sa.Column("reviewed_by", sa.String(100), nullable=False, server_default=""),
        sa.Column("reviewed_at", tz, nullable=True),
        sa.UniqueConstraint("org_id", "alias"),
    )
    op.create_index("ix_org_aliases_org_id", "org_aliases", ["org_id"])
    op.create_index("ix_org_aliases_alias", "org_aliases", ["alias"])
    op.create_table(
        "projects",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.Text(), nullable=False, server_default=""),
        sa.Column("stage", sa.String(20), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("place", sa.String(100), nullable=False, server_default=""),
        sa.Column("scope", sa.String(10), nullable=False, server_default="unknown"),
        sa.Column("amount_yuan", sa.BigInteger(), nullable=True),
        sa.Column("n_events", sa.Integer(), nullable=False, server_default="1"),
        sa.Column(
            "anchor_article_id",
            sa.Integer(),
            sa.ForeignKey("articles.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("anchor_key", sa.String(16), nullable=False),
        sa.Column("status", sa.String(10), nullable=True),
        sa.Column("note", sa.Text(), nullable=False, server_default=""),
        sa.Column("status_at", tz, nullable=True),
    )
    for column in ("first_day", "last_day", "anchor_article_id"):
        op.create_index(f"ix_projects_{column}", "projects", [column])
    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("event", sa.String(20), nullable=False),
        sa.Column("stage", sa.String(20), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("exact", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("title", sa.Text(), nullable=False, server_default=""),
        sa.Column("sentence", sa.Text(), nullable=False, server_default=""),
        sa.Column("place", sa.String(100), nullable=False, server_default=""),
        sa.Column("place_label", sa.String(200), nullable=False, server_default=""),
        sa.Column("scope", sa.String(10), nullable=False, server_default="unknown"),
        sa.Column("amount_yuan", sa.BigInteger(), nullable=True),
        sa.Column("amounts", sa.JSON(), nullable=False),
        sa.Column("project_names", sa.JSON(), nullable=False),
        sa.Column(
            "article_id",
            sa.Integer(),
            sa.ForeignKey("articles.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("anchor_key", sa.String(16), nullable=False),
        sa.Column("reports", sa.Integer(), nullable=False, server_default="1"),
        sa.Column("outlets", sa.Integer(), nullable=False, server_default="1"),
        sa.Column("independent", sa.Integer(), nullable=False, server_default="1"),
        sa.Column("n_leads", sa.Integer(), nullable=False, server_default="1"),
        sa.Column("score", sa.Float(), nullable=False, server_default="0"),
        sa.Column("first_seen_at", tz, nullable=False),
        sa.Column(
            "project_id",
            sa.Integer(),
            sa.ForeignKey("projects.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("status", sa.String(10), nullable=True),
        sa.Column("note", sa.Text(), nullable=False, server_default=""),
        sa.Column("status_at", tz, nullable=True),
    )
    for column in ("day", "scope", "article_id", "first_seen_at", "project_id"):
        op.create_index(f"ix_events_{column}", "events", [column])
    op.create_table(
        "event_reports",
        sa.Column(
            "lead_id",
            sa.Integer(),
            sa.ForeignKey("leads.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "event_id", sa.Integer(), sa.ForeignKey("events.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column(
            "article_id",
            sa.Integer(),
            sa.ForeignKey("articles.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("reprint_of", sa.Integer(), nullable=True),
    )
    op.create_index("ix_event_reports_event_id", "event_reports", ["event_id"])
    op.create_index("ix_event_reports_article_id", "event_reports", ["article_id"])
    op.create_table(
        "event_orgs",
        sa.Column(
            "event_id",
            sa.Integer(),
            sa.ForeignKey("events.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "org_id", sa.Integer(), sa.ForeignKey("orgs.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("role", sa.String(10), nullable=False, server_default="party"),
    )
    op.create_index("ix_event_orgs_org_id", "event_orgs", ["org_id"])
    op.create_table(
        "follow_ups",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("subject", sa.String(10), nullable=False),
        sa.Column(
            "article_id",
            sa.Integer(),
            sa.ForeignKey("articles.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("lead_key", sa.String(16), nullable=False),
        sa.Column("event", sa.String(20), nullable=False, server_default=""),
        sa.Column("counterparts", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("note", sa.Text(), nullable=False, server_default=""),
        sa.Column("updated_at", tz, nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=False, server_default=""),
        sa.UniqueConstraint("subject", "article_id", "lead_key"),
        sa.CheckConstraint("status IN ('followed', 'dismissed')", name="ck_follow_ups_status"),
    )
    op.create_index("ix_follow_ups_article_id", "follow_ups", ["article_id"])
    op.create_table(
        "follow_up_history",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("subject", sa.String(10), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("lead_key", sa.String(16), nullable=False, server_default=""),
        sa.Column("status", sa.String(10), nullable=True),
        sa.Column("note", sa.Text(), nullable=False, server_default=""),
        sa.Column("changed_at", tz, nullable=False),
        sa.Column("changed_by", sa.String(100), nullable=False, server_default=""),
        sa.Column("about", sa.Text(), nullable=False, server_default=""),
    )
    op.create_index("ix_follow_up_history_article_id", "follow_up_history", ["article_id"])
    op.create_index("ix_follow_up_history_changed_at", "follow_up_history", ["changed_at"])


_TZ = sa.DateTime(timezone=True)
lead_status = sa.table(
    "lead_status",
    sa.column("article_id", sa.Integer),
    sa.column("status", sa.String),
    sa.column("note", sa.Text),
    sa.column("updated_at", _TZ),
)
leads = sa.table(
    "leads",
    sa.column("article_id", sa.Integer),
    sa.column("event", sa.String),
    sa.column("sentence", sa.Text),
    sa.column("counterparts", sa.JSON),
    sa.column("score", sa.Float),
)
articles = sa.table("articles", sa.column("id", sa.Integer), sa.column("title", sa.Text))
follow_ups = sa.table(
    "follow_ups",
    sa.column("subject", sa.String),
    sa.column("article_id", sa.Integer),
    sa.column("lead_key", sa.String),
    sa.column("event", sa.String),
    sa.column("counterparts", sa.JSON),
    sa.column("status", sa.String),
    sa.column("note", sa.Text),
    sa.column("updated_at", _TZ),
    sa.column("updated_by", sa.String),
)
history = sa.table(
    "follow_up_history",
    sa.column("subject", sa.String),
    sa.column("article_id", sa.Integer),
    sa.column("lead_key", sa.String),
    sa.column("status", sa.String),
    sa.column("note", sa.Text),
    sa.column("changed_at", _TZ),
    sa.column("changed_by", sa.String),
    sa.column("about", sa.Text),
)


def _migrate_statuses() -> None:
    conn = op.get_bind()
    marks = conn.execute(
        sa.select(
            lead_status.c.article_id,
            lead_status.c.status,
            lead_status.c.note,
            lead_status.c.updated_at,
            articles.c.title,
        ).join(articles, articles.c.id == lead_status.c.article_id)
    ).all()
    for article_id, status, note, updated_at, title in marks:
        conn.execute(
            history.insert().values(
                subject="event",
                article_id=article_id,
                lead_key="",
                status=status,
                note=note or "",
                changed_at=updated_at,
                changed_by=MIGRATED_BY,
                about=title or "",
            )
        )
        found = conn.execute(
            sa.select(leads.c.event, leads.c.sentence, leads.c.counterparts, leads.c.score).where(
                leads.c.article_id == article_id
            )
        ).all()
        ranked = sorted(found, key=lambda lead: -(lead.score or 0.0))
        chosen = ranked if status == "dismissed" else ranked[:1]
        keys: set[str] = set()
        for event, sentence, counterparts, _ in chosen:
            key = _lead_key(event, sentence)
            if key in keys:
                continue
            keys.add(key)
            conn.execute(
                follow_ups.insert().values(
                    subject="event",
                    article_id=article_id,
                    lead_key=key,
                    event=event,
                    counterparts=list(counterparts or []),
                    status=status,
                    note=note or "",
                    updated_at=updated_at,
                    updated_by=MIGRATED_BY,
                )
            )


def upgrade() -> None:
    _create_tables()
    _migrate_statuses()
    op.drop_table("lead_status")


def downgrade() -> None:
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
    latest: dict[int, tuple] = {}
    for row in conn.execute(
        sa.select(
            follow_ups.c.article_id,
            follow_ups.c.status,
            follow_ups.c.note,
            follow_ups.c.updated_at,
        )
        .where(follow_ups.c.subject == "event")
        .order_by(follow_ups.c.updated_at)
    ):
        latest[row.article_id] = tuple(row)
    for article_id, status, note, updated_at in latest.values():
        conn.execute(
            lead_status.insert().values(
                article_id=article_id, status=status, note=note, updated_at=updated_at
            )
        )
    for table in (
        "follow_up_history",
        "follow_ups",
        "event_orgs",
        "event_reports",
        "events",
        "projects",
        "org_aliases",
        "orgs",
    ):
        op.drop_table(table)
