"""Fetched pages -> stored articles: extract -> validate -> classify -> store, in batches.

:class:`ArticleProcessor` does the work for one batch of :class:`ArticlePage` (or of
:class:`ArticleItem`, from a spider that extracts pages itself); it holds
the classifier and a database handle, so it is built once per process. The crawl runs it
in a worker process (:func:`main`, driven by :class:`crawler.crawl.pipeline.ArticlePipeline`):
Scrapy's reactor runs on one core, and extracting and classifying a page costs more CPU
than fetching it, so doing it on the reactor's thread would slow the downloads down (the
crawl benchmarks in docs/benchmarks.md measure both). A page that fails is counted and
explained, never fatal to the batch.
"""

from __future__ import annotations

import gc
import os
import signal
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from classifiers import Classifier, load_taxonomy
from crawler.crawl import frames
from crawler.extract import extract_article
from crawler.items import ArticleItem, ArticlePage
from crawler.store import Database, repo


@dataclass
class BatchResult:
    """What became of one batch: counters for crawl_runs and lines for the crawl log."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: int = 0
    seconds: float = 0.0  # CPU time the batch took in the worker
    problems: list[str] = field(default_factory=list)  # one per failed page (WARNING)
    warnings: list[str] = field(default_factory=list)  # extraction warnings (DEBUG)

    def fail(self, problem: str, pages: int = 1) -> None:
        self.errors += pages
        self.problems.append(problem)


class ArticleProcessor:
    """Extracts, validates, classifies and stores batches of fetched article pages."""

    def __init__(self, database_url: str, taxonomy: str | Path):
        # ``taxonomy``: the taxonomy file, or its layers joined with os.pathsep
        self.classifier = Classifier(load_taxonomy(*str(taxonomy).split(os.pathsep)))
        # The crawl process has already brought the schema up to date.
        self.database = Database(database_url, migrate=False)

    def process(self, pages: list[ArticlePage | ArticleItem], run_id: int | None) -> BatchResult:
        """Store what the pages hold in one transaction; count every page that failed."""
        started = time.process_time()
        result = self._process(pages, run_id)
        result.seconds = time.process_time() - started
        return result

    def _process(self, pages: list[ArticlePage | ArticleItem], run_id: int | None) -> BatchResult:
        result = BatchResult()
        items = [item for page in pages if (item := self.article(page, result)) is not None]
        if not items:
            return result
        try:
            with self.database.session() as session:
                stored = repo.upsert_articles(session, items, run_id)
        except Exception:
            result.fail(
                f"could not store {len(items)} articles:\n{traceback.format_exc()}", len(items)
            )
            return result
        result.new, result.updated, result.unchanged = stored.new, stored.updated, stored.unchanged
        return result

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


def main(argv: list[str]) -> int:
    """The worker process: ``python -m crawler.crawl.worker DATABASE_URL TAXONOMY``.

    Reads ``(batch_id, pages, run_id)`` frames from stdin until it closes and answers
    each with ``(batch_id, BatchResult)`` on stdout. Anything else printed goes to
    stderr, which is the crawl's log.
    """
    # Ctrl+C reaches the whole process group; the crawl process decides how to stop, and
    # the worker finishes what it was given.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    replies = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    processor = ArticleProcessor(argv[0], argv[1])
    gc.freeze()  # the classifier's tables live as long as the process: skip them in GC passes
    requests = sys.stdin.buffer
    while (message := frames.read(requests)) is not None:
        batch_id, pages, run_id = message
        result = processor.process(pages, run_id)
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
