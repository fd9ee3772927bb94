"""Run one source's crawl in this process: ``python -m crawler.crawl.job NAME``.

The parent (`leadwatch crawl`, the scheduler) starts one such process per crawl because
Twisted's reactor cannot be started a second time in one process (a second crawl would
raise ``ReactorNotRestartable``), and a crawl in its own process cannot take the
parent's memory or database handles down with it.

SIGTERM or SIGINT stops the crawl cleanly at any moment: until the crawl is set up, the
process just ends (nothing was fetched; the parent records the run); from then on
Scrapy's graceful shutdown runs, the pages in hand are stored and the run is recorded
"stopped (SIGTERM)". A repeated signal (the parent forwards what the process group may
have had already) does not turn that into an unclean stop. The exit status is then
128 + the signal's number.
"""

from __future__ import annotations

import signal
import sys
from types import FrameType

_signals: list[int] = []  # received while the crawl was being set up


def stop_now(signum: int, _frame: FrameType | None) -> None:
    """While importing (or just forked, crawler.crawl.forkserver): nothing has started,
    so just end."""
    raise SystemExit(128 + signum)


def _stop_soon(signum: int, _frame: FrameType | None) -> None:
    """While setting up (objects half built): noted, and acted on between the steps."""
    _signals.append(signum)


# Installed before the heavy imports (Scrapy, SQLAlchemy take a second or two).
if __name__ == "__main__":
    signal.signal(signal.SIGTERM, stop_now)
    signal.signal(signal.SIGINT, stop_now)

import argparse  # noqa: E402 - after the signal handlers, on purpose
import gc  # noqa: E402
import os  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from typing import Any  # noqa: E402
from urllib.parse import urlsplit, urlunsplit  # noqa: E402

from scrapy.crawler import CrawlerProcess  # noqa: E402
from scrapy.settings import Settings  # noqa: E402
from scrapy.utils.reactor import install_reactor  # noqa: E402

from crawler.config import Config, Source, load_config  # noqa: E402
from crawler.crawl import settings as default_settings  # noqa: E402
from crawler.crawl.context import (  # noqa: E402
    hand_over_article_worker,
    mark_stopped,
    start_article_worker,
)
from crawler.crawl.spiderloader import spider_class_for  # noqa: E402


class StoppableCrawlerProcess(CrawlerProcess):
    """CrawlerProcess whose shutdown on a signal is always the graceful one."""

    stopped_by: int | None = None

    def _signal_shutdown(self, signum: int, frame: Any) -> None:
        if self.stopped_by is not None:
            return
        self.stopped_by = signum
        for crawler in self.crawlers:
            mark_stopped(crawler, signal.Signals(signum).name)
        super()._signal_shutdown(signum, frame)

    def _signal_kill(self, signum: int, frame: Any) -> None:
        # The repeat of a signal the process group had (the parent forwards it): not a
        # request to drop the pages in hand. The parent kills a stop that hangs.
        return


def scrapy_settings_defaults() -> Settings:
    """Scrapy's settings with ours over them, before a config or a run is known."""
    settings = Settings()
    settings.setmodule(default_settings, priority="project")
    return settings


def scrapy_settings(config: Config, *, run_id: int | None = None, full: bool = False) -> Settings:
    """Scrapy settings for a crawl with ``config`` (run ``run_id``)."""
    settings = scrapy_settings_defaults()
    # [crawl] comes in through the add-on (crawler.crawl.addon), the source's own delay
    # through its spider's update_settings: each applied once, in one place.
    overrides: dict[str, Any] = {
        "LEADWATCH_CONFIG": str(config.path),
        "LEADWATCH_RUN_ID": run_id,
        "LEADWATCH_FULL": full,
    }
    settings.setdict(overrides, priority="cmdline")
    return settings


def rebased(source: Source, origin: str) -> Source:
    """``source`` with its start URLs moved to ``origin`` (scheme://host:port), e.g. the
    bundled demo site served on another port than the one its sources name."""
    new = urlsplit(origin)
    urls = [
        urlunsplit(urlsplit(u)._replace(scheme=new.scheme, netloc=new.netloc))
        for u in source.start_urls
    ]
    return source.model_copy(update={"start_urls": urls})


# Once its parent is gone, how long the crawl may take to stop cleanly before it kills
# itself (a worker that took the source over may start it again meanwhile).
ORPHAN_GRACE_S = 30.0


def _watch_parent(parent: int) -> None:
    """Stop this crawl when the process that started it dies (a worker SIGKILLed, the
    OOM killer): that process held the source's claim, and with it gone another worker
    may take the source over — two crawls of one site must not run on. SIGTERM first
    (the clean stop: pages in hand are stored), SIGKILL if that hangs."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.25)
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(ORPHAN_GRACE_S)
        os.kill(os.getpid(), signal.SIGKILL)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def main(argv: list[str] | None = None) -> int:
    if signal.getsignal(signal.SIGTERM) is stop_now:
        signal.signal(signal.SIGTERM, _stop_soon)
        signal.signal(signal.SIGINT, _stop_soon)
    parser = argparse.ArgumentParser(prog="python -m crawler.crawl.job")
    parser.add_argument("source")
    parser.add_argument("--config", default="leadwatch.toml")
    parser.add_argument("--run-id", type=int)
    parser.add_argument("--full", action="store_true")
    parser.add_argument("--origin", help="fetch the source's start URLs from this origin")
    parser.add_argument("--parent", type=int, help="stop when this process is gone")
    args = parser.parse_args(argv)
    if args.parent:
        _watch_parent(args.parent)
    config = load_config(args.config)
    source = config.source(args.source)
    if args.origin:
        source = rebased(source, args.origin)
    settings = scrapy_settings(config, run_id=args.run_id, full=args.full)
    # Scrapy would install its reactor when the crawl starts; installed now, the article
    # worker can start ~0.6 s before the crawler has built its components, and its own
    # start-up (~1 s: imports, the classifier) is over when the first articles arrive.
    install_reactor(settings["TWISTED_REACTOR"], settings["ASYNCIO_EVENT_LOOP"])
    if _signals:  # nothing started yet: the parent records the run
        return 128 + _signals[0]
    worker = start_article_worker(config)
    process = StoppableCrawlerProcess(settings)
    crawler = process.create_crawler(spider_class_for(source))
    hand_over_article_worker(crawler, worker)
    if _signals:  # the worker ends as its stdin closes with this process
        return 128 + _signals[0]
    process.crawl(crawler)
    # From here a signal stops the crawl gracefully (Scrapy installs the same handler
    # once its reactor runs); one that came during the set-up does so now.
    signal.signal(signal.SIGTERM, process._signal_shutdown)
    signal.signal(signal.SIGINT, process._signal_shutdown)
    if _signals:
        process._signal_shutdown(_signals[0], None)
    # What exists now (Scrapy, SQLAlchemy, our modules, the crawler's components) lives
    # until the process ends. Frozen, it is left out of the garbage collector's full
    # passes, which would otherwise walk it a dozen times or more per crawl.
    gc.freeze()
    process.start()
    if process.stopped_by is not None:
        return 128 + process.stopped_by
    reason = crawler.stats.get_value("finish_reason")
    return 0 if reason == "finished" else 1


if __name__ == "__main__":
    sys.exit(main())
