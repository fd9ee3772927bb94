"""Follow-up of a lead (an event) or a project: set it with a note, keep its history,
find it again after every rebuild of the register.

A follow-up is anchored to a lead — its article and :func:`lead_key` — because events
and projects are derived rows that a rebuild replaces. To find its event again: the lead
of that article with the same key; failing that (re-tagging changed the sentence), the
article's lead of the same event type sharing a counterpart; failing that, the article's
only lead of that type. The event (or its project) then shows the status and note.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from crawler.register.reports import lead_key
from crawler.store.models import (
    LEAD_STATUSES,
    Event,
    EventReport,
    FollowUp,
    FollowUpChange,
    Lead,
    Project,
    utcnow,
)

SUBJECTS = ("event", "project")


@dataclass(frozen=True)
class Anchor:
    article_id: int
    key: str
    event: str
    counterparts: tuple[str, ...]


def _article_leads(session: Session, article_ids: Iterable[int]) -> dict[int, list[tuple]]:
    """``{article_id: [(lead key, event, counterparts, event_id), …]}``."""
    ids = list(set(article_ids))
    out: dict[int, list[tuple]] = {i: [] for i in ids}
    for start in range(0, len(ids), 500):
        rows = session.execute(
            select(
                Lead.article_id, Lead.event, Lead.sentence, Lead.counterparts, EventReport.event_id
            )
            .outerjoin(EventReport, EventReport.lead_id == Lead.id)
            .where(Lead.article_id.in_(ids[start : start + 500]))
        )
        for article_id, event, sentence, counterparts, event_id in rows:
            out[article_id].append(
                (lead_key(event, sentence), event, tuple(counterparts or ()), event_id)
            )
    return out


def _resolve(anchor: Anchor, leads: list[tuple]) -> int | None:
    """The event id the anchored lead is in now (see the module's rule)."""
    for key, _, _, event_id in leads:
        if key == anchor.key and event_id is not None:
            return event_id
    same_type = [lead for lead in leads if lead[1] == anchor.event and lead[3] is not None]
    wanted = set(anchor.counterparts)
    sharing = [lead for lead in same_type if wanted & set(lead[2])]
    if sharing:
        return sharing[0][3]
    events = {lead[3] for lead in same_type}
    return events.pop() if len(events) == 1 else None


def apply_follow_ups(session: Session) -> None:
    """Write every follow-up's status and note onto the event or project it resolves to
    (the latest follow-up wins where several resolve to one)."""
    session.execute(
        update(Event).where(Event.status.is_not(None)).values(status=None, note="", status_at=None)
    )
    session.execute(
        update(Project)
        .where(Project.status.is_not(None))
        .values(status=None, note="", status_at=None)
    )
    rows = session.scalars(select(FollowUp).order_by(FollowUp.updated_at, FollowUp.id)).all()
    if not rows:
        return
    leads = _article_leads(session, (f.article_id for f in rows))
    project_of = dict(session.execute(select(Event.id, Event.project_id)).all())
    for row in rows:
        anchor = Anchor(row.article_id, row.lead_key, row.event, tuple(row.counterparts or ()))
        event_id = _resolve(anchor, leads.get(row.article_id, []))
        if event_id is None:
            continue
        values = {"status": row.status, "note": row.note, "status_at": row.updated_at}
        if row.subject == "event":
            session.execute(update(Event).where(Event.id == event_id).values(**values))
        elif project_of.get(event_id) is not None:
            session.execute(
                update(Project).where(Project.id == project_of[event_id]).values(**values)
            )


def _anchor_of_event(session: Session, event: Event) -> Anchor:
    lead = session.execute(
        select(Lead.event, Lead.counterparts)
        .join(EventReport, EventReport.lead_id == Lead.id)
        .where(EventReport.event_id == event.id, EventReport.article_id == event.article_id)
    ).first()
    return Anchor(
        event.article_id,
        event.anchor_key,
        event.event,
        tuple(lead.counterparts or ()) if lead else (),
    )


def _rows_for(session: Session, subject: str, event_ids: set[int]) -> list[FollowUp]:
    """The follow-ups of ``subject`` that resolve to one of ``event_ids`` now."""
    articles = set(
        session.scalars(select(EventReport.article_id).where(EventReport.event_id.in_(event_ids)))
    )
    rows = session.scalars(
        select(FollowUp).where(FollowUp.subject == subject, FollowUp.article_id.in_(articles))
    ).all()
    leads = _article_leads(session, articles)
    return [
        row
        for row in rows
        if _resolve(
            Anchor(row.article_id, row.lead_key, row.event, tuple(row.counterparts or ())),
            leads.get(row.article_id, []),
        )
        in event_ids
    ]


def set_follow_up(
    session: Session,
    subject: str,
    target_id: int,
    status: str | None,
    note: str = "",
    by: str = "",
    now: datetime | None = None,
) -> None:
    """Mark an event (``subject='event'``) or a project followed or dismissed, with a note
    and who did it; ``status=None`` clears the mark. Every change goes to the history."""
    if subject not in SUBJECTS:
        raise ValueError(f"subject must be one of {', '.join(SUBJECTS)}, not {subject!r}")
    if status is not None and status not in LEAD_STATUSES:
        raise ValueError(f"status must be one of {', '.join(LEAD_STATUSES)}, not {status!r}")
    now = now or utcnow()
    if subject == "event":
        event = session.get(Event, target_id)
        if event is None:
            raise LookupError(f"no event with id {target_id}")
        anchor_event, about, target_events = event, event.title, {event.id}
    else:
        project = session.get(Project, target_id)
        if project is None:
            raise LookupError(f"no project with id {target_id}")
        target_events = set(session.scalars(select(Event.id).where(Event.project_id == target_id)))
        anchor_event = session.scalars(
            select(Event).where(Event.project_id == target_id).order_by(Event.day, Event.id)
        ).first()
        about = project.name
        if anchor_event is None:
            raise LookupError(f"project {target_id} has no events")
    existing = _rows_for(session, subject, target_events)
    for row in existing[1:]:
        session.delete(row)
    anchor = _anchor_of_event(session, anchor_event)
    if status is None:
        if existing:
            session.delete(existing[0])
    elif existing:
        row = existing[0]
        row.status, row.note, row.updated_at, row.updated_by = status, note, now, by
    else:
        session.add(
            FollowUp(
                subject=subject,
                article_id=anchor.article_id,
                lead_key=anchor.key,
                event=anchor.event,
                counterparts=list(anchor.counterparts),
                status=status,
                note=note,
                updated_at=now,
                updated_by=by,
            )
        )
    session.add(
        FollowUpChange(
            subject=subject,
            article_id=anchor.article_id,
            lead_key=anchor.key,
            status=status,
            note=note,
            changed_at=now,
            changed_by=by,
            about=about,
        )
    )
    values = {
        "status": status,
        "note": note if status else "",
        "status_at": now if status else None,
    }
    if subject == "event":
        session.execute(update(Event).where(Event.id == target_id).values(**values))
    else:
        session.execute(update(Project).where(Project.id == target_id).values(**values))


def history(
    session: Session, subject: str, article_ids: Iterable[int], keys: Iterable[str] | None = None
) -> list[FollowUpChange]:
    """Changes of follow-ups anchored in ``article_ids`` (of those ``keys``, or made to the
    article as a whole before follow-ups were per lead), newest first."""
    ids = list(set(article_ids))
    if not ids:
        return []
    query = select(FollowUpChange).where(
        FollowUpChange.subject == subject, FollowUpChange.article_id.in_(ids)
    )
    if keys is not None:
        query = query.where(FollowUpChange.lead_key.in_([*keys, ""]))
    return list(
        session.scalars(query.order_by(FollowUpChange.changed_at.desc(), FollowUpChange.id.desc()))
    )
