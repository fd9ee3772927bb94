"""The item that spiders yield and pipelines store."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


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
