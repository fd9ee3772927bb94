"""The generic listing spider: list pages with pagination -> article pages -> items.

Driven entirely by a :class:`crawler.config.Source`; knows pages, not the database
(incremental skipping lives in :mod:`crawler.incremental`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from parsel import Selector
from scrapy import Request, Spider
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler.config import Source
from crawler.encoding import decode_html
from crawler.extract import ArticleSelectors, extract_article
from crawler.items import ArticleItem
from spiders import heuristics

LIST, ARTICLE = "list", "article"


def select(sel: Selector, query: str) -> Any:
    """CSS, or XPath when the query starts with '/' or '('."""
    return sel.xpath(query) if query.lstrip().startswith(("/", "(")) else sel.css(query)


class ListingSpider(Spider):
    """Crawls a news column: follows article links and the pager up to ``max_pages``."""

    name = "listing"
    source: Source  # set by crawler.spiderloader for each configured source

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        domains = self.source.allowed_domains or [
            urlsplit(u).hostname or "" for u in self.source.start_urls
        ]
        self.allowed_domains = sorted(set(domains))
        self.article_pattern = (
            re.compile(self.source.article_url_pattern) if self.source.article_url_pattern else None
        )
        s = self.source.selectors
        self.article_selectors = ArticleSelectors(
            title=s.title, date=s.date, source=s.source, body=s.body
        )

    @classmethod
    def update_settings(cls, settings: Any) -> None:
        super().update_settings(settings)
        if getattr(cls, "source", None) is not None and cls.source.download_delay is not None:
            settings.set("DOWNLOAD_DELAY", cls.source.download_delay, priority="spider")
            if cls.source.download_delay == 0:
                settings.set("AUTOTHROTTLE_ENABLED", False, priority="spider")

    async def start(self) -> Any:
        for url in self.source.start_urls:
            yield self.list_request(url, page=1)

    def list_request(self, url: str, page: int) -> Request:
        return Request(
            url,
            callback=self.parse_list,
            errback=self.on_error,
            meta={"lw_kind": LIST, "lw_page": page},
        )

    def article_request(self, url: str) -> Request:
        return Request(
            url, callback=self.parse_article, errback=self.on_error, meta={"lw_kind": ARTICLE}
        )

    def decode(self, response: Response) -> str:
        content_type = response.headers.get("Content-Type", b"").decode("latin-1")
        if self.source.encoding:
            content_type = f"text/html; charset={self.source.encoding}"
        return decode_html(response.body, content_type or None)

    def parse_list(self, response: Response) -> Iterator[Request]:
        self.crawler.stats.inc_value("leadwatch/list_pages")
        html = self.decode(response)
        sel = Selector(text=html or "<html></html>")
        links = self.article_links(response, sel, html)
        if not links:
            self.logger.warning("no article links found on list page %s", response.url)
        for url in links:
            yield self.article_request(url)
        page = response.meta.get("lw_page", 1)
        next_url = self.next_page(response, sel, html)
        if next_url and page < self.source.max_pages:
            yield self.list_request(next_url, page + 1)

    def article_links(self, response: Response, sel: Selector, html: str) -> list[str]:
        """Article URLs on a list page, in page order, without duplicates."""
        query = self.source.selectors.list_links
        hrefs = select(sel, f"{query}").xpath("@href").getall() if query else []
        if not query:
            hrefs = sel.css("a::attr(href)").getall()
            for record in heuristics.HANWEB_RECORD.findall(html):
                hrefs += Selector(text=record).css("a::attr(href)").getall()
        urls: list[str] = []
        for href in hrefs:
            url = response.urljoin(href.strip())
            if url in urls or not url.startswith(("http://", "https://")):
                continue
            if (urlsplit(url).hostname or "") not in self.allowed_domains:
                continue
            if query or self.is_article_url(url):
                urls.append(url)
        return urls

    def is_article_url(self, url: str) -> bool:
        if self.article_pattern:
            return bool(self.article_pattern.search(url))
        return heuristics.looks_like_article(url)

    def next_page(self, response: Response, sel: Selector, html: str) -> str | None:
        """The next list page: configured selector, a 下一页 link, or the TRS pager script."""
        query = self.source.selectors.next_page
        if query:
            href = select(sel, query).xpath("@href").get()
            return response.urljoin(href) if href else None
        for link in sel.css("a"):
            text = "".join(link.css("::text").getall()).strip()
            href = link.attrib.get("href", "").strip()
            if (
                text in heuristics.NEXT_PAGE_TEXTS
                and href
                and not href.startswith(("javascript:", "#"))
            ):
                url = response.urljoin(href)
                return url if url != response.url else None
        return heuristics.trs_page_url(response.url, html)

    def parse_article(self, response: Response) -> Iterator[ArticleItem]:
        self.crawler.stats.inc_value("leadwatch/article_pages")
        try:
            extracted = extract_article(
                self.decode(response), response.url, selectors=self.article_selectors
            )
        except Exception:
            self.crawler.stats.inc_value("leadwatch/errors")
            self.logger.exception("could not parse article %s", response.url)
            return
        yield ArticleItem(
            url=response.url,
            source=self.source.name,
            title=extracted.title,
            published_at=extracted.published_at,
            publisher=extracted.source,
            body=extracted.body,
            warnings=list(extracted.warnings),
        )

    def on_error(self, failure: Failure) -> None:
        """A page that could not be fetched: counted and logged; the crawl goes on."""
        request = getattr(failure, "request", None)
        url = request.url if request is not None else "?"
        if failure.check(IgnoreRequest) and not failure.check(HttpError):
            self.crawler.stats.inc_value("leadwatch/ignored")  # e.g. forbidden by robots.txt
            self.logger.info("skipped %s: %s", url, failure.getErrorMessage())
            return
        self.crawler.stats.inc_value("leadwatch/errors")
        self.logger.warning("failed to fetch %s: %s", url, failure.getErrorMessage())
