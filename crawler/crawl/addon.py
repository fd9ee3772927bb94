"""A Scrapy add-on that applies leadwatch.toml's ``[crawl]`` table to every crawl.

However a crawl starts — `leadwatch crawl` (``python -m crawler.crawl.job``), the
scheduler, `sources check`, `extract URL` or plain ``scrapy crawl NAME`` in the repository
root — Scrapy loads this add-on from :mod:`crawler.crawl.settings` and it sets the user
agent, robots.txt, delays, concurrency, timeouts, size limit, retries and log level from
the instance config named by the ``LEADWATCH_CONFIG`` setting. The config's models hold
the only defaults; ``settings.py`` keeps what no config changes.

Priorities: the add-on writes at Scrapy's ``addon`` priority, so a source's own
``download_delay`` (the spider's ``update_settings``, ``spider`` priority) and ``-s NAME=…``
on the command line still win.
"""

from __future__ import annotations

from typing import Any

from scrapy.settings import BaseSettings

from crawler.config import CrawlSettings, load_config_or_defaults


def crawl_settings(crawl: CrawlSettings) -> dict[str, Any]:
    """Scrapy settings for leadwatch's ``[crawl]`` table."""
    return {
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


class LeadwatchAddon:
    """Scrapy add-on: ``[crawl]`` of the config named by ``LEADWATCH_CONFIG``."""

    def update_settings(self, settings: BaseSettings) -> None:
        config = load_config_or_defaults(settings.get("LEADWATCH_CONFIG"))
        settings.setdict(crawl_settings(config.crawl), priority="addon")
