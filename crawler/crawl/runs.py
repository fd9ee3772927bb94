"""Records each crawl in crawl_runs: counters from the crawl's stats, and its outcome."""

from __future__ import annotations

from typing import Any

from scrapy import signals

from crawler.crawl.context import crawl_database
from crawler.store import repo

# Set by crawler.crawl.pipeline when its worker process kept dying.
WORKER_FAILED = "leadwatch/article_worker_failed"


# Scrapy's own stats kept beside ours in crawl_runs.counters, under these names.
SCRAPY_COUNTERS = {"retry/count": "retries", "retry/max_reached": "retries_exhausted"}


def detail_counters(stats: dict[str, Any]) -> dict[str, int]:
    """A run's finer counters: every integer ``leadwatch/*`` stat without its prefix
    (``errors/http_404``, ``pages/charset_mismatch``, ``robots_forbidden`` …) except the
    article worker's timings, plus Scrapy's retries."""
    out = {
        key.removeprefix("leadwatch/"): value
        for key, value in stats.items()
        if key.startswith("leadwatch/")
        and not key.startswith("leadwatch/article_worker/")
        and isinstance(value, int)
    }
    out |= {name: stats[key] for key, name in SCRAPY_COUNTERS.items() if key in stats}
    return dict(sorted(out.items()))


def counters_from_stats(stats: dict[str, Any]) -> dict[str, Any]:
    """The crawl_runs counters, from Scrapy stats."""
    list_pages = stats.get("leadwatch/list_pages", 0)
    article_pages = stats.get("leadwatch/article_pages", 0)
    return {
        "pages_fetched": list_pages + article_pages,
        "articles_fetched": article_pages,
        "articles_new": stats.get("leadwatch/articles_new", 0),
        "articles_updated": stats.get("leadwatch/articles_updated", 0),
        "errors": stats.get("leadwatch/errors", 0),
        "counters": detail_counters(stats),
    }


class RunRecorder:
    """Opens a run row (unless the parent process made one) and closes it with counters."""

    def __init__(self, crawler: Any):
        self.crawler = crawler
        self.run_id: int | None = crawler.settings.getint("LEADWATCH_RUN_ID") or None

    @classmethod
    def from_crawler(cls, crawler: Any) -> RunRecorder:
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider: Any) -> None:
        if self.run_id is None:
            with crawl_database(self.crawler).session() as session:
                self.run_id = repo.start_run(session, spider.name).id
        spider.leadwatch_run_id = self.run_id

    def spider_closed(self, spider: Any, reason: str) -> None:
        stats = self.crawler.stats.get_stats()
        status = "completed" if reason == "finished" else "failed"
        if stats.get(WORKER_FAILED):  # pages were fetched but could not be stored
            status, reason = "failed", "article worker failed (see the crawl log)"
        elif status == "completed" and not stats.get("leadwatch/list_pages"):
            # Nothing to list means nothing was checked: the site is down, moved or
            # forbids us, and "completed" would hide that from the operator.
            kinds = ", ".join(
                f"{key.removeprefix('errors/')} x{n}"
                for key, n in detail_counters(stats).items()
                if key.startswith("errors/") or key == "robots_forbidden"
            )
            status = "failed"
            reason = f"no list page could be fetched ({kinds or 'no error recorded'})"
        with crawl_database(self.crawler).session() as session:
            repo.finish_run(session, self.run_id, status, counters_from_stats(stats), reason)
