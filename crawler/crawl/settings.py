"""Scrapy settings. Politeness is on by default; leadwatch.toml's [crawl] table tunes it.

``scrapy crawl SOURCE`` in the repository root uses these through scrapy.cfg; the
spider loader turns every configured source into a spider. The values that [crawl]
can set come from its defaults (:class:`crawler.config.CrawlSettings`), the one copy.
"""

from crawler.config import CrawlSettings

_defaults = CrawlSettings()

BOT_NAME = "leadwatch"
SPIDER_LOADER_CLASS = "crawler.crawl.spiderloader.SourceSpiderLoader"
SPIDER_MODULES = ["spiders"]

ROBOTSTXT_OBEY = _defaults.obey_robots
USER_AGENT = _defaults.user_agent
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = _defaults.concurrent_per_domain
DOWNLOAD_DELAY = _defaults.download_delay
AUTOTHROTTLE_ENABLED = _defaults.autothrottle
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
RETRY_ENABLED = True
RETRY_TIMES = _defaults.retries
DOWNLOAD_TIMEOUT = _defaults.download_timeout_s
DOWNLOAD_MAXSIZE = _defaults.max_page_bytes
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
REDIRECT_MAX_TIMES = 5
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False  # Scrapy 2.19 would open a control port in every crawl
LOG_LEVEL = _defaults.log_level
FEED_EXPORT_ENCODING = "utf-8"

DOWNLOADER_MIDDLEWARES = {
    # Retries wait 1 s, 2 s, 4 s … (Scrapy's own RetryMiddleware retries at once).
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.crawl.retry.BackoffRetryMiddleware": 550,
    # A redirect back to a URL of its own chain fails at once, logged and counted.
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "crawler.crawl.redirect.LoopAwareRedirectMiddleware": 600,
}
SPIDER_MIDDLEWARES = {
    "crawler.crawl.incremental.IncrementalMiddleware": 550,
}
ITEM_PIPELINES = {
    "crawler.crawl.pipeline.ArticlePipeline": 300,
}
EXTENSIONS = {
    "crawler.crawl.runs.RunRecorder": 500,
}

# leadwatch's own settings (filled from leadwatch.toml by crawler.crawl.job)
LEADWATCH_CONFIG = None  # None: --config, $LEADWATCH_HOME or ./leadwatch.toml (crawler.config)
LEADWATCH_RUN_ID = None
LEADWATCH_FULL = False
LEADWATCH_STORE_BATCH = 100
LEADWATCH_RETRY_BACKOFF_S = 1.0  # first retry waits this long, each further one twice as long
LEADWATCH_RETRY_BACKOFF_MAX_S = 60.0
