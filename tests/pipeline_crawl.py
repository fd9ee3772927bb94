"""One real crawl with extra Scrapy settings; prints the crawl's stats as JSON.

``python tests/pipeline_crawl.py CONFIG SOURCE NAME=JSON ...`` (run by
tests/test_pipeline.py): the settings `leadwatch crawl` would use, plus the given ones,
e.g. ``ITEM_PIPELINES={"faulty_worker.FaultyWorkerPipeline": 300}``.
"""

from __future__ import annotations

import json
import sys

from scrapy.crawler import CrawlerProcess

from crawler.config import load_config
from crawler.crawl.job import scrapy_settings
from crawler.crawl.spiderloader import spider_class_for


def main(argv: list[str]) -> int:
    config = load_config(argv[0])
    source = config.source(argv[1])
    settings = scrapy_settings(config)
    extra = dict(arg.split("=", 1) for arg in argv[2:])
    settings.setdict({k: json.loads(v) for k, v in extra.items()}, priority="cmdline")
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(spider_class_for(source))
    process.crawl(crawler)
    process.start()
    stats = crawler.stats.get_stats()
    print(json.dumps({k: v for k, v in stats.items() if isinstance(v, int | float | str)}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
