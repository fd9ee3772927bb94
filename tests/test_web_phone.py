"""The web view on a phone: headless Chromium emulating a 390 x 844 screen (CSS pixels,
device pixel ratio 3) against `leadwatch serve` over a copy of the crawled demo store.

On a phone the results come before the filter panel, no page scrolls sideways (wide tables
scroll inside their own box), the nav wraps between its items and never inside one, and
the list heading says what is listed. The list page's first screen is kept as a PNG in the
test's temporary directory.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.instance import Instance, copy_store, demo_sources, write_instance
from tests.helpers.smtp import running_smtp
from tests.helpers.web import Server, shot, wait_for

pytestmark = pytest.mark.integration  # a server process and a browser

WIDTH, HEIGHT, PIXEL_RATIO = 390, 844, 3


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, crawled_demo: Instance) -> Iterator[str]:
    """The crawled demo store with one digest sent (so 推送记录 has a table), served."""
    with running_smtp() as mailbox:
        inst = write_instance(
            tmp_path_factory.mktemp("phone"),
            demo_sources("http://127.0.0.1:9"),
            smtp_port=mailbox.port,
        )
        copy_store(crawled_demo, inst)
        inst.run("digest", "--send")
        assert mailbox.messages, "the digest did not arrive"
    srv = Server(inst, "--port", "0")
    try:
        yield srv.url
    finally:
        srv.stop()


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    """The module's Chromium as a 390 px wide phone screen (restored afterwards)."""
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": PIXEL_RATIO, "mobile": True},
    )
    try:
        yield browser
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def top(d: Any, css: str) -> float:
    """The page-relative top of the first element matching ``css``."""
    return d.execute_script(
        "const r = document.querySelector(arguments[0]).getBoundingClientRect();"
        "return r.top + window.scrollY;",
        css,
    )


def page_width(d: Any) -> int:
    return d.execute_script("return document.documentElement.scrollWidth")


def heading(d: Any) -> str:
    """What the list page says it lists (the summary line before ' · 第 N 页')."""
    return d.find_element("css selector", "p.summary").text.split("·")[0].strip()


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_list_shows_results_first_on_a_phone(phone: Any, server: str, tmp_path: Path):
    d = phone
    d.get(server)
    wait_for(d, "ol.hits .hit")
    assert d.execute_script("return [innerWidth, devicePixelRatio]") == [WIDTH, PIXEL_RATIO]
    first_hit, facets = top(d, ".hit"), top(d, "aside.facets")
    assert first_hit < facets, f"the filter panel ({facets}px) comes before the results"
    assert first_hit < HEIGHT / 2, f"the first result starts at {first_hit}px"
    # the filters stay one tap away, and each facet is still there after the results
    assert d.find_element("css selector", "a#to-filters").get_attribute("href").endswith("#filters")
    assert d.find_element("css selector", "#facet-sector li a").is_displayed()

    path = shot(d, tmp_path, "phone-list")
    assert png_size(path)[0] == WIDTH * PIXEL_RATIO


def test_list_heading_says_leads_in_leads_only_mode(phone: Any, server: str):
    d = phone
    d.get(server + "?leads=1")
    wait_for(d, "ol.hits .hit")
    assert heading(d) == "最新线索"
    d.get(server)
    wait_for(d, "ol.hits .hit")
    assert heading(d) == "最新文章"
    d.get(server + "?leads=1&q=" + "低空经济")
    wait_for(d, "ol.hits .hit")
    assert heading(d) == "「低空经济」的线索检索结果"


def test_nav_wraps_between_items_never_inside_one(phone: Any, server: str):
    d = phone
    d.get(server)
    wait_for(d, "header.top nav a")
    # a flex item is one box however its text wraps, so count the lines of its text
    lines = d.execute_script(
        """
        return [...document.querySelectorAll('header.top a')].map(a => {
          const range = document.createRange();
          range.selectNodeContents(a);
          const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
          return [a.textContent.trim(), tops.size, a.getClientRects().length];
        });
        """
    )
    assert len(lines) == 9, lines  # the brand and eight pages
    broken = [(text, n) for text, n, boxes in lines if n != 1 or boxes != 1]
    assert not broken, f"nav items broken across lines: {broken}"


def test_no_page_scrolls_sideways_on_a_phone(phone: Any, server: str, tmp_path: Path):
    from selenium.webdriver.common.by import By

    d = phone
    pages = [
        "",
        "?leads=1",
        "events",
        "sources",
        "trends?period=month&end=2025-09-30",
        "projects",
        "orgs",
        "peers",
        "deliveries",
    ]
    # one detail page of each kind, found through the lists
    for listing, link in (
        ("", ".hit a.title"),
        ("events", "a.event-title"),
        ("projects", "a.project-name"),
        ("orgs", "a.org-name"),
    ):
        d.get(server + listing)
        pages.append(wait_for(d, link).get_attribute("href").removeprefix(server))

    too_wide = {}
    for page in pages:
        d.get(server + page)
        wait_for(d, "footer")
        if page_width(d) > WIDTH:
            too_wide[page] = page_width(d)
            shot(d, tmp_path, "too-wide-" + str(len(too_wide)))
    assert not too_wide, f"pages wider than {WIDTH}px: {too_wide}"

    # a wide table scrolls inside its own box instead of widening the page
    d.get(server + "sources")
    table = wait_for(d, "table#sources")
    box, content = d.execute_script(
        "return [arguments[0].clientWidth, arguments[0].scrollWidth]", table
    )
    assert box <= WIDTH < content, (box, content)
    # an event is a card that fits the screen, its title cell a full line (not a sliver)
    d.get(server + "events")
    titles = d.find_elements(By.CSS_SELECTOR, "tr.event-row td:nth-child(3)")
    assert titles and all(t.size["width"] > WIDTH / 2 for t in titles)
