"""Incremental crawling: known article pages are not fetched again.

Built on the store, not on Scrapy's JOBDIR: JOBDIR keeps the request queue on disk,
and a crawl killed between writing it and storing the pages it held comes back having
forgotten them, without a word. Paging stops early only when every article on a list
page was already stored when the source's last *clean* run finished (its watermark):
completed, and no fetched page lost on the way (``lost`` in its counters,
crawler.crawl.pipeline). Articles that a run killed half-way, or one that lost pages,
stored are skipped, but a page of them does not stop paging: the pages behind them may
hold what that run never stored, and the next run must go on to them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from typing import Any

from scrapy import Request, signals
from scrapy.exceptions import NotConfigured
from sqlalchemy import select

from crawler.crawl.context import crawl_database
from crawler.items import ARTICLE, LIST
from crawler.store import repo
from crawler.store.models import Article


class IncrementalMiddleware:
    """Drops requests for stored articles; stops paging once caught up."""

    def __init__(self, crawler: Any):
        self.crawler = crawler
        self.full = crawler.settings.getbool("LEADWATCH_FULL")
        self.known: set[str] = set()
        self.settled: set[str] = set()  # stored before the last clean run finished

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
            completed = repo.last_clean_run(session, spider.name)
            watermark = completed.finished_at if completed else None
            rows = session.execute(
                select(Article.url, Article.first_seen_at).where(Article.source == spider.name)
            )
            for url, first_seen in rows:
                self.known.add(url)
                if watermark is not None and first_seen <= watermark:
                    self.settled.add(url)
        spider.logger.info(
            "incremental: %d known articles, %d of them before the last clean run (%s)",
            len(self.known),
            len(self.settled),
            watermark.isoformat() if watermark else "none: no early stop",
        )

    def _filter(self, response: Any, outputs: list[Any]) -> list[Any]:
        if response is None or response.meta.get("lw_kind") != LIST:
            return outputs
        stats = self.crawler.stats
        articles = [
            o for o in outputs if isinstance(o, Request) and o.meta.get("lw_kind") == ARTICLE
        ]
        stop = bool(articles) and all(a.url in self.settled for a in articles)
        kept = []
        for out in outputs:
            kind = out.meta.get("lw_kind") if isinstance(out, Request) else None
            if kind == ARTICLE and out.url in self.known:
                stats.inc_value("incremental/skipped")
                continue
            if kind == LIST and stop:
                stats.inc_value("incremental/stopped_early")
                self.crawler.spider.logger.info(
                    "incremental: every article on %s was known at the last clean run; "
                    "not paging further",
                    response.url,
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
