"""The queries the application needs, in one place; callers pass a Session."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session, selectinload

from crawler.items import ArticleItem
from crawler.store.models import Article, CrawlRun, Lead, Tag, utcnow

_SPACE = re.compile(r"\s+")


def fingerprint(body: str) -> str:
    """A content hash of the body with whitespace folded (detects real changes only)."""
    return hashlib.sha256(_SPACE.sub("", body).encode("utf-8")).hexdigest()


# --- crawl runs -----------------------------------------------------------------------


def start_run(session: Session, source: str) -> CrawlRun:
    run = CrawlRun(source=source, status="running", started_at=utcnow())
    session.add(run)
    session.flush()
    return run


def finish_run(
    session: Session, run_id: int, status: str, counters: dict[str, int], message: str = ""
) -> None:
    run = session.get(CrawlRun, run_id)
    if run is None:
        return
    run.status, run.finished_at, run.message = status, utcnow(), message
    for key, value in counters.items():
        setattr(run, key, value)


def last_run(session: Session, source: str, status: str | None = None) -> CrawlRun | None:
    query = select(CrawlRun).where(CrawlRun.source == source)
    if status:
        query = query.where(CrawlRun.status == status)
    return session.scalars(query.order_by(CrawlRun.id.desc()).limit(1)).first()


def list_runs(session: Session, source: str | None = None, limit: int = 100) -> Sequence[CrawlRun]:
    query = select(CrawlRun).order_by(CrawlRun.id.desc()).limit(limit)
    if source:
        query = query.where(CrawlRun.source == source)
    return session.scalars(query).all()


# --- articles -------------------------------------------------------------------------


def known_urls(session: Session, source: str) -> set[str]:
    """URLs already stored for ``source`` (the incremental crawl skips them)."""
    return set(session.scalars(select(Article.url).where(Article.source == source)))


@dataclass
class StoreResult:
    new: int = 0
    updated: int = 0
    unchanged: int = 0


def _replace_tags(article: Article, classification: dict[str, Any]) -> None:
    article.tags = [
        Tag(
            kind="sector",
            name=s["id"],
            label=s.get("label", ""),
            score=s["score"],
            evidence=s.get("evidence", {}),
        )
        for s in classification.get("sectors", [])
    ] + [
        Tag(
            kind="partner",
            name=p["name"],
            label=p["name"],
            score=p["score"],
            evidence=p.get("evidence", {}),
        )
        for p in classification.get("partners", [])
    ]
    article.leads = [
        Lead(
            event=lead["event"],
            amount_yuan=lead.get("amount_yuan"),
            currency=lead.get("currency") or "CNY",
            amount_text=lead.get("amount_text"),
            counterparts=list(lead.get("counterparts", [])),
            place=lead.get("place"),
            sentence=lead.get("sentence", ""),
            score=lead.get("score", 0.0),
        )
        for lead in classification.get("leads", [])
    ]


def upsert_articles(
    session: Session, items: Iterable[ArticleItem], run_id: int | None
) -> StoreResult:
    """Insert new articles, update changed ones (by canonical URL) with their tags."""
    result = StoreResult()
    items = list(items)
    existing = {
        a.url: a
        for a in session.scalars(
            select(Article)
            .where(Article.url.in_([i.url for i in items]))
            .options(selectinload(Article.tags), selectinload(Article.leads))
        )
    }
    now = utcnow()
    for item in items:
        digest = fingerprint(item.title + "\n" + item.body)
        article = existing.get(item.url)
        if article is not None and article.fingerprint == digest:
            result.unchanged += 1
            continue
        if article is None:
            article = Article(url=item.url, source=item.source, first_seen_at=now)
            session.add(article)
            existing[item.url] = article
            result.new += 1
        else:
            result.updated += 1
        article.title, article.publisher, article.body = item.title, item.publisher, item.body
        article.published_at, article.fingerprint = item.published_at, digest
        article.updated_at, article.run_id = now, run_id
        _replace_tags(article, item.classification or {})
    return result


@dataclass
class ItemFilter:
    """Filters shared by `items`, the digest and (later) search and export."""

    sector: str | None = None
    partner: str | None = None
    since: datetime | None = None
    leads_only: bool = False
    source: str | None = None
    limit: int | None = 50


def query_articles(session: Session, flt: ItemFilter) -> Sequence[Article]:
    """Articles matching ``flt``, newest first, with tags and leads loaded."""
    query = select(Article).options(selectinload(Article.tags), selectinload(Article.leads))
    if flt.sector:
        query = query.where(
            exists().where(
                Tag.article_id == Article.id, Tag.kind == "sector", Tag.name == flt.sector
            )
        )
    if flt.partner:
        query = query.where(
            exists().where(
                Tag.article_id == Article.id, Tag.kind == "partner", Tag.name.contains(flt.partner)
            )
        )
    if flt.since:
        query = query.where(Article.published_at >= flt.since)
    if flt.leads_only:
        query = query.where(exists().where(Lead.article_id == Article.id))
    if flt.source:
        query = query.where(Article.source == flt.source)
    query = query.order_by(Article.published_at.desc().nulls_last(), Article.id.desc())
    if flt.limit:
        query = query.limit(flt.limit)
    return session.scalars(query).all()


def get_article(session: Session, article_id: int) -> Article | None:
    return session.get(
        Article, article_id, options=[selectinload(Article.tags), selectinload(Article.leads)]
    )
