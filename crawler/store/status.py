"""An analyst's follow-up status of a lead: read and write."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from crawler.store.models import LEAD_STATUSES, LeadStatus, utcnow


def lead_statuses(session: Session, article_ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """``{article_id: (status, note)}`` for the articles an analyst marked (the digest
    shows these); articles without a status are absent."""
    ids = list(article_ids)
    if not ids:
        return {}
    rows = session.execute(
        select(LeadStatus.article_id, LeadStatus.status, LeadStatus.note).where(
            LeadStatus.article_id.in_(ids)
        )
    )
    return {article_id: (status, note) for article_id, status, note in rows}


def set_lead_status(session: Session, article_id: int, status: str | None, note: str = "") -> None:
    """Mark an article followed or dismissed with a note; ``None`` clears the mark."""
    if status is None:
        session.execute(delete(LeadStatus).where(LeadStatus.article_id == article_id))
        return
    if status not in LEAD_STATUSES:
        raise ValueError(f"status must be one of {', '.join(LEAD_STATUSES)}, not {status!r}")
    row = session.get(LeadStatus, article_id)
    if row is None:
        session.add(
            LeadStatus(article_id=article_id, status=status, note=note, updated_at=utcnow())
        )
    else:
        row.status, row.note, row.updated_at = status, note, utcnow()


def get_lead_status(session: Session, article_id: int) -> LeadStatus | None:
    return session.get(LeadStatus, article_id)
