"""A big store built in seconds: generated articles classified once, stored many times.

benchmarks.sitegen writes the texts (signings, visits, groundbreakings, plain news); a
few hundred of them are classified for real, and the store is filled by the repo's own
bulk upsert with copies under distinct URLs and dates (titles numbered), so a
20,000-article store takes seconds rather than the minutes classifying each would.
One article in ``lead_every`` carries the leads of its text; the others are stored with
their sector tags only, as news.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta

from crawler.items import ArticleItem
from crawler.store import Database, repo
from tests.helpers.paths import REPO
from tests.helpers.store import classifier

if str(REPO) not in sys.path:
    sys.path.append(str(REPO))

from benchmarks.sitegen import _articles  # noqa: E402

TEMPLATES = 300
BATCH = 2000


def fill_store(
    url: str, count: int, *, source: str = "archive", lead_every: int = 20, seed: int = 7
) -> int:
    """Store ``count`` classified articles in the database at ``url``; returns how many
    carry leads. Their first-seen time is now (a first digest reaches all of them)."""
    texts = _articles(TEMPLATES, seed)
    classified = []
    for article in texts:
        body = "\n".join(article.paragraphs)
        classified.append((article, body, classifier().classify(article.title, body).to_dict()))
    with_leads = [c for c in classified if c[2]["leads"]]
    plain = [(a, b, {**r, "leads": []}) for a, b, r in classified]
    database = Database(url)
    start = datetime(2025, 12, 1, tzinfo=UTC)
    lead_count = 0
    try:
        for first in range(0, count, BATCH):
            items = []
            for i in range(first, min(first + BATCH, count)):
                pool = with_leads if i % lead_every == 0 and with_leads else plain
                article, body, result = pool[i % len(pool)]
                lead_count += bool(result["leads"])
                item = ArticleItem(
                    f"https://archive.example.gov.cn/doc/{i}.shtml",
                    source,
                    f"{article.title}（{i}）",
                    start - timedelta(hours=i),
                    article.source,
                    body,
                )
                item.classification = result
                items.append(item)
            with database.session() as session:
                repo.upsert_articles(session, items, None)
    finally:
        database.close()
    return lead_count
