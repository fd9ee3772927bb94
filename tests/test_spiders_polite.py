"""Polite defaults: the settings a crawl really gets, however it is started, and
per-domain concurrency on the wire.

robots.txt, the configured user agent, offsite links, retries with backoff and the size
limit are exercised by a real crawl in tests/test_bad_cases.py; here `scrapy crawl NAME`
and `leadwatch crawl NAME` are held to the same behaviour on the wire.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from crawler.config import load_config
from crawler.crawl.addon import LeadwatchAddon
from crawler.crawl.fetch_job import fetch_settings
from crawler.crawl.job import scrapy_settings
from crawler.crawl.spiderloader import spider_class_for
from tests.helpers.badserver import BadServer, Hit, article_html, list_html, set_crawl_options
from tests.helpers.instance import write_instance
from tests.helpers.paths import REPO, TAXONOMY


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


def effective_settings(config_path: Path, source: str) -> Any:
    """The settings a crawl of ``source`` runs with once Scrapy applied the spider's own
    and the add-on's (what Scrapy does when a crawl starts; the wire test below checks
    the real thing)."""
    config = load_config(config_path)
    settings = scrapy_settings(config)
    spider_class_for(config.source(source)).update_settings(settings)
    assert list(settings.getdict("ADDONS")) == ["crawler.crawl.addon.LeadwatchAddon"]
    LeadwatchAddon().update_settings(settings)
    return settings


@pytest.mark.integration
def test_default_crawl_settings_are_polite(tmp_path: Path):
    s = effective_settings(_config(tmp_path), "x")
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


@pytest.mark.integration
def test_crawl_table_and_source_override_the_defaults(tmp_path: Path):
    crawl = (
        'user_agent = "yixing-zsj-monitor/2.0 (+mailto:it@example.gov.cn)"\n'
        "concurrent_per_domain = 1\nmax_page_bytes = 1048576\ndownload_timeout_s = 7\n"
        "download_delay = 3\n"
    )
    s = effective_settings(_config(tmp_path, crawl, "download_delay = 0\n"), "x")
    assert s["USER_AGENT"] == "yixing-zsj-monitor/2.0 (+mailto:it@example.gov.cn)"
    assert s.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 1
    assert s.getint("DOWNLOAD_MAXSIZE") == 1048576
    assert s.getint("DOWNLOAD_TIMEOUT") == 7
    # the source's own delay beats [crawl]'s; 0 is for our own loopback sites: no throttling
    assert s.getfloat("DOWNLOAD_DELAY") == 0
    assert not s.getbool("AUTOTHROTTLE_ENABLED")


def _crawl_on_the_wire(tmp_path: Path, how: str) -> list[Hit]:
    """Crawl a small site with ``how`` ("leadwatch" or "scrapy") and return the server's
    log: robots.txt forbids one article, one answers 500, requests 0.3 s apart."""
    site = tmp_path / "site"
    site.mkdir(parents=True)
    links = [(f"/a/{n}.shtml", f"文章{n}") for n in range(3)]
    links += [("/private/secret.shtml", "内部"), ("/bad/status/500.shtml", "出错")]
    (site / "index.html").write_text(list_html("列表", links, None), encoding="utf-8")
    (site / "a").mkdir()
    for n in range(3):
        page = article_html(f"文章{n}", "2025-03-01", "宜兴签约项目。")
        (site / "a" / f"{n}.shtml").write_text(page, encoding="utf-8")
    with BadServer(site) as server:
        inst = write_instance(
            tmp_path,
            f"""
[[sources]]
name = "wire"
kind = "municipal"
start_urls = ["{server.url}/index.html"]
[sources.selectors]
list_links = "ul.list li a"
""",
        )
        set_crawl_options(
            inst.config,
            user_agent="yixing-zsj-monitor/2.0",
            retries=1,
            download_delay=0.3,
            autothrottle=False,
        )
        if how == "leadwatch":
            inst.run("crawl", "wire")
        else:
            env = {k: v for k, v in os.environ.items() if not k.startswith("LEADWATCH_")}
            proc = subprocess.run(
                [sys.executable, "-m", "scrapy", "crawl", "wire"]
                + ["-s", f"LEADWATCH_CONFIG={inst.config}", "-s", "LEADWATCH_RETRY_BACKOFF_S=0"],
                cwd=REPO,
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert proc.returncode == 0, proc.stderr[-3000:]
        return list(server.hits)


@pytest.mark.integration
def test_scrapy_crawl_and_leadwatch_crawl_behave_the_same_on_the_wire(tmp_path: Path):
    seen = {}
    for how in ("leadwatch", "scrapy"):
        hits = _crawl_on_the_wire(tmp_path / how, how)
        paths = [h.path for h in hits]
        assert paths[0] == "/robots.txt", (how, paths)
        assert "/private/secret.shtml" not in paths, how  # robots.txt obeyed
        assert {h.headers["User-Agent"] for h in hits} == {"yixing-zsj-monitor/2.0"}, how
        gaps = [b.at - a.at for a, b in zip(hits[1:], hits[2:], strict=False)]
        # DOWNLOAD_DELAY 0.3 s, randomised by Scrapy to 0.15–0.45 s: waited, and once
        assert min(gaps) >= 0.14 and statistics.median(gaps) < 0.6, (how, gaps)
        seen[how] = sorted(p for p in paths if p != "/robots.txt")
    # the same pages, the failing one tried 1 + retries = 2 times
    assert seen["leadwatch"] == seen["scrapy"]
    assert seen["scrapy"].count("/bad/status/500.shtml") == 2


@pytest.mark.integration
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


@pytest.mark.integration
def test_a_single_fetch_uses_the_crawl_table_and_does_not_retry_a_refusal(tmp_path: Path):
    """`leadwatch extract URL` fetches like a crawl ([crawl] through the add-on), but a
    refused connection or an unknown host is reported at once instead of retried."""
    config = _config(tmp_path, 'user_agent = "yixing-zsj-monitor/2.0"\nretries = 3\n')
    settings = fetch_settings(str(config))
    LeadwatchAddon().update_settings(settings)
    assert settings["USER_AGENT"] == "yixing-zsj-monitor/2.0"
    assert settings.getint("RETRY_TIMES") == 3  # timeouts and 5xx are still retried
    retried = [e if isinstance(e, str) else e.__name__ for e in settings["RETRY_EXCEPTIONS"]]
    assert "scrapy.exceptions.DownloadTimeoutError" in retried
    assert "scrapy.exceptions.DownloadConnectionRefusedError" not in retried
    assert "scrapy.exceptions.CannotResolveHostError" not in retried
