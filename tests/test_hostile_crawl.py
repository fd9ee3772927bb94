"""A real crawl of a hostile site (tests/hostile_site.py): nothing leaves the source's
origin, every trick is counted by kind, nothing crashes, and the ordinary pages among
the hostile ones are all stored.

The second server on another port of 127.0.0.1 records every request it gets; it must
get none, robots.txt included.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler.config import load_config
from crawler.crawl import crawl_log_path
from tests.helpers.badserver import set_crawl_options
from tests.helpers.hostile_site import SOURCES, HostileSite, Recorder
from tests.helpers.instance import Instance, write_instance

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def crawled(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Instance, HostileSite, Recorder]]:
    with Recorder() as recorder:
        site = HostileSite(other=recorder.url)
        with site:
            inst = write_instance(tmp_path_factory.mktemp("hostile"), SOURCES.format(url=site.url))
            # a small page budget, so the 250,000-attribute page costs seconds, not minutes
            set_crawl_options(inst.config, page_time_budget_s=2.0)
            inst.run("crawl", "hostile", "hostile-sitemap", "hostile-hanweb", check=False)
            yield inst, site, recorder


def runs_by_source(inst: Instance) -> dict[str, dict]:
    return {run["source"]: run for run in inst.runs()}


def stored_paths(inst: Instance, site: HostileSite) -> list[str]:
    with sqlite3.connect(inst.db) as db:
        return [url.removeprefix(site.url) for (url,) in db.execute("select url from articles")]


def test_no_request_reaches_the_other_port(crawled):
    _, site, recorder = crawled
    assert recorder.hits == [], [(h.method, h.path) for h in recorder.hits]
    assert site.hits, "the hostile site itself was not crawled"


def test_every_crawl_completes_without_a_crash(crawled):
    inst, _, _ = crawled
    runs = runs_by_source(inst)
    assert {name: run["status"] for name, run in runs.items()} == {
        "hostile": "completed",
        "hostile-sitemap": "completed",
        "hostile-hanweb": "completed",
    }, runs
    config = load_config(inst.config)
    for name, run in runs.items():
        log = crawl_log_path(config, name, run["id"]).read_text("utf-8", errors="replace")
        assert "Traceback" not in log, log[-3000:]


def test_every_hostile_page_is_counted_by_kind(crawled):
    inst, site, _ = crawled
    runs = runs_by_source(inst)
    listing = runs["hostile"]["counters"]
    # the spider drops links out of scope: other port, HTTP://, x.127.0.0.1, port 0 on
    # page 1; on page 2 two relative links resolved against its <base>, and its pager
    assert listing["offsite_links"] == 4 + 2 + 1, listing
    # the downloader middleware drops requests out of scope that no link named
    assert listing["offsite"] == 3, listing
    assert listing["offsite/redirect"] == 1, listing  # the 302
    assert listing["offsite/meta_refresh"] == 2, listing  # to the other port, to port 0
    # the 250,000-attribute page: over its budget, named, or (if extraction got fast
    # enough to fit it) stored; never lost without a name
    attrs = f"{site.url}/doc/2025/01/03/attrs.shtml"
    if "/doc/2025/01/03/attrs.shtml" not in stored_paths(inst, site):
        assert listing["too_complex"] == 1 and listing["too_complex_urls"] == [attrs], listing
    else:  # stored, its tag trimmed: the run counts what extraction cut
        assert listing["extract/attributes_cut"] == 1, listing
    sitemap = runs["hostile-sitemap"]["counters"]
    assert sitemap["offsite_links"] == 2, sitemap  # a child sitemap and one <loc>
    hanweb = runs["hostile-hanweb"]["counters"]
    assert hanweb["offsite_links"] == 1, hanweb  # the dataproxy on the other port


def test_ordinary_pages_among_the_hostile_ones_are_all_stored(crawled):
    inst, site, _ = crawled
    stored = stored_paths(inst, site)
    assert len(stored) == len(set(stored))
    assert set(site.ordinary_paths) <= set(stored), set(site.ordinary_paths) - set(stored)
    # a refresh quoted in an article's text is text: the article is stored, nothing followed
    assert "/doc/2025/01/03/escaped.shtml" in stored
    assert set(stored) - set(site.ordinary_paths) <= {"/doc/2025/01/03/attrs.shtml"}


def test_each_crawl_reads_the_robots_txt_of_the_site_itself_once(crawled):
    _, site, _ = crawled
    assert [h.path for h in site.hits].count("/robots.txt") == 3  # three sources


def test_allowed_origins_lets_a_source_reach_a_second_origin(tmp_path: Path):
    """The rule widens only where the config says so: the other port, listed, is crawled."""
    with Recorder() as recorder:
        site = HostileSite(other=recorder.url)
        with site:
            sources = f"""
[[sources]]
name = "hostile"
kind = "municipal"
start_urls = ["{site.url}/news/index.html"]
allowed_origins = ["{recorder.url}"]
max_pages = 1
download_delay = 0
[sources.selectors]
list_links = "ul.list li a"
"""
            inst = write_instance(tmp_path, sources)
            set_crawl_options(inst.config, page_time_budget_s=0.5)
            inst.run("crawl", "hostile", check=False)
    paths = {h.path for h in recorder.hits}
    # the direct and the upper-case link to the listed origin are followed; its robots.txt
    # is asked for as any origin's is
    assert {"/robots.txt", "/doc/2025/01/02/1.shtml", "/doc/2025/01/02/2.shtml"} <= paths
    # x.127.0.0.1 and port 0 are still out
    assert not any("/doc/2025/01/02/3" in p or "/doc/2025/01/02/4" in p for p in paths)
