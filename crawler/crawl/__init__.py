"""Everything that starts or runs Scrapy.

``launch`` starts one crawl per source as a child process (``python -m crawler.crawl.job``)
and claims the source; inside that process ``settings`` and ``spiderloader`` set Scrapy
up from the config, ``incremental``, ``retry``, ``redirect`` and ``offsite`` shape the
requests, ``pipeline`` hands fetched pages to the article ``worker`` process
(``worker_process``, ``frames``, ``progress``, ``budget``), and ``runs`` records the
crawl. ``fetch`` fetches single URLs the same polite way (`leadwatch extract URL`,
`sources check`), ``check`` tries a source out. ``childenv`` is the environment every
child process gets, ``liveness`` tells whether a run's process is still there.

The names below are imported on first use: ``python -m crawler.crawl.job`` (and the
worker) must install their signal handlers before SQLAlchemy and Scrapy are imported.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "CrawlInterrupted",
    "CrawlOutcome",
    "claim",
    "crawl_log_path",
    "crawl_source",
    "crawl_sources",
]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from crawler.crawl import launch

        return getattr(launch, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
