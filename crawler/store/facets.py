"""Facets: counts of the filtered articles per sector, partner, source, event and date."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, distinct, func, select
from sqlalchemy.orm import Session

from crawler.store import search
from crawler.store.filters import BrowseFilter, matching_ids
from crawler.store.models import Article, Lead, Tag, utcnow
from crawler.timeutil import display_zone


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
    tz = display_zone()
    return datetime(year, 1, 1, tzinfo=tz), datetime(year + 1, 1, 1, tzinfo=tz)


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
    years run from midnight on 1 January in the configured zone."""
    first, last = session.execute(
        select(func.min(Article.published_at), func.max(Article.published_at)).where(
            Article.id.in_(ids)
        )
    ).one()
    years: list[int] = []
    if first and last:
        tz = display_zone()
        lo, hi = first.astimezone(tz).year, last.astimezone(tz).year
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
