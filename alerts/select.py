"""Choose what a subscription has not received yet, one entry per event, grouped.

"New" means: first stored after the subscription's last delivered digest (an article id
above that digest's watermark — ids grow in commit order because every write transaction
is ``BEGIN IMMEDIATE``), and never promised to it before (no ``delivery_items`` row, whether
that delivery was sent or is still pending).

A lead is an event of the register, not an article: the articles reporting one event
(the city's, the partner's, a paper's reprint) make one entry, credited to the earliest.
Entries of rival places form the peer-city section; the rest go under their sector. News
without a lead is folded by the same reprint test (one story, its reprints beside it).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session, selectinload

from alerts.highlights import score_entry
from classifiers.reprints import is_reprint, shingles
from crawler.config import Subscription
from crawler.register.queries import followed_org_ids
from crawler.store.models import (
    Article,
    Delivery,
    DeliveryItem,
    Event,
    EventOrg,
    EventReport,
    Lead,
    Tag,
    utcnow,
)

OTHER_SECTOR = ("other", "其他")
PEER_SECTION = ("peer", "周边城市动态")
DELIVERED = ("sent", "empty")
_NOT_WORD = re.compile(r"[\W_]+")


@dataclass
class Report:
    """One article reporting an entry's event, with the lead it reports it by."""

    article: Article
    lead: Lead | None
    reprint_of: int | None = None
    new: bool = True  # carried by this digest (not an earlier one)


@dataclass
class Entry:
    """One event (a lead) or one news story in a digest."""

    article: Article  # the credited report (the earliest), or the news story
    kind: str = "lead"  # lead | news
    event: Event | None = None
    reports: list[Report] = field(default_factory=list)  # every report, earliest first
    reprints: list[Article] = field(default_factory=list)  # news: the story's reprints
    leads: list[Lead] = field(default_factory=list)  # shown with their evidence
    lead_article: Article | None = None  # the article whose leads are shown
    status: tuple[str, str] | None = None  # an analyst's (followed|dismissed, note)
    followed: list[str] = field(default_factory=list)  # followed organisations in it
    project_path: str = ""  # 澄远储能宜兴基地：签约 2025-01-15 → 投产 2025-11-05
    advanced: bool = False  # a known project reached a new stage
    known: bool = False  # an earlier digest carried this event already
    score: float = 0.0  # 今日重点's score (alerts.highlights)
    reasons: list[str] = field(default_factory=list)

    @property
    def members(self) -> list[Article]:
        if self.kind == "news":
            return [self.article, *self.reprints]
        return [r.article for r in self.reports]

    @property
    def new_articles(self) -> list[Article]:
        if self.kind == "news":
            return self.members
        return [r.article for r in self.reports if r.new]

    @property
    def article_ids(self) -> list[int]:
        return [a.id for a in self.new_articles]

    @property
    def lead_score(self) -> float:
        return max((lead.score for lead in self.leads), default=0.0)


@dataclass
class Section:
    sector_id: str
    label: str
    entries: list[Entry]


@dataclass
class Selection:
    """A digest's content: 今日重点, lead sections, the peer-city section, other sector
    news, the period it covers, and the id watermark."""

    subscription: Subscription
    sections: list[Section]
    news: list[Section] = field(default_factory=list)
    watermark: int | None = None
    peers: list[Entry] = field(default_factory=list)
    highlights: list[Entry] = field(default_factory=list)
    since: datetime | None = None  # the previous digest (None: the first one)
    until: datetime | None = None

    @property
    def entries(self) -> list[Entry]:
        """Every lead entry, the peer-city ones included."""
        return [e for s in self.sections for e in s.entries] + self.peers

    @property
    def news_entries(self) -> list[Entry]:
        return [e for s in self.news for e in s.entries]

    @property
    def items(self) -> list[tuple[int, str]]:
        """(article id, kind) of every article this digest carries, each once."""
        seen: dict[int, str] = {}
        for entry in self.entries + self.news_entries:
            for article_id in entry.article_ids:
                seen.setdefault(article_id, entry.kind)
        return list(seen.items())

    @property
    def article_ids(self) -> list[int]:
        return [i for i, _ in self.items]

    @property
    def lead_count(self) -> int:
        """Events (one per real-world event, however many articles report it)."""
        return len(self.entries)

    @property
    def news_count(self) -> int:
        return len(self.news_entries)

    @property
    def is_empty(self) -> bool:
        return not self.items


def _sector_tags(article: Article) -> list[Tag]:
    return sorted((t for t in article.tags if t.kind == "sector"), key=lambda t: -t.score)


def _in_scope(article: Article, sub: Subscription) -> bool:
    """Sector and partner filters (an empty filter lets everything through)."""
    sectors = {t.name for t in article.tags if t.kind == "sector"}
    partners = {t.name for t in article.tags if t.kind == "partner"}
    if sub.sectors and not sectors & set(sub.sectors):
        return False
    return not (sub.partners and not any(p in name for p in sub.partners for name in partners))


def _qualifying_leads(article: Article, sub: Subscription) -> list[Lead]:
    return [lead for lead in article.leads if lead.score >= sub.min_lead_score]


def fold_news(articles: Sequence[Article]) -> list[Entry]:
    """News without a lead, one entry per story (same title or near-identical body, the
    reprint test the register uses); the earliest one leads."""

    def when(a: Article) -> datetime:
        return a.published_at or a.first_seen_at

    entries: list[tuple[Entry, frozenset[str]]] = []
    by_title: dict[str, Entry] = {}
    for article in sorted(articles, key=lambda a: (when(a), a.id)):
        title_key = _NOT_WORD.sub("", article.title)
        body = shingles(article.body)
        entry = by_title.get(title_key) or next(
            (e for e, leader in entries if is_reprint(body, leader)), None
        )
        if entry is None:
            entry = Entry(article, kind="news")
            entries.append((entry, body))
        else:
            entry.reprints.append(article)
        by_title.setdefault(title_key, entry)
    return [entry for entry, _ in entries]


def _project_path(event: Event, project_events: list[Event]) -> tuple[str, bool]:
    """The project's stages up to this event, and whether this event advanced it (an
    earlier event of the project exists)."""
    from crawler.present.register import stage_path

    upto = [e for e in project_events if (e.day, e.id) <= (event.day, event.id)]
    earlier = [e for e in upto if e.id != event.id]
    if not earlier or event.project is None:
        return "", False
    return f"{event.project.name}：{stage_path(upto)}", True


def build_entries(
    session: Session,
    sub: Subscription,
    lead_articles: Sequence[Article],
    *,
    new_ids: Iterable[int],
    delivered_before: set[int],
    followed: set[int],
) -> list[Entry]:
    """One entry per event that a qualifying lead of ``lead_articles`` reports.

    ``new_ids`` are the articles this digest carries; ``delivered_before`` the articles an
    earlier digest of the subscription carried; ``followed`` the followed organisations.
    """
    new_ids = set(new_ids)
    wanted: dict[int, Lead] = {}
    for article in lead_articles:
        for lead in _qualifying_leads(article, sub) or list(article.leads):
            wanted[lead.id] = lead
    if not wanted:
        return []
    rows = session.execute(
        select(EventReport.lead_id, EventReport.event_id).where(EventReport.lead_id.in_(wanted))
    ).all()
    event_ids = {event_id for _, event_id in rows}
    events = {
        e.id: e
        for e in session.scalars(
            select(Event)
            .where(Event.id.in_(event_ids))
            .options(
                selectinload(Event.org_rows).selectinload(EventOrg.org),
                selectinload(Event.project),
                selectinload(Event.article).selectinload(Article.tags),
            )
        )
    }
    reports: dict[int, list[tuple[EventReport, Lead, Article]]] = {}
    for report, lead, article in session.execute(
        select(EventReport, Lead, Article)
        .join(Lead, Lead.id == EventReport.lead_id)
        .join(Article, Article.id == EventReport.article_id)
        .where(EventReport.event_id.in_(event_ids))
        .options(selectinload(Article.tags), selectinload(Article.leads))
        .order_by(
            Article.published_at.is_(None), Article.published_at, Article.first_seen_at, Lead.id
        )
    ):
        reports.setdefault(report.event_id, []).append((report, lead, article))
    project_ids = {e.project_id for e in events.values() if e.project_id}
    project_events: dict[int, list[Event]] = {}
    if project_ids:
        for e in session.scalars(
            select(Event).where(Event.project_id.in_(project_ids)).order_by(Event.day, Event.id)
        ):
            project_events.setdefault(e.project_id, []).append(e)
    entries = []
    for event_id, event in events.items():
        members = reports.get(event_id, [])
        if not members:  # no report of it left (merged into another event meanwhile)
            continue
        by_article: dict[int, Report] = {}
        shown: list[Lead] = []
        for report, lead, article in members:
            if article.id not in by_article:
                by_article[article.id] = Report(
                    article, lead, report.reprint_of, article.id in new_ids
                )
            if lead.id in wanted and article.id in new_ids and lead not in shown:
                shown.append(lead)
        credited = next((r for r in by_article.values() if r.article.id == event.article_id), None)
        first = credited or next(iter(by_article.values()))
        lead_article = next(
            (r.article for r in by_article.values() if shown and r.lead in shown),
            first.article,
        )
        path, advanced = _project_path(event, project_events.get(event.project_id or 0, []))
        entry = Entry(
            article=first.article,
            kind="lead",
            event=event,
            reports=list(by_article.values()),
            leads=[lead for lead in shown if lead.article_id == lead_article.id][:1] or shown[:1],
            lead_article=lead_article,
            status=(event.status, event.note) if event.status else None,
            followed=[row.org.name for row in event.org_rows if row.org_id in followed],
            project_path=path,
            advanced=advanced,
            known=any(r.article.id in delivered_before for r in by_article.values()),
        )
        entry.score, entry.reasons = score_entry(entry)
        entries.append(entry)
    return entries


def last_watermark(session: Session, sub: str) -> tuple[bool, int | None]:
    """(has a delivered digest, its watermark) for subscription ``sub``."""
    row = session.execute(
        select(Delivery.id, Delivery.watermark)
        .where(
            Delivery.subscription == sub,
            Delivery.status.in_(DELIVERED),
            Delivery.kind == "digest",  # a scheduled report carries no articles
        )
        .order_by(Delivery.id.desc())
        .limit(1)
    ).first()
    return (row is not None, row.watermark if row else None)


def previous_digest(session: Session, sub: str, before: int | None = None) -> datetime | None:
    """When the subscription's last digest (before delivery ``before``) was made."""
    query = select(Delivery.created_at).where(
        Delivery.subscription == sub,
        Delivery.status.in_(("sent", "pending")),
        Delivery.kind == "digest",
    )
    if before is not None:
        query = query.where(Delivery.id < before)
    return session.scalar(query.order_by(Delivery.id.desc()).limit(1))


def delivered_articles(session: Session, sub: str, exclude_delivery: int | None = None) -> set[int]:
    query = select(DeliveryItem.article_id).where(DeliveryItem.subscription == sub)
    if exclude_delivery is not None:
        query = query.where(DeliveryItem.delivery_id != exclude_delivery)
    return set(session.scalars(query))


def build_selection(
    session: Session,
    sub: Subscription,
    articles: Sequence[Article],
    lead_ids: Iterable[int],
    watermark: int | None = None,
    *,
    highlights: int = 5,
    since: datetime | None = None,
    until: datetime | None = None,
    delivered_before: set[int] | None = None,
) -> Selection:
    """The digest of ``articles`` (``lead_ids``: those with a qualifying lead): one entry
    per event, 今日重点, the peer section and the sectors; the rest as news."""
    lead_ids = set(lead_ids)
    lead_articles = [a for a in articles if a.id in lead_ids]
    entries = build_entries(
        session,
        sub,
        lead_articles,
        new_ids=[a.id for a in articles],
        delivered_before=delivered_before or set(),
        followed=followed_org_ids(session),
    )
    linked = {a.id for e in entries for a in e.new_articles}
    # a lead article the register has not placed yet (it links before every digest, so
    # only a lead stored meanwhile) is still shown, as news, rather than lost
    news = fold_news([a for a in articles if a.id not in linked])
    peers = sorted(
        (e for e in entries if e.event is not None and e.event.scope == "peer"),
        key=lambda e: (-e.score, e.article.id),
    )
    rest = [e for e in entries if e not in peers]
    top = sorted(entries, key=lambda e: (-e.score, -e.event.day.toordinal(), e.article.id))
    return Selection(
        sub,
        group_by_sector(rest, sub),
        group_by_sector(news, sub),
        watermark,
        peers=peers,
        highlights=[e for e in top if not e.known][:highlights],
        since=since,
        until=until,
    )


def select_undelivered(
    session: Session, sub: Subscription, now: datetime | None = None, *, highlights: int = 5
) -> Selection:
    """Articles for ``sub`` first seen since its last delivered digest and never promised
    to it, as events (leads) and, optionally, other sector news."""
    now = now or utcnow()
    watermark = session.scalar(select(func.max(Article.id)))
    delivered = exists().where(
        DeliveryItem.article_id == Article.id, DeliveryItem.subscription == sub.name
    )
    has_lead = exists().where(Lead.article_id == Article.id)
    has_sector = exists().where(Tag.article_id == Article.id, Tag.kind == "sector")
    query = (
        select(Article)
        .where(~delivered, or_(has_lead, has_sector) if sub.include_news else has_lead)
        .options(selectinload(Article.tags), selectinload(Article.leads))
    )
    if watermark is not None:
        query = query.where(Article.id <= watermark)
    seen_before, floor = last_watermark(session, sub.name)
    if floor is not None:
        query = query.where(Article.id > floor)
    elif not seen_before:  # a first digest reaches back first_digest_days, not forever
        query = query.where(Article.first_seen_at >= now - timedelta(days=sub.first_digest_days))
    wanted, lead_ids = [], []
    for article in session.scalars(query).all():
        if not _in_scope(article, sub):
            continue
        if _qualifying_leads(article, sub):
            lead_ids.append(article.id)
            wanted.append(article)
        elif sub.include_news and _sector_tags(article):
            wanted.append(article)
    since = previous_digest(session, sub.name)
    if since is None and not seen_before:
        since = now - timedelta(days=sub.first_digest_days)
    return build_selection(
        session,
        sub,
        wanted,
        lead_ids,
        watermark,
        highlights=highlights,
        since=since,
        until=now,
        delivered_before=delivered_articles(session, sub.name),
    )


def group_by_sector(entries: list[Entry], sub: Subscription) -> list[Section]:
    """Each entry under its strongest (subscribed) sector; sections by size, entries by
    score (今日重点's, then the lead's)."""
    sections: dict[str, Section] = {}
    for entry in entries:
        tags = _sector_tags(entry.lead_article or entry.article)
        if sub.sectors:
            tags = [t for t in tags if t.name in sub.sectors] or tags
        sector_id, label = (tags[0].name, tags[0].label) if tags else OTHER_SECTOR
        section = sections.setdefault(sector_id, Section(sector_id, label or sector_id, []))
        section.entries.append(entry)
    ordered = sorted(
        sections.values(),
        key=lambda s: (s.sector_id == OTHER_SECTOR[0], -len(s.entries), s.sector_id),
    )
    for section in ordered:
        section.entries.sort(key=lambda e: (-e.score, -e.lead_score, e.article.id))
    return ordered
