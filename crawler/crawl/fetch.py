"""Fetch single URLs through Scrapy's downloader (robots.txt, retries, size limits).

``python -m crawler.crawl.fetch OUT_DIR URL ...`` writes ``N.body`` and ``N.json`` (final URL,
status, content type) per URL. Used by `leadwatch extract URL` and `sources check`, so no
HTTP is ever fetched outside Scrapy.
"""

from __future__ import annotations

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


def main(argv: list[str]) -> int:
    out_dir, urls = argv[0], argv[1:]
    settings = Settings()
    settings.setmodule(default_settings, priority="project")
    settings.setdict(
        {
            "SPIDER_MIDDLEWARES": {},
            "ITEM_PIPELINES": {},
            "EXTENSIONS": {},
            "LOG_LEVEL": "WARNING",
            "DOWNLOAD_DELAY": 0,
            "HTTPERROR_ALLOW_ALL": True,
        },
        priority="cmdline",
    )
    process = CrawlerProcess(settings)
    process.crawl(FetchSpider, urls=urls, out_dir=out_dir)
    process.start()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
