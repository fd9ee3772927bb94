"""Choose what a subscription has not received yet, fold reprints, group by sector."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import Session, selectinload

from alerts.reprints import is_reprint, shingles
from crawler.config import Subscription
from crawler.store.models import Article, DeliveryItem, Lead, Tag

OTHER_SECTOR = ("other", "其他")
_NOT_WORD = re.compile(r"[\W_]+")


@dataclass
class Entry:
    """One story in a digest: the earliest article, plus its reprints on other sites."""

    article: Article
    reprints: list[Article] = field(default_factory=list)

    @property
    def score(self) -> float:
        return max((lead.score for lead in self.article.leads), default=0.0)

    @property
    def article_ids(self) -> list[int]:
        return [self.article.id] + [r.id for r in self.reprints]


@dataclass
class Section:
    sector_id: str
    label: str
    entries: list[Entry]


@dataclass
class Selection:
    subscription: Subscription
    sections: list[Section]

    @property
    def entries(self) -> list[Entry]:
        return [e for s in self.sections for e in s.entries]

    @property
    def article_ids(self) -> list[int]:
        return [i for e in self.entries for i in e.article_ids]

    @property
    def lead_count(self) -> int:
        return len(self.entries)


def _sector_tags(article: Article) -> list[Tag]:
    return sorted((t for t in article.tags if t.kind == "sector"), key=lambda t: -t.score)


def _matches(article: Article, sub: Subscription) -> bool:
    sectors = {t.name for t in article.tags if t.kind == "sector"}
    partners = {t.name for t in article.tags if t.kind == "partner"}
    if sub.sectors and not sectors & set(sub.sectors):
        return False
    if sub.partners and not any(p in name for p in sub.partners for name in partners):
        return False
    return max((lead.score for lead in article.leads), default=0.0) >= sub.min_lead_score


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


def select_undelivered(session: Session, sub: Subscription) -> Selection:
    """Lead articles matching ``sub`` that were never promised to it, grouped by sector."""
    delivered = exists().where(
        DeliveryItem.article_id == Article.id, DeliveryItem.subscription == sub.name
    )
    has_lead = exists().where(Lead.article_id == Article.id)
    articles = session.scalars(
        select(Article)
        .where(has_lead, ~delivered)
        .options(selectinload(Article.tags), selectinload(Article.leads))
    ).all()
    wanted = [a for a in articles if _matches(a, sub)]
    return Selection(sub, group_by_sector(fold_reprints(wanted), sub))


def group_by_sector(entries: list[Entry], sub: Subscription) -> list[Section]:
    """Each entry under its strongest (subscribed) sector; sections by size, leads by score."""
    sections: dict[str, Section] = {}
    for entry in entries:
        tags = _sector_tags(entry.article)
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
