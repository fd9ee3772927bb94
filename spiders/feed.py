"""The feed spider: RSS/Atom feeds (feedparser) and XML sitemaps -> article pages.

A sitemap index is a list page whose "next pages" are its child sitemaps; like list
pages they count against ``max_pages``. Gzipped sitemaps (``sitemap.xml.gz``) are
unpacked within the download size limit.
"""

from __future__ import annotations

from typing import Any

import feedparser
from scrapy.http import Response
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap

from spiders.listing import ListingSpider, ListPage

_GZIP_MAGIC = b"\x1f\x8b"
# A sitemap's root element appears within the first bytes (after an XML declaration,
# comments or a stylesheet instruction).
_SNIFF_BYTES = 4096


class FeedSpider(ListingSpider):
    """Reads a feed or sitemap and fetches each linked article like the listing spider."""

    name = "feed"

    def read_list_page(self, response: Response) -> ListPage:
        body = response.body
        if body.startswith(_GZIP_MAGIC):
            body = gunzip(body, max_size=self.crawler.settings.getint("DOWNLOAD_MAXSIZE"))
        page = response.meta.get("lw_page", 1)
        sitemap = parse_sitemap(body)
        if sitemap is not None:
            kind, locs = sitemap
            urls = [response.urljoin(loc) for loc in locs]
            if kind == "sitemapindex":
                children = [u for u in dict.fromkeys(urls) if self.counted_allowed(u)]
                requests = [self.list_request(u, page + 1 + i) for i, u in enumerate(children)]
                return ListPage([], requests)
            return ListPage(self.keep_articles(urls))
        urls = [response.urljoin(u) for u in feed_urls(body)]
        if not urls:
            self.logger.warning("no entries found in feed %s", response.url)
        return ListPage(self.keep_articles(urls))

    def counted_allowed(self, url: str) -> bool:
        """:meth:`is_allowed`, counting a URL out of scope as an offsite link."""
        if self.is_allowed(url):
            return True
        self.count("offsite_links")
        return False

    def keep_articles(self, urls: list[str]) -> list[str]:
        """Entries on allowed domains (and matching article_url_pattern, if set), deduplicated."""
        kept: list[str] = []
        for url in urls:
            if url in kept:
                continue
            if not self.is_allowed(url):
                self.count("offsite_links")
                continue
            if self.article_pattern is None or self.article_pattern.search(url):
                kept.append(url)
        return kept


def feed_urls(body: bytes) -> list[str]:
    """Entry links of an RSS or Atom document, in feed order."""
    parsed: Any = feedparser.parse(body)
    return [entry.link for entry in parsed.entries if entry.get("link")]


def parse_sitemap(body: bytes) -> tuple[str, list[str]] | None:
    """("urlset" | "sitemapindex", <loc> URLs) of an XML sitemap, or None for anything else."""
    head = body[:_SNIFF_BYTES].lower()
    if b"<urlset" not in head and b"<sitemapindex" not in head:
        return None
    sitemap = Sitemap(body)
    if sitemap.type not in ("urlset", "sitemapindex"):
        return None
    return sitemap.type, [entry["loc"] for entry in sitemap if entry.get("loc")]
