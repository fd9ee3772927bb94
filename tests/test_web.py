"""`leadwatch serve` driven in headless Chromium (Selenium + Debian's chromedriver).

The store is built the way an analyst's is: the real CLI crawls the demo site from a real
HTTP server on 127.0.0.1, a digest goes out to a real aiosmtpd server, and the web view
runs as `leadwatch serve` in its own process. Each page visited is screenshotted into the
test's temporary directory.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.instance import Instance, copy_store, demo_sources, load_truth, write_instance
from tests.helpers.smtp import Mailbox, running_smtp
from tests.helpers.store import store_articles
from tests.helpers.web import Server, shot, wait_for

pytestmark = pytest.mark.integration  # real crawls, servers or processes

HOSTILE = (
    "https://www.yixing.gov.cn/doc/2025/03/02/666.shtml",
    "<script>alert('x')</script>低空经济项目签约落户丁蜀",
    "丁蜀镇与江苏翔宇通用航空有限公司签署合作协议，项目总投资2.5亿元，建设无人机研发制造基地。"
    "<img src=x onerror=alert(1)>发展低空经济。",
    datetime(2025, 3, 2, 1, 0, tzinfo=UTC),
)
NOTE = "已联系项目方，下周赴沪考察"


# --- the store, the server, the browser -----------------------------------------------


@pytest.fixture(scope="module")
def mailbox() -> Iterator[Mailbox]:
    with running_smtp() as box:
        yield box


@pytest.fixture(scope="module")
def store(
    tmp_path_factory: pytest.TempPathFactory,
    demo_site: str,
    mailbox: Mailbox,
    crawled_demo: Instance,
) -> Instance:
    """The demo site crawled by the real CLI, one hostile article, one digest sent."""
    inst = write_instance(
        tmp_path_factory.mktemp("web"), demo_sources(demo_site), smtp_port=mailbox.port
    )
    copy_store(crawled_demo, inst)
    store_articles(inst, [HOSTILE])
    inst.run("digest", "--send")
    assert mailbox.messages, "the digest did not arrive"
    return inst


@pytest.fixture(scope="module")
def server(store: Instance) -> Iterator[str]:
    srv = Server(store, "--port", "0")
    try:
        yield srv.url
    finally:
        srv.stop()


def rows(inst: Instance, sql: str, *params: Any) -> list[tuple]:
    with sqlite3.connect(inst.db) as db:
        return db.execute(sql, params).fetchall()


# --- the analyst's journey ---------------------------------------------------------------


def test_search_filter_open_a_lead_and_follow_it(
    browser: Any, store: Instance, server: str, tmp_path: Path
):
    from selenium.webdriver.common.by import By

    d = browser
    d.get(server)
    wait_for(d, "ol.hits")
    total = rows(store, "select count(*) from articles")[0][0]
    assert len(d.find_elements(By.CSS_SELECTOR, ".hit")) == min(total, 30)
    shot(d, tmp_path, "01-list")

    # search: the same ranking as the CLI, every result with the words marked
    box = d.find_element(By.ID, "q")
    box.clear()
    box.send_keys("低空经济")
    d.find_element(By.ID, "search-button").click()
    wait_for(d, "p.summary")
    assert "q=" in d.current_url
    hits = d.find_elements(By.CSS_SELECTOR, ".hit")
    cli = json.loads(store.run("search", "低空经济", "--json", "--limit", "30").stdout)
    assert [h.find_element(By.CSS_SELECTOR, ".title").text for h in hits] == [
        c["title"] for c in cli
    ]
    assert len(hits) >= 3
    for hit in hits:
        marks = {m.text for m in hit.find_elements(By.TAG_NAME, "mark")}
        assert marks and marks <= {"低空经济", "低空", "经济"}, hit.text
    shot(d, tmp_path, "02-search")

    # filter by a facet: the count beside it is the number of results after the click
    d.find_element(By.CSS_SELECTOR, "#facet-leads li:nth-child(2) a").click()  # 只看线索
    wait_for(d, "#facet-leads li.active")
    link = d.find_element(By.CSS_SELECTOR, "#facet-partner li a")
    partner = link.text
    count = int(link.find_element(By.XPATH, "../span[@class='count']").text)
    link.click()
    wait_for(d, "#facet-partner li.active")
    assert "partner=" in d.current_url and "leads=1" in d.current_url
    hits = d.find_elements(By.CSS_SELECTOR, ".hit")
    assert len(hits) == count >= 1
    assert all(partner in h.find_element(By.CSS_SELECTOR, ".partners").text for h in hits)
    shot(d, tmp_path, "03-facet")

    # open a lead: its fields, tags with evidence marked, leads, the original's link
    title_link = hits[0].find_element(By.CSS_SELECTOR, ".title")
    title = title_link.text
    title_link.click()
    wait_for(d, "#status-form")
    article_id = int(d.current_url.rstrip("/").rsplit("/", 1)[1])
    url, stored_title = rows(store, "select url, title from articles where id = ?", article_id)[0]
    assert d.find_element(By.ID, "title").text == stored_title == title
    assert d.find_element(By.ID, "original").get_attribute("href") == url
    assert d.find_elements(By.CSS_SELECTOR, "#tags mark"), "evidence terms are not marked"
    assert d.find_elements(By.CSS_SELECTOR, "#body mark")
    assert partner in d.find_element(By.ID, "tags").text
    assert d.find_elements(By.CSS_SELECTOR, "#leads tbody tr")
    assert d.find_element(By.ID, "current-status").text == "未标记"
    shot(d, tmp_path, "04-lead")

    # mark it followed with a note: stored, shown, and visible to the digest's query
    d.find_element(By.ID, "status-followed").click()
    note = d.find_element(By.ID, "note")
    note.clear()
    note.send_keys(NOTE)
    d.find_element(By.ID, "save-status").click()
    wait_for(d, "#saved")
    assert "跟进中" in d.find_element(By.ID, "current-status").text
    assert d.find_element(By.ID, "current-note").text == NOTE
    assert rows(store, "select status, note from lead_status where article_id = ?", article_id) == [
        ("followed", NOTE)
    ]
    from crawler.store import Database
    from crawler.store.status import lead_statuses

    database = Database(f"sqlite:///{store.db}")
    with database.session() as session:
        assert lead_statuses(session, [article_id, 999_999]) == {article_id: ("followed", NOTE)}
    database.close()
    shot(d, tmp_path, "05-followed")

    d.get(server + "?status=followed")
    wait_for(d, "ol.hits")
    hits = d.find_elements(By.CSS_SELECTOR, ".hit")
    assert [h.get_attribute("id") for h in hits] == [f"article-{article_id}"]
    assert hits[0].find_element(By.CSS_SELECTOR, ".status-followed").text == "跟进中"
    shot(d, tmp_path, "06-followed-list")


def test_lead_page_lists_reprints_on_other_sites(
    browser: Any, store: Instance, server: str, tmp_path: Path
):
    from selenium.webdriver.common.by import By

    reprint = next(t for t in load_truth() if t["reprint_of"])
    (original_id,) = rows(
        store, "select id from articles where url like ?", "%/" + reprint["reprint_of"]
    )[0]
    browser.get(f"{server}article/{original_id}")
    wait_for(browser, "#reprints")
    shown = [a.text for a in browser.find_elements(By.CSS_SELECTOR, "#reprints li > a:first-child")]
    assert shown == [reprint["title"]]
    shot(browser, tmp_path, "reprints")


def test_sources_page_shows_health_and_last_runs(
    browser: Any, store: Instance, server: str, tmp_path: Path
):
    from selenium.webdriver.common.by import By

    browser.get(server + "sources")
    wait_for(browser, "#sources")
    for name in ("demo-yixing", "demo-sdic"):
        row = browser.find_element(By.ID, f"source-{name}")
        assert "正常" in row.find_element(By.CSS_SELECTOR, ".health").text
        stored = rows(store, "select count(*) from articles where source = ?", name)[0][0]
        assert str(stored) in row.text
    runs = browser.find_elements(By.CSS_SELECTOR, "tr.run-completed")
    assert len(runs) == 2
    shot(browser, tmp_path, "sources")


def test_deliveries_page_lists_what_each_subscription_received(
    browser: Any, store: Instance, server: str, tmp_path: Path
):
    from selenium.webdriver.common.by import By

    browser.get(server + "deliveries")
    wait_for(browser, "#subscription-office")
    section = browser.find_element(By.ID, "subscription-office")
    assert "zhaoshang@example.gov.cn" in section.text
    (delivery_id, subject), *_ = rows(store, "select id, subject from deliveries")
    assert subject in section.text
    sent = rows(
        store,
        "select a.title from delivery_items i join articles a on a.id = i.article_id"
        " where i.delivery_id = ?",
        delivery_id,
    )
    shown = [a.text for a in section.find_elements(By.CSS_SELECTOR, "ol.compact li a")]
    assert sorted(shown) == sorted(t for (t,) in sent) and shown
    shot(browser, tmp_path, "deliveries")


def test_crawled_text_is_inert_in_the_browser(
    browser: Any, store: Instance, server: str, tmp_path: Path
):
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.by import By

    (article_id,) = rows(store, "select id from articles where url = ?", HOSTILE[0])[0]
    for path in (f"article/{article_id}", "?q=" + urllib.parse.quote("无人机 丁蜀")):
        browser.get(server + path)
        wait_for(browser, "main")
        with pytest.raises(NoAlertPresentException):
            browser.switch_to.alert.text  # noqa: B018 - raises when no alert is open
        assert not browser.find_elements(By.CSS_SELECTOR, "main script, main img")
        assert "&lt;script&gt;alert('x')&lt;/script&gt;" in browser.page_source
    browser.get(server + f"article/{article_id}")
    wait_for(browser, "#title")
    assert browser.find_element(By.ID, "title").text == HOSTILE[1]
    assert "&lt;img src=x onerror=alert(1)&gt;" in browser.page_source
    shot(browser, tmp_path, "hostile")


# --- guards, over plain HTTP ------------------------------------------------------------


def _request(url: str, *, data: dict | None = None, headers: dict | None = None) -> tuple[int, Any]:
    """Status and headers of one request (redirects not followed); the socket is closed."""
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers=headers or {})
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, response.headers
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, exc.headers


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def test_loopback_server_refuses_foreign_hosts_and_forged_forms(store: Instance, server: str):
    status, headers = _request(server)
    assert status == 200
    csp = headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script" not in csp  # no script may run
    assert _request(server, headers={"Host": "evil.example"})[0] == 400  # DNS rebinding
    (article_id,) = rows(store, "select min(id) from articles")[0]
    before = rows(store, "select * from lead_status where article_id = ?", article_id)
    for form in ({"status": "dismissed"}, {"status": "dismissed", "csrf": "guess"}):
        assert _request(f"{server}article/{article_id}/status", data=form)[0] == 403
    assert rows(store, "select * from lead_status where article_id = ?", article_id) == before
    assert _request(server + "article/999999")[0] == 404


def test_other_addresses_need_a_token(store: Instance):
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEADWATCH_")}
    base = [sys.executable, "-m", "crawler.cli", "--config", str(store.config), "serve"]
    # 192.0.2.0/24 is TEST-NET: the check refuses before anything is bound
    refused = subprocess.run(
        [*base, "--host", "192.0.2.10", "--port", "0"],
        capture_output=True,
        text=True,
        cwd=store.dir,
        env=env,
        timeout=120,
        check=False,
    )
    assert refused.returncode == 2
    assert "LEADWATCH_WEB_TOKEN" in refused.stderr and "127.0.0.1" in refused.stderr
    short = subprocess.run(
        [*base, "--port", "0"],
        capture_output=True,
        text=True,
        cwd=store.dir,
        env={**env, "LEADWATCH_WEB_TOKEN": "secret"},
        timeout=120,
        check=False,
    )
    assert short.returncode == 2 and "shorter than 16" in short.stderr


def test_a_configured_token_gates_every_request(store: Instance):
    token = "t0k3n-" + "x" * 26
    srv = Server(store, "--port", "0", env={"LEADWATCH_WEB_TOKEN": token})
    try:
        assert _request(srv.url)[0] == 401
        assert _request(srv.url + "sources?token=wrong-" + "y" * 20)[0] == 401
        status, headers = _request(srv.url + "sources?token=" + token)
        assert status == 302 and headers["Location"].endswith("/sources")
        cookie = headers["Set-Cookie"].split(";")[0]
        assert "HttpOnly" in headers["Set-Cookie"]
        assert _request(srv.url + "sources", headers={"Cookie": cookie})[0] == 200
        bearer = {"Authorization": f"Bearer {token}"}
        assert _request(srv.url + "deliveries", headers=bearer)[0] == 200
    finally:
        srv.stop()


def test_lead_status_functions(tmp_path: Path):
    from crawler.store import Database
    from crawler.store.models import Article
    from crawler.store.status import lead_statuses, set_lead_status

    database = Database(f"sqlite:///{tmp_path / 's.db'}")
    with database.session() as session:
        session.add(Article(url="https://a/1", source="s", title="t", body="b", fingerprint="x"))
    with database.session() as session:
        assert lead_statuses(session, []) == {}
        set_lead_status(session, 1, "dismissed", "重复报道")
    with database.session() as session:
        assert lead_statuses(session, [1]) == {1: ("dismissed", "重复报道")}
        set_lead_status(session, 1, "followed", "")
        with pytest.raises(ValueError, match="followed, dismissed"):
            set_lead_status(session, 1, "maybe")
    with database.session() as session:
        assert lead_statuses(session, [1]) == {1: ("followed", "")}
        set_lead_status(session, 1, None)
    with database.session() as session:
        assert lead_statuses(session, [1]) == {}
        session.add(Article(url="https://a/2", source="s", title="t", body="b", fingerprint="y"))
        set_lead_status(session, 2, "followed", "x")
    with database.session() as session:  # deleting the article deletes its mark
        session.delete(session.get(Article, 2))
    with database.session() as session:
        assert lead_statuses(session, [2]) == {}
    database.close()
