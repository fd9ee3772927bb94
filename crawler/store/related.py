"""Reprints of an article: other stored articles telling the same story."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from classifiers.reprints import is_reprint, shingles
from crawler.store import search
from crawler.store.models import Article

_NOT_WORD = re.compile(r"[\W_]+")


def reprints(session: Session, article: Article, limit: int = 30) -> list[Article]:
    """Other articles telling the same story: same title, or a near-identical body among
    the articles whose titles share the most words with this one."""
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
