"""`leadwatch sources check NAME` and `leadwatch sources list` against fixture sites.

`sources check` fetches through Scrapy in a child process (robots.txt, the configured
user agent), so every test here runs the real CLI against a loopback server.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.helpers.badserver import BadServer, article_html, list_html, set_crawl_options
from tests.helpers.instance import Instance, write_instance
from tests.helpers.paths import SITES

USER_AGENT = "yixing-zsj-check/1.0"


@pytest.fixture
def sites(tmp_path: Path) -> Iterator[dict[str, BadServer]]:
    """Kaipu and Hanweb fixture sites, and a small column whose article has no date."""
    odd = tmp_path / "odd"
    (odd / "news").mkdir(parents=True)
    (odd / "index.html").write_text(
        list_html("无日期栏目", [("/news/content_1000001.shtml", "一篇没有日期的文章")], None),
        encoding="utf-8",
    )
    page = article_html("一篇没有日期的文章", "", "这篇文章的页面上没有任何日期信息。" * 3)
    page = page.replace('<meta name="PubDate" content=" 09:00">', "").replace(
        "发布时间： 09:00", ""
    )
    (odd / "news" / "content_1000001.shtml").write_text(page, encoding="utf-8")
    servers = {
        "kaipu": BadServer(SITES / "kaipu"),
        "hanweb": BadServer(SITES / "hanweb"),
        "odd": BadServer(odd),
    }
    for server in servers.values():
        server.__enter__()
    try:
        yield servers
    finally:
        for server in servers.values():
            server.__exit__(None, None, None)


def _instance(tmp_path: Path, sites: dict[str, BadServer]) -> Instance:
    k, h, o = sites["kaipu"].url, sites["hanweb"].url, sites["odd"].url
    inst = write_instance(
        tmp_path,
        f"""
[[sources]]
name = "kaipu"
kind = "municipal"
label = "宜兴市投资促进中心 · 投资动态"
start_urls = ["{k}/yxtzcj/tzdt/list.shtml"]
download_delay = 0

[[sources]]
name = "hanweb"
kind = "municipal"
start_urls = ["{h}/col/col3301/index.html"]
download_delay = 0

[[sources]]
name = "wrong-selectors"
kind = "municipal"
start_urls = ["{k}/yxtzcj/tzdt/list.shtml"]
download_delay = 0
[sources.selectors]
list_links = ".no-such-list a"
next_page = "a.no-such-pager"

[[sources]]
name = "no-date"
kind = "municipal"
start_urls = ["{o}/index.html"]
max_pages = 1
download_delay = 0

[[sources]]
name = "gone"
kind = "municipal"
start_urls = ["{k}/yxtzcj/old/list.shtml"]
download_delay = 0

[[sources]]
name = "never"
kind = "partner"
start_urls = ["{k}/yxtzcj/tzdt/list.shtml"]
download_delay = 0
""",
    )
    set_crawl_options(inst.config, user_agent=USER_AGENT)
    return inst


@pytest.mark.integration
def test_check_a_healthy_source(tmp_path: Path, sites: dict[str, BadServer]):
    inst = _instance(tmp_path, sites)
    proc = inst.run("sources", "check", "kaipu")
    out = proc.stdout
    assert proc.returncode == 0, out
    assert "article links: 4" in out
    assert f"next page: {sites['kaipu'].url}/yxtzcj/tzdt/list_2.shtml" in out
    assert "title: 屺亭街道招商引资项目推进会召开" in out  # the first link's article
    assert "published_at: 2025-07-22T00:00:00+08:00" in out  # 发文日期, not PubDate
    assert "source: 屺亭街道办事处" in out
    assert "body: " in out and "characters" in out
    # the page's PubDate is its regeneration time: a note, not something to fix
    assert "PubDate disagrees with the visible date" in out
    assert "healthy" in out and "needs action" not in out
    # fetched through Scrapy: robots.txt first, then the list page and one article
    paths = sites["kaipu"].paths()
    assert paths[:2] == ["/robots.txt", "/yxtzcj/tzdt/list.shtml"]
    assert len(paths) == 3
    assert {h.headers["User-Agent"] for h in sites["kaipu"].requests()} == {USER_AGENT}
    # nothing is stored by a check
    assert not inst.runs()


@pytest.mark.integration
def test_check_json_and_hanweb_proxy_next_page(tmp_path: Path, sites: dict[str, BadServer]):
    inst = _instance(tmp_path, sites)
    report = json.loads(inst.run("sources", "check", "hanweb", "--json").stdout)
    assert report["healthy"] is True
    assert report["article_links"] == 5
    assert len(report["first_links"]) == 5
    assert report["next_page"].startswith(f"POST {sites['hanweb'].url}/module/web/jpage/")
    assert "page=2" in report["next_page"] and "startrecord=6" in report["next_page"]
    assert report["fields"]["title"] == "宜兴市召开上半年招商引资工作点评会"
    assert report["fields"]["published_at"].startswith("2025-06-17T09:30")


@pytest.mark.integration
def test_check_tells_which_selector_to_fix(tmp_path: Path, sites: dict[str, BadServer]):
    inst = _instance(tmp_path, sites)
    proc = inst.run("sources", "check", "wrong-selectors", check=False)
    assert proc.returncode == 1, proc.stdout
    assert "article links: 0" in proc.stdout
    assert "! no article links: set selectors.list_links" in proc.stdout
    assert "! no next page found: set selectors.next_page" in proc.stdout
    assert "needs action" in proc.stdout


@pytest.mark.integration
def test_check_warns_about_a_missing_date(tmp_path: Path, sites: dict[str, BadServer]):
    inst = _instance(tmp_path, sites)
    proc = inst.run("sources", "check", "no-date", check=False)
    assert proc.returncode == 1, proc.stdout
    assert "published_at: (empty)" in proc.stdout
    assert "! no date found: set selectors.date" in proc.stdout
    assert "no next page" not in proc.stdout  # max_pages = 1: a one-page column


@pytest.mark.integration
def test_check_a_missing_list_page(tmp_path: Path, sites: dict[str, BadServer]):
    inst = _instance(tmp_path, sites)
    proc = inst.run("sources", "check", "gone", check=False)
    assert proc.returncode == 1
    assert "! list page could not be fetched: HTTP 404; check start_urls" in proc.stdout
    unknown = inst.run("sources", "check", "nope", check=False)
    assert unknown.returncode == 2 and "unknown source 'nope'" in unknown.stderr
    assert "kaipu, hanweb" in unknown.stderr


def _set(inst: Instance, sql: str, *params: object) -> None:
    with sqlite3.connect(inst.db) as db:
        db.execute(sql, params)


@pytest.mark.integration
def test_sources_list_shows_last_run_and_health(tmp_path: Path, sites: dict[str, BadServer]):
    inst = _instance(tmp_path, sites)
    inst.run("crawl", "kaipu", "hanweb", "no-date", "wrong-selectors")
    inst.run("crawl", "gone", check=False)
    # Age hanweb's articles: nothing new for 30 days. Mark no-date's run as failed, as
    # `leadwatch crawl` records a crawl process that died (see test_spiders_incremental).
    old = (datetime.now(UTC) - timedelta(days=30)).replace(tzinfo=None).isoformat(" ")
    _set(inst, "update articles set first_seen_at = ? where source = 'hanweb'", old)
    _set(inst, "update crawl_runs set status = 'failed' where source = 'no-date'")

    rows = {r["name"]: r for r in json.loads(inst.run("sources", "list", "--json").stdout)}
    assert rows["kaipu"]["health"] == "ok"
    assert rows["kaipu"]["status"] == "completed" and rows["kaipu"]["articles_new"] == 10
    assert rows["kaipu"]["last_run"] is not None
    assert rows["hanweb"]["health"] == "stale: nothing new for 30 days"
    assert rows["no-date"]["health"] == "failing: last run failed"
    # a list page matching no article link: the run completes, but nothing is ever stored
    assert rows["wrong-selectors"]["status"] == "completed"
    assert rows["wrong-selectors"]["health"].startswith("failing: no article found yet")
    assert rows["gone"]["health"].startswith("failing: ") and rows["gone"]["errors"] == 1
    assert rows["never"]["health"] == "never run" and rows["never"]["last_run"] is None

    table = inst.run("sources", "list").stdout
    for text in ("正常", "无新文章：30 天无新文章", "失败：最近一次抓取失败", "从未运行"):
        assert text in table
    assert inst.run("sources").stdout == table  # `sources` alone lists them too


@pytest.mark.integration
def test_check_prints_bracketed_crawled_text_as_text(tmp_path: Path):
    """A title such as "[/]…" is the site's text, not terminal markup (it crashed rich)."""
    site = tmp_path / "brackets"
    (site / "news").mkdir(parents=True)
    title = "[/]关于[bold]低空经济项目的通知"
    (site / "index.html").write_text(
        list_html("通知公告", [("/news/content_1000002.shtml", title)], None), encoding="utf-8"
    )
    page = article_html(title, "2025-06-01", "低空经济项目通知正文。" * 5)
    (site / "news" / "content_1000002.shtml").write_text(page, encoding="utf-8")
    with BadServer(site) as server:
        inst = write_instance(
            tmp_path,
            f'[[sources]]\nname = "brackets"\nkind = "municipal"\n'
            f'start_urls = ["{server.url}/index.html"]\ndownload_delay = 0\n',
        )
        proc = inst.run("sources", "check", "brackets", check=False)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert f"title: {title}" in proc.stdout
