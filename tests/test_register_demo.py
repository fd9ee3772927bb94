"""The lead register through the real crawl of the demo site, as an analyst meets it.

A copy of demo/site is served on 127.0.0.1 and crawled by the real CLI (Scrapy in child
processes); digests go to a real aiosmtpd server and are read back as parsed mail; the
web view runs as `leadwatch serve` and is driven in Debian's headless Chromium. Then two
more articles appear on the copy (tests/data/register/demo_later.toml) and the next
crawl and digest show what following an organisation does. Screenshots are kept in the
test's temporary directory.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import tomllib
import urllib.parse
import urllib.request
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from crawler.devserver import StaticSite
from tests.helpers.instance import Instance, demo_sources, write_instance
from tests.helpers.paths import DEMO_SITE, REPO
from tests.helpers.smtp import Mailbox, running_smtp
from tests.helpers.web import Server, shot, wait_for

pytestmark = pytest.mark.integration

LATER = tomllib.loads((REPO / "tests/data/register/demo_later.toml").read_text(encoding="utf-8"))
TEMPLATE = DEMO_SITE / "doc/2025/11/06/1109968.shtml"
VISIT = "国投生物制造创新研究院赴江苏宜兴考察对接"  # the partner's report, the earliest
CHENGYUAN_PATH = "签约 2025-01-15 → 投产 2025-11-05"
_SUMMARY = re.compile(r"office \S+: (\d+) 条新线索, (\d+) 条行业动态 \((\d+) articles\), sent")


def render_page(page: dict) -> str:
    """A 宜兴 column article page in the demo's markup, with ``page``'s text."""
    html = TEMPLATE.read_text(encoding="utf-8")
    old_title = "澄远储能宜兴基地一期竣工投产"
    day, clock = page["published"].split()
    html = html.replace(old_title, page["title"])
    html = re.sub(r"2025-11-06 11:30", f"{day} {clock}", html)
    html = html.replace("来源：宜兴经济技术开发区", f"来源：{page['source']}")
    html = html.replace('content="宜兴经济技术开发区"', f'content="{page["source"]}"')
    body = "\n".join(f'<p style="text-indent: 2em;">{p}</p>' for p in page["body"])
    return re.sub(
        r'(<div class="TRS_Editor">\n).*?(\n    </div></div>)',
        lambda m: m.group(1) + body + m.group(2),
        html,
        flags=re.S,
    )


def publish_later_pages(site: Path) -> None:
    """The two later articles, at the top of the 宜兴 column's first list page."""
    listing = site / "yxzx" / "index.html"
    html = listing.read_text(encoding="utf-8")
    items = ""
    for page in sorted(LATER["pages"], key=lambda p: p["published"], reverse=True):
        target = site / page["path"]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(render_page(page), encoding="utf-8")
        day = page["published"][:10]
        items += f'      <li><a href="/{page["path"]}" target="_blank">{page["title"]}</a><span>{day}</span></li>\n'
    listing.write_text(
        html.replace('    <ul class="list">\n', '    <ul class="list">\n' + items, 1),
        encoding="utf-8",
    )


# --- the instance, its server, the browser -----------------------------------------------


@pytest.fixture(scope="module")
def mailbox() -> Iterator[Mailbox]:
    with running_smtp() as box:
        yield box


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    root = tmp_path_factory.mktemp("site") / "site"
    shutil.copytree(DEMO_SITE, root)
    with StaticSite(root) as served:
        yield root, served.url


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, site, mailbox: Mailbox) -> Iterator[dict]:
    """Crawled once; the web view serving it; [web] base_url pointing at it; the first
    digest sent."""
    _, url = site
    inst = write_instance(
        tmp_path_factory.mktemp("register"), demo_sources(url), smtp_port=mailbox.port
    )
    inst.run("crawl", "demo-yixing", "demo-sdic")
    server = Server(inst, "--port", "0")
    try:
        with inst.config.open("a", encoding="utf-8") as fh:
            fh.write(f'\n[web]\nbase_url = "{server.url}"\n')
        sent = inst.run("digest", "--send").stdout
        yield {"inst": inst, "server": server.url, "first": sent}
    finally:
        server.stop()


def rows(inst: Instance, sql: str, *params: Any) -> list[tuple]:
    with sqlite3.connect(inst.db) as db:
        return db.execute(sql, params).fetchall()


def parts(msg: EmailMessage) -> tuple[str, str]:
    return msg.get_body(("plain",)).get_content(), msg.get_body(("html",)).get_content()


def counts(sent: str) -> tuple[int, int, int]:
    match = _SUMMARY.search(sent)
    assert match, sent
    return int(match[1]), int(match[2]), int(match[3])


# --- one event, however many outlets -------------------------------------------------


def test_the_visit_told_by_two_outlets_is_one_event_everywhere(
    world: dict, mailbox: Mailbox, browser: Any, tmp_path: Path
):
    from selenium.webdriver.common.by import By

    inst, server = world["inst"], world["server"]
    events = json.loads(inst.run("events", "--json", "--limit", "0").stdout)
    visits = [e for e in events if e["stage"] == "visit" and e["day"] == "2025-03-10"]
    assert len(visits) == 1, visits
    visit = visits[0]
    assert visit["title"] == VISIT and visit["reports"] == 2
    assert "国投生物制造创新研究院有限公司" in visit["orgs"]
    listed = inst.run("events", "--since", "2025-03-01", "--until", "2025-03-31").stdout
    assert listed.count(VISIT) == 1 and "2篇/1家" in listed

    browser.get(server + "events")
    wait_for(browser, "#events")
    shown = [r for r in browser.find_elements(By.CSS_SELECTOR, "tr.event-row") if VISIT in r.text]
    assert len(shown) == 1 and "2 篇" in shown[0].find_element(By.CSS_SELECTOR, ".reports").text
    shown[0].find_element(By.CSS_SELECTOR, "a.event-title").click()
    wait_for(browser, "#reports")
    assert len(browser.find_elements(By.CSS_SELECTOR, "#reports tr.report")) == 2
    assert "转载" in browser.find_element(By.ID, "reports").text
    shot(browser, tmp_path, "event-two-reports")

    text, html = parts(mailbox.messages[0])
    assert text.count(f"* {VISIT}") == 1
    entry = text.split(f"* {VISIT}", 1)[1].split("\n* ", 1)[0]
    assert "2 篇报道" in entry and "（转载）" in entry


def test_chengyuan_is_one_project_with_two_stages(
    world: dict, mailbox: Mailbox, browser: Any, tmp_path: Path
):
    from selenium.webdriver.common.by import By

    inst, server = world["inst"], world["server"]
    projects = json.loads(inst.run("projects", "--json", "--min-events", "2").stdout)
    (chengyuan,) = [p for p in projects if "澄远" in p["name"]]
    assert [(s["stage"], s["day"]) for s in chengyuan["stages"]] == [
        ("signing", "2025-01-15"),
        ("production", "2025-11-05"),
    ]
    assert CHENGYUAN_PATH in inst.run("projects", "--min-events", "2").stdout
    timeline = inst.run("org", "澄远").stdout
    assert "江苏澄远储能科技有限公司" in timeline and timeline.count("项目：澄远储能宜兴基地") == 2

    browser.get(f"{server}project/{chengyuan['id']}")
    wait_for(browser, "#stages")
    assert browser.find_element(By.ID, "stages").text == CHENGYUAN_PATH
    shot(browser, tmp_path, "project-chengyuan")
    # the digest says the project advanced instead of presenting its production as new
    text, _ = parts(mailbox.messages[0])
    assert f"项目进展：澄远储能宜兴基地：{CHENGYUAN_PATH}" in text


def test_a_rival_citys_event_is_in_its_section_and_page(
    world: dict, mailbox: Mailbox, browser: Any, tmp_path: Path
):
    from selenium.webdriver.common.by import By

    inst, server = world["inst"], world["server"]
    peers = json.loads(inst.run("events", "--scope", "peer", "--json").stdout)
    (jiangyin,) = peers
    assert "江阴" in jiangyin["place_label"] and jiangyin["amount_yuan"] == 3_000_000_000
    text, html = parts(mailbox.messages[0])
    section = text.split("== 周边城市动态 ==", 1)[1]
    assert "国投集团与江阴市签署新能源产业合作协议" in section and "30亿元" in section
    assert 'id="peers"' in html

    browser.get(server + "peers")
    wait_for(browser, ".peer-group")
    group = next(
        g for g in browser.find_elements(By.CSS_SELECTOR, ".peer-group") if "江阴" in g.text
    )
    assert "国投集团与江阴市签署新能源产业合作协议" in group.text and "30亿元" in group.text
    shot(browser, tmp_path, "peers")


def test_the_first_digest_counts_what_it_carries(world: dict, mailbox: Mailbox):
    inst = world["inst"]
    leads, news, articles = counts(world["first"])
    msg = mailbox.messages[0]
    assert str(msg["Subject"]).endswith(f"· {leads} 条新线索")  # no news for office
    text, html = parts(msg)
    assert f"共 {leads} 条新线索" in text and "今日重点" in html and "本期覆盖：" in text
    assert rows(inst, "select count(*) from delivery_items") == [(articles,)]
    shown = re.findall(r"^\* ", text, flags=re.M)
    assert len(shown) == leads  # one entry per event


# --- following an organisation --------------------------------------------------------


def test_following_chengyuan_puts_its_next_event_first(
    world: dict, site, mailbox: Mailbox, browser: Any, tmp_path: Path
):
    from selenium.webdriver.common.by import By

    inst, server = world["inst"], world["server"]
    browser.get(server + "orgs?q=" + urllib.parse.quote("澄远"))
    wait_for(browser, "#orgs")
    browser.find_element(By.CSS_SELECTOR, "#orgs a.org-name").click()
    wait_for(browser, "#follow-form")
    assert browser.find_element(By.ID, "title").text.startswith("江苏澄远储能科技有限公司")
    browser.find_element(By.ID, "follow-button").click()
    wait_for(browser, "#saved")
    assert "关注中" in browser.find_element(By.ID, "follow-state").text
    shot(browser, tmp_path, "org-followed")
    assert rows(inst, "select name from orgs where followed_at is not null") == [
        ("江苏澄远储能科技有限公司",)
    ]

    publish_later_pages(site[0])
    crawled = inst.run("crawl", "demo-yixing").stdout
    assert "2 new" in crawled, crawled
    sent = inst.run("digest", "--send").stdout
    leads, news, _ = counts(sent)
    assert (leads, news) == (2, 0)
    msg = mailbox.messages[-1]
    assert str(msg["Subject"]).endswith("· 2 条新线索")
    text, html = parts(msg)
    top = text.split("== 今日重点 ==", 1)[1].split("\n1. ", 1)[1].split("\n", 1)[0]
    assert top.startswith("[签约] 澄远储能在溧阳布局储能电芯配套项目"), top
    assert "关注企业：江苏澄远储能科技有限公司" in top
    # without the follow the larger local signing would lead: it is second
    second = text.split("\n2. ", 1)[1].split("\n", 1)[0]
    assert "新型显示材料产业园" in second
    # 溧阳 is a rival city: the event is in that section too
    assert "澄远储能在溧阳布局储能电芯配套项目" in text.split("== 周边城市动态 ==", 1)[1]


def test_the_digest_in_chromium_links_every_lead_to_the_running_web_view(
    world: dict, mailbox: Mailbox, browser: Any, tmp_path: Path
):
    from selenium.webdriver.common.by import By

    server = world["server"]
    _, html = parts(mailbox.messages[-1])
    page = tmp_path / "digest.html"
    page.write_text(html, encoding="utf-8")
    browser.get(page.as_uri())
    wait_for(browser, "#highlights")
    highlights = browser.find_elements(By.CSS_SELECTOR, "#highlights li.highlight")
    assert len(highlights) == 2 and "澄远" in highlights[0].text
    assert "本期覆盖：" in browser.find_element(By.ID, "period").text
    shot(browser, tmp_path, "digest")  # kept: the digest as a mail client shows it
    links = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "a.lead-link")]
    assert links and all(link.startswith(server + "lead/") for link in links)
    for link in set(links):
        with urllib.request.urlopen(link, timeout=30) as response:
            assert response.status == 200
            assert re.search(r"/event/\d+$", response.url), response.url
            body = response.read().decode("utf-8")
        assert 'id="status-form"' in body
    # and the link of the 澄远 event lands on that event
    browser.get(links[0])
    wait_for(browser, "#title")
    assert browser.find_element(By.ID, "title").text == "澄远储能在溧阳布局储能电芯配套项目"
    shot(browser, tmp_path, "digest-link-target")
