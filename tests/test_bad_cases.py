"""Bad cases are logged and counted, and the crawl still completes.

One real crawl (CLI -> Scrapy child process) of a source with two start pages on
tests/badserver.py: the broken-page fixture site (tests/sites/broken: a GBK page, a
gb2312-labelled UTF-8 page, broken and truncated markup, an empty page, a 404) and the
server's /bad/ list: a 404, a 500 (retried with backoff, then counted), a page slower than
``[crawl] download_timeout_s``, a redirect loop, two 20 MB pages (one announced by
Content-Length, one streamed without it) over ``[crawl] max_page_bytes``, a robots.txt-
disallowed article, an offsite link, and an endless calendar pager bounded by max_pages.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest

from tests.helpers.badserver import BadServer, crawl_stats, set_crawl_options
from tests.helpers.instance import Instance, write_instance
from tests.helpers.paths import SITES

pytestmark = pytest.mark.integration  # real crawls, servers or processes

USER_AGENT = "leadwatch-yixing-test/1.0 (+mailto:zhaoshang@example.gov.cn)"
MAX_PAGES = 4


@pytest.fixture(scope="module")
def bad_crawl(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Instance, BadServer]]:
    tmp = tmp_path_factory.mktemp("bad")
    with BadServer(SITES / "broken") as server:
        inst = write_instance(
            tmp,
            f"""
[[sources]]
name = "bad"
kind = "municipal"
start_urls = ["{server.url}/list/index.html", "{server.url}/bad/index.html"]
max_pages = {MAX_PAGES}
download_delay = 0
[sources.selectors]
list_links = "ul.list li a"
""",
        )
        set_crawl_options(
            inst.config,
            retries=2,
            download_timeout_s=1,
            max_page_bytes=2 * 1024 * 1024,
            user_agent=USER_AGENT,
        )
        inst.run("crawl", "bad")
        yield inst, server


def _run(inst: Instance) -> dict:
    (run,) = inst.runs()
    return run


def _stats(inst: Instance) -> dict[str, float]:
    log = next((inst.dir / "data" / "logs").glob("crawl-bad-*.log"))
    return crawl_stats(log.read_text("utf-8"))


def test_the_crawl_completes_and_counts_every_failure(bad_crawl):
    inst, _ = bad_crawl
    run = _run(inst)
    assert run["status"] == "completed", run
    stats = _stats(inst)
    failures = {
        "http_404": 2,  # /bad/status/404 and the broken site's missing 2000005
        "http_500": 1,
        "timeout": 1,
        "redirect_loop": 1,
        "too_large": 2,  # with and without Content-Length
    }
    for kind, n in failures.items():
        assert stats.get(f"leadwatch/errors/{kind}") == n, (kind, stats)
    # ... plus the empty (0-byte) page, which yields no title and no body
    assert run["errors"] == sum(failures.values()) + 1, run
    # broken site: 5 good pages; /bad/: the day article on the list + 3 calendar days
    assert run["articles_new"] == 5 + 1 + (MAX_PAGES - 1), run


def test_legacy_and_mislabelled_encodings_and_broken_markup_are_counted(bad_crawl):
    inst, _ = bad_crawl
    stats = _stats(inst)
    assert stats["leadwatch/pages/legacy_encoding"] == 1  # 2000006: GBK bytes
    assert stats["leadwatch/pages/charset_mismatch"] == 1  # 2000007: says gb2312, is UTF-8
    assert stats["leadwatch/pages/truncated_markup"] == 1  # 2000003: cut off mid-sentence
    with sqlite3.connect(inst.db) as db:
        titles = {u.rsplit("/", 1)[1]: t for u, t in db.execute("select url, title from articles")}
    assert titles["2000006.shtml"] == "江苏昇宏生物科技有限公司合成生物项目开工"
    assert titles["2000007.shtml"] == "宜兴市召开一季度重点项目推进会"
    assert titles["2000003.shtml"] == "丁蜀镇低空飞行服务站启用"


def test_500_is_retried_with_growing_delays(bad_crawl):
    _, server = bad_crawl
    hits = server.requests("/bad/status/500.shtml")
    assert len(hits) == 3  # the request and [crawl] retries = 2
    gaps = [b.at - a.at for a, b in zip(hits, hits[1:], strict=False)]
    # LEADWATCH_RETRY_BACKOFF_S = 1: the first retry waits >= 1 s, the second >= 2 s
    assert gaps[0] >= 0.95 and gaps[1] >= 1.95, gaps
    assert gaps[1] > gaps[0]


def test_a_slow_page_times_out_and_is_retried(bad_crawl):
    _, server = bad_crawl
    assert len(server.requests("/bad/sleep/")) == 3


def test_redirect_loop_stops_at_the_first_repeat(bad_crawl):
    _, server = bad_crawl
    assert server.paths("/bad/loop/") == ["/bad/loop/a.shtml", "/bad/loop/b.shtml"]


def test_endless_calendar_pager_is_bounded_by_max_pages(bad_crawl):
    inst, server = bad_crawl
    calendar = server.paths("/bad/calendar/")
    # /bad/index.html is page 1, so max_pages - 1 calendar days follow it
    assert calendar == [f"/bad/calendar/2025-01-0{d}.html" for d in range(2, MAX_PAGES + 1)]
    assert _stats(inst)["leadwatch/pager_bounded"] == 1


def test_polite_crawl_obeys_robots_stays_on_site_and_names_itself(bad_crawl):
    inst, server = bad_crawl
    assert server.paths("/robots.txt") == ["/robots.txt"]
    assert not server.requests("/private/")  # Disallow: /private/
    stats = _stats(inst)
    assert stats["leadwatch/robots_forbidden"] == 1
    assert stats["leadwatch/offsite_links"] == 1
    assert not [h for h in server.requests() if h.headers["Host"].startswith("localhost")]
    agents = {h.headers["User-Agent"] for h in server.requests()}
    assert agents == {USER_AGENT}
