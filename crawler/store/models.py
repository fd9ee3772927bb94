"""SQLAlchemy models. Times are stored as UTC and always timezone-aware."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
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
    # finer counters from the crawl's stats: {"errors/http_404": 2, "robots_forbidden": 1, …}
    counters: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)


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

    tags: Mapped[list[Tag]] = relationship(back_populates="article", cascade="all, delete-orphan")
    # Equal scores keep the classifier's order (rows are written in it): PostgreSQL gives
    # ties in no set order, SQLite in row order.
    leads: Mapped[list[Lead]] = relationship(
        back_populates="article",
        cascade="all, delete-orphan",
        order_by="[Lead.score.desc(), Lead.id]",
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


class LeadStatus(Base):
    """Whether an analyst follows up a lead (article) or dismissed it, and why."""

    __tablename__ = "lead_status"
    __table_args__ = (
        CheckConstraint("status IN ('followed', 'dismissed')", name="ck_lead_status_status"),
    )

    article_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    status: Mapped[str] = mapped_column(String(10))
    note: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
