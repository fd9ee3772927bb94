"""crawl -> extract -> classify -> SQLite -> digest over SMTP, with real parts only.

Real Scrapy in a child process (through the `leadwatch` CLI) against the demo site on a
real HTTP server on 127.0.0.1, a real SQLite file, a real aiosmtpd server.
"""

from __future__ import annotations

import json
import re
import sqlite3

import pytest

from tests.helpers.instance import Instance, copy_store, load_truth
from tests.helpers.smtp import Mailbox

pytestmark = pytest.mark.integration  # real crawls, servers or processes


def _lead_titles(inst: Instance) -> list[str]:
    items = json.loads(inst.run("items", "--leads", "--limit", "0", "--json").stdout)
    return [i["title"] for i in items]


def test_crawl_classify_store_and_send_digest(demo_instance: Instance, smtp_server: Mailbox):
    inst = demo_instance
    truth = load_truth()
    out = inst.run("crawl", "demo-yixing", "demo-sdic").stdout
    assert re.search(r"demo-yixing: ok .* 0 errors", out), out
    assert re.search(r"demo-sdic: ok .* 0 errors", out), out

    runs = {r["source"]: r for r in inst.runs()}
    assert set(runs) == {"demo-yixing", "demo-sdic"}
    assert all(r["status"] == "completed" and r["finished_at"] for r in runs.values())
    assert runs["demo-yixing"]["articles_new"] + runs["demo-sdic"]["articles_new"] == len(truth)

    with sqlite3.connect(inst.db) as db:
        stored = db.execute("select count(*) from articles").fetchone()[0]
        with_tags = db.execute("select count(distinct article_id) from tags").fetchone()[0]
    assert stored == len(truth)
    assert with_tags > len(truth) // 2

    lead_titles = _lead_titles(inst)
    truth_leads = [t for t in truth if t["lead"]]
    found = [t for t in truth_leads if t["title"] in lead_titles]
    assert len(found) >= 0.8 * len(truth_leads), (len(found), len(truth_leads))

    inst.run("digest", "--send")
    assert len(smtp_server.messages) == 1
    msg = smtp_server.messages[0]
    subject = str(msg["Subject"])
    match = re.fullmatch(r"【招商线索】\d{4}-\d{2}-\d{2} · (\d+) 条新线索", subject)
    assert match, subject
    assert msg["To"] == "zhaoshang@example.gov.cn"
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    reprints = {t["title"] for t in truth if t.get("reprint_of")}
    shown = [t for t in lead_titles if t not in reprints]
    for title in shown:
        assert title in text, title
        assert title.replace("&", "&amp;") in html, title
    # the subject counts events (one per real-world event, however many articles report
    # it; a round-up article reports several): the register's, one entry each
    events = json.loads(inst.run("events", "--json", "--limit", "0").stdout)
    assert int(match[1]) == len(events) == len(re.findall(r"^\* ", text, flags=re.M))
    # a lead with two investment amounts shows both (总投资8亿元，协议引资额6亿元)
    assert "总投资8亿元、协议引资额6亿元" in text and "总投资8亿元、协议引资额6亿元" in html
    with sqlite3.connect(inst.db) as db:
        (amounts,) = db.execute(
            "select l.amounts from leads l join articles a on a.id = l.article_id "
            "where a.url like '%/1108913.shtml' and l.amount_yuan = 800000000"
        ).fetchone()
    assert [(a["value"], a["text"]) for a in json.loads(amounts)] == [
        (800000000, "8亿元"),
        (600000000, "6亿元"),
    ]
    (item,) = [i for i in json.loads(inst.run("items", "--json").stdout) if "eVTOL" in i["title"]]
    shown = json.loads(inst.run("show", str(item["id"]), "--json").stdout)
    assert [a["text"] for lead in shown["leads"] for a in lead["amounts"]] == ["8亿元", "6亿元"]

    second = inst.run("digest", "--send").stdout
    assert "nothing new" in second
    assert len(smtp_server.messages) == 1
    with sqlite3.connect(inst.db) as db:
        statuses = db.execute("select status from deliveries").fetchall()
        items = db.execute(
            "select count(*), count(distinct article_id) from delivery_items"
        ).fetchone()
    assert statuses == [("sent",)]
    assert items[0] == items[1] == len(lead_titles)


def test_second_crawl_of_unchanged_site_fetches_list_pages_only(
    demo_instance: Instance, crawled_demo: Instance
):
    inst = copy_store(crawled_demo, demo_instance)  # the site crawled once, completely
    (first,) = [r for r in inst.runs() if r["source"] == "demo-yixing"]
    assert first["articles_fetched"] == first["articles_new"] > 20

    out = inst.run("crawl", "demo-yixing").stdout
    second = inst.runs()[0]
    assert second["id"] != first["id"]
    assert second["articles_fetched"] == 0
    assert second["articles_new"] == second["articles_updated"] == 0
    # caught up on the first list page, and the previous run completed: no further paging
    assert second["pages_fetched"] == 1, out

    full = inst.run("crawl", "demo-yixing", "--full")
    assert full.returncode == 0
    third = inst.runs()[0]
    assert third["articles_fetched"] == first["articles_fetched"]
    assert third["articles_new"] == third["articles_updated"] == 0
    with sqlite3.connect(inst.db) as db:
        count = "select count(*) from articles where source = 'demo-yixing'"
        assert db.execute(count).fetchone()[0] == first["articles_new"]
