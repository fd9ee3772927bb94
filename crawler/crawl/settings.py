"""Scrapy settings that no config changes. leadwatch.toml's ``[crawl]`` table (user agent,
robots.txt, delays, concurrency, timeouts, retries, log level) is applied by the add-on
:class:`crawler.crawl.addon.LeadwatchAddon`, whose defaults are the config models'.

``scrapy crawl SOURCE`` in the repository root uses these through scrapy.cfg; the
spider loader turns every configured source into a spider.
"""

BOT_NAME = "leadwatch"
ADDONS = {"crawler.crawl.addon.LeadwatchAddon": 0}
SPIDER_LOADER_CLASS = "crawler.crawl.spiderloader.SourceSpiderLoader"
SPIDER_MODULES = ["spiders"]

CONCURRENT_REQUESTS = 16
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
RETRY_ENABLED = True
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
REDIRECT_MAX_TIMES = 5
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False  # Scrapy 2.19 would open a control port in every crawl
FEED_EXPORT_ENCODING = "utf-8"

DOWNLOADER_MIDDLEWARES = {
    # Every request, whatever made it, stays within the source's origins (before
    # robots.txt, so no other origin's robots.txt is asked for either).
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
    "crawler.crawl.offsite.OffsiteDownloaderMiddleware": 50,
    # Retries wait 1 s, 2 s, 4 s … (Scrapy's own RetryMiddleware retries at once).
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.crawl.retry.BackoffRetryMiddleware": 550,
    # A redirect back to a URL of its own chain fails at once, logged and counted.
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "crawler.crawl.redirect.LoopAwareRedirectMiddleware": 600,
    # A <meta> refresh is followed only when it is an element of the page, not text.
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "crawler.crawl.redirect.ElementMetaRefreshMiddleware": 580,
}
SPIDER_MIDDLEWARES = {
    "crawler.crawl.incremental.IncrementalMiddleware": 550,
}
ITEM_PIPELINES = {
    "crawler.crawl.pipeline.ArticlePipeline": 300,
}
EXTENSIONS = {
    "crawler.crawl.runs.RunRecorder": 500,
    # switched off above; left in, Scrapy would still import them in every crawl process
    # (the remote control brings aiohttp: ~0.1 s of CPU per crawl)
    "scrapy.extensions.remote_control.RemoteControl": None,
    "scrapy.extensions.telnet.TelnetConsole": None,
}

# leadwatch's own settings (filled from leadwatch.toml by crawler.crawl.job)
LEADWATCH_CONFIG = None  # None: --config, $LEADWATCH_HOME or ./leadwatch.toml (crawler.config)
LEADWATCH_RUN_ID = None
LEADWATCH_FULL = False
LEADWATCH_STORE_BATCH = 100
LEADWATCH_RETRY_BACKOFF_S = 1.0  # first retry waits this long, each further one twice as long
LEADWATCH_RETRY_BACKOFF_MAX_S = 60.0
