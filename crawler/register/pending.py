"""Whether the register is behind the stored leads: a cheap check (store queries only,
nothing heavy imported), made before every page, command and digest."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crawler.store.models import Event, EventReport, Lead


def unlinked() -> Any:
    """A clause on Lead: no event holds it yet."""
    return ~select(EventReport.lead_id).where(EventReport.lead_id == Lead.id).exists()


def stale_events(session: Session) -> list[int]:
    """Events that lost leads (their article was re-crawled with new text, re-tagged)."""
    counts = (
        select(EventReport.event_id, func.count(EventReport.lead_id).label("n"))
        .group_by(EventReport.event_id)
        .subquery()
    )
    return list(
        session.scalars(
            select(Event.id)
            .outerjoin(counts, counts.c.event_id == Event.id)
            .where(func.coalesce(counts.c.n, 0) != Event.n_leads)
        )
    )


def pending(session: Session) -> bool:
    """Whether some stored lead is in no event yet, or an event lost a lead."""
    if session.scalar(select(Lead.id).where(unlinked()).limit(1)) is not None:
        return True
    return bool(stale_events(session))
