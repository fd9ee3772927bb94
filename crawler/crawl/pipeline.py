"""The item pipeline: fetched article pages -> a worker process -> stored articles.

Spiders yield :class:`~crawler.items.ArticlePage` (the raw page; a spider that extracts
pages itself may yield :class:`~crawler.items.ArticleItem`). Extracting, validating,
classifying and storing (:mod:`crawler.crawl.worker`) cost more per page than fetching,
and Scrapy's reactor is one core, so that work runs in a worker process while the
reactor goes on fetching. This pipeline batches pages to the worker and turns what it
reports into the crawl's counters. The one place items meet the store.

A page is stored, or counted and named; a page whose batch died with its worker is
tried again. When the worker dies:

- over a page's CPU budget (SIGPROF, crawler.crawl.budget): the page it was at (its
  progress slot, crawler.crawl.progress) is recorded as ``too_complex``; every other
  page it held is sent again;
- of anything else (killed, crashed, hung past ``batch_timeout_s``): each page it held
  is tried again alone ("suspects", one in flight at a time). A page that kills the
  worker when it is alone is the culprit: recorded as ``worker_killed``, named in the
  log and the run's counters. So a kill from outside costs nothing, and a page that
  crashes the worker costs only itself.

Pages that cannot be handed over at all (the worker kept dying and the crawl stopped)
are counted as ``lost``: a run that lost pages is no reference for the next run's
incremental early stop (crawler.crawl.incremental), so they are fetched again.
"""

from __future__ import annotations

import logging
import os
import signal
from collections import deque
from dataclasses import dataclass
from typing import Any

from scrapy.utils.defer import deferred_from_coro, maybe_deferred_to_future
from twisted.internet.defer import Deferred
from twisted.internet.interfaces import IDelayedCall

from crawler.crawl.context import (
    ARTICLE_WORKER,
    article_worker_args,
    article_worker_env,
    crawl_config,
    take_article_worker,
)
from crawler.crawl.runs import WORKER_FAILED, WORKER_PEAK_RSS, name_page
from crawler.crawl.worker import ArticleProcessor, BatchResult
from crawler.crawl.worker_process import WorkerProcess
from crawler.extract import warning_kind
from crawler.items import ArticleItem, ArticlePage

logger = logging.getLogger(__name__)

Page = ArticlePage | ArticleItem
# How the kernel ends a worker that went over a page's CPU budget.
BUDGET_SIGNALS = {signal.SIGPROF, signal.SIGXCPU}


@dataclass
class Batch:
    pages: list[Page]
    timer: IDelayedCall
    suspect: bool = False  # one page, sent alone after a worker died holding it


class ArticlePipeline:
    """Hands article pages to a worker process in batches and counts what it reports.

    Batches grow while the worker is busy (up to ``LEADWATCH_STORE_BATCH`` pages, one
    transaction each) and shrink when it is idle, so the worker never waits and the last
    pages are stored soon after they are fetched. A page the worker could not handle
    counts as an error; a batch lost with a worker that died is tried again (see the
    module docstring); the crawl goes on. ``LEADWATCH_ARTICLE_WORKER = False`` processes
    the pages in the crawl process instead (slower, no page budget; handy under a
    debugger).
    """

    worker_module = ARTICLE_WORKER
    # One batch being processed and one queued behind it, so the worker never waits.
    max_in_flight = 2
    # Fetched pages not yet sent to the worker before the crawl waits for it: the worker
    # may lag a second or so behind (its start-up), and the crawl must not stall meanwhile.
    max_pending_bytes = 32 * 1024 * 1024
    # A worker that died is replaced; one that dies this many times more without storing
    # a batch in between stops the crawl. Deaths over a page's budget do not count.
    max_restarts = 3
    # A batch not answered in this long means a hung worker, which is then ended (a batch
    # of 100 pages takes well under a second; a page over its budget ends sooner).
    batch_timeout_s = 300.0

    def __init__(self, crawler: Any):
        self.crawler = crawler
        self.stats = crawler.stats
        self.batch_size = crawler.settings.getint("LEADWATCH_STORE_BATCH", 100)
        self.use_worker = crawler.settings.getbool("LEADWATCH_ARTICLE_WORKER", True)
        config = crawl_config(crawler)
        config.taxonomy()  # a broken taxonomy fails here, with its message
        self.worker_args = article_worker_args(config)
        self.worker_env = article_worker_env(config)
        self.database_url = config.database_url
        self.taxonomy_files = os.pathsep.join(str(p) for p in config.taxonomy_files)
        self.worker: WorkerProcess | None = None
        self.inline: ArticleProcessor | None = None
        self.pending: deque[Page] = deque()  # fetched, not sent yet
        self.pending_bytes = 0
        self.suspects: deque[Page] = deque()  # pages to try alone, before any other
        self.in_flight: dict[int, Batch] = {}
        self.batches = 0
        self.restarts = 0  # worker deaths since the last batch it stored
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
        elif self.can_submit():
            self.submit()
        while self.pending_bytes > self.max_pending_bytes:
            self.stats.inc_value("leadwatch/article_worker/backlog_waits")
            await self.batch_finished()
        return item

    async def close_spider(self) -> None:
        """Returns once every page has been stored (or counted as an error)."""
        if not self.use_worker:
            self.process_inline()
        while self.pending or self.suspects or self.in_flight:
            if self.can_submit():
                self.submit()
            else:
                await self.batch_finished()
        if self.worker is not None:
            await maybe_deferred_to_future(self.worker.stop())
        if self.inline is not None:
            self.inline.close()

    # --- the worker -----------------------------------------------------------------------

    def start_worker(self, started: WorkerProcess | None = None) -> None:
        worker = started or WorkerProcess(self.worker_module, self.worker_args, self.worker_env)
        if started is None:
            worker.start()
        self.worker = worker.connect(self.on_reply, self.on_exit)

    def can_submit(self) -> bool:
        """Whether a batch can go to the worker now. A suspect travels alone: if the
        worker dies while it is in flight, nothing else can be to blame."""
        if self.suspects:
            return not self.in_flight
        if any(batch.suspect for batch in self.in_flight.values()):
            return False
        return bool(self.pending) and len(self.in_flight) < self.max_in_flight

    def submit(self) -> None:
        """Sends one batch of pending pages (or one suspect page) to the worker."""
        suspect = bool(self.suspects)
        pages = [self.suspects.popleft()] if suspect else self.take_batch()
        if self.worker is None:
            self.lost(pages, "the article worker is gone")
            return
        from twisted.internet import reactor  # Scrapy's (imported earlier, it would not be)

        self.batches += 1
        timer = reactor.callLater(self.batch_timeout_s, self.overdue, self.batches)
        self.in_flight[self.batches] = Batch(pages, timer, suspect)
        run_id = getattr(self.crawler.spider, "leadwatch_run_id", None)
        self.worker.send((self.batches, pages, run_id))

    def on_reply(self, reply: tuple[int, BatchResult]) -> None:
        batch_id, result = reply
        self.in_flight.pop(batch_id).timer.cancel()
        self.restarts = 0
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
        for batch in self.in_flight.values():
            if batch.timer.active():
                batch.timer.cancel()
        over_budget = self.sort_out_lost_batches(worker, why)
        self.in_flight.clear()
        self.worker = None
        if over_budget:
            logger.info("restarting the article worker, ended over a page's budget")
            self.start_worker()
            self.batch_done()
            return
        self.restarts += 1
        if self.restarts <= self.max_restarts:
            logger.warning("restarting the article worker (restart %d)", self.restarts)
            self.start_worker()
        else:
            logger.error("the article worker died %d times; stopping the crawl", self.restarts)
            self.stats.set_value(WORKER_FAILED, 1)
            engine = self.crawler.engine
            if engine is not None and engine.spider is not None:  # not closed yet
                deferred_from_coro(engine.close_spider_async(reason="article worker failed"))
        self.batch_done()

    def sort_out_lost_batches(self, worker: WorkerProcess, why: str) -> bool:
        """Decide what becomes of each page the dead worker held; True when it died over
        a page's budget (that page is recorded, the others are sent again)."""
        at = worker.last_progress  # (batch id, page index or STORING); None: idle
        if worker.exit_signal in BUDGET_SIGNALS and at and at[0] in self.in_flight and at[1] >= 0:
            current = self.in_flight[at[0]]
            culprit = current.pages[at[1]]
            self.name_failure(culprit.url, "too_complex", "went over its CPU budget")
            for batch in reversed(self.in_flight.values()):
                self.requeue([page for page in batch.pages if page is not culprit])
            return True
        for batch in self.in_flight.values():
            if batch.suspect:  # it was alone in flight: nothing else can have done it
                self.name_failure(batch.pages[0].url, "worker_killed", f"killed the worker ({why})")
        held = [
            page for batch in self.in_flight.values() if not batch.suspect for page in batch.pages
        ]
        if held:
            logger.warning(
                "the article worker died (%s) holding %d pages; trying each again alone",
                why,
                len(held),
            )
            self.stats.inc_value("leadwatch/article_worker/retried_pages", len(held))
            self.suspects.extend(held)
        return False

    def requeue(self, pages: list[Page]) -> None:
        """Put ``pages`` back at the front of the queue, in their order."""
        self.pending.extendleft(reversed(pages))
        self.pending_bytes += sum(len(page.body) for page in pages)

    def batch_done(self) -> None:
        if self.worker is not None and self.can_submit():
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
            self.inline = ArticleProcessor(self.database_url, self.taxonomy_files)
        while self.pending:
            run_id = getattr(self.crawler.spider, "leadwatch_run_id", None)
            self.count(self.inline.process(self.take_batch(), run_id))

    # --- bookkeeping -------------------------------------------------------------------------

    def take_batch(self) -> list[Page]:
        pages = [self.pending.popleft() for _ in range(min(self.batch_size, len(self.pending)))]
        self.pending_bytes -= sum(len(page.body) for page in pages)
        return pages

    def count(self, result: BatchResult) -> None:
        stats = self.stats
        stats.inc_value("leadwatch/articles_new", result.new)
        stats.inc_value("leadwatch/articles_updated", result.updated)
        stats.inc_value("leadwatch/articles_unchanged", result.unchanged)
        stats.inc_value("leadwatch/errors", result.errors)
        if result.lost:
            stats.inc_value("leadwatch/lost", result.lost)
        for url in result.too_complex:
            stats.inc_value("leadwatch/too_complex")
            name_page(stats, "too_complex", url)
        stats.inc_value("leadwatch/article_worker/batches")
        stats.inc_value("leadwatch/article_worker/cpu_s", round(result.seconds, 3))
        stats.max_value(WORKER_PEAK_RSS, result.peak_rss_kb)
        for problem in result.problems:
            logger.warning("%s", problem)
        for warning in result.warnings:
            logger.debug("%s", warning)
            # "URL: warning"; a page read but not clean (charset mismatch, page cut …)
            # is counted by kind in the run
            kind = warning_kind(warning.split(": ", 1)[-1])
            if kind:
                stats.inc_value(f"leadwatch/extract/{kind}")

    def name_failure(self, url: str, kind: str, why: str) -> None:
        """One page not stored by its own fault: an error, counted by kind and named."""
        self.stats.inc_value("leadwatch/errors")
        self.stats.inc_value(f"leadwatch/{kind}")
        name_page(self.stats, kind, url)
        logger.error("%s: %s; not stored (counted as errors):\n  %s", kind, why, url)

    def lost(self, pages: list[Page], why: str) -> None:
        if not pages:
            return
        self.stats.inc_value("leadwatch/errors", len(pages))
        self.stats.inc_value("leadwatch/lost", len(pages))
        urls = "\n  ".join(page.url for page in pages)
        logger.error("%s; not stored (counted as errors):\n  %s", why, urls)
