"""Fault injection for tests/test_pipeline.py: an article worker that dies, or dawdles.

``python -m faulty_worker TAXONOMY …`` is crawler.crawl.worker with one change, chosen
by the environment (the pipelines below pass the ``FAULTY_WORKER_*`` variables on; a
worker gets nothing else of the crawl process's environment):

- ``FAULTY_WORKER_DIE_ON=<text>``: the process exits abruptly (as an OOM kill or a crash
  in a C extension would) when it is handed a batch holding a page whose URL contains
  <text>.
- ``FAULTY_WORKER_SLEEP=<seconds>``: sleeps that long before each batch (a slow worker).

The pipeline subclasses below run it in place of the real worker.
"""

from __future__ import annotations

import os
import sys
import time

from crawler.crawl import worker as article_worker
from crawler.crawl.pipeline import ArticlePipeline

DIE_ON = os.environ.get("FAULTY_WORKER_DIE_ON", "")
SLEEP = float(os.environ.get("FAULTY_WORKER_SLEEP", "0"))


class FaultyWorkerPipeline(ArticlePipeline):
    """The real pipeline, driving the faulty worker."""

    worker_module = "faulty_worker"

    def __init__(self, crawler):  # noqa: ANN001 - same signature as the base
        super().__init__(crawler)
        faults = {k: v for k, v in os.environ.items() if k.startswith("FAULTY_WORKER_")}
        self.worker_env = {**self.worker_env, **faults}


class TinyBacklogPipeline(FaultyWorkerPipeline):
    """Waits for the worker as soon as one page is pending."""

    max_pending_bytes = 1


class HungWorkerPipeline(FaultyWorkerPipeline):
    """Gives up on a batch after one second, and on the worker after its first hang."""

    batch_timeout_s = 1.0
    max_restarts = 0


class FaultyProcessor(article_worker.ArticleProcessor):
    def process(self, pages, run_id, batch_id=0):  # noqa: ANN001, ANN201 - as the base
        if DIE_ON and any(DIE_ON in page.url for page in pages):
            os._exit(70)
        time.sleep(SLEEP)
        return super().process(pages, run_id, batch_id)


if __name__ == "__main__":
    article_worker.ArticleProcessor = FaultyProcessor  # type: ignore[misc]
    sys.exit(article_worker.main(sys.argv[1:]))
