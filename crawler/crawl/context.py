"""What the Scrapy components of one crawl share: the config, one database handle, and
the article worker process that crawler.crawl.job may have started ahead of them."""

from __future__ import annotations

import os
from typing import Any

from crawler.config import DATABASE_ENV, Config, load_config_or_defaults
from crawler.crawl.worker_process import WorkerProcess
from crawler.store import Database

ARTICLE_WORKER = "crawler.crawl.worker"  # the module the article worker process runs


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
        # `leadwatch crawl` and the scheduler opened (and migrated) the store before they
        # started this process and gave it a run id; plain `scrapy crawl` did not.
        standalone = crawler.settings.get("LEADWATCH_RUN_ID") is None
        database = Database(crawl_config(crawler).database_url, migrate=standalone)
        crawler._leadwatch_db = database
    return database


def article_worker_args(config: Config) -> list[str]:
    """Command-line arguments of the article worker for ``config``."""
    crawl = config.crawl
    return [
        # the taxonomy's layers (shipped, the instance's) as one argument, os.pathsep-joined
        os.pathsep.join(str(p) for p in config.taxonomy_files),
        f"--page-time-s={crawl.page_time_budget_s:g}",
        f"--page-memory-mb={crawl.page_memory_budget_mb}",
    ]


def article_worker_env(config: Config) -> dict[str, str]:
    """What the article worker needs in its environment beyond the basics: the database
    URL (it may hold a password, so it is not passed in argv)."""
    return {DATABASE_ENV: config.database_url}


def start_article_worker(config: Config) -> WorkerProcess:
    """Start the article worker ahead of the crawler (needs the reactor installed)."""
    return WorkerProcess(
        ARTICLE_WORKER, article_worker_args(config), article_worker_env(config)
    ).start()


def hand_over_article_worker(crawler: Any, worker: WorkerProcess) -> None:
    """Leave ``worker`` for the crawl's pipeline to take (:func:`take_article_worker`)."""
    crawler._leadwatch_worker = worker


def take_article_worker(crawler: Any, module: str, args: list[str]) -> WorkerProcess | None:
    """The worker started ahead for this crawl, if it runs ``module`` with ``args``."""
    worker: WorkerProcess | None = getattr(crawler, "_leadwatch_worker", None)
    crawler._leadwatch_worker = None
    if worker is not None and (worker.module, worker.args) == (module, args):
        return worker
    if worker is not None:
        worker.stop()  # started for a different pipeline set-up: not needed
    return None


def mark_stopped(crawler: Any, signal_name: str) -> None:
    """Record that a signal (``SIGTERM``) stopped this crawl (see :func:`stopped_by`)."""
    crawler._leadwatch_stopped_by = signal_name


def stopped_by(crawler: Any) -> str | None:
    """The name of the signal that stopped this crawl, if one did."""
    return getattr(crawler, "_leadwatch_stopped_by", None)
