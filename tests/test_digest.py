"""Digests against a real aiosmtpd server: record first, mark sent after acceptance."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import TAXONOMY, Instance, Mailbox, write_instance

from alerts.render import format_yuan
from classifiers import Classifier, load_taxonomy
from crawler.items import ArticleItem
from crawler.store import Database, repo

ARTICLES = [
    (
        "https://www.example.gov.cn/doc/2025/03/01/1.shtml",
        "宜兴经开区与江苏澄远储能科技有限公司签约 总投资12亿元",
        "3月1日，宜兴经济技术开发区与江苏澄远储能科技有限公司签署项目投资协议，项目总投资12亿元，"
        "建设储能电池系统集成生产基地。",
    ),
    (
        "https://www.example.gov.cn/doc/2025/03/02/2.shtml",
        "<script>alert('x')</script>低空经济项目签约落户丁蜀",
        "丁蜀镇与江苏翔宇通用航空有限公司签署合作协议，项目总投资2.5亿元，建设无人机研发制造基地，发展低空经济。",
    ),
]


def populate(inst: Instance, articles=ARTICLES) -> None:
    classifier = Classifier(load_taxonomy(TAXONOMY))
    items = []
    for url, title, body in articles:
        item = ArticleItem(url, "test", title, datetime(2025, 3, 1, tzinfo=UTC), "宜兴日报", body)
        item.classification = classifier.classify(title, body).to_dict()
        items.append(item)
    database = Database(f"sqlite:///{inst.db}")
    with database.session() as session:
        repo.upsert_articles(session, items, None)
    database.close()


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
    with sqlite3.connect(inst.db) as db:
        assert db.execute("select status, attempts from deliveries").fetchall() == [("pending", 1)]
        assert db.execute("select count(*) from delivery_items").fetchone()[0] == 2

    smtp_server.refuse = False
    inst.run("digest", "--send")
    assert len(smtp_server.messages) == 1
    with sqlite3.connect(inst.db) as db:
        assert db.execute("select status, attempts from deliveries").fetchall() == [("sent", 2)]

    inst.run("digest", "--send")
    assert len(smtp_server.messages) == 1


def test_unreachable_server_keeps_the_digest_pending(tmp_path: Path):
    from conftest import free_port

    inst = write_instance(tmp_path, "", smtp_port=free_port())  # nothing listens there
    populate(inst)
    proc = inst.run("digest", "--send", check=False)
    assert proc.returncode == 1
    with sqlite3.connect(inst.db) as db:
        status, error = db.execute("select status, error from deliveries").fetchone()
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


def test_new_items_after_a_digest_go_into_the_next_one_only(inst: Instance, smtp_server: Mailbox):
    inst.run("digest", "--send")
    populate(
        inst,
        [
            (
                "https://www.example.gov.cn/doc/2025/03/05/3.shtml",
                "中国电子工程设计院银发经济产业园项目签约",
                "宜兴市与中国电子工程设计院股份有限公司签署银发经济产业园合作协议，项目总投资15亿元，建设适老化产品研发中心。",
            )
        ],
    )
    inst.run("digest", "--send")
    assert len(smtp_server.messages) == 2
    second = smtp_server.messages[1].get_body(("plain",)).get_content()
    assert "银发经济产业园项目签约" in second
    assert "储能" not in second
    assert smtp_server.messages[0]["Message-ID"] != smtp_server.messages[1]["Message-ID"]


def test_preview_writes_three_files_and_records_nothing(inst: Instance, smtp_server: Mailbox):
    inst.run("digest", "--preview", str(inst.dir / "out"))
    names = sorted(p.name for p in (inst.dir / "out").iterdir())
    assert names == ["digest-preview.eml", "digest-preview.html", "digest-preview.txt"]
    with sqlite3.connect(inst.db) as db:
        assert db.execute("select count(*) from deliveries").fetchone()[0] == 0
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
