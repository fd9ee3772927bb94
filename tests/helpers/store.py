"""Stores filled without crawling: articles classified for real and stored through the repo."""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from classifiers import Classifier, load_taxonomy
from crawler.items import ArticleItem
from crawler.store import Database, repo
from tests.helpers.instance import Instance
from tests.helpers.paths import TAXONOMY

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


NEWS = (
    "https://www.example.gov.cn/doc/2025/03/03/9.shtml",
    "我市召开新能源产业发展推进会",
    "会议听取了光伏、储能、动力电池等新能源产业链发展情况汇报，研究部署下一步新能源产业工作。",
)


THIRD = (
    "https://www.example.gov.cn/doc/2025/03/05/3.shtml",
    "中国电子工程设计院银发经济产业园项目签约",
    "宜兴市与中国电子工程设计院股份有限公司签署银发经济产业园合作协议，项目总投资15亿元，建设适老化产品研发中心。",
)


SEARCH_ARTICLES = [
    (
        "https://www.yixing.gov.cn/doc/2025/03/05/101.shtml",
        "低空经济再添新动能 无人机研发制造基地签约落户丁蜀",
        "3月5日，丁蜀镇与江苏翔宇通用航空有限公司签署合作协议，项目总投资2.5亿元，"
        "建设无人机研发制造基地，发展低空经济。",
        datetime(2025, 3, 5, 2, 0, tzinfo=UTC),
    ),
    (
        "https://www.yixing.gov.cn/doc/2025/04/10/102.shtml",
        "我市召开新能源产业发展推进会",
        "会议听取了光伏、储能、动力电池等新能源产业链发展情况汇报。会上还提到，"
        "无人机植保服务在全市推广。",
        datetime(2025, 4, 10, 2, 0, tzinfo=UTC),
    ),
    (
        "https://www.sdic.com.cn/xwzx/2025/06/01/103.html",
        "宜兴经开区与国家开发投资集团座谈",
        "市领导与国家开发投资集团有关负责同志座谈，就合成生物产业合作进行洽谈。",
        datetime(2025, 6, 1, 2, 0, tzinfo=UTC),
    ),
    (
        "https://www.yixing.gov.cn/doc/2025/07/01/104.shtml",
        "[/]关于[bold]印发[/bold]通知的说明 <b>不是粗体</b>",
        "经济开发区管理委员会发布通知。",
        datetime(2025, 7, 1, 2, 0, tzinfo=UTC),
    ),
]


@functools.cache
def classifier() -> Classifier:
    """The real classifier over the shipped taxonomy (built once per test process)."""
    return Classifier(load_taxonomy(TAXONOMY))


def store_articles(
    inst: Instance, articles: Sequence[tuple] = ARTICLES, source: str = "test"
) -> None:
    """Classify ``articles`` for real and store them in ``inst``'s database, as the crawl's
    worker would. An article is ``(url, title, body)`` (published 2025-03-01 UTC) or
    ``(url, title, body, published)``."""
    items = []
    for url, title, body, *published in articles:
        when = published[0] if published else datetime(2025, 3, 1, tzinfo=UTC)
        item = ArticleItem(url, source, title, when, "宜兴日报", body)
        item.classification = classifier().classify(title, body).to_dict()
        items.append(item)
    database = Database(f"sqlite:///{inst.db}")
    with database.session() as session:
        repo.upsert_articles(session, items, None)
    database.close()


populate = store_articles  # the digest tests' name for it


def rows(inst: Instance, sql: str, *params: Any) -> list[tuple]:
    """Rows of a SQL query on ``inst``'s SQLite file."""
    with sqlite3.connect(inst.db) as db:
        return db.execute(sql, params).fetchall()
