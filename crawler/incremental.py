"""Incremental crawling: known article pages are not fetched again.

Built on the store, not on Scrapy's JOBDIR (which silently loses a killed crawl, see
DESIGN.md). Paging stops early only when a whole list page is already known AND the
source's previous run completed; otherwise a crawl that died half-way would leave the
older pages unvisited for ever.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from typing import Any

from scrapy import Request, signals
from scrapy.exceptions import NotConfigured

from crawler.crawlctx import crawl_database
from crawler.store import repo

LIST, ARTICLE = "list", "article"


class IncrementalMiddleware:
    """Drops requests for stored articles; stops paging once caught up."""

    def __init__(self, crawler: Any):
        self.crawler = crawler
        self.full = crawler.settings.getbool("LEADWATCH_FULL")
        self.known: set[str] = set()
        self.may_stop_early = False

    @classmethod
    def from_crawler(cls, crawler: Any) -> IncrementalMiddleware:
        if not crawler.settings.getbool("LEADWATCH_INCREMENTAL", True):
            raise NotConfigured("incremental crawling is off")
        mw = cls(crawler)
        crawler.signals.connect(mw.spider_opened, signal=signals.spider_opened)
        return mw

    def spider_opened(self, spider: Any) -> None:
        if self.full:
            return
        database = crawl_database(self.crawler)
        with database.session() as session:
            self.known = repo.known_urls(session, spider.name)
            completed = repo.last_run(session, spider.name, status="completed")
        self.may_stop_early = completed is not None
        spider.logger.info(
            "incremental: %d known articles; early stop %s",
            len(self.known),
            "allowed" if self.may_stop_early else "off (no completed previous run)",
        )

    def _filter(self, response: Any, outputs: list[Any]) -> list[Any]:
        if response is None or response.meta.get("lw_kind") != LIST:
            return outputs
        stats = self.crawler.stats
        articles = [
            o for o in outputs if isinstance(o, Request) and o.meta.get("lw_kind") == ARTICLE
        ]
        all_known = bool(articles) and all(a.url in self.known for a in articles)
        stop = self.may_stop_early and all_known
        kept = []
        for out in outputs:
            kind = out.meta.get("lw_kind") if isinstance(out, Request) else None
            if kind == ARTICLE and out.url in self.known:
                stats.inc_value("incremental/skipped")
                continue
            if kind == LIST and stop:
                stats.inc_value("incremental/stopped_early")
                self.crawler.spider.logger.info(
                    "incremental: every article on %s is known; not paging further", response.url
                )
                continue
            kept.append(out)
        return kept

    def process_spider_output(self, response: Any, result: Iterable[Any]) -> Iterable[Any]:
        if self.full:
            yield from result
            return
        yield from self._filter(response, list(result))

    async def process_spider_output_async(
        self, response: Any, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        outputs = [o async for o in result]
        for out in outputs if self.full else self._filter(response, outputs):
            yield out
