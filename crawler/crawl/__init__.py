"""Everything that starts or runs Scrapy.

``launch`` starts one crawl per source as a child process (``python -m crawler.crawl.job``)
and claims the source; inside that process ``settings`` and ``spiderloader`` set Scrapy
up from the config, ``incremental``, ``retry`` and ``redirect`` shape the requests,
``pipeline`` hands fetched pages to the article ``worker`` process (``worker_process``,
``frames``), and ``runs`` records the crawl. ``fetch`` fetches single URLs the same
polite way (`leadwatch extract URL`, `sources check`), ``check`` tries a source out.
"""

from crawler.crawl.launch import (
    CrawlInterrupted,
    CrawlOutcome,
    claim,
    crawl_log_path,
    crawl_source,
    crawl_sources,
)

__all__ = [
    "CrawlInterrupted",
    "CrawlOutcome",
    "claim",
    "crawl_log_path",
    "crawl_source",
    "crawl_sources",
]
