"""Fetched pages -> stored articles: extract -> validate -> classify -> store, in batches.

:class:`ArticleProcessor` does the work for one batch of :class:`ArticlePage` (or of
:class:`ArticleItem`, from a spider that extracts pages itself); it holds
the classifier and a database handle, so it is built once per process. The crawl runs it
in a worker process (:func:`main`, driven by :class:`crawler.crawl.pipeline.ArticlePipeline`):
Scrapy's reactor runs on one core, and extracting and classifying a page costs more CPU
than fetching it, so doing it on the reactor's thread would slow the downloads down (the
crawl benchmarks in docs/benchmarks.md measure both). A page that fails is counted and
explained, never fatal to the batch; a page over its time or memory budget
(crawler.crawl.budget) is recorded as too complex.
"""

from __future__ import annotations

import signal


def ignore_stop_signals() -> None:
    """Stopping is the crawl process's decision. Ctrl-C and a SIGTERM to the process
    group reach the worker too; it finishes what it was given and ends when the crawl
    process closes its stdin."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)


if __name__ == "__main__":  # before the heavy imports
    ignore_stop_signals()

import argparse  # noqa: E402 - after the signal handlers, on purpose
import gc  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from pathlib import Path  # noqa: E402

from classifiers import Classifier, load_taxonomy  # noqa: E402
from crawler.config import DATABASE_ENV  # noqa: E402
from crawler.crawl import frames  # noqa: E402
from crawler.crawl.budget import PageBudget, PageOverBudget, peak_rss_kb  # noqa: E402
from crawler.crawl.progress import IDLE, STORING, ProgressWriter  # noqa: E402
from crawler.extract import extract_article  # noqa: E402
from crawler.items import ArticleItem, ArticlePage  # noqa: E402
from crawler.store import Database, repo  # noqa: E402


@dataclass
class BatchResult:
    """What became of one batch: counters for crawl_runs and lines for the crawl log."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: int = 0
    lost: int = 0  # pages not stored for no fault of their own (the store failed)
    seconds: float = 0.0  # CPU time the batch took in the worker
    peak_rss_kb: int = 0  # the worker process's peak resident memory so far
    problems: list[str] = field(default_factory=list)  # one per failed page (WARNING)
    warnings: list[str] = field(default_factory=list)  # extraction warnings (DEBUG)
    too_complex: list[str] = field(default_factory=list)  # URLs over their page budget

    def fail(self, problem: str, pages: int = 1) -> None:
        self.errors += pages
        self.problems.append(problem)

    def over_budget(self, url: str, what: str) -> None:
        """``url`` went over its ``what`` ("time" or "memory") budget: an error, named."""
        self.too_complex.append(url)
        self.fail(f"too complex: {url} went over its {what} budget; not stored")


class ArticleProcessor:
    """Extracts, validates, classifies and stores batches of fetched article pages."""

    def __init__(
        self,
        database_url: str,
        taxonomy: str | Path,
        *,
        budget: PageBudget | None = None,
        progress: ProgressWriter | None = None,
    ):
        # ``taxonomy``: the taxonomy file, or its layers joined with os.pathsep
        self.classifier = Classifier(load_taxonomy(*str(taxonomy).split(os.pathsep)))
        # The crawl process has already brought the schema up to date.
        self.database = Database(database_url, migrate=False)
        self.budget = budget  # None: no limit (the crawl process itself, tests)
        self.progress = progress or ProgressWriter(None)

    def process(
        self, pages: list[ArticlePage | ArticleItem], run_id: int | None, batch_id: int = 0
    ) -> BatchResult:
        """Store what the pages hold in one transaction; count every page that failed."""
        started = time.process_time()
        result = self._process(pages, run_id, batch_id)
        result.seconds = time.process_time() - started
        result.peak_rss_kb = peak_rss_kb()
        return result

    def _process(
        self, pages: list[ArticlePage | ArticleItem], run_id: int | None, batch_id: int
    ) -> BatchResult:
        result = BatchResult()
        items = []
        for index, page in enumerate(pages):
            self.progress.mark(batch_id, index)
            item = self.article_within_budget(page, result)
            if item is not None:
                items.append(item)
        self.progress.mark(batch_id, STORING)
        try:
            if items:
                self.store(items, run_id, result)
        finally:
            self.progress.mark(0, IDLE)
        return result

    def store(self, items: list[ArticleItem], run_id: int | None, result: BatchResult) -> None:
        try:
            with self.database.session() as session:
                stored = repo.upsert_articles(session, items, run_id)
        except Exception:
            result.fail(
                f"could not store {len(items)} articles:\n{traceback.format_exc()}", len(items)
            )
            result.lost += len(items)
            return
        result.new, result.updated, result.unchanged = stored.new, stored.updated, stored.unchanged

    def article_within_budget(
        self, page: ArticlePage | ArticleItem, result: BatchResult
    ) -> ArticleItem | None:
        """:meth:`article` within the page budget; a page over it is counted too complex."""
        if self.budget is None:
            return self.article(page, result)
        try:
            with self.budget.page():
                return self.article(page, result)
        except PageOverBudget as over:
            self.budget.disarm()
            result.over_budget(page.url, over.what)
            return None

    def article(self, page: ArticlePage | ArticleItem, result: BatchResult) -> ArticleItem | None:
        """The classified article, or None (counted in ``result``) if there is none.

        ``page`` is a raw page, or an article a dedicated spider extracted itself.
        """
        item = page if isinstance(page, ArticleItem) else self.extract(page, result)
        if item is None:
            return None
        missing = [name for name in ("title", "body") if not getattr(item, name).strip()]
        if missing:
            result.fail(f"no {' and no '.join(missing)} extracted from {item.url}")
            return None
        result.warnings += [f"{item.url}: {warning}" for warning in item.warnings]
        try:
            item.classification = self.classifier.classify(item.title, item.body).to_dict()
        except MemoryError:
            raise  # over the page's memory budget: the budget names it
        except Exception:
            # Not stored, so the next crawl fetches it again instead of keeping it untagged.
            result.fail(f"could not classify {item.url}:\n{traceback.format_exc()}")
            return None
        return item

    def extract(self, page: ArticlePage, result: BatchResult) -> ArticleItem | None:
        try:
            extracted = extract_article(
                page.body, page.url, content_type=page.content_type, selectors=page.selectors
            )
        except MemoryError:
            raise  # over the page's memory budget: the budget names it
        except Exception:
            result.fail(f"could not parse article {page.url}:\n{traceback.format_exc()}")
            return None
        return ArticleItem(
            url=page.url,
            source=page.source,
            title=extracted.title,
            published_at=extracted.published_at,
            publisher=extracted.source,
            body=extracted.body,
            warnings=list(extracted.warnings),
        )

    def close(self) -> None:
        self.database.close()


def forked_main(argv: list[str]) -> int:
    """:func:`main` in a fork of a crawl process that has imported this module
    (crawler.crawl.worker_process)."""
    ignore_stop_signals()
    return main(argv)


def main(argv: list[str]) -> int:
    """The worker process: ``python -m crawler.crawl.worker TAXONOMY [--page-time-s S]
    [--page-memory-mb MB]``, the database URL in ``LEADWATCH_DATABASE_URL`` (not in argv,
    which every user of the machine can read).

    Reads ``(batch_id, pages, run_id)`` frames from stdin until it closes and answers
    each with ``(batch_id, BatchResult)`` on stdout. Anything else printed goes to
    stderr, which is the crawl's log.
    """
    parser = argparse.ArgumentParser(prog="python -m crawler.crawl.worker")
    parser.add_argument("taxonomy")
    parser.add_argument("--page-time-s", type=float, default=0, help="0: no budget")
    parser.add_argument("--page-memory-mb", type=int, default=0, help="0: no budget")
    args = parser.parse_args(argv)
    replies = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    budget = None
    if args.page_time_s > 0:
        memory = args.page_memory_mb * 1024 * 1024 if args.page_memory_mb > 0 else None
        budget = PageBudget(args.page_time_s, memory)
        budget.install()
    processor = ArticleProcessor(
        os.environ[DATABASE_ENV],
        args.taxonomy,  # the taxonomy's layers, os.pathsep-joined
        budget=budget,
        progress=ProgressWriter.from_environment(),
    )
    gc.freeze()  # the classifier's tables live as long as the process: skip them in GC passes
    requests = sys.stdin.buffer
    while (message := frames.read(requests)) is not None:
        batch_id, pages, run_id = message
        result = processor.process(pages, run_id, batch_id)
        try:
            replies.write(frames.pack((batch_id, result)))
            replies.flush()
        except BrokenPipeError:
            break  # the crawl process is gone (killed); what was stored stays stored
    processor.close()
    return 0


if __name__ == "__main__":
    # Run the module under its import name, so that what it pickles for the crawl process
    # is crawler.crawl.worker.BatchResult rather than __main__.BatchResult.
    from crawler.crawl import worker

    sys.exit(worker.main(sys.argv[1:]))
