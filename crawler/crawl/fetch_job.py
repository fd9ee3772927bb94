"""The fetch child process: ``python -m crawler.crawl.fetch_job OUT_DIR URL ... [--config PATH]``
writes ``N.body`` and ``N.json`` (final URL, status, content type) per URL.

Started by :func:`crawler.crawl.fetch.fetch_urls`. The instance's ``[crawl]`` table
applies (user agent, robots.txt, timeouts, size limit, retries) through the add-on, like
in a crawl; but a refused connection or an unknown host is reported at once, not retried:
someone is waiting at the terminal, and the host has answered.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from scrapy import Request, Spider
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from crawler.crawl import settings as default_settings
from spiders.scope import CrawlScope


class FetchSpider(Spider):
    name = "leadwatch-fetch"

    def __init__(self, urls: list[str], out_dir: str, **kwargs: Any):
        super().__init__(**kwargs)
        self.urls, self.out_dir = urls, Path(out_dir)
        # Redirects and refreshes may not leave the origins of the URLs asked for.
        self.crawl_scope = CrawlScope.of(urls)

    async def start(self) -> Any:
        for i, url in enumerate(self.urls):
            yield Request(
                url, callback=self.save, errback=self.failed, meta={"n": i}, dont_filter=True
            )

    def save(self, response: Any) -> None:
        n = response.meta["n"]
        (self.out_dir / f"{n}.body").write_bytes(response.body)
        meta = {
            "url": response.url,
            "status": response.status,
            "content_type": response.headers.get("Content-Type", b"").decode("latin-1"),
        }
        (self.out_dir / f"{n}.json").write_text(json.dumps(meta), encoding="utf-8")

    def failed(self, failure: Any) -> None:
        n = failure.request.meta["n"]
        meta = {"url": failure.request.url, "error": failure.getErrorMessage()}
        (self.out_dir / f"{n}.json").write_text(json.dumps(meta), encoding="utf-8")


# Failures that a retry would only repeat: the host refused, or the name does not resolve.
NOT_RETRIED = frozenset(
    {"scrapy.exceptions.CannotResolveHostError", "scrapy.exceptions.DownloadConnectionRefusedError"}
)


def fetch_settings(config_path: str | None) -> Settings:
    """Settings of a fetch: the crawl's, with ``config_path``'s ``[crawl]`` (through the
    add-on), no pipeline or run records, no delay, and no retry of a refused connection."""
    settings = Settings()
    settings.setmodule(default_settings, priority="project")
    if config_path:
        settings.set("LEADWATCH_CONFIG", config_path, priority="cmdline")
    retried = [e for e in settings.getlist("RETRY_EXCEPTIONS") if e not in NOT_RETRIED]
    settings.setdict(
        {
            "RETRY_EXCEPTIONS": retried,
            "SPIDER_MIDDLEWARES": {},
            "ITEM_PIPELINES": {},
            "EXTENSIONS": {},
            "LOG_LEVEL": "WARNING",
            "DOWNLOAD_DELAY": 0,
            "HTTPERROR_ALLOW_ALL": True,
        },
        priority="cmdline",
    )
    return settings


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler.crawl.fetch_job")
    parser.add_argument("out_dir")
    parser.add_argument("urls", nargs="+", metavar="URL")
    parser.add_argument("--config", help="instance config whose [crawl] table applies")
    args = parser.parse_args(argv)
    process = CrawlerProcess(fetch_settings(args.config))
    process.crawl(FetchSpider, urls=args.urls, out_dir=args.out_dir)
    process.start()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
