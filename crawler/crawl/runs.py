"""Records each crawl in crawl_runs: counters from the crawl's stats, and its outcome."""

from __future__ import annotations

import os
from typing import Any

from scrapy import signals

from crawler.crawl.budget import peak_rss_kb
from crawler.crawl.context import crawl_database, stopped_by
from crawler.crawl.liveness import this_host
from crawler.store import repo

# Set by crawler.crawl.pipeline when its worker process kept dying.
WORKER_FAILED = "leadwatch/article_worker_failed"
# Peak resident memory (KB) of the crawl process and of its article worker(s): in the
# crawl log's stats, not in the run's counters.
CRAWL_PEAK_RSS = "memory/crawl_peak_rss_kb"
WORKER_PEAK_RSS = "memory/worker_peak_rss_kb"
# Pages named in a run's counters, by kind: "too_complex_urls": [...], at most this many.
NAMED_PAGES = "leadwatch/urls/"
MAX_NAMED = 50


def name_page(stats: Any, kind: str, url: str) -> None:
    """Keep ``url`` in the run's counters as ``<kind>_urls`` (the first MAX_NAMED)."""
    named = stats.get_value(NAMED_PAGES + kind) or []
    if len(named) < MAX_NAMED and url not in named:
        stats.set_value(NAMED_PAGES + kind, [*named, url])


# Scrapy's own stats kept beside ours in crawl_runs.counters, under these names.
SCRAPY_COUNTERS = {"retry/count": "retries", "retry/max_reached": "retries_exhausted"}


def detail_counters(stats: dict[str, Any]) -> dict[str, Any]:
    """A run's finer counters: every integer ``leadwatch/*`` stat without its prefix
    (``errors/http_404``, ``pages/charset_mismatch``, ``robots_forbidden``, ``offsite``,
    ``too_complex``, ``lost`` …) except the article worker's timings, plus Scrapy's
    retries, plus the pages named by kind (``too_complex_urls``: a list of URLs)."""
    out: dict[str, Any] = {
        key.removeprefix("leadwatch/"): value
        for key, value in stats.items()
        if key.startswith("leadwatch/")
        and not key.startswith("leadwatch/article_worker/")
        and isinstance(value, int)
    }
    out |= {name: stats[key] for key, name in SCRAPY_COUNTERS.items() if key in stats}
    out |= {
        key.removeprefix(NAMED_PAGES) + "_urls": list(value)
        for key, value in stats.items()
        if key.startswith(NAMED_PAGES) and isinstance(value, list)
    }
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
    """Opens a run row (unless the parent process made one, which it takes over: the
    run's process is now this one) and closes it with counters."""

    def __init__(self, crawler: Any):
        self.crawler = crawler
        self.run_id: int | None = crawler.settings.getint("LEADWATCH_RUN_ID") or None

    @classmethod
    def from_crawler(cls, crawler: Any) -> RunRecorder:
        ext = cls(crawler)
        if ext.run_id is not None:
            with crawl_database(crawler).session() as session:
                repo.take_over_run(session, ext.run_id, os.getpid(), this_host())
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider: Any) -> None:
        if self.run_id is None:
            with crawl_database(self.crawler).session() as session:
                run = repo.start_run(session, spider.name, pid=os.getpid(), host=this_host())
                self.run_id = run.id
        spider.leadwatch_run_id = self.run_id

    def spider_closed(self, spider: Any, reason: str) -> None:
        self.crawler.stats.max_value(CRAWL_PEAK_RSS, peak_rss_kb())
        stats = self.crawler.stats.get_stats()
        status = "completed" if reason == "finished" else "failed"
        signal_name = stopped_by(self.crawler)
        if signal_name is not None:
            status, reason = "failed", f"stopped ({signal_name})"
        elif stats.get(WORKER_FAILED):  # pages were fetched but could not be stored
            status, reason = "failed", "article worker failed (see the crawl log)"
        elif status == "completed" and not stats.get("leadwatch/list_pages"):
            # Nothing to list means nothing was checked: the site is down, moved or
            # forbids us, and "completed" would hide that from the operator.
            kinds = ", ".join(
                f"{key.removeprefix('errors/')} x{n}"
                for key, n in detail_counters(stats).items()
                if key.startswith("errors/") or key in ("robots_forbidden", "offsite")
            )
            status = "failed"
            reason = f"no list page could be fetched ({kinds or 'no error recorded'})"
        with crawl_database(self.crawler).session() as session:
            repo.finish_run(session, self.run_id, status, counters_from_stats(stats), reason)
