"""The generic listing spider: list pages with pagination -> article pages -> items.

Driven entirely by a :class:`crawler.config.Source`; knows pages, not the database
(incremental skipping lives in :mod:`crawler.crawl.incremental`). The CMS families it reads
without selectors: TRS (``index_N.html`` and script pagers), Hanweb (``<datastore>``
records and ``jpage/dataproxy.jsp`` paging), 开普 (32-hex article URLs, numbered pagers),
Wuxi/Yixing (``/doc/YYYY/MM/DD/N.shtml``), ``?page=N`` and "下一页" links.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from parsel import Selector
from scrapy import FormRequest, Request, Spider, signals
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.config import Source
from crawler.extract import ArticleSelectors
from crawler.extract.encoding import decode_html
from crawler.items import ARTICLE, LIST, ArticlePage
from crawler.selectors import select
from spiders import hanweb, heuristics, pagers, quality
from spiders.failures import classify_failure
from spiders.scope import CrawlScope

STATS = "leadwatch"


@dataclass
class ListPage:
    """What one list page holds: article URLs and the request(s) for the next page(s)."""

    article_urls: list[str]
    next_requests: list[Request] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class ListingSpider(Spider):
    """Crawls a news column: follows article links and the pager up to ``max_pages``."""

    name = "listing"
    source: Source  # set by crawler.crawl.spiderloader for each configured source

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.crawl_scope = CrawlScope.of(
            self.source.start_urls, self.source.allowed_origins, self.source.allowed_domains
        )
        self.article_pattern = self.source.article_regex  # compiled when the config loaded
        s = self.source.selectors
        self.article_selectors = ArticleSelectors(
            title=s.title, date=s.date, source=s.source, body=s.body
        )

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> ListingSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.item_failed, signal=signals.item_error)
        return spider

    @classmethod
    def update_settings(cls, settings: Any) -> None:
        super().update_settings(settings)
        if getattr(cls, "source", None) is not None and cls.source.download_delay is not None:
            settings.set("DOWNLOAD_DELAY", cls.source.download_delay, priority="spider")
            if cls.source.download_delay == 0:
                settings.set("AUTOTHROTTLE_ENABLED", False, priority="spider")

    # --- requests ---------------------------------------------------------------------

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

    def proxy_request(self, proxy: hanweb.ProxyPage, page: int) -> Request:
        """A Hanweb dataproxy.jsp POST for list page ``page``."""
        return FormRequest(
            proxy.url,
            formdata=proxy.formdata,
            callback=self.parse_list,
            errback=self.on_error,
            meta={"lw_kind": LIST, "lw_page": page, "lw_hanweb": proxy},
        )

    def article_request(self, url: str) -> Request:
        return Request(
            url, callback=self.parse_article, errback=self.on_error, meta={"lw_kind": ARTICLE}
        )

    # --- list pages -------------------------------------------------------------------

    def content_type(self, response: Response) -> str | None:
        """The response's Content-Type, or the source's configured encoding."""
        content_type = response.headers.get("Content-Type", b"").decode("latin-1")
        if self.source.encoding:
            content_type = f"text/html; charset={self.source.encoding}"
        return content_type or None

    def decode(self, response: Response) -> str:
        return decode_html(response.body, self.content_type(response))

    def parse_list(self, response: Response) -> Iterator[Request]:
        self.count("list_pages")
        page = self.read_list_page(response)
        if not page.article_urls:
            self.logger.warning("no article links found on list page %s", response.url)
        for url in page.article_urls:
            yield self.article_request(url)
        for request in page.next_requests:
            if request.meta["lw_page"] <= self.source.max_pages:
                yield request
            else:
                self.count("pager_bounded")
                self.logger.info(
                    "max_pages=%d reached on %s; not following %s",
                    self.source.max_pages,
                    response.url,
                    request.url,
                )

    def read_list_page(self, response: Response) -> ListPage:
        """Article URLs and next-page requests of a list page (or Hanweb proxy answer)."""
        html = self.decode(response)
        page_number = response.meta.get("lw_page", 1)
        store = hanweb.parse_datastore(html, response.url)
        if store is not None and (store.records or store.proxy_href):
            sel = Selector(text=hanweb.records_html(store.records))
            links = self.article_links(response, sel, in_records=True)
            previous: hanweb.ProxyPage | None = response.meta.get("lw_hanweb")
            fetched = (previous.start - 1 if previous else 0) + len(store.records)
            proxy = hanweb.next_proxy_page(store, page_number, fetched, previous)
            if proxy and not self.is_allowed(proxy.url):
                self.count("offsite_links")
                proxy = None
            nexts = [self.proxy_request(proxy, page_number + 1)] if proxy else []
            if not nexts and not previous and store.proxy_href is None:
                nexts = self.next_requests(response, Selector(text=html), html)
            return ListPage(links, nexts)
        sel = Selector(text=html or "<html></html>")
        return ListPage(self.article_links(response, sel), self.next_requests(response, sel, html))

    def article_links(
        self, response: Response, sel: Selector, *, in_records: bool = False
    ) -> list[str]:
        """Article URLs on a list page, in page order, without duplicates or offsite links."""
        query = self.source.selectors.list_links
        hrefs = select(sel, query).xpath("@href").getall() if query else []
        if not query:
            hrefs = sel.css("a::attr(href)").getall()
        urls: dict[str, None] = {}  # ordered and de-duplicated
        for href in hrefs:
            url = response.urljoin(href.strip()).split("#", 1)[0]
            if url in urls or not url.lower().startswith(("http://", "https://")):
                continue
            if not self.is_allowed(url):
                self.count("offsite_links")
                continue
            if query or self.is_article_url(url, in_records=in_records):
                urls[url] = None
        return list(urls)

    def is_allowed(self, url: str) -> bool:
        """True for URLs within the source's scope (spiders.scope): its own origins, or
        those its config allows."""
        return self.crawl_scope.allows(url)

    def is_article_url(self, url: str, *, in_records: bool = False) -> bool:
        if self.article_pattern:
            return bool(self.article_pattern.search(url))
        # Every link of a Hanweb record is a list entry, whatever its URL looks like.
        return in_records or heuristics.looks_like_article(url)

    def next_requests(self, response: Response, sel: Selector, html: str) -> list[Request]:
        """The next list page: configured selector, else the pager heuristics."""
        page = response.meta.get("lw_page", 1)
        query = self.source.selectors.next_page
        if query:
            href = select(sel, query).xpath("@href").get()
            url = response.urljoin(href.strip()) if href else None
        else:
            url = pagers.find_next_page(response.url, sel, html)
        if not url or url == response.url:
            return []
        if not self.is_allowed(url):
            self.count("offsite_links")
            return []
        return [self.list_request(url, page + 1)]

    # --- articles ---------------------------------------------------------------------

    def parse_article(self, response: Response) -> Iterator[ArticlePage]:
        """The raw page: the article worker extracts it, off the reactor (crawler.crawl.pipeline)."""
        self.count("article_pages")
        self.note_page(response)
        yield ArticlePage(
            url=response.url,
            source=self.source.name,
            body=response.body,
            content_type=self.content_type(response),
            selectors=self.article_selectors,
        )

    def note_page(self, response: Response) -> None:
        """Count and log pages that are readable but not clean (see spiders.quality)."""
        content_type = response.headers.get("Content-Type", b"").decode("latin-1")
        for note in quality.page_notes(response.body, content_type):
            self.count(f"pages/{note}")
            self.logger.info("%s: %s", note.replace("_", " "), response.url)

    # --- failures ---------------------------------------------------------------------

    def count(self, key: str, n: int = 1) -> None:
        self.crawler.stats.inc_value(f"{STATS}/{key}", n)

    def item_failed(self, item: Any, response: Any, spider: Any, failure: Failure) -> None:
        """An item pipeline raised (Scrapy logs the traceback): the article is an error."""
        self.count("errors")
        self.count("errors/item_pipeline")

    def on_error(self, failure: Failure) -> None:
        """A page that could not be fetched: counted and logged; the crawl goes on."""
        request = getattr(failure, "request", None)
        url = request.url if request is not None else "?"
        kind = classify_failure(failure)
        if kind.name == "offsite":  # counted by the middleware that dropped it
            self.logger.info("skipped %s: %s", url, kind.message)
            return
        if not kind.is_error:
            self.count(kind.name)  # e.g. forbidden by robots.txt
            self.logger.info("skipped %s: %s", url, kind.message)
            return
        self.count("errors")
        self.count(f"errors/{kind.name}")
        self.logger.warning("failed to fetch %s (%s): %s", url, kind.name, kind.message)
