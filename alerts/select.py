"""Choose what a subscription has not received yet, fold reprints, group by sector.

"New" means: first stored after the subscription's last delivered digest (an article id
above that digest's watermark — ids grow in commit order because every write transaction
is ``BEGIN IMMEDIATE``), and never promised to it before (no ``delivery_items`` row, whether
that delivery was sent or is still pending).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session, selectinload

from classifiers.reprints import is_reprint, shingles
from crawler.config import Subscription
from crawler.store.models import Article, Delivery, DeliveryItem, Lead, Tag, utcnow
from crawler.store.status import lead_statuses

OTHER_SECTOR = ("other", "其他")
DELIVERED = ("sent", "empty")
_NOT_WORD = re.compile(r"[\W_]+")


@dataclass
class Entry:
    """One story in a digest: the earliest article, plus its reprints on other sites."""

    article: Article
    reprints: list[Article] = field(default_factory=list)
    kind: str = "lead"  # lead | news
    leads: list[Lead] = field(default_factory=list)
    lead_article: Article | None = None  # the member whose leads are shown
    status: tuple[str, str] | None = None  # an analyst's (followed|dismissed, note)

    @property
    def score(self) -> float:
        return max((lead.score for lead in self.leads), default=0.0)

    @property
    def members(self) -> list[Article]:
        return [self.article, *self.reprints]

    @property
    def article_ids(self) -> list[int]:
        return [a.id for a in self.members]


@dataclass
class Section:
    sector_id: str
    label: str
    entries: list[Entry]


@dataclass
class Selection:
    """A digest's content: lead sections, other sector news, and the id watermark."""

    subscription: Subscription
    sections: list[Section]
    news: list[Section] = field(default_factory=list)
    watermark: int | None = None

    @property
    def entries(self) -> list[Entry]:
        return [e for s in self.sections for e in s.entries]

    @property
    def news_entries(self) -> list[Entry]:
        return [e for s in self.news for e in s.entries]

    @property
    def items(self) -> list[tuple[int, str]]:
        """(article id, kind) of every article this digest carries, reprints included."""
        return [(i, e.kind) for e in self.entries + self.news_entries for i in e.article_ids]

    @property
    def article_ids(self) -> list[int]:
        return [i for i, _ in self.items]

    @property
    def lead_count(self) -> int:
        return len(self.entries)

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


def fold_reprints(articles: Sequence[Article]) -> list[Entry]:
    """One entry per story (same title or near-identical body); the earliest one leads."""

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
            entry = Entry(article)
            entries.append((entry, body))
        else:
            entry.reprints.append(article)
        by_title.setdefault(title_key, entry)
    return [entry for entry, _ in entries]


def build_selection(
    sub: Subscription,
    articles: Sequence[Article],
    lead_ids: Iterable[int],
    watermark: int | None = None,
    statuses: dict[int, tuple[str, str]] | None = None,
) -> Selection:
    """Fold ``articles`` into stories; a story is a lead when a member is in ``lead_ids``.

    ``statuses`` (article id -> analyst's status and note) is shown with each story.
    """
    lead_ids = set(lead_ids)
    statuses = statuses or {}
    leads: list[Entry] = []
    news: list[Entry] = []
    for entry in fold_reprints(articles):
        entry.status = next((statuses[a.id] for a in entry.members if a.id in statuses), None)
        lead_members = [a for a in entry.members if a.id in lead_ids]
        if lead_members:
            best = max(lead_members, key=lambda a: max((x.score for x in a.leads), default=0))
            entry.kind, entry.lead_article = "lead", best
            entry.leads = _qualifying_leads(best, sub) or list(best.leads)
            leads.append(entry)
        else:
            entry.kind = "news"
            news.append(entry)
    return Selection(sub, group_by_sector(leads, sub), group_by_sector(news, sub), watermark)


def last_watermark(session: Session, sub: str) -> tuple[bool, int | None]:
    """(has a delivered digest, its watermark) for subscription ``sub``."""
    row = session.execute(
        select(Delivery.id, Delivery.watermark)
        .where(Delivery.subscription == sub, Delivery.status.in_(DELIVERED))
        .order_by(Delivery.id.desc())
        .limit(1)
    ).first()
    return (row is not None, row.watermark if row else None)


def select_undelivered(
    session: Session, sub: Subscription, now: datetime | None = None
) -> Selection:
    """Articles for ``sub`` first seen since its last delivered digest and never promised
    to it, folded and grouped by sector: leads first, then (optionally) other sector news."""
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
    statuses = lead_statuses(session, [a.id for a in wanted])
    return build_selection(sub, wanted, lead_ids, watermark, statuses)


def group_by_sector(entries: list[Entry], sub: Subscription) -> list[Section]:
    """Each entry under its strongest (subscribed) sector; sections by size, leads by score."""
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
        section.entries.sort(key=lambda e: (-e.score, e.article.id))
    return ordered
