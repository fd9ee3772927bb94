"""What the Scrapy components of one crawl share: the config and one database handle."""

from __future__ import annotations

from typing import Any

from crawler.config import Config, load_config_or_defaults
from crawler.store import Database


def crawl_config(crawler: Any) -> Config:
    """The leadwatch config of this crawl (loaded once per crawler)."""
    config = getattr(crawler, "_leadwatch_config", None)
    if config is None:
        config = load_config_or_defaults(crawler.settings.get("LEADWATCH_CONFIG"))
        crawler._leadwatch_config = config
    return config


def crawl_database(crawler: Any) -> Database:
    """One Database per crawler, shared by middleware, pipeline and run recorder."""
    database = getattr(crawler, "_leadwatch_db", None)
    if database is None:
        database = Database(crawl_config(crawler).database_url)
        crawler._leadwatch_db = database
    return database
