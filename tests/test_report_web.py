"""The 趋势 page, the report download and the list exports, in headless Chromium against
`leadwatch serve` in its own process over a copy of the crawled demo store."""

from __future__ import annotations

import io
import re
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.instance import Instance, copy_store, demo_sources, write_instance
from tests.helpers.web import Server, shot, wait_for

pytestmark = pytest.mark.integration  # a server process and a browser


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, crawled_demo: Instance) -> Iterator[str]:
    inst = write_instance(tmp_path_factory.mktemp("trends"), demo_sources("http://127.0.0.1:9"))
    copy_store(crawled_demo, inst)
    srv = Server(inst, "--port", "0")
    try:
        yield srv.url
    finally:
        srv.stop()


def fetch(url: str) -> tuple[int, dict[str, str], bytes]:
    with urllib.request.urlopen(url, timeout=60) as response:
        return response.status, dict(response.headers), response.read()


def test_trends_page_draws_inline_svg_charts_without_script(
    browser: Any, server: str, tmp_path: Path
):
    from selenium.webdriver.common.by import By

    d = browser
    d.get(server + "trends?period=month&end=2025-09-30")
    wait_for(d, "figure.chart svg")
    charts = d.find_elements(By.CSS_SELECTOR, "figure.chart")
    assert [c.get_attribute("id") for c in charts] == [
        "chart-events",
        "chart-amounts",
        "chart-stages",
        "chart-counterparts",
    ]
    for chart in charts:
        svg = chart.find_element(By.TAG_NAME, "svg")
        assert svg.size["width"] > 300 and svg.size["height"] > 100  # laid out, visible
        assert len(chart.find_elements(By.TAG_NAME, "path")) > 20  # bars, axes, glyphs
    # the CSP forbids inline style: the bars' colours are attributes, so they are drawn
    bar = d.find_element(By.CSS_SELECTOR, "#chart-events path[fill='#1f4e79']")
    assert bar.value_of_css_property("fill") in ("rgb(31, 78, 121)", "#1f4e79")
    figures = d.find_element(By.ID, "trend-figures").text
    assert "监测事件" in figures and "2025年9月" in d.find_element(By.TAG_NAME, "h2").text
    shot(d, tmp_path, "trends")
    status, headers, body = fetch(server + "trends?period=month&end=2025-09-30")
    html = body.decode()
    assert "script-src" not in headers["Content-Security-Policy"]
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert not re.search(r"<script|javascript:|\son[a-z]+=", html, re.I)
    assert " style=" not in html and "<style" not in html  # nothing the CSP would drop

    # filters: a sector narrows the figures; the form keeps what was chosen
    d.get(server + "trends?period=week&end=2025-06-29&place=%E5%AE%9C%E5%85%B4")
    wait_for(d, "figure.chart svg")
    assert d.find_element(By.ID, "trend-place").get_attribute("value") == "宜兴"
    assert "第26周" in d.find_element(By.TAG_NAME, "h2").text
    shot(d, tmp_path, "trends-week")


def test_report_download_buttons_give_the_files(browser: Any, server: str):
    from docx import Document
    from openpyxl import load_workbook
    from selenium.webdriver.common.by import By

    browser.get(server + "trends?period=month&end=2025-09-30")
    link = wait_for(browser, "#download-xlsx").get_attribute("href")
    assert "period=month" in link and "format=xlsx" in link
    status, headers, body = fetch(link)
    assert status == 200 and "attachment" in headers["Content-Disposition"]
    wb = load_workbook(io.BytesIO(body))
    assert len(wb["趋势"]._charts) == 4
    docx_link = browser.find_element(By.ID, "download-docx").get_attribute("href")
    doc = Document(io.BytesIO(fetch(docx_link)[2]))
    assert doc.paragraphs[0].text.startswith("宜兴招商月报")
    status, headers, body = fetch(server + "report?period=month&month=2025-06&format=pdf")
    assert headers["Content-Type"] == "application/pdf" and body.startswith(b"%PDF")
    assert "%E6%8B%9B%E5%95%86%E6%9C%88%E6%8A%A5-2025-06.pdf" in headers["Content-Disposition"]


def test_every_list_has_an_export_button(browser: Any, server: str):
    from openpyxl import load_workbook
    from selenium.webdriver.common.by import By

    pages = {
        "": 30,
        "events?stage=signing": None,
        "projects": None,
        "orgs": None,
        "peers": None,
        "sources": None,
    }
    for page in pages:
        browser.get(server + page)
        link = wait_for(browser, "#export-xlsx").get_attribute("href")
        for fmt in ("csv", "json"):
            assert browser.find_element(By.ID, f"export-{fmt}")
        status, headers, body = fetch(link)
        assert status == 200, page
        sheet = load_workbook(io.BytesIO(body)).worksheets[0]
        assert sheet.max_row >= 2, page  # a header and at least one row
    # the events export keeps the list's filter
    browser.get(server + "events?stage=signing")
    link = browser.find_element(By.ID, "export-xlsx").get_attribute("href")
    assert "stage=signing" in link
    rows = list(
        load_workbook(io.BytesIO(fetch(link)[2]))
        .worksheets[0]
        .iter_rows(min_row=2, values_only=True)
    )
    assert rows and all(r[2] == "签约" for r in rows)
