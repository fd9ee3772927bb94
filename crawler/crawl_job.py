"""Run one source's crawl in this process: ``python -m crawler.crawl_job NAME``.

The parent (`leadwatch crawl`, the scheduler) starts one such process per crawl because
Twisted's reactor cannot be restarted in one process (DESIGN.md, ReactorNotRestartable).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from crawler import settings as default_settings
from crawler.config import Config, Source, load_config
from crawler.spiderloader import spider_class_for


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler.crawl_job")
    parser.add_argument("source")
    parser.add_argument("--config", default="leadwatch.toml")
    parser.add_argument("--run-id", type=int)
    parser.add_argument("--full", action="store_true")
    args = parser.parse_args(argv)
    config = load_config(args.config)
    source = config.source(args.source)
    process = CrawlerProcess(scrapy_settings(config, source, run_id=args.run_id, full=args.full))
    crawler = process.create_crawler(spider_class_for(source))
    process.crawl(crawler)
    process.start()
    reason = crawler.stats.get_value("finish_reason")
    return 0 if reason == "finished" else 1


if __name__ == "__main__":
    sys.exit(main())
