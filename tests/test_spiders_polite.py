"""Polite defaults: the settings a crawl really gets, and per-domain concurrency on the wire.

robots.txt, the configured user agent, offsite links, retries with backoff and the size
limit are exercised by a real crawl in tests/test_bad_cases.py.
"""

from __future__ import annotations

from pathlib import Path

from badserver import BadServer, list_html, set_crawl_options
from conftest import TAXONOMY, write_instance

from crawler.config import load_config
from crawler.crawl.job import scrapy_settings


def _config(tmp_path: Path, crawl: str = "", source: str = "") -> Path:
    (tmp_path / "sources.toml").write_text(
        f'[[sources]]\nname = "x"\nkind = "municipal"\nstart_urls = ["http://x.gov.cn/"]\n{source}',
        encoding="utf-8",
    )
    path = tmp_path / "leadwatch.toml"
    path.write_text(
        f'[leadwatch]\nsources = "sources.toml"\ntaxonomy = "{TAXONOMY.as_posix()}"\n'
        f"[crawl]\n{crawl}\n",
        encoding="utf-8",
    )
    return path


def test_default_crawl_settings_are_polite(tmp_path: Path):
    config = load_config(_config(tmp_path))
    s = scrapy_settings(config, config.source("x"))
    assert s.getbool("ROBOTSTXT_OBEY")
    assert s.getbool("AUTOTHROTTLE_ENABLED")
    assert s.getfloat("DOWNLOAD_DELAY") == 1.0
    assert s.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 2
    assert s.getint("DOWNLOAD_MAXSIZE") == 10 * 1024 * 1024
    assert s.getint("RETRY_TIMES") == 2
    assert s["USER_AGENT"].startswith("leadwatch/")
    middlewares = s.getdict("DOWNLOADER_MIDDLEWARES")
    assert middlewares["scrapy.downloadermiddlewares.retry.RetryMiddleware"] is None
    assert middlewares["crawler.crawl.retry.BackoffRetryMiddleware"] == 550
    assert middlewares["scrapy.downloadermiddlewares.redirect.RedirectMiddleware"] is None
    assert middlewares["crawler.crawl.redirect.LoopAwareRedirectMiddleware"] == 600
    assert s.getfloat("LEADWATCH_RETRY_BACKOFF_S") == 1.0
    assert not s.getbool("REMOTE_CONTROL_ENABLED")  # no control port in every crawl


def test_crawl_table_and_source_override_the_defaults(tmp_path: Path):
    crawl = (
        'user_agent = "yixing-zsj-monitor/2.0 (+mailto:it@example.gov.cn)"\n'
        "concurrent_per_domain = 1\nmax_page_bytes = 1048576\ndownload_timeout_s = 7\n"
    )
    config = load_config(_config(tmp_path, crawl, "download_delay = 0\n"))
    s = scrapy_settings(config, config.source("x"))
    assert s["USER_AGENT"] == "yixing-zsj-monitor/2.0 (+mailto:it@example.gov.cn)"
    assert s.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 1
    assert s.getint("DOWNLOAD_MAXSIZE") == 1048576
    assert s.getint("DOWNLOAD_TIMEOUT") == 7
    # download_delay = 0 is for our own loopback sites: no throttling at all
    assert s.getfloat("DOWNLOAD_DELAY") == 0
    assert not s.getbool("AUTOTHROTTLE_ENABLED")


def test_per_domain_concurrency_holds_on_the_wire(tmp_path: Path):
    """At most ``concurrent_per_domain`` requests to one site are in flight at once.

    The source keeps a small download delay: with a delay of exactly 0, Scrapy 2.19 on the
    asyncio reactor starts every queued request of a slot in one go (its download tasks
    only register as "transferring" on the next loop turn), whatever the limit says.
    """
    site = tmp_path / "site"
    site.mkdir()
    links = [(f"/slow/{n}.shtml", f"慢速页面{n}") for n in range(8)]
    (site / "index.html").write_text(list_html("列表", links, None), encoding="utf-8")
    with BadServer(site, slow_s=0.4) as server:
        inst = write_instance(
            tmp_path,
            f"""
[[sources]]
name = "slow"
kind = "municipal"
start_urls = ["{server.url}/index.html"]
download_delay = 0.05
[sources.selectors]
list_links = "ul.list li a"
""",
        )
        set_crawl_options(inst.config, concurrent_per_domain=3)
        inst.run("crawl", "slow")
    run = inst.runs()[0]
    assert run["articles_fetched"] == 8
    # eight 0.4 s pages requested 0.05 s apart would overlap eight-fold without the limit
    assert server.max_inflight == 3
