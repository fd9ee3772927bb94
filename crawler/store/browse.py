"""Queries for browsing the store: filters, facets, lead status, source health, deliveries.

Shared by `leadwatch search`, `leadwatch export` and the web view (`leadwatch serve`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, delete, distinct, exists, func, select
from sqlalchemy.orm import Session, selectinload

from crawler.config import Config
from crawler.sources_health import Verdict, source_verdicts
from crawler.store import search
from crawler.store.models import Article, CrawlRun, Delivery, DeliveryItem, Lead, Tag, utcnow
from crawler.store.models_browse import LEAD_STATUSES, LeadStatus
from crawler.timeutil import SHANGHAI

# --- filters --------------------------------------------------------------------------


@dataclass
class BrowseFilter:
    """What an analyst narrowed the store down to (every field optional)."""

    query: str = ""
    sector: str | None = None
    partner: str | None = None
    source: str | None = None
    event: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    leads_only: bool = False
    status: str | None = None  # followed | dismissed | none (no status yet)


def conditions(flt: BrowseFilter) -> list[Any]:
    """SQLAlchemy clauses on :class:`Article` for every field of ``flt`` but the query."""
    out: list[Any] = []
    if flt.sector:
        out.append(
            exists().where(
                Tag.article_id == Article.id, Tag.kind == "sector", Tag.name == flt.sector
            )
        )
    if flt.partner:
        out.append(
            exists().where(
                Tag.article_id == Article.id, Tag.kind == "partner", Tag.name.contains(flt.partner)
            )
        )
    if flt.source:
        out.append(Article.source == flt.source)
    if flt.event:
        out.append(exists().where(Lead.article_id == Article.id, Lead.event == flt.event))
    if flt.since:
        out.append(Article.published_at >= flt.since)
    if flt.until:
        out.append(Article.published_at < flt.until)
    if flt.leads_only:
        out.append(exists().where(Lead.article_id == Article.id))
    if flt.status in LEAD_STATUSES:
        out.append(
            exists().where(LeadStatus.article_id == Article.id, LeadStatus.status == flt.status)
        )
    elif flt.status == "none":
        out.append(~exists().where(LeadStatus.article_id == Article.id))
    return out


def matching_ids(flt: BrowseFilter, parsed: search.ParsedQuery | None = None) -> Any:
    """A SELECT of the ids of the articles ``flt`` (and the parsed query) selects."""
    stmt = select(Article.id).where(*conditions(flt))
    if parsed is not None:
        stmt = stmt.where(Article.id.in_(search.match_ids(parsed)))
    return stmt


def list_articles(
    session: Session,
    flt: BrowseFilter,
    parsed: search.ParsedQuery | None = None,
    *,
    limit: int | None = 50,
    offset: int = 0,
) -> tuple[list[Article], bool]:
    """Articles ``flt`` (and the parsed query) select, newest first, and whether more
    follow. For results ranked by relevance use :func:`crawler.store.search.search`."""
    where = conditions(flt)
    if parsed is not None:
        where.append(Article.id.in_(search.match_ids(parsed)))
    stmt = (
        select(Article)
        .where(*where)
        .options(selectinload(Article.tags), selectinload(Article.leads))
        .order_by(Article.published_at.desc().nulls_last(), Article.id.desc())
        .offset(offset)
    )
    if limit is not None:
        stmt = stmt.limit(limit + 1)
    articles = list(session.scalars(stmt))
    more = limit is not None and len(articles) > limit
    return articles[:limit] if limit is not None else articles, more


# --- facets ---------------------------------------------------------------------------


@dataclass
class FacetValue:
    value: str
    label: str
    count: int


@dataclass
class Facets:
    sectors: list[FacetValue] = field(default_factory=list)
    partners: list[FacetValue] = field(default_factory=list)
    sources: list[FacetValue] = field(default_factory=list)
    events: list[FacetValue] = field(default_factory=list)
    dates: list[FacetValue] = field(default_factory=list)


YEARS_SHOWN = 5
DATE_WINDOWS = (
    ("7d", "近7天", 7),
    ("30d", "近30天", 30),
    ("90d", "近90天", 90),
    ("365d", "近一年", 365),
)


def _tag_facet(session: Session, kind: str, ids: Any, limit: int) -> list[FacetValue]:
    count = func.count(distinct(Tag.article_id))
    rows = session.execute(
        select(Tag.name, func.max(Tag.label), count)
        .where(Tag.kind == kind, Tag.article_id.in_(ids))
        .group_by(Tag.name)
        .order_by(count.desc(), Tag.name)
        .limit(limit)
    ).all()
    return [FacetValue(name, label or name, n) for name, label, n in rows]


def facets(
    session: Session,
    flt: BrowseFilter,
    parsed: search.ParsedQuery | None = None,
    *,
    event_labels: dict[str, str] | None = None,
    now: datetime | None = None,
    limit: int = 15,
) -> Facets:
    """Counts of articles per sector, partner, source, event type and date window.

    Each facet applies every filter except its own, so its other values stay visible.
    """
    event_labels = event_labels or {}
    now = now or utcnow()
    out = Facets()
    out.sectors = _tag_facet(
        session, "sector", matching_ids(replace(flt, sector=None), parsed), limit
    )
    out.partners = _tag_facet(
        session, "partner", matching_ids(replace(flt, partner=None), parsed), limit
    )
    ids = matching_ids(replace(flt, source=None), parsed)
    rows = session.execute(
        select(Article.source, func.count())
        .where(Article.id.in_(ids))
        .group_by(Article.source)
        .order_by(func.count().desc(), Article.source)
    ).all()
    out.sources = [FacetValue(s, s, n) for s, n in rows]
    ids = matching_ids(replace(flt, event=None), parsed)
    count = func.count(distinct(Lead.article_id))
    rows = session.execute(
        select(Lead.event, count)
        .where(Lead.article_id.in_(ids))
        .group_by(Lead.event)
        .order_by(count.desc())
    ).all()
    out.events = [FacetValue(e, event_labels.get(e, e), n) for e, n in rows]
    out.dates = _date_facet(
        session, matching_ids(replace(flt, since=None, until=None), parsed), now
    )
    return out


def year_range(year: int) -> tuple[datetime, datetime]:
    """Start and end of ``year`` in the office's zone, as aware datetimes."""
    return datetime(year, 1, 1, tzinfo=SHANGHAI), datetime(year + 1, 1, 1, tzinfo=SHANGHAI)


def date_range(key: str, now: datetime | None = None) -> tuple[datetime | None, datetime | None]:
    """The (since, until) of a date facet value: ``7d`` … ``365d`` or ``y2025``."""
    now = now or utcnow()
    for window, _, days in DATE_WINDOWS:
        if key == window:
            return now - timedelta(days=days), None
    if re.fullmatch(r"y\d{4}", key):
        return year_range(int(key[1:]))
    return None, None


def _date_facet(session: Session, ids: Any, now: datetime) -> list[FacetValue]:
    """Recent windows (7, 30, 90, 365 days) and the latest years, counted in one query;
    years run from midnight on 1 January in Asia/Shanghai."""
    first, last = session.execute(
        select(func.min(Article.published_at), func.max(Article.published_at)).where(
            Article.id.in_(ids)
        )
    ).one()
    years: list[int] = []
    if first and last:
        lo, hi = first.astimezone(SHANGHAI).year, last.astimezone(SHANGHAI).year
        years = list(range(hi, max(lo, hi - YEARS_SHOWN + 1) - 1, -1))
    ranges = [(now - timedelta(days=days), None) for _, _, days in DATE_WINDOWS]
    ranges += [year_range(y) for y in years]
    sums = []
    for since, until in ranges:
        cond = Article.published_at >= since
        if until is not None:
            cond = cond & (Article.published_at < until)
        sums.append(func.coalesce(func.sum(case((cond, 1), else_=0)), 0))
    counts = session.execute(select(*sums).where(Article.id.in_(ids))).one()
    labels = [(key, label) for key, label, _ in DATE_WINDOWS] + [(f"y{y}", f"{y}年") for y in years]
    return [
        FacetValue(key, label, int(n))
        for (key, label), n in zip(labels, counts, strict=True)
        if n or not key.startswith("y")
    ]


# --- lead status ----------------------------------------------------------------------


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


# --- reprints -------------------------------------------------------------------------

_NOT_WORD = re.compile(r"[\W_]+")


def reprints(session: Session, article: Article, limit: int = 30) -> list[Article]:
    """Other articles telling the same story: same title, or a near-identical body among
    the articles whose titles share the most words with this one."""
    from alerts.reprints import is_reprint, shingles

    key = _NOT_WORD.sub("", article.title)
    candidates = set(
        session.scalars(
            select(Article.id).where(
                Article.id != article.id,
                (Article.title == article.title) | (Article.fingerprint == article.fingerprint),
            )
        )
    )
    if session.connection().dialect.name == "sqlite":
        candidates.update(search.related_ids(session, article.title, limit))
    candidates.discard(article.id)
    if not candidates:
        return []
    body = shingles(article.body)
    found = [
        other
        for other in session.scalars(select(Article).where(Article.id.in_(candidates)))
        if _NOT_WORD.sub("", other.title) == key or is_reprint(body, shingles(other.body))
    ]
    return sorted(found, key=lambda a: (a.published_at or a.first_seen_at, a.id))


# --- sources and deliveries -----------------------------------------------------------


@dataclass
class SourceHealth:
    """One source for the web view: its label, stored articles, last runs and verdict."""

    name: str
    label: str = ""
    kind: str = ""
    configured: bool = True
    enabled: bool = True
    articles: int = 0
    runs: list[CrawlRun] = field(default_factory=list)
    last_completed: CrawlRun | None = None
    verdict: Verdict | None = None

    @property
    def last(self) -> CrawlRun | None:
        return self.runs[0] if self.runs else None

    @property
    def health(self) -> str:
        """The verdict's status: ok | warning | stale | failing | running | never."""
        return self.verdict.status if self.verdict else "never"


def source_health(session: Session, config: Config, runs_per_source: int = 5) -> list[SourceHealth]:
    """Every configured source, plus any that only appear in the run history or the
    articles, each with its verdict from :mod:`crawler.sources_health`."""
    counts = dict(
        session.execute(select(Article.source, func.count()).group_by(Article.source)).all()
    )
    seen_in_runs = set(session.scalars(select(CrawlRun.source).distinct()))
    out = [
        SourceHealth(s.name, s.label, s.kind, True, s.enabled and s.verified)
        for s in config.sources
    ]
    known = {s.name for s in out}
    out += [
        SourceHealth(n, configured=False)
        for n in sorted(seen_in_runs | set(counts))
        if n not in known
    ]
    verdicts = source_verdicts(session, config, [h.name for h in out])
    for health in out:
        health.verdict = verdicts[health.name]
        health.articles = counts.get(health.name, 0)
        health.runs = list(
            session.scalars(
                select(CrawlRun)
                .where(CrawlRun.source == health.name)
                .order_by(CrawlRun.id.desc())
                .limit(runs_per_source)
            )
        )
        health.last_completed = session.scalars(
            select(CrawlRun)
            .where(CrawlRun.source == health.name, CrawlRun.status == "completed")
            .order_by(CrawlRun.id.desc())
            .limit(1)
        ).first()
    return out


@dataclass
class SubscriptionDeliveries:
    name: str
    title: str = ""
    recipients: list[str] = field(default_factory=list)
    configured: bool = True
    deliveries: list[tuple[Delivery, list[Article]]] = field(default_factory=list)


def deliveries(
    session: Session, subscriptions: Sequence[Any], limit: int = 20
) -> list[SubscriptionDeliveries]:
    """The last ``limit`` deliveries of each subscription with the articles each carried."""
    out = [SubscriptionDeliveries(s.name, s.title, list(s.recipients)) for s in subscriptions]
    known = {s.name for s in out}
    stored = session.scalars(
        select(Delivery.subscription).distinct().order_by(Delivery.subscription)
    )
    out += [SubscriptionDeliveries(n, configured=False) for n in stored if n not in known]
    for sub in out:
        rows = session.scalars(
            select(Delivery)
            .where(Delivery.subscription == sub.name)
            .order_by(Delivery.created_at.desc(), Delivery.id.desc())
            .limit(limit)
        ).all()
        for delivery in rows:
            articles = list(
                session.scalars(
                    select(Article)
                    .join(DeliveryItem, DeliveryItem.article_id == Article.id)
                    .where(DeliveryItem.delivery_id == delivery.id)
                    .order_by(Article.id)
                )
            )
            sub.deliveries.append((delivery, articles))
    return out
