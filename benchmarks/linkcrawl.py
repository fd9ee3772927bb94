"""The crawl benchmark's baseline: plain Scrapy that follows links and nothing else.

``python -m benchmarks.linkcrawl CONFIG SOURCE`` crawls SOURCE's column with the very
Scrapy settings leadwatch would use for it (same concurrency, robots.txt, retries, log
level), minus leadwatch's own middleware, pipelines and extensions: list pages are parsed
for article links and the next page, article pages are fetched and dropped. Prints one
JSON line: pages fetched and Scrapy's elapsed_time_seconds. ``--gc-freeze`` does what
crawler.crawl.job does before crawling (for a reference figure).
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
from collections.abc import Iterator
from typing import Any

from scrapy import Request, Spider
from scrapy.crawler import CrawlerProcess
from scrapy.http import Response

from crawler.config import load_config
from crawler.crawl.budget import peak_rss_kb
from crawler.crawl.job import scrapy_settings


class LinkSpider(Spider):
    """Follows ``ul.list`` article links and the 下一页 link of a TRS-style column."""

    name = "links"

    def __init__(self, start_url: str, max_pages: int, **kwargs: Any):
        super().__init__(**kwargs)
        self.start_url, self.max_pages = start_url, max_pages

    async def start(self) -> Any:
        yield Request(self.start_url, callback=self.parse_list, cb_kwargs={"page": 1})

    def parse_list(self, response: Response, page: int) -> Iterator[Request]:
        self.crawler.stats.inc_value("links/list_pages")
        for href in response.css("ul.list a::attr(href)").getall():
            yield response.follow(href, callback=self.parse_article)
        next_href = response.xpath('//a[text()="下一页"]/@href').get()
        if next_href and page < self.max_pages:
            yield response.follow(next_href, callback=self.parse_list, cb_kwargs={"page": page + 1})

    def parse_article(self, response: Response) -> None:
        self.crawler.stats.inc_value("links/article_pages")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.linkcrawl")
    parser.add_argument("config")
    parser.add_argument("source")
    parser.add_argument(
        "--gc-freeze", action="store_true", help="gc.freeze() before crawling, as crawl_job does"
    )
    args = parser.parse_args(argv)
    config = load_config(args.config)
    source = config.source(args.source)
    settings = scrapy_settings(config)
    settings.setdict(
        {"SPIDER_MIDDLEWARES": {}, "ITEM_PIPELINES": {}, "EXTENSIONS": {}}, priority="cmdline"
    )
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(LinkSpider)
    process.crawl(crawler, start_url=source.start_urls[0], max_pages=source.max_pages)
    if args.gc_freeze:
        gc.freeze()
    process.start()
    stats = crawler.stats
    pages = stats.get_value("links/list_pages", 0) + stats.get_value("links/article_pages", 0)
    elapsed = stats.get_value("elapsed_time_seconds")
    print(json.dumps({"pages": pages, "elapsed_s": elapsed, "peak_rss_kb": peak_rss_kb()}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
