"""The feed spider on our fixture feeds (tests/sites/feeds): RSS, Atom, sitemaps.

Real crawls through the CLI against a loopback server; the feeds' absolute links name
that server (``{{BASE}}``), and the RSS feed also links one article on another host
(``{{OFFSITE}}``, the same server called ``localhost``), which must not be fetched.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.badserver import BadServer, crawl_stats
from tests.helpers.instance import Instance, write_instance
from tests.helpers.paths import SITES

pytestmark = pytest.mark.integration  # real crawls, servers or processes

FEEDS = SITES / "feeds"


@pytest.fixture
def feed_server() -> Iterator[BadServer]:
    with BadServer(FEEDS) as server:
        yield server


def _links(feed: str) -> list[str]:
    """Article paths a fixture feed names, in order (the truth for the crawl)."""
    text = (FEEDS / feed).read_text("utf-8")
    return re.findall(r"\{\{BASE\}\}(/articles/[^<\"]+)", text)


def _instance(
    tmp_path: Path, server: BadServer, feeds: dict[str, tuple[list[str], int]]
) -> Instance:
    sources = "".join(
        f"""
[[sources]]
name = "{name}"
kind = "media"
type = "feed"
start_urls = [{", ".join(f'"{server.url}/{path}"' for path in paths)}]
max_pages = {max_pages}
download_delay = 0
"""
        for name, (paths, max_pages) in feeds.items()
    )
    return write_instance(tmp_path, sources)


def _stored(inst: Instance, source: str) -> set[str]:
    with sqlite3.connect(inst.db) as db:
        rows = db.execute(
            "select url from articles where source = ? and title != '' and published_at is not null",
            (source,),
        )
        return {url for (url,) in rows}


def test_rss_atom_sitemap_and_sitemap_index(tmp_path: Path, feed_server: BadServer):
    """One feed source with four start URLs: an RSS feed, an Atom feed, a sitemap and a
    sitemap index; every entry is fetched and stored, nothing else."""
    starts = ["rss.xml", "atom.xml", "sitemap.xml", "sitemap_index.xml"]
    inst = _instance(tmp_path, feed_server, {"feeds": (starts, 5)})
    inst.run("crawl", "feeds")
    run = inst.runs()[0]
    assert run["status"] == "completed" and run["errors"] == 0, run
    children = ["sitemaps/news-1.xml", "sitemaps/news-2.xml"]
    expected = {feed: _links(feed) for feed in [*starts[:3], *children]}
    for feed, paths in expected.items():
        assert len(paths) >= 2, feed
    every = {feed_server.url + p for paths in expected.values() for p in paths}
    assert _stored(inst, "feeds") == every
    assert run["articles_new"] == len(every) == 13
    requested = set(feed_server.paths())
    assert {f"/{feed}" for feed in [*starts, *children]} <= requested
    # the RSS entry on another host was dropped, never requested
    assert "{{OFFSITE}}" in (FEEDS / "rss.xml").read_text("utf-8")
    assert not [h for h in feed_server.requests() if h.headers["Host"].startswith("localhost")]
    log = next((inst.dir / "data" / "logs").glob("crawl-feeds-*.log")).read_text("utf-8")
    assert crawl_stats(log)["leadwatch/offsite_links"] == 1


def test_sitemap_index_children_count_against_max_pages(tmp_path: Path, feed_server: BadServer):
    inst = _instance(tmp_path, feed_server, {"sitemap-index": (["sitemap_index.xml"], 2)})
    inst.run("crawl", "sitemap-index")
    run = inst.runs()[0]
    assert "/sitemaps/news-1.xml" in feed_server.paths()
    assert "/sitemaps/news-2.xml" not in feed_server.paths()
    first_child = {feed_server.url + p for p in _links("sitemaps/news-1.xml")}
    assert _stored(inst, "sitemap-index") == first_child
    assert run["articles_new"] == len(first_child)


def test_sources_check_of_a_sitemap_index_looks_into_its_first_sitemap(
    tmp_path: Path, feed_server: BadServer
):
    inst = _instance(tmp_path, feed_server, {"sitemap-index": (["sitemap_index.xml"], 5)})
    report = json.loads(inst.run("sources", "check", "sitemap-index", "--json").stdout)
    assert report["healthy"] is True, report
    assert report["next_page"] == f"{feed_server.url}/sitemaps/news-1.xml"
    first = [feed_server.url + p for p in _links("sitemaps/news-1.xml")]
    assert report["article_links"] == len(first) and report["first_links"] == first
    assert report["article_url"] == first[0]
    assert report["fields"]["title"] and report["fields"]["published_at"]
