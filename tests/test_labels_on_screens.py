"""One language per surface: the Chinese screens (CLI tables, the web view, the digest)
show leadwatch's codes as Chinese labels, run messages leadwatch wrote in Chinese, and an
article without a 来源 line under its source's publisher, never the internal source id.
JSON keeps the stable English codes."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from crawler.config import load_config
from crawler.health import run_message
from crawler.present.labels import outlet_name
from crawler.store import Database
from crawler.web.app import create_app
from tests.helpers.instance import Instance, copy_store, demo_sources, write_instance
from tests.helpers.smtp import Mailbox

pytestmark = pytest.mark.integration

UNPUBLISHED = "yxzx"  # the demo-yixing article whose 来源 line we blank


@pytest.fixture
def office(tmp_path: Path, crawled_demo: Instance, demo_site: str, smtp_server: Mailbox):
    """A copy of the crawled demo with one article lacking its 来源 line and demo-sdic's
    last crawl stopped by Ctrl-C."""
    verified = demo_sources(demo_site).replace('group = "demo"', 'group = "demo"\nverified = true')
    inst = write_instance(tmp_path, verified, smtp_port=smtp_server.port, create_db=False)
    copy_store(crawled_demo, inst)
    started = datetime.now(UTC) - timedelta(minutes=5)
    with sqlite3.connect(inst.db) as db:
        (title,) = db.execute(
            "select title from articles where source = 'demo-yixing' order by published_at "
            "desc limit 1"
        ).fetchone()
        db.execute("update articles set publisher = '' where title = ?", (title,))
        db.execute(
            "insert into crawl_runs (source, status, started_at, finished_at, pages_fetched, "
            "articles_fetched, articles_new, articles_updated, errors, message, counters) "
            "values ('demo-sdic', 'failed', ?, ?, 3, 1, 0, 0, 0, 'interrupted (Ctrl-C)', '{}')",
            (started.strftime("%Y-%m-%d %H:%M:%S.%f"), started.strftime("%Y-%m-%d %H:%M:%S.%f")),
        )
    inst.blanked_title = title  # type: ignore[attr-defined]
    return inst


ENGLISH_CODES = ("municipal", "partner", "completed", "interrupted", "never run", "failing")


def test_cli_tables_show_labels_and_json_keeps_codes(office: Instance):
    table = office.run("sources", "list").stdout
    for word in ("政府", "合作伙伴", "完成", "失败", "被 Ctrl-C 中断"):
        assert word in table, table
    assert not [w for w in ENGLISH_CODES if w in table], table
    runs = office.run("runs").stdout
    assert "完成" in runs and "失败" in runs and "completed" not in runs, runs
    records = json.loads(office.run("sources", "list", "--json").stdout)
    sdic = next(r for r in records if r["name"] == "demo-sdic")
    assert (sdic["kind"], sdic["status"], sdic["health_status"]) == ("partner", "failed", "failing")


def test_deliveries_table_is_chinese(office: Instance, smtp_server: Mailbox):
    office.run("digest", "--send")
    shown = office.run("deliveries").stdout
    for word in ("订阅", "期次", "状态", "已发送", "条线索", "条推送记录"):
        assert word in shown, shown
    for word in ("subscription", "period", "sent / next try", "leads)", "deliveries"):
        assert word not in shown, shown
    assert json.loads(office.run("deliveries", "--json").stdout)[0]["status"] == "sent"


def test_digest_names_the_outlet_and_says_the_stop_in_chinese(office: Instance, tmp_path: Path):
    out = tmp_path / "preview"
    office.run("digest", "--preview", str(out))
    text = "\n".join(p.read_text("utf-8") for p in out.rglob("*.txt"))
    html = "\n".join(p.read_text("utf-8") for p in out.rglob("*.html"))
    assert "被 Ctrl-C 中断" in text and "被 Ctrl-C 中断" in html
    assert "interrupted (Ctrl-C)" not in text + html
    assert "demo-yixing ·" not in text and "demo-yixing ·" not in html
    assert "宜兴市人民政府 ·" in text


def test_web_sources_list_and_deliveries_pages_are_chinese(office: Instance):
    database = Database(f"sqlite:///{office.db}")
    try:
        client = create_app(load_config(office.config), database).test_client()
        sources = client.get("http://127.0.0.1/sources").text
        listing = client.get("http://127.0.0.1/?source=demo-yixing").text
    finally:
        database.close()
    for word in ("<td>政府</td>", "<td>合作伙伴</td>", "完成", "失败", "被 Ctrl-C 中断"):
        assert word in sources
    for word in (">municipal<", ">partner<", ">completed<", "interrupted (Ctrl-C)"):
        assert word not in sources
    assert "demo-yixing · demo-yixing" not in listing
    assert "宜兴市人民政府 · demo-yixing" in listing


def test_run_messages_and_outlets_in_chinese():
    assert run_message("stopped (SIGTERM)") == "被停止（SIGTERM）"
    assert run_message("no list page could be fetched (http_503 x2)") == (
        "栏目列表页无法获取（http_503 x2）"
    )
    assert run_message("abandoned: its process 7 on vm is gone") == "进程已不在，运行作废"
    assert run_message("HTTP 502 from the list page") == "HTTP 502 from the list page"
    labels = {"gov": "某某市人民政府 · 要闻"}
    assert outlet_name("", "gov", labels) == "某某市人民政府"
    assert outlet_name("  新华日报 ", "gov", labels) == "新华日报"
    assert outlet_name(None, "other", labels) == "other"
