"""Tables the browsing tools own: an analyst's follow-up status of a lead."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from crawler.store.models import Base, UTCDateTime, utcnow

LEAD_STATUSES = ("followed", "dismissed")
STATUS_LABELS = {"followed": "跟进中", "dismissed": "已排除"}


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
