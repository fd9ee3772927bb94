"""Run one source's crawl in this process: ``python -m crawler.crawl.job NAME``.

The parent (`leadwatch crawl`, the scheduler) starts one such process per crawl because
Twisted's reactor cannot be started a second time in one process (a second crawl would
raise ``ReactorNotRestartable``), and a crawl in its own process cannot take the
parent's memory or database handles down with it.
"""

from __future__ import annotations

import argparse
import gc
import sys
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings
from scrapy.utils.reactor import install_reactor

from crawler.config import Config, Source, load_config
from crawler.crawl import settings as default_settings
from crawler.crawl.context import hand_over_article_worker, start_article_worker
from crawler.crawl.spiderloader import spider_class_for


def scrapy_settings(
    config: Config, source: Source | None = None, *, run_id: int | None = None, full: bool = False
) -> Settings:
    """Scrapy settings for a crawl: package defaults, leadwatch.toml's [crawl], the source's."""
    settings = Settings()
    settings.setmodule(default_settings, priority="project")
    crawl = config.crawl
    overrides: dict[str, Any] = {
        "LEADWATCH_CONFIG": str(config.path),
        "LEADWATCH_RUN_ID": run_id,
        "LEADWATCH_FULL": full,
        "USER_AGENT": crawl.user_agent,
        "ROBOTSTXT_OBEY": crawl.obey_robots,
        "DOWNLOAD_DELAY": crawl.download_delay,
        "AUTOTHROTTLE_ENABLED": crawl.autothrottle,
        "CONCURRENT_REQUESTS_PER_DOMAIN": crawl.concurrent_per_domain,
        "DOWNLOAD_TIMEOUT": crawl.download_timeout_s,
        "DOWNLOAD_MAXSIZE": crawl.max_page_bytes,
        "RETRY_TIMES": crawl.retries,
        "LOG_LEVEL": crawl.log_level,
    }
    if source is not None and source.download_delay is not None:
        overrides["DOWNLOAD_DELAY"] = source.download_delay
        if source.download_delay == 0:  # e.g. our own loopback demo site
            overrides["AUTOTHROTTLE_ENABLED"] = False
    settings.setdict(overrides, priority="cmdline")
    return settings


def rebased(source: Source, origin: str) -> Source:
    """``source`` with its start URLs moved to ``origin`` (scheme://host:port), e.g. the
    bundled demo site served on another port than the one its sources name."""
    new = urlsplit(origin)
    urls = [
        urlunsplit(urlsplit(u)._replace(scheme=new.scheme, netloc=new.netloc))
        for u in source.start_urls
    ]
    return source.model_copy(update={"start_urls": urls})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler.crawl.job")
    parser.add_argument("source")
    parser.add_argument("--config", default="leadwatch.toml")
    parser.add_argument("--run-id", type=int)
    parser.add_argument("--full", action="store_true")
    parser.add_argument("--origin", help="fetch the source's start URLs from this origin")
    args = parser.parse_args(argv)
    config = load_config(args.config)
    source = config.source(args.source)
    if args.origin:
        source = rebased(source, args.origin)
    settings = scrapy_settings(config, source, run_id=args.run_id, full=args.full)
    # Scrapy would install its reactor when the crawl starts; installed now, the article
    # worker can start ~0.6 s before the crawler has built its components, and its own
    # start-up (~1 s: imports, the classifier) is over when the first articles arrive.
    install_reactor(settings["TWISTED_REACTOR"], settings["ASYNCIO_EVENT_LOOP"])
    worker = start_article_worker(config)
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(spider_class_for(source))
    hand_over_article_worker(crawler, worker)
    process.crawl(crawler)
    # What exists now (Scrapy, SQLAlchemy, our modules, the crawler's components) lives
    # until the process ends. Frozen, it is left out of the garbage collector's full
    # passes, which would otherwise walk it a dozen times or more per crawl.
    gc.freeze()
    process.start()
    reason = crawler.stats.get_value("finish_reason")
    return 0 if reason == "finished" else 1


if __name__ == "__main__":
    sys.exit(main())
