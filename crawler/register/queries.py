"""What the CLI, the web view and the digest read from the register."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session, selectinload

from crawler.register.names import clean, core
from crawler.register.reports import lead_key
from crawler.store.models import (
    Article,
    Event,
    EventOrg,
    EventReport,
    FollowUpChange,
    Lead,
    OrgAlias,
    Organisation,
    Project,
)

SCOPES = ("local", "peer", "other", "unknown")


@dataclass
class EventFilter:
    """What an analyst narrowed the events down to (every field optional)."""

    scope: str | None = None
    stage: str | None = None
    event: str | None = None
    org_id: int | None = None
    since: date | None = None
    until: date | None = None
    status: str | None = None  # followed | dismissed | none
    peer: str | None = None  # a rival place's name: its events only
    min_reports: int = 1


def _event_options() -> list:
    return [
        selectinload(Event.article),
        selectinload(Event.project),
        selectinload(Event.org_rows).selectinload(EventOrg.org),
    ]


def list_events(
    session: Session, flt: EventFilter | None = None, *, limit: int | None = 50, offset: int = 0
) -> tuple[list[Event], bool]:
    """Events, newest first, one row each, and whether more follow."""
    flt = flt or EventFilter()
    query = select(Event).options(*_event_options())
    if flt.scope:
        query = query.where(Event.scope == flt.scope)
    if flt.stage:
        query = query.where(Event.stage == flt.stage)
    if flt.event:
        query = query.where(Event.event == flt.event)
    if flt.org_id:
        query = query.where(
            exists().where(EventOrg.event_id == Event.id, EventOrg.org_id == flt.org_id)
        )
    if flt.since:
        query = query.where(Event.day >= flt.since)
    if flt.until:
        query = query.where(Event.day <= flt.until)
    if flt.status == "none":
        query = query.where(Event.status.is_(None))
    elif flt.status:
        query = query.where(Event.status == flt.status)
    if flt.peer:
        query = query.where(Event.scope == "peer", Event.place_label.contains(flt.peer))
    if flt.min_reports > 1:
        query = query.where(Event.reports >= flt.min_reports)
    query = query.order_by(Event.day.desc(), Event.id.desc()).offset(offset)
    if limit is not None:
        query = query.limit(limit + 1)
    events = list(session.scalars(query))
    more = limit is not None and len(events) > limit
    return (events[:limit] if limit is not None else events), more


@dataclass
class EventReportView:
    """One report of an event: the article, its leads of the event, and the earlier
    report it copies (None: it is not a reprint)."""

    article: Article
    leads: list[Lead]
    reprint_of: int | None

    @property
    def lead(self) -> Lead:
        return max(self.leads, key=lambda lead: lead.score)


@dataclass
class EventView:
    event: Event
    reports: list[EventReportView] = field(default_factory=list)
    history: list[FollowUpChange] = field(default_factory=list)

    @property
    def articles(self) -> list[Article]:
        return list({r.article.id: r.article for r in self.reports}.values())

    @property
    def parties(self) -> list[Organisation]:
        return [row.org for row in self.event.org_rows if row.role == "party"]

    @property
    def government(self) -> list[Organisation]:
        return [row.org for row in self.event.org_rows if row.role == "government"]


def event_view(session: Session, event_id: int) -> EventView | None:
    """An event with every report (earliest first) and its follow-up history."""
    event = session.get(Event, event_id, options=_event_options())
    if event is None:
        return None
    rows = session.execute(
        select(EventReport, Lead, Article)
        .join(Lead, Lead.id == EventReport.lead_id)
        .join(Article, Article.id == EventReport.article_id)
        .where(EventReport.event_id == event_id)
        .order_by(
            Article.published_at.is_(None),
            Article.published_at,
            Article.first_seen_at,
            Article.id,
            Lead.id,
        )
    ).all()
    by_article: dict[int, EventReportView] = {}
    for row, lead, article in rows:
        view = by_article.setdefault(article.id, EventReportView(article, [], row.reprint_of))
        view.leads.append(lead)
    reports = list(by_article.values())
    from crawler.register.followups import history

    keys = {lead_key(lead.event, lead.sentence) for r in reports for lead in r.leads}
    changes = history(session, "event", {r.article.id for r in reports}, keys)
    return EventView(event, reports, changes)


def event_of_lead(session: Session, lead_id: int) -> Event | None:
    return session.scalar(
        select(Event)
        .join(EventReport, EventReport.event_id == Event.id)
        .where(EventReport.lead_id == lead_id)
    )


def event_for_anchor(session: Session, article_id: int, key: str) -> Event | None:
    """The event holding the lead of ``article_id`` whose key is ``key`` (the durable
    link a digest carries: event ids change when the register is rebuilt)."""
    rows = session.execute(
        select(Lead.id, Lead.event, Lead.sentence).where(Lead.article_id == article_id)
    ).all()
    for lead_id, event, sentence in rows:
        if lead_key(event, sentence) == key:
            return event_of_lead(session, lead_id)
    return None


def list_projects(
    session: Session,
    *,
    min_events: int = 1,
    scope: str | None = None,
    org_id: int | None = None,
    status: str | None = None,
    limit: int | None = 50,
    offset: int = 0,
) -> tuple[list[Project], bool]:
    """Projects, the most recently active first (visit-only contacts left out)."""
    query = select(Project).options(selectinload(Project.events).selectinload(Event.article))
    if min_events > 1:
        query = query.where(Project.n_events >= min_events)
    else:
        query = query.where(exists().where(Event.project_id == Project.id, Event.stage != "visit"))
    if scope:
        query = query.where(Project.scope == scope)
    if status == "none":
        query = query.where(Project.status.is_(None))
    elif status:
        query = query.where(Project.status == status)
    if org_id:
        query = query.where(
            exists().where(
                Event.project_id == Project.id,
                EventOrg.event_id == Event.id,
                EventOrg.org_id == org_id,
            )
        )
    query = query.order_by(Project.last_day.desc(), Project.id.desc()).offset(offset)
    if limit is not None:
        query = query.limit(limit + 1)
    projects = list(session.scalars(query))
    more = limit is not None and len(projects) > limit
    return (projects[:limit] if limit is not None else projects), more


@dataclass
class ProjectView:
    project: Project
    events: list[Event]
    history: list[FollowUpChange] = field(default_factory=list)


def project_view(session: Session, project_id: int) -> ProjectView | None:
    project = session.get(Project, project_id)
    if project is None:
        return None
    events = list(
        session.scalars(
            select(Event)
            .where(Event.project_id == project_id)
            .options(*_event_options())
            .order_by(Event.day, Event.id)
        )
    )
    from crawler.register.followups import history

    keys = {e.anchor_key for e in events}
    changes = history(session, "project", {e.article_id for e in events}, keys)
    return ProjectView(project, events, changes)


# ---------------------------------------------------------------------------- orgs


def find_orgs(session: Session, name: str, limit: int = 10) -> list[Organisation]:
    """Organisations ``name`` names: exact name or alias first, then by core (澄远 finds
    江苏澄远储能科技有限公司), then names containing it."""
    text = clean(name)
    if not text:
        return []
    exact = list(
        session.scalars(
            select(Organisation)
            .where(
                or_(
                    Organisation.name == text,
                    Organisation.id.in_(
                        select(OrgAlias.org_id).where(
                            OrgAlias.alias == text, OrgAlias.confirmed.is_not(False)
                        )
                    ),
                )
            )
            .order_by(Organisation.id)
        )
    )
    if exact:
        return exact
    key = core(text)
    return list(
        session.scalars(
            select(Organisation)
            .where(
                or_(
                    Organisation.name.contains(text),
                    Organisation.name.contains(key),
                    Organisation.id.in_(
                        select(OrgAlias.org_id).where(
                            OrgAlias.alias.contains(text), OrgAlias.confirmed.is_not(False)
                        )
                    ),
                )
            )
            .order_by(func.length(Organisation.name), Organisation.id)
            .limit(limit)
        )
    )


@dataclass
class OrgView:
    org: Organisation
    events: list[Event]  # its timeline, oldest first
    projects: list[Project]
    places: list[tuple[str, int]]  # (place label, events there), most first


def org_view(session: Session, org_id: int) -> OrgView | None:
    org = session.get(Organisation, org_id, options=[selectinload(Organisation.aliases)])
    if org is None:
        return None
    events = list(
        session.scalars(
            select(Event)
            .join(EventOrg, EventOrg.event_id == Event.id)
            .where(EventOrg.org_id == org_id)
            .options(*_event_options())
            .order_by(Event.day, Event.id)
        )
    )
    projects = list({e.project.id: e.project for e in events if e.project is not None}.values())
    counts: dict[str, int] = {}
    for event in events:
        label = event.place_label or "（地点不详）"
        counts[label] = counts.get(label, 0) + 1
    places = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return OrgView(org, events, projects, places)


def list_orgs(
    session: Session, *, followed: bool = False, limit: int | None = 100
) -> list[tuple[Organisation, int, date | None]]:
    """Organisations with their number of events and latest event day, busiest first."""
    counts = (
        select(
            EventOrg.org_id,
            func.count(EventOrg.event_id).label("n"),
            func.max(Event.day).label("last"),
        )
        .join(Event, Event.id == EventOrg.event_id)
        .group_by(EventOrg.org_id)
        .subquery()
    )
    query = select(Organisation, counts.c.n, counts.c.last).outerjoin(
        counts, counts.c.org_id == Organisation.id
    )
    if followed:
        query = query.where(Organisation.followed_at.is_not(None))
    query = query.order_by(
        Organisation.followed_at.is_(None), func.coalesce(counts.c.n, 0).desc(), Organisation.name
    )
    if limit is not None:
        query = query.limit(limit)
    return [(org, n or 0, last) for org, n, last in session.execute(query)]


def followed_org_ids(session: Session) -> set[int]:
    return set(
        session.scalars(select(Organisation.id).where(Organisation.followed_at.is_not(None)))
    )
