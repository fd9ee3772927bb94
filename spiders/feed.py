"""The feed spider: RSS/Atom feeds (feedparser) and XML sitemaps -> article pages."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import feedparser
from parsel import Selector
from scrapy import Request
from scrapy.http import Response

from spiders.listing import ListingSpider


class FeedSpider(ListingSpider):
    """Reads a feed or sitemap and fetches each linked article like the listing spider."""

    name = "feed"

    def parse_list(self, response: Response) -> Iterator[Request]:
        self.crawler.stats.inc_value("leadwatch/list_pages")
        urls = sitemap_urls(response.body) or feed_urls(response.body)
        if not urls:
            self.logger.warning("no entries found in feed %s", response.url)
        for url in urls:
            url = response.urljoin(url)
            if self.is_article_url(url) or not self.article_pattern:
                yield self.article_request(url)


def feed_urls(body: bytes) -> list[str]:
    """Entry links of an RSS or Atom document, in feed order."""
    parsed: Any = feedparser.parse(body)
    return [entry.link for entry in parsed.entries if entry.get("link")]


def sitemap_urls(body: bytes) -> list[str]:
    """<loc> URLs of an XML sitemap (empty for anything else)."""
    head = body[:512].lower()
    if b"<urlset" not in head and b"<urlset" not in body[:4096].lower():
        return []
    sel = Selector(text=body.decode("utf-8", "replace"), type="xml")
    sel.remove_namespaces()
    return [u.strip() for u in sel.xpath("//url/loc/text()").getall()]
