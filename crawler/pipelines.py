"""Item pipelines: validate -> classify -> store. The one place items meet the store."""

from __future__ import annotations

from typing import Any

from scrapy.exceptions import DropItem

from classifiers import Classifier, load_taxonomy
from crawler.crawlctx import crawl_config, crawl_database
from crawler.items import ArticleItem
from crawler.store import repo


class ValidatePipeline:
    """Drops (and counts as an error) a page that yielded no title or no body."""

    def __init__(self, crawler: Any):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> ValidatePipeline:
        return cls(crawler)

    def process_item(self, item: ArticleItem) -> ArticleItem:
        missing = [f for f in ("title", "body") if not getattr(item, f).strip()]
        if missing:
            self.crawler.stats.inc_value("leadwatch/errors")
            raise DropItem(f"no {' and no '.join(missing)} extracted from {item.url}")
        for warning in item.warnings:
            self.crawler.spider.logger.debug("%s: %s", item.url, warning)
        return item


class ClassifyPipeline:
    """Tags sectors, partners and leads with the taxonomy from config."""

    def __init__(self, crawler: Any):
        self.classifier = Classifier(load_taxonomy(crawl_config(crawler).taxonomy_path))

    @classmethod
    def from_crawler(cls, crawler: Any) -> ClassifyPipeline:
        return cls(crawler)

    def process_item(self, item: ArticleItem) -> ArticleItem:
        item.classification = self.classifier.classify(item.title, item.body).to_dict()
        return item


class StorePipeline:
    """Upserts articles with their tags, committing every LEADWATCH_STORE_BATCH items."""

    def __init__(self, crawler: Any):
        self.crawler = crawler
        self.batch_size = crawler.settings.getint("LEADWATCH_STORE_BATCH", 100)
        self.pending: list[ArticleItem] = []

    @classmethod
    def from_crawler(cls, crawler: Any) -> StorePipeline:
        return cls(crawler)

    def process_item(self, item: ArticleItem) -> ArticleItem:
        self.pending.append(item)
        if len(self.pending) >= self.batch_size:
            self.flush()
        return item

    def close_spider(self) -> None:
        self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        run_id = getattr(self.crawler.spider, "leadwatch_run_id", None)
        with crawl_database(self.crawler).session() as session:
            result = repo.upsert_articles(session, self.pending, run_id)
        stats = self.crawler.stats
        stats.inc_value("leadwatch/articles_new", result.new)
        stats.inc_value("leadwatch/articles_updated", result.updated)
        stats.inc_value("leadwatch/articles_unchanged", result.unchanged)
        self.pending.clear()
