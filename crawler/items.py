"""What spiders yield (:class:`ArticlePage`, raw) and the pipeline stores (:class:`ArticleItem`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# What a request fetches, in ``Request.meta["lw_kind"]``: the spiders set it, the
# incremental middleware and `sources check` read it.
LIST, ARTICLE = "list", "article"


@dataclass
class ArticleItem:
    """One extracted article page. ``classification`` is filled in by the pipeline."""

    url: str
    source: str
    title: str
    published_at: datetime | None
    publisher: str
    body: str
    warnings: list[str] = field(default_factory=list)
    classification: dict[str, Any] | None = None


@dataclass
class ArticlePage:
    """A fetched article page, not yet extracted.

    Spiders yield these; the article worker (crawler.crawl.worker) extracts, classifies
    and stores them off the crawl's reactor thread. ``selectors`` are the source's
    :class:`crawler.extract.ArticleSelectors` (None: heuristics only).
    """

    url: str
    source: str
    body: bytes
    content_type: str | None = None
    selectors: Any = None
