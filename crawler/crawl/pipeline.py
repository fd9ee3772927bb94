"""The item pipeline: fetched article pages -> a worker process -> stored articles.

Spiders yield :class:`~crawler.items.ArticlePage` (the raw page; a spider that extracts
pages itself may yield :class:`~crawler.items.ArticleItem`). Extracting, validating,
classifying and storing (:mod:`crawler.crawl.worker`) cost more per page than fetching,
and Scrapy's reactor is one core, so that work runs in a worker process while the
reactor goes on fetching. This pipeline batches pages to the worker and turns what it
reports into the crawl's counters. The one place items meet the store.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.utils.defer import deferred_from_coro, maybe_deferred_to_future
from twisted.internet.defer import Deferred
from twisted.internet.interfaces import IDelayedCall

from crawler.crawl.context import (
    ARTICLE_WORKER,
    article_worker_args,
    crawl_config,
    take_article_worker,
)
from crawler.crawl.runs import WORKER_FAILED
from crawler.crawl.worker import ArticleProcessor, BatchResult
from crawler.crawl.worker_process import WorkerProcess
from crawler.items import ArticleItem, ArticlePage

logger = logging.getLogger(__name__)


class ArticlePipeline:
    """Hands article pages to a worker process in batches and counts what it reports.

    Batches grow while the worker is busy (up to ``LEADWATCH_STORE_BATCH`` pages, one
    transaction each) and shrink when it is idle, so the worker never waits and the last
    pages are stored soon after they are fetched. A page the worker could not handle, or
    a batch lost with a worker that died, counts as an error; the crawl goes on.
    ``LEADWATCH_ARTICLE_WORKER = False`` processes the pages in the crawl process instead
    (slower; handy under a debugger).
    """

    worker_module = ARTICLE_WORKER
    # One batch being processed and one queued behind it, so the worker never waits.
    max_in_flight = 2
    # Fetched pages not yet sent to the worker before the crawl waits for it: the worker
    # may lag a second or so behind (its start-up), and the crawl must not stall meanwhile.
    max_pending_bytes = 32 * 1024 * 1024
    # A worker that died is replaced; one that keeps dying stops the crawl.
    max_restarts = 3
    # A batch not answered in this long means a hung worker, which is then ended (a batch
    # of 100 pages takes well under a second).
    batch_timeout_s = 300.0

    def __init__(self, crawler: Any):
        self.crawler = crawler
        self.stats = crawler.stats
        self.batch_size = crawler.settings.getint("LEADWATCH_STORE_BATCH", 100)
        self.use_worker = crawler.settings.getbool("LEADWATCH_ARTICLE_WORKER", True)
        config = crawl_config(crawler)
        config.taxonomy()  # a broken taxonomy fails here, with its message
        self.worker_args = article_worker_args(config)
        self.worker: WorkerProcess | None = None
        self.inline: ArticleProcessor | None = None
        self.pending: list[ArticlePage | ArticleItem] = []
        self.pending_bytes = 0
        self.in_flight: dict[int, tuple[list[ArticlePage | ArticleItem], IDelayedCall]] = {}
        self.batches = 0
        self.restarts = 0
        self.waiters: list[Deferred[None]] = []

    @classmethod
    def from_crawler(cls, crawler: Any) -> ArticlePipeline:
        pipeline = cls(crawler)
        # crawler.crawl.job starts the worker a little ahead; else it starts now, to be
        # ready by the time the first pages arrive
        ahead = take_article_worker(crawler, pipeline.worker_module, pipeline.worker_args)
        if pipeline.use_worker:
            pipeline.start_worker(ahead)
        elif ahead is not None:
            ahead.stop()
        return pipeline

    # --- Scrapy's pipeline interface ----------------------------------------------------

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticlePage | ArticleItem):
            return item
        self.pending.append(item)
        self.pending_bytes += len(item.body)
        if not self.use_worker:
            if len(self.pending) >= self.batch_size:
                self.process_inline()
        elif len(self.in_flight) < self.max_in_flight:
            self.submit()
        while self.pending_bytes > self.max_pending_bytes:
            self.stats.inc_value("leadwatch/article_worker/backlog_waits")
            await self.batch_finished()
        return item

    async def close_spider(self) -> None:
        """Returns once every page has been stored (or counted as an error)."""
        if not self.use_worker:
            self.process_inline()
        while self.pending or self.in_flight:
            if self.pending and len(self.in_flight) < self.max_in_flight:
                self.submit()
            else:
                await self.batch_finished()
        if self.worker is not None:
            await maybe_deferred_to_future(self.worker.stop())
        if self.inline is not None:
            self.inline.close()

    # --- the worker -----------------------------------------------------------------------

    def start_worker(self, started: WorkerProcess | None = None) -> None:
        worker = started or WorkerProcess(self.worker_module, self.worker_args).start()
        self.worker = worker.connect(self.on_reply, self.on_exit)

    def submit(self) -> None:
        """Sends up to one batch of pending pages to the worker."""
        pages = self.take_batch()
        if self.worker is None:
            self.lost(pages, "the article worker is gone")
            return
        from twisted.internet import reactor  # Scrapy's (imported earlier, it would not be)

        self.batches += 1
        timer = reactor.callLater(self.batch_timeout_s, self.overdue, self.batches)
        self.in_flight[self.batches] = (pages, timer)
        run_id = getattr(self.crawler.spider, "leadwatch_run_id", None)
        self.worker.send((self.batches, pages, run_id))

    def on_reply(self, reply: tuple[int, BatchResult]) -> None:
        batch_id, result = reply
        _, timer = self.in_flight.pop(batch_id)
        timer.cancel()
        self.count(result)
        self.batch_done()

    def overdue(self, batch_id: int) -> None:
        if batch_id in self.in_flight and self.worker is not None:
            logger.error(
                "the article worker has not answered in %.0f s; ending it", self.batch_timeout_s
            )
            self.worker.kill()

    def on_exit(self, worker: WorkerProcess, why: str) -> None:
        if worker.stopping:
            return
        for pages, timer in self.in_flight.values():
            if timer.active():
                timer.cancel()
            self.lost(pages, f"the article worker process died ({why})")
        self.in_flight.clear()
        self.worker = None
        if self.restarts < self.max_restarts:
            self.restarts += 1
            logger.warning("restarting the article worker (restart %d)", self.restarts)
            self.start_worker()
        else:
            logger.error("the article worker died %d times; stopping the crawl", self.restarts + 1)
            self.stats.set_value(WORKER_FAILED, 1)
            engine = self.crawler.engine
            if engine is not None and engine.spider is not None:  # not closed yet
                deferred_from_coro(engine.close_spider_async(reason="article worker failed"))
        self.batch_done()

    def batch_done(self) -> None:
        if self.pending and len(self.in_flight) < self.max_in_flight:
            self.submit()
        waiters, self.waiters = self.waiters, []
        for waiter in waiters:
            waiter.callback(None)

    async def batch_finished(self) -> None:
        waiter: Deferred[None] = Deferred()
        self.waiters.append(waiter)
        await maybe_deferred_to_future(waiter)

    # --- without a worker -------------------------------------------------------------------

    def process_inline(self) -> None:
        """Processes every pending page here, in the crawl process."""
        if self.inline is None:
            self.inline = ArticleProcessor(*self.worker_args)
        while self.pending:
            run_id = getattr(self.crawler.spider, "leadwatch_run_id", None)
            self.count(self.inline.process(self.take_batch(), run_id))

    # --- bookkeeping -------------------------------------------------------------------------

    def take_batch(self) -> list[ArticlePage | ArticleItem]:
        pages, self.pending = self.pending[: self.batch_size], self.pending[self.batch_size :]
        self.pending_bytes -= sum(len(page.body) for page in pages)
        return pages

    def count(self, result: BatchResult) -> None:
        stats = self.stats
        stats.inc_value("leadwatch/articles_new", result.new)
        stats.inc_value("leadwatch/articles_updated", result.updated)
        stats.inc_value("leadwatch/articles_unchanged", result.unchanged)
        stats.inc_value("leadwatch/errors", result.errors)
        stats.inc_value("leadwatch/article_worker/batches")
        stats.inc_value("leadwatch/article_worker/cpu_s", round(result.seconds, 3))
        for problem in result.problems:
            logger.warning("%s", problem)
        for warning in result.warnings:
            logger.debug("%s", warning)

    def lost(self, pages: list[ArticlePage | ArticleItem], why: str) -> None:
        if not pages:
            return
        self.stats.inc_value("leadwatch/errors", len(pages))
        urls = "\n  ".join(page.url for page in pages)
        logger.error("%s; not stored (counted as errors):\n  %s", why, urls)
