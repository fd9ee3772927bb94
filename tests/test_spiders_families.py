"""The generic listing spider on one fixture site per CMS family (tests/sites/<family>).

Real crawls (the `leadwatch crawl` CLI, Scrapy in a child process) against our fixture
sites on 127.0.0.1: every article is found, the pager is followed, and max_pages bounds it.
The truth is the fixture itself: every article file of the site, and its list pages.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs

import pytest

from tests.helpers.badserver import BadServer, crawl_stats
from tests.helpers.instance import Instance, write_instance
from tests.helpers.paths import DEMO_SITE, SITES

pytestmark = pytest.mark.integration  # real crawls, servers or processes


@dataclass(frozen=True)
class Family:
    root: Path
    start: str
    list_pages: tuple[str, ...]  # paths (with query) of its list pages, in order
    article_glob: str
    per_page: tuple[int, ...]  # articles on each list page
    selectors: str = ""


FAMILIES = {
    # TRS: index.html, index_1.html, index_2.html; the pager is createPageHTML /
    # countPage script only, with no <a> to the next page.
    "trs": Family(
        SITES / "trs",
        "/xwzx/gzdt/index.html",
        ("/xwzx/gzdt/index.html", "/xwzx/gzdt/index_1.html", "/xwzx/gzdt/index_2.html"),
        "xwzx/gzdt/2025*/t2025*.html",
        (4, 4, 4),
    ),
    # Hanweb: records in <datastore> CDATA; pages 2 and 3 come from dataproxy.jsp.
    "hanweb": Family(
        SITES / "hanweb",
        "/col/col3301/index.html",
        ("/col/col3301/index.html",),
        "art/2025/*/*/art_3301_*.html",
        (5, 5, 3),
    ),
    # 开普: /<site>/<col>/<YYYYMM>/<32hex>.shtml, a pager of page numbers only.
    "kaipu": Family(
        SITES / "kaipu",
        "/yxtzcj/tzdt/list.shtml",
        ("/yxtzcj/tzdt/list.shtml", "/yxtzcj/tzdt/list_2.shtml", "/yxtzcj/tzdt/list_3.shtml"),
        "yxtzcj/tzdt/2025*/*.shtml",
        (4, 4, 2),
    ),
    # ?page=N with page-number links only.
    "pageparam": Family(
        SITES / "pageparam",
        "/news/list.html",
        ("/news/list.html", "/news/list.html?page=2", "/news/list.html?page=3"),
        "news/2025-*/*/content_*.html",
        (4, 4, 3),
    ),
    # An enterprise site: "下一页" links, article URLs of no known shape (selectors).
    "nextlink": Family(
        SITES / "nextlink",
        "/news/qyxw.html",
        ("/news/qyxw.html", "/news/qyxw_p2.html", "/news/qyxw_p3.html"),
        "news/detail/*.html",
        (4, 4, 2),
        '[sources.selectors]\nlist_links = ".news-list dt a"\nbody = ".detail-body"\n',
    ),
    # Wuxi / Yixing: /doc/YYYY/MM/DD/N.shtml (the bundled demo site's 宜兴要闻 column).
    "yixing": Family(
        DEMO_SITE,
        "/yxzx/index.html",
        ("/yxzx/index.html", "/yxzx/index_1.html", "/yxzx/index_2.html"),
        "doc/2025/*/*/*.shtml",
        (9, 8, 8),
    ),
}


@pytest.fixture
def servers() -> Iterator[dict[str, BadServer]]:
    started = {name: BadServer(f.root) for name, f in FAMILIES.items()}
    for server in started.values():
        server.__enter__()
    try:
        yield started
    finally:
        for server in started.values():
            server.__exit__(None, None, None)


def _instance(tmp_path: Path, servers: dict[str, BadServer], max_pages: int) -> Instance:
    sources = ""
    for name, f in FAMILIES.items():
        sources += f"""
[[sources]]
name = "{name}"
kind = "municipal"
start_urls = ["{servers[name].url}{f.start}"]
max_pages = {max_pages}
download_delay = 0
{f.selectors}"""
    return write_instance(tmp_path, sources)


def _stored(inst: Instance, source: str) -> list[tuple[str, str, str | None, str]]:
    with sqlite3.connect(inst.db) as db:
        return db.execute(
            "select url, title, published_at, body from articles where source = ?", (source,)
        ).fetchall()


def _list_requests(server: BadServer, family: Family) -> list[str]:
    """Paths of the list pages (and Hanweb proxy pages) the crawler asked for, in order."""
    pages = set(family.list_pages)
    return [p for p in server.paths() if p in pages or p.startswith("/module/web/jpage/")]


def _problems(inst: Instance, source: str) -> str:
    """The crawl log's warnings and errors, to explain a failed assertion."""
    lines = []
    for log in (inst.dir / "data" / "logs").glob(f"crawl-{source}-*.log"):
        text = log.read_text("utf-8")
        lines += [line for line in text.splitlines() if " WARNING: " in line or " ERROR: " in line]
        lines += [line for line in text.splitlines() if "'leadwatch/errors" in line]
    return "\n".join(lines[-20:])


def _expected_urls(server: BadServer, family: Family) -> set[str]:
    files = sorted(family.root.glob(family.article_glob))
    assert files, f"fixture {family.root} has no {family.article_glob}"
    return {f"{server.url}/{p.relative_to(family.root).as_posix()}" for p in files}


def test_every_family_is_crawled_completely(tmp_path: Path, servers: dict[str, BadServer]):
    inst = _instance(tmp_path, servers, max_pages=10)
    inst.run("crawl", *FAMILIES)
    runs = {r["source"]: r for r in inst.runs()}
    for name, family in FAMILIES.items():
        server, run = servers[name], runs[name]
        expected = _expected_urls(server, family)
        assert len(expected) == sum(family.per_page), name
        assert run["status"] == "completed", (name, run)
        assert run["errors"] == 0, f"{name}: {run['errors']} error(s)\n{_problems(inst, name)}"
        stored = _stored(inst, name)
        assert {row[0] for row in stored} == expected, name
        for url, title, published_at, body in stored:
            assert title and published_at and body.strip(), (name, url)
        assert run["articles_new"] == len(expected), name
        lists = _list_requests(server, family)
        assert run["pages_fetched"] == len(lists) + len(expected), (name, lists)
        if name != "hanweb":
            assert lists == list(family.list_pages), name
    # Hanweb: the column page, then dataproxy.jsp POSTs for records 6-10 and 11-15 that
    # carry the column's identity from the <nextgroup> link.
    proxy = servers["hanweb"].requests("/module/web/jpage/dataproxy.jsp")
    assert [h.method for h in proxy] == ["POST", "POST"]
    queries = [parse_qs(h.query) for h in proxy]
    assert [q["page"] for q in queries] == [["2"], ["3"]]
    assert [q["startrecord"] for q in queries] == [["6"], ["11"]]
    assert [q["endrecord"] for q in queries] == [["10"], ["15"]]
    forms = [parse_qs(h.body.decode()) for h in proxy]
    assert all(f["columnid"] == ["3301"] and f["unitid"] == ["4521"] for f in forms)
    assert all(f["webid"] == ["12"] for f in forms)


# One source with every family's start page: max_pages bounds each start page's chain,
# in one crawl. The pattern names the article URL shapes of all six fixture sites.
ALL_ARTICLES = (
    r"/t2025\d{4}_\d+\.html$|/art_3301_\d+\.html$|/[0-9a-f]{32}\.shtml$"
    r"|/content_\d+\.html$|/news/detail/\d+\.html$|/doc/2025/\d\d/\d\d/\d+\.shtml$"
)


def test_max_pages_bounds_every_family(tmp_path: Path, servers: dict[str, BadServer]):
    starts = ", ".join(f'"{servers[n].url}{f.start}"' for n, f in FAMILIES.items())
    inst = write_instance(
        tmp_path,
        f"""
[[sources]]
name = "all-families"
kind = "municipal"
start_urls = [{starts}]
article_url_pattern = '{ALL_ARTICLES}'
max_pages = 2
download_delay = 0
""",
    )
    inst.run("crawl", "all-families")
    run = inst.runs()[0]
    assert run["status"] == "completed" and run["errors"] == 0, (
        run,
        _problems(inst, "all-families"),
    )
    stored = {row[0] for row in _stored(inst, "all-families")}
    for name, family in FAMILIES.items():
        server = servers[name]
        first_two = family.per_page[0] + family.per_page[1]
        mine = {url for url in stored if url.startswith(server.url + "/")}
        assert len(mine) == first_two and mine <= _expected_urls(server, family), name
        lists = _list_requests(server, family)
        assert len(lists) == 2, (name, lists)
        if name != "hanweb":
            assert lists == list(family.list_pages[:2]), name
    assert run["articles_new"] == sum(f.per_page[0] + f.per_page[1] for f in FAMILIES.values())
    log = next((inst.dir / "data" / "logs").glob("crawl-all-families-*.log")).read_text("utf-8")
    assert crawl_stats(log)["leadwatch/pager_bounded"] == len(FAMILIES)
    proxy = servers["hanweb"].requests("/module/web/jpage/dataproxy.jsp")
    assert [parse_qs(h.query)["page"] for h in proxy] == [["2"]]
