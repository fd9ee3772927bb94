"""Digests against a real aiosmtpd server: record first, mark sent after acceptance.

Also the shared helpers of the digest, schedule and crash-safety tests: ``populate`` (real
classifier, real SQLite), a controllable SMTP handler (refuse, drop mid-DATA, block at a
step until the test releases it) and a loopback HTTP server that receives webhooks.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from alerts.highlight import highlight
from alerts.render import md_escape
from crawler.present.amounts import format_yuan
from crawler.store import Database, repo
from tests.helpers.instance import Instance, write_instance
from tests.helpers.net import free_port
from tests.helpers.smtp import ControlledMailbox, Mailbox, running_mailbox
from tests.helpers.store import ARTICLES, NEWS, THIRD, populate, rows

# --- a controllable SMTP server ------------------------------------------------------


@pytest.fixture
def mailbox() -> Iterator[ControlledMailbox]:
    with running_mailbox() as box:
        yield box


# --- a loopback webhook receiver -----------------------------------------------------


@dataclass
class Hooks:
    url: str
    posts: list[dict] = field(default_factory=list)
    status: int = 200


@pytest.fixture
def webhook_server() -> Iterator[Hooks]:
    """An HTTP server on 127.0.0.1 that records JSON posts (Apprise's json:// target)."""
    hooks = Hooks(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server API
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if hooks.status == 200:
                hooks.posts.append(json.loads(body))
            self.send_response(hooks.status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    hooks.url = f"json://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield hooks
    finally:
        server.shutdown()
        server.server_close()


# --- tests ---------------------------------------------------------------------------


@pytest.fixture
def inst(tmp_path: Path, smtp_server: Mailbox) -> Instance:
    instance = write_instance(tmp_path, "", smtp_port=smtp_server.port)
    populate(instance)
    return instance


def test_refused_send_stays_pending_and_is_sent_once_later(inst: Instance, smtp_server: Mailbox):
    smtp_server.refuse = True
    failed = inst.run("digest", "--send", check=False)
    assert failed.returncode == 1
    assert "PENDING" in failed.stdout and "retried" in failed.stderr
    assert rows(inst, "select status, attempts from deliveries") == [("pending", 1)]
    assert rows(inst, "select count(*) from delivery_items") == [(2,)]
    (next_attempt,) = rows(inst, "select next_attempt_at from deliveries")[0]
    assert next_attempt is not None  # backoff recorded

    smtp_server.refuse = False
    inst.run("digest", "--send")
    assert len(smtp_server.messages) == 1
    assert rows(inst, "select status, attempts, next_attempt_at from deliveries") == [
        ("sent", 2, None)
    ]

    inst.run("digest", "--send")
    assert len(smtp_server.messages) == 1


def test_server_dropping_the_connection_mid_data_leaves_it_pending(
    tmp_path: Path, mailbox: ControlledMailbox
):
    inst = write_instance(tmp_path, "", smtp_port=mailbox.port)
    populate(inst)
    mailbox.mode = "drop"
    failed = inst.run("digest", "--send", check=False)
    assert failed.returncode == 1
    ((status, error),) = rows(inst, "select status, error from deliveries")
    assert status == "pending" and "email: SMTPServerDisconnected" in error
    assert mailbox.messages == []

    mailbox.mode = "accept"
    inst.run("digest", "--send")
    inst.run("digest", "--send")
    assert len(mailbox.messages) == 1
    assert rows(inst, "select status from deliveries") == [("sent",)]


def test_unreachable_server_keeps_the_digest_pending(tmp_path: Path):
    inst = write_instance(tmp_path, "", smtp_port=free_port())  # nothing listens there
    populate(inst)
    proc = inst.run("digest", "--send", check=False)
    assert proc.returncode == 1
    status, error = rows(inst, "select status, error from deliveries")[0]
    assert status == "pending" and "Connection" in error


def test_crawled_text_renders_inert(inst: Instance, smtp_server: Mailbox):
    inst.run("digest", "--send")
    msg = smtp_server.messages[0]
    html = msg.get_body(("html",)).get_content()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    text = msg.get_body(("plain",)).get_content()
    assert "12亿元" in text and "2.5亿元" in text
    assert msg["Message-ID"].startswith("<digest.") and msg["Subject"].endswith("2 条新线索")


def test_javascript_links_are_neutralised(tmp_path: Path, smtp_server: Mailbox):
    inst = write_instance(tmp_path, "", smtp_port=smtp_server.port)
    populate(inst)
    with sqlite3.connect(inst.db) as db:
        db.execute("update articles set url = 'javascript:alert(1)' where id = 1")
    inst.run("digest", "--send")
    msg = smtp_server.messages[0]
    html = msg.get_body(("html",)).get_content()
    assert "javascript:" not in html and 'href="#"' in html
    assert "javascript:" not in msg.get_body(("plain",)).get_content()


def test_message_layout_subject_headers_and_evidence(inst: Instance, smtp_server: Mailbox):
    inst.run("digest", "--send")
    msg = smtp_server.messages[0]
    period = rows(inst, "select period from deliveries")[0][0]
    assert str(msg["Subject"]) == f"【招商线索】{period[:10]} · 2 条新线索"
    assert msg["Message-ID"] == f"<digest.{period}.office@leadwatch>"
    assert b"Subject: =?utf-8?" in bytes(msg)  # RFC 2047-encoded UTF-8 header
    assert msg.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in msg.iter_parts()] == ["text/plain", "text/html"]
    assert all(p.get_content_charset() == "utf-8" for p in msg.iter_parts())
    html = msg.get_body(("html",)).get_content()
    assert "共 2 条新线索：" in html  # the summary line, by sector
    assert "新能源 1 条" in html and "低空经济 1 条" in html
    assert "<script" not in html.replace("&lt;script", "") and "<img" not in html
    assert 'style="' in html and "<style" not in html  # inline CSS only
    # evidence: the matched words of the lead sentence are marked
    marked = re.findall(r"<mark[^>]*>([^<]+)</mark>", html)
    assert "12亿元" in marked and "江苏澄远储能科技有限公司" in marked and "签署" in marked


def test_evidence_is_escaped_before_it_is_highlighted():
    out = str(highlight("<b>签约</b> & 3亿元<script>", ["签约", "3亿元", "<script>"]))
    assert "<b>" not in out and "<script>" not in out
    assert out.count("<mark") == 3
    assert "&lt;b&gt;" in out and "&amp;" in out and ">&lt;script&gt;</mark>" in out
    assert md_escape("[x](javascript:1) *a*") == r"\[x\]\(javascript:1\) \*a\*"


def test_new_items_after_a_digest_go_into_the_next_one_only(inst: Instance, smtp_server: Mailbox):
    inst.run("digest", "--send")
    populate(inst, [THIRD])
    inst.run("digest", "--send")
    assert len(smtp_server.messages) == 2
    second = smtp_server.messages[1].get_body(("plain",)).get_content()
    assert "银发经济产业园项目签约" in second
    assert "储能" not in second
    assert smtp_server.messages[0]["Message-ID"] != smtp_server.messages[1]["Message-ID"]
    first_items = {r[0] for r in rows(inst, "select article_id from delivery_items")}
    assert len(first_items) == 3  # every article once, none twice


def test_a_first_digest_reaches_back_first_digest_days_only(inst: Instance, smtp_server: Mailbox):
    with sqlite3.connect(inst.db) as db:  # stored a month ago, long before this subscription
        db.execute("update articles set first_seen_at = datetime('now', '-30 days') where id = 1")
    inst.run("digest", "--send")
    assert rows(inst, "select article_id from delivery_items") == [(2,)]
    text = smtp_server.messages[0].get_body(("plain",)).get_content()
    assert "储能" not in text and "低空经济项目签约" in text


def test_news_and_source_health_sections(tmp_path: Path, smtp_server: Mailbox):
    sources = """
[[sources]]
name = "broken-column"
kind = "municipal"
label = "某区新闻"
verified = true
start_urls = ["http://127.0.0.1:9/index.html"]

[[sources]]
name = "quiet-column"
kind = "partner"
verified = true
start_urls = ["http://127.0.0.1:9/quiet.html"]
"""
    subs = (
        '[[subscriptions]]\nname = "energy"\nrecipients = ["energy@example.gov.cn"]\n'
        'sectors = ["new_energy"]\ninclude_news = true\n'
    )
    inst = write_instance(tmp_path, sources, smtp_port=smtp_server.port, subscriptions=subs)
    populate(inst, [*ARTICLES, NEWS])
    database = Database(f"sqlite:///{inst.db}")
    with database.session() as session:
        run = repo.start_run(session, "broken-column")
        repo.finish_run(session, run.id, "failed", {}, "crawl timed out after 1800 s")
        run = repo.start_run(session, "quiet-column")
        repo.finish_run(session, run.id, "completed", {})
    database.close()

    inst.run("digest", "--send")
    msg = smtp_server.messages[0]
    html = msg.get_body(("html",)).get_content()
    text = msg.get_body(("plain",)).get_content()
    # only the 新能源 lead, and the news counted apart
    assert str(msg["Subject"]).endswith("· 1 条新线索 · 1 条行业动态")
    assert "储能" in text and "低空经济项目签约" not in text
    assert "您关注行业的其他动态" in html and "我市召开新能源产业发展推进会" in html
    assert "信息源状态" in html
    assert "某区新闻" in html and "最近一次抓取失败：crawl timed out" in html
    assert "quiet-column" in html and "从未发现新文章" in html
    kinds = sorted(r[0] for r in rows(inst, "select kind from delivery_items"))
    assert kinds == ["lead", "news"]
    listing = json.loads(inst.run("deliveries", "--json").stdout)
    assert listing[0]["leads"] == 1 and listing[0]["news"] == 1


def test_deliveries_lists_what_was_sent_to_whom(inst: Instance, smtp_server: Mailbox):
    smtp_server.refuse = True
    inst.run("digest", "--send", check=False)
    pending = json.loads(inst.run("deliveries", "--pending", "--json").stdout)
    assert [d["status"] for d in pending] == ["pending"]
    assert pending[0]["next_attempt_at"] and "451" in pending[0]["error"]
    smtp_server.refuse = False
    inst.run("digest", "--send")
    out = inst.run("deliveries").stdout
    assert "office" in out and "zhaoshang@example.gov.cn" in out and "2 条（2 条线索）" in out
    (record,) = json.loads(inst.run("deliveries", "--json").stdout)
    assert record["status"] == "sent" and record["items"] == 2 and record["attempts"] == 2
    assert record["recipients"] == ["zhaoshang@example.gov.cn"]
    assert record["channels"] == {"email": "sent"}
    assert json.loads(inst.run("deliveries", "--pending", "--json").stdout) == []


def test_webhook_channel_is_sent_and_retried_alone(
    tmp_path: Path, smtp_server: Mailbox, webhook_server: Hooks
):
    subs = (
        '[[subscriptions]]\nname = "office"\nrecipients = ["zhaoshang@example.gov.cn"]\n'
        f'[[subscriptions.webhooks]]\nname = "wecom"\nurl = "{webhook_server.url}"\n'
    )
    inst = write_instance(tmp_path, "", smtp_port=smtp_server.port, subscriptions=subs)
    populate(inst)
    webhook_server.status = 500
    failed = inst.run("digest", "--send", check=False)
    assert failed.returncode == 1
    assert len(smtp_server.messages) == 1  # email went out; the webhook did not
    (record,) = json.loads(inst.run("deliveries", "--json").stdout)
    assert record["status"] == "pending"
    assert record["channels"] == {"email": "sent", "wecom": "failed"}
    assert record["error"].startswith("wecom:")

    webhook_server.status = 200
    inst.run("digest", "--send")
    inst.run("digest", "--send")
    assert len(smtp_server.messages) == 1  # the retry resent only the webhook
    assert len(webhook_server.posts) == 1
    post = webhook_server.posts[0]
    assert post["title"] == str(smtp_server.messages[0]["Subject"])
    assert "储能" in post["message"]
    assert "<script>" not in post["message"]
    assert rows(inst, "select status from deliveries") == [("sent",)]


def test_webhook_only_subscription_with_unset_secret_stays_pending(tmp_path: Path):
    subs = (
        '[[subscriptions]]\nname = "chat"\nemail = false\n'
        '[[subscriptions.webhooks]]\nname = "ding"\nurl_env = "LEADWATCH_TEST_UNSET_HOOK"\n'
    )
    inst = write_instance(tmp_path, "", subscriptions=subs)
    populate(inst)
    proc = inst.run("digest", "--send", check=False)
    assert proc.returncode == 1
    ((status, error),) = rows(inst, "select status, error from deliveries")
    assert status == "pending" and "LEADWATCH_TEST_UNSET_HOOK is unset" in error


def test_preview_writes_files_and_records_nothing(inst: Instance, smtp_server: Mailbox):
    inst.run("digest", "--preview", str(inst.dir / "out"))
    names = sorted(p.name for p in (inst.dir / "out").iterdir())
    assert names == ["digest-preview.eml", "digest-preview.html", "digest-preview.txt"]
    assert rows(inst, "select count(*) from deliveries") == [(0,)]
    assert smtp_server.messages == []


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        (300_000_000, "CNY", "3亿元"),
        (43_560_000_000, "CNY", "435.6亿元"),
        (25_000, "CNY", "2.5万元"),
        (800, "CNY", "800元"),
    ],
)
def test_amounts_are_shown_in_yi_and_wan(amount: int, currency: str, expected: str):
    assert format_yuan(amount, currency) == expected


def test_an_analysts_status_is_shown_in_the_next_digest(inst: Instance, smtp_server: Mailbox):
    from sqlalchemy import select

    from crawler.config import load_config
    from crawler.register.followups import set_follow_up
    from crawler.register.steps import link
    from crawler.store.models import Article, EventReport

    database = Database(f"sqlite:///{inst.db}")
    link(load_config(inst.config), database)
    with database.session() as session:
        first = session.scalars(select(Article.id)).first()
        event_id = session.scalar(
            select(EventReport.event_id).where(EventReport.article_id == first)
        )
        set_follow_up(session, "event", event_id, "followed", "已电话联系<b>企业</b>", "张三")
    database.close()
    inst.run("digest", "--send")
    msg = smtp_server.messages[0]
    html = msg.get_body(("html",)).get_content()
    text = msg.get_body(("plain",)).get_content()
    assert "跟进中" in html and "已电话联系&lt;b&gt;企业&lt;/b&gt;" in html
    assert "[跟进中] 已电话联系<b>企业</b>" in text
