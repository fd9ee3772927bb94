"""Analysts' follow-up marks as the article lists show them.

Follow-ups are per lead (an event) and per project (crawler.register.followups); a list of
articles shows one mark per article: followed when one of its events is followed, else
dismissed when one is dismissed."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Exists, select
from sqlalchemy.orm import Session

from crawler.store.models import Article, Event, EventReport


def lead_statuses(session: Session, article_ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """``{article_id: (status, note)}`` for the articles one of whose events an analyst
    marked; articles without a mark are absent."""
    ids = list(set(article_ids))
    if not ids:
        return {}
    out: dict[int, tuple[str, str]] = {}
    for start in range(0, len(ids), 500):
        rows = session.execute(
            select(EventReport.article_id, Event.status, Event.note)
            .join(Event, Event.id == EventReport.event_id)
            .where(EventReport.article_id.in_(ids[start : start + 500]), Event.status.is_not(None))
            .order_by(Event.status_at)
        )
        for article_id, status, note in rows:
            if out.get(article_id, ("",))[0] != "followed" or status == "followed":
                out[article_id] = (status, note)
    return out


def marked(status: str) -> Exists:
    """A clause on Article: one of its events has ``status`` (followed | dismissed)."""
    return (
        select(EventReport.article_id)
        .join(Event, Event.id == EventReport.event_id)
        .where(EventReport.article_id == Article.id, Event.status == status)
        .exists()
    )


def any_mark() -> Exists:
    """A clause on Article: one of its events is marked."""
    return (
        select(EventReport.article_id)
        .join(Event, Event.id == EventReport.event_id)
        .where(EventReport.article_id == Article.id, Event.status.is_not(None))
        .exists()
    )


def lead_marks(session: Session, lead_ids: Iterable[int]) -> dict[int, tuple[int, str | None, str]]:
    """``{lead_id: (event_id, status, note)}``: each lead's event and its mark (status
    None when unmarked); leads in no event yet are absent."""
    ids = list(set(lead_ids))
    out: dict[int, tuple[int, str | None, str]] = {}
    for start in range(0, len(ids), 500):
        rows = session.execute(
            select(EventReport.lead_id, Event.id, Event.status, Event.note)
            .join(Event, Event.id == EventReport.event_id)
            .where(EventReport.lead_id.in_(ids[start : start + 500]))
        )
        for lead_id, event_id, status, note in rows:
            out[lead_id] = (event_id, status, note or "")
    return out
