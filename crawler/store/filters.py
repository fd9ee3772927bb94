"""Filters on stored articles: what an analyst narrowed the store down to.

Shared by `leadwatch items`, `search`, `export` and the web view.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Text, cast, exists, select
from sqlalchemy.orm import Session, selectinload

from crawler.store import search
from crawler.store.models import LEAD_STATUSES, Article, Lead, Tag
from crawler.store.status import any_mark, marked


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
    status: str | None = None  # followed | dismissed | none: an event of it marked so (or none)


def json_text_contains(column: Any, value: str) -> Any:
    """``column`` (JSON) holds ``value`` somewhere in its text, written as UTF-8 or with
    JSON's \\u escapes (rows stored before the store kept JSON as UTF-8)."""
    text = cast(column, Text)
    escaped = json.dumps(value)[1:-1]
    match = text.contains(value, autoescape=True)
    return match | text.contains(escaped, autoescape=True) if escaped != value else match


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
        # 合作方 is a lead's counterpart; a known partner also matches through its tag
        # (the CLI and the web view turn an alias such as 国投 into the canonical name)
        out.append(
            exists().where(
                Tag.article_id == Article.id, Tag.kind == "partner", Tag.name.contains(flt.partner)
            )
            | exists().where(
                Lead.article_id == Article.id, json_text_contains(Lead.counterparts, flt.partner)
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
        out.append(marked(flt.status))
    elif flt.status == "none":
        out.append(~any_mark())
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
