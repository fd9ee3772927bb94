"""SQLAlchemy models. Times are stored as UTC and always timezone-aware."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out (SQLite keeps no offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; pass an aware datetime")
        if dialect.name == "sqlite":
            return value.astimezone(UTC).replace(tzinfo=None)
        # A naive value would be read in the server's TimeZone (PostgreSQL's timestamptz).
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class CrawlRun(Base):
    __tablename__ = "crawl_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(100), index=True)
    status: Mapped[str] = mapped_column(String(20), default="running")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    pages_fetched: Mapped[int] = mapped_column(Integer, default=0)
    articles_fetched: Mapped[int] = mapped_column(Integer, default=0)
    articles_new: Mapped[int] = mapped_column(Integer, default=0)
    articles_updated: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str] = mapped_column(Text, default="")
    # finer counters from the crawl's stats: {"errors/http_404": 2, "robots_forbidden": 1,
    # "too_complex": 1, "too_complex_urls": ["http://…"], …}
    counters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # the process running the crawl and its host: a 'running' run whose process is gone
    # was killed with it (NULL for runs recorded before revision 0006)
    pid: Mapped[int | None] = mapped_column(Integer, nullable=True)
    host: Mapped[str | None] = mapped_column(String(255), nullable=True)


class Article(Base):
    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(String(2000), unique=True)
    source: Mapped[str] = mapped_column(String(100), index=True)
    title: Mapped[str] = mapped_column(Text)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True, index=True)
    publisher: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    fingerprint: Mapped[str] = mapped_column(String(64), index=True)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"), nullable=True)

    # Highest score first, ties in stored order (rows are written in the classifier's
    # order): without an ORDER BY, PostgreSQL returns rows in no set order, so a re-tagged
    # article could list its sectors the other way round.
    tags: Mapped[list[Tag]] = relationship(
        back_populates="article",
        cascade="all, delete-orphan",
        order_by=lambda: (Tag.score.desc(), Tag.id),
    )
    leads: Mapped[list[Lead]] = relationship(
        back_populates="article",
        cascade="all, delete-orphan",
        # ties in stored order: the same on every backend, before and after re-tagging
        order_by=lambda: (Lead.score.desc(), Lead.id),
    )


class Tag(Base):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(10))  # sector | partner
    name: Mapped[str] = mapped_column(String(200), index=True)
    label: Mapped[str] = mapped_column(String(200), default="")
    score: Mapped[float] = mapped_column(Float)
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    article: Mapped[Article] = relationship(back_populates="tags")


class Lead(Base):
    __tablename__ = "leads"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    event: Mapped[str] = mapped_column(String(20))
    amount_yuan: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    currency: Mapped[str] = mapped_column(String(8), default="CNY")
    amount_text: Mapped[str | None] = mapped_column(String(100), nullable=True)
    counterparts: Mapped[list[str]] = mapped_column(JSON, default=list)
    place: Mapped[str | None] = mapped_column(String(100), nullable=True)
    sentence: Mapped[str] = mapped_column(Text, default="")
    score: Mapped[float] = mapped_column(Float, default=0.0)
    # every investment amount of the sentence: [{"value", "currency", "text"}, …]
    amounts: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)

    article: Mapped[Article] = relationship(back_populates="leads")


class Delivery(Base):
    """One digest for one subscription and period; written before it is sent.

    ``status`` is ``pending`` until every channel accepted it, then ``sent``; ``empty``
    records a scheduled digest that had nothing to send (so it is not owed again).
    ``scheduled_for`` is the cron slot it answers (None for a manual `digest --send`).
    ``channels`` maps each channel (``email``, webhook names) to its own state, so a retry
    resends only what was not accepted. ``watermark`` is the highest article id that
    existed when the items were chosen: the next digest looks only above it.
    """

    __tablename__ = "deliveries"
    __table_args__ = (UniqueConstraint("subscription", "period"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subscription: Mapped[str] = mapped_column(String(100), index=True)
    period: Mapped[str] = mapped_column(String(40))
    message_id: Mapped[str] = mapped_column(String(300))
    recipients: Mapped[list[str]] = mapped_column(JSON, default=list)
    subject: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(
        String(20), default="pending", index=True
    )  # pending | sent | empty
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    scheduled_for: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    watermark: Mapped[int | None] = mapped_column(Integer, nullable=True)
    channels: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # a process sending it holds a lease, so two runs never send one delivery at once
    claimed_by: Mapped[str] = mapped_column(String(200), default="")
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # digest | report (a scheduled 周报/月报: its period is report-week-2025-W07 …)
    kind: Mapped[str] = mapped_column(String(10), default="digest", server_default="digest")

    items: Mapped[list[DeliveryItem]] = relationship(
        back_populates="delivery", cascade="all, delete-orphan"
    )


class DeliveryItem(Base):
    """An article promised to a subscription; unique so nothing is sent twice."""

    __tablename__ = "delivery_items"
    __table_args__ = (UniqueConstraint("subscription", "article_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    delivery_id: Mapped[int] = mapped_column(
        ForeignKey("deliveries.id", ondelete="CASCADE"), index=True
    )
    subscription: Mapped[str] = mapped_column(String(100))
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10), default="lead")  # lead | news

    delivery: Mapped[Delivery] = relationship(back_populates="items")


LEAD_STATUSES = ("followed", "dismissed")
FOLLOW_UP_SUBJECTS = ("event", "project")


# --- the lead register: organisations, events, projects --------------------------------
# Organisations and everything an analyst says (follows, alias reviews, follow-ups) are
# kept; events, their reports and projects are derived from the stored leads and rebuilt
# at will (crawler.register.build).


class Organisation(Base):
    """A counterpart of leads: a firm, institute or public body, with its aliases."""

    __tablename__ = "orgs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default="other")
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # the watchlist (an analyst's, never derived)
    followed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    followed_by: Mapped[str] = mapped_column(String(100), default="")

    aliases: Mapped[list[OrgAlias]] = relationship(
        back_populates="org", cascade="all, delete-orphan", order_by="OrgAlias.alias"
    )


class OrgAlias(Base):
    """Another name of an organisation: from the taxonomy, derived (澄远储能 from 江苏澄远
    储能科技有限公司), seen in a lead, or an analyst's; ``confirmed`` is None until an
    analyst confirms (True) or rejects (False) it. Reviewed aliases survive rebuilds."""

    __tablename__ = "org_aliases"
    __table_args__ = (UniqueConstraint("org_id", "alias"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id", ondelete="CASCADE"), index=True)
    alias: Mapped[str] = mapped_column(String(200), index=True)
    origin: Mapped[str] = mapped_column(
        String(10), default="derived"
    )  # taxonomy|derived|seen|analyst
    confirmed: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    reviewed_by: Mapped[str] = mapped_column(String(100), default="")
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    org: Mapped[Organisation] = relationship(back_populates="aliases")


class Project(Base):
    """Events of one project over its stages (derived)."""

    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text, default="")
    stage: Mapped[str] = mapped_column(String(20))  # of its latest event
    first_day: Mapped[date] = mapped_column(Date, index=True)
    last_day: Mapped[date] = mapped_column(Date, index=True)
    place: Mapped[str] = mapped_column(String(100), default="")
    scope: Mapped[str] = mapped_column(String(10), default="unknown")
    amount_yuan: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    n_events: Mapped[int] = mapped_column(Integer, default=1)
    # its first event's credited lead: follow-ups find the project again after a rebuild
    anchor_article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    anchor_key: Mapped[str] = mapped_column(String(16))
    status: Mapped[str | None] = mapped_column(String(10), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    status_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    events: Mapped[list[Event]] = relationship(back_populates="project", order_by="Event.day")


class Event(Base):
    """One real-world event, merged from the leads of every article reporting it (derived).

    ``article_id``/``anchor_key`` name the credited (earliest) report's lead; ``reports``
    counts articles, ``outlets`` distinct publishers, ``independent`` the reports that
    are not reprints of another; ``n_leads`` lets the linker notice lost leads.
    """

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event: Mapped[str] = mapped_column(String(20))
    stage: Mapped[str] = mapped_column(String(20))
    day: Mapped[date] = mapped_column(Date, index=True)
    exact: Mapped[bool] = mapped_column(Boolean, default=False)
    title: Mapped[str] = mapped_column(Text, default="")
    sentence: Mapped[str] = mapped_column(Text, default="")
    place: Mapped[str] = mapped_column(String(100), default="")
    place_label: Mapped[str] = mapped_column(String(200), default="")
    scope: Mapped[str] = mapped_column(String(10), default="unknown", index=True)
    amount_yuan: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    amounts: Mapped[list[int]] = mapped_column(JSON, default=list)
    project_names: Mapped[list[str]] = mapped_column(JSON, default=list)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    anchor_key: Mapped[str] = mapped_column(String(16))
    reports: Mapped[int] = mapped_column(Integer, default=1)
    outlets: Mapped[int] = mapped_column(Integer, default=1)
    independent: Mapped[int] = mapped_column(Integer, default=1)
    n_leads: Mapped[int] = mapped_column(Integer, default=1)
    score: Mapped[float] = mapped_column(Float, default=0.0)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    project_id: Mapped[int | None] = mapped_column(
        ForeignKey("projects.id", ondelete="SET NULL"), nullable=True, index=True
    )
    status: Mapped[str | None] = mapped_column(String(10), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    status_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    article: Mapped[Article] = relationship()
    project: Mapped[Project | None] = relationship(back_populates="events")
    report_rows: Mapped[list[EventReport]] = relationship(
        back_populates="event", cascade="all, delete-orphan"
    )
    org_rows: Mapped[list[EventOrg]] = relationship(
        back_populates="event", cascade="all, delete-orphan"
    )


class EventReport(Base):
    """A lead reporting an event (derived); ``reprint_of`` is the earlier report's
    article when this article copies it."""

    __tablename__ = "event_reports"

    lead_id: Mapped[int] = mapped_column(
        ForeignKey("leads.id", ondelete="CASCADE"), primary_key=True
    )
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    reprint_of: Mapped[int | None] = mapped_column(Integer, nullable=True)

    event: Mapped[Event] = relationship(back_populates="report_rows")
    lead: Mapped[Lead] = relationship()
    article: Mapped[Article] = relationship()


class EventOrg(Base):
    """An organisation taking part in an event (derived); ``role`` is ``party`` or
    ``government`` (the office's side, mostly)."""

    __tablename__ = "event_orgs"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    org_id: Mapped[int] = mapped_column(
        ForeignKey("orgs.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(String(10), default="party")

    event: Mapped[Event] = relationship(back_populates="org_rows")
    org: Mapped[Organisation] = relationship()


class FollowUp(Base):
    """An analyst's follow-up of an event (a lead) or a project: the current state.

    Anchored to a lead (its article and :func:`crawler.register.reports.lead_key`, with the
    event type and counterparts to find it again should re-tagging change its sentence),
    not to a derived row, so it survives every rebuild of the register.
    """

    __tablename__ = "follow_ups"
    __table_args__ = (
        UniqueConstraint("subject", "article_id", "lead_key"),
        CheckConstraint("status IN ('followed', 'dismissed')", name="ck_follow_ups_status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject: Mapped[str] = mapped_column(String(10))  # event | project
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    lead_key: Mapped[str] = mapped_column(String(16))
    event: Mapped[str] = mapped_column(String(20), default="")
    counterparts: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(10))
    note: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(100), default="")


class FollowUpChange(Base):
    """One change of a follow-up, kept for good: who set what, when, with which note
    (``status`` None: the mark was cleared)."""

    __tablename__ = "follow_up_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject: Mapped[str] = mapped_column(String(10))
    article_id: Mapped[int] = mapped_column(Integer, index=True)
    lead_key: Mapped[str] = mapped_column(String(16), default="")
    status: Mapped[str | None] = mapped_column(String(10), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    changed_by: Mapped[str] = mapped_column(String(100), default="")
    about: Mapped[str] = mapped_column(Text, default="")  # what it was, as shown then
