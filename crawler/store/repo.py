"""The queries the application needs, in one place; callers pass a Session."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session, selectinload

from crawler.items import ArticleItem
from crawler.store.models import Article, CrawlRun, Lead, Tag, utcnow

_SPACE = re.compile(r"\s+")


def fingerprint(body: str) -> str:
    """A content hash of the body with whitespace folded (detects real changes only)."""
    return hashlib.sha256(_SPACE.sub("", body).encode("utf-8")).hexdigest()


# --- crawl runs -----------------------------------------------------------------------


def start_run(
    session: Session, source: str, *, pid: int | None = None, host: str | None = None
) -> CrawlRun:
    """A new ``running`` run of ``source``, by process ``pid`` on ``host``."""
    run = CrawlRun(source=source, status="running", started_at=utcnow(), pid=pid, host=host)
    session.add(run)
    session.flush()
    return run


def take_over_run(session: Session, run_id: int, pid: int, host: str) -> None:
    """The crawl process (``pid`` on ``host``) now runs the run its parent wrote."""
    run = session.get(CrawlRun, run_id)
    if run is not None:
        run.pid, run.host = pid, host


def running_runs(session: Session, source: str | None = None) -> Sequence[CrawlRun]:
    """Runs still marked ``running`` (of ``source``, or all), oldest first."""
    query = select(CrawlRun).where(CrawlRun.status == "running").order_by(CrawlRun.id)
    if source:
        query = query.where(CrawlRun.source == source)
    return session.scalars(query).all()


def last_clean_run(session: Session, source: str, scan: int = 50) -> CrawlRun | None:
    """The newest ``completed`` run of ``source`` that lost no page (``lost`` in its
    counters: fetched pages whose batch could not be stored): the incremental crawl's
    reference point. Among the last ``scan`` completed runs; None if none qualifies."""
    query = (
        select(CrawlRun)
        .where(CrawlRun.source == source, CrawlRun.status == "completed")
        .order_by(CrawlRun.id.desc())
        .limit(scan)
    )
    for run in session.scalars(query):
        if not (run.counters or {}).get("lost"):
            return run
    return None


def finish_run(
    session: Session, run_id: int, status: str, counters: dict[str, Any], message: str = ""
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


@dataclass
class StoreResult:
    new: int = 0
    updated: int = 0
    unchanged: int = 0


def tag_rows(article_id: int, classification: dict[str, Any]) -> list[dict[str, Any]]:
    sectors = [
        {
            "kind": "sector",
            "name": s["id"],
            "label": s.get("label", ""),
            "score": s["score"],
            "evidence": s.get("evidence", {}),
        }
        for s in classification.get("sectors", [])
    ]
    partners = [
        {
            "kind": "partner",
            "name": p["name"],
            "label": p["name"],
            "score": p["score"],
            "evidence": p.get("evidence", {}),
        }
        for p in classification.get("partners", [])
    ]
    return [{"article_id": article_id, **row} for row in sectors + partners]


def lead_rows(article_id: int, classification: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "article_id": article_id,
            "event": lead["event"],
            "amount_yuan": lead.get("amount_yuan"),
            "currency": lead.get("currency") or "CNY",
            "amount_text": lead.get("amount_text"),
            "counterparts": list(lead.get("counterparts", [])),
            "place": lead.get("place"),
            "sentence": lead.get("sentence", ""),
            "score": lead.get("score", 0.0),
            "amounts": list(lead.get("amounts", [])),
        }
        for lead in classification.get("leads", [])
    ]


def upsert_articles(
    session: Session, items: Iterable[ArticleItem], run_id: int | None
) -> StoreResult:
    """Insert new articles, update changed ones (by canonical URL) with their tags and leads.

    Bulk statements (one SELECT, one INSERT … RETURNING, executemany for tags and leads)
    rather than ORM objects: the crawl stores every article it fetches, and the ORM's
    unit of work cost about four times as much per article.
    """
    result = StoreResult()
    latest = {item.url: item for item in items}  # a URL twice in one batch: the last wins
    known = {
        url: (article_id, digest)
        for article_id, url, digest in session.execute(
            select(Article.id, Article.url, Article.fingerprint).where(
                Article.url.in_(list(latest))
            )
        )
    }
    now = utcnow()
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    classified: dict[str, dict[str, Any]] = {}
    for url, item in latest.items():
        digest = fingerprint(item.title + "\n" + item.body)
        article_id, stored_digest = known.get(url, (None, None))
        if stored_digest == digest:
            result.unchanged += 1
            continue
        values = {
            "title": item.title,
            "publisher": item.publisher,
            "body": item.body,
            "published_at": item.published_at,
            "fingerprint": digest,
            "updated_at": now,
            "run_id": run_id,
        }
        classified[url] = item.classification or {}
        if article_id is None:
            inserts.append({"url": url, "source": item.source, "first_seen_at": now, **values})
            result.new += 1
        else:
            updates.append({"id": article_id, **values})
            result.updated += 1
    if updates:
        session.execute(update(Article), updates)  # by primary key, executemany
        changed = [row["id"] for row in updates]
        session.execute(delete(Tag).where(Tag.article_id.in_(changed)))
        session.execute(delete(Lead).where(Lead.article_id.in_(changed)))
    ids = {url: article_id for url, (article_id, _) in known.items()}
    if inserts:
        rows = session.execute(insert(Article).returning(Article.id, Article.url), inserts)
        ids.update({url: article_id for article_id, url in rows})
    tags = [row for url, c in classified.items() for row in tag_rows(ids[url], c)]
    leads = [row for url, c in classified.items() for row in lead_rows(ids[url], c)]
    if tags:
        session.execute(insert(Tag), tags)
    if leads:
        session.execute(insert(Lead), leads)
    return result


def get_article(session: Session, article_id: int) -> Article | None:
    return session.get(
        Article, article_id, options=[selectinload(Article.tags), selectinload(Article.leads)]
    )
