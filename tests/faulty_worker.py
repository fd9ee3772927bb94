"""Fault injection for tests/test_pipeline.py: an article worker that dies, or dawdles.

``python -m faulty_worker TAXONOMY …`` is crawler.crawl.worker with one change, chosen
by the environment (the pipelines below pass the ``FAULTY_WORKER_*`` variables on; a
worker gets nothing else of the crawl process's environment):

- ``FAULTY_WORKER_DIE_ON=<text>``: the process exits abruptly (as an OOM kill or a crash
  in a C extension would) when it is handed a batch holding a page whose URL contains
  <text>.
- ``FAULTY_WORKER_SLEEP=<seconds>``: sleeps that long before each batch (a slow worker).
- ``FAULTY_WORKER_SPIN_ON=<text>``: a page whose URL contains <text> keeps C code busy
  for minutes (as lxml on a tag with 250,000 attributes did): only the CPU budget's
  SIGPROF ends it.
- ``FAULTY_WORKER_LOOP_ON=<text>``: such a page loops in Python (the time budget's
  SIGALRM stops it).
- ``FAULTY_WORKER_HOG_ON=<text>``: such a page asks for 4 GB (the memory budget
  refuses it).
- ``FAULTY_WORKER_CRASH_ON=<text>``: the worker dies (as a segfault would) while it
  handles such a page, whatever else its batch holds.

The pipeline subclasses below run it in place of the real worker.
"""

from __future__ import annotations

import hashlib
import os
import signal
import sys
import time

from crawler.crawl import worker as article_worker
from crawler.crawl.pipeline import ArticlePipeline

DIE_ON = os.environ.get("FAULTY_WORKER_DIE_ON", "")
SLEEP = float(os.environ.get("FAULTY_WORKER_SLEEP", "0"))
SPIN_ON = os.environ.get("FAULTY_WORKER_SPIN_ON", "")
LOOP_ON = os.environ.get("FAULTY_WORKER_LOOP_ON", "")
HOG_ON = os.environ.get("FAULTY_WORKER_HOG_ON", "")
CRASH_ON = os.environ.get("FAULTY_WORKER_CRASH_ON", "")


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

    def article(self, page, result):  # noqa: ANN001, ANN201 - same signature as the base
        # called within the page's budget, like the real extraction
        if SPIN_ON and SPIN_ON in page.url:
            hashlib.pbkdf2_hmac("sha256", b"page", b"salt", 10**9)  # C, minutes
        if LOOP_ON and LOOP_ON in page.url:
            while True:
                pass
        if HOG_ON and HOG_ON in page.url:
            hog = bytearray(4 * 1024**3)
            del hog
        if CRASH_ON and CRASH_ON in page.url:
            os.kill(os.getpid(), signal.SIGSEGV)
        return super().article(page, result)


if __name__ == "__main__":
    article_worker.ArticleProcessor = FaultyProcessor  # type: ignore[misc]
    sys.exit(article_worker.main(sys.argv[1:]))
