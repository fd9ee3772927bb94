"""Drops every request that leaves the source's scope (spiders.scope), whatever made it.

The spider filters the links it finds itself (``offsite_links``); this downloader
middleware sees everything else before it is fetched or even queued: 3xx redirects and
meta refreshes (re-scheduled requests), robots.txt (fetched through the engine for each
new origin), Hanweb dataproxy POSTs, child sitemaps, retries. It replaces Scrapy's
OffsiteMiddleware, which compares host names only (any port of the host passes), lets
``x.127.0.0.1`` through as a "subdomain" and lets ``dont_filter`` requests pass. It
runs before RobotsTxtMiddleware, so no other origin's robots.txt is ever asked for.

A dropped request is counted as ``leadwatch/offsite`` and, by what made it,
``leadwatch/offsite/redirect``, ``…/meta_refresh``, ``…/robots_txt`` or ``…/request``;
the first few are logged with their URL.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Request, signals
from scrapy.exceptions import IgnoreRequest

from spiders.scope import CrawlScope

logger = logging.getLogger(__name__)

LOGGED = 50  # dropped requests logged at INFO; the rest at DEBUG


def made_by(request: Request) -> str:
    """What made ``request``: redirect, meta_refresh, robots_txt or request."""
    reasons = request.meta.get("redirect_reasons") or []
    if reasons:
        return "meta_refresh" if reasons[-1] == "meta refresh" else "redirect"
    if request.meta.get("dont_obey_robotstxt") and request.url.endswith("/robots.txt"):
        return "robots_txt"
    return "request"


class OffsiteDownloaderMiddleware:
    """Raises IgnoreRequest for requests outside ``spider.crawl_scope``.

    A spider without a ``crawl_scope`` attribute is not restricted (Scrapy's own
    spiders in the benchmarks); every leadwatch spider has one.
    """

    def __init__(self, crawler: Any):
        self.crawler = crawler
        self.logged = 0

    @classmethod
    def from_crawler(cls, crawler: Any) -> OffsiteDownloaderMiddleware:
        mw = cls(crawler)
        # Checked as a request is queued too, so nothing out of scope waits in the queue.
        crawler.signals.connect(mw.request_scheduled, signal=signals.request_scheduled)
        return mw

    def scope(self) -> CrawlScope | None:
        return getattr(self.crawler.spider, "crawl_scope", None)

    def request_scheduled(self, request: Request, spider: Any = None) -> None:
        self.check(request)

    def process_request(self, request: Request, spider: Any = None) -> None:
        self.check(request)

    def check(self, request: Request) -> None:
        scope = self.scope()
        if scope is None or request.meta.get("lw_offsite_checked") == request.url:
            return
        why = scope.refusal(request.url)
        if why is None:
            # The same request comes through here when queued and when downloaded.
            request.meta["lw_offsite_checked"] = request.url
            return
        kind = made_by(request)
        stats = self.crawler.stats
        stats.inc_value("leadwatch/offsite")
        stats.inc_value(f"leadwatch/offsite/{kind}")
        level = logging.INFO if self.logged < LOGGED else logging.DEBUG
        self.logged += 1
        chain = request.meta.get("redirect_urls") or []
        came_from = f" (from {chain[-1]})" if chain else ""
        logger.log(level, "offsite %s dropped: %s%s — %s", kind, request.url, came_from, why)
        raise IgnoreRequest(f"offsite request dropped: {why}")
