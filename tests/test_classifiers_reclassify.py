"""`leadwatch reclassify` on a real SQLite store, through the real CLI: change the
taxonomy, re-tag, and the tags change (only where they should)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from classifiers import Classifier, load_taxonomy
from crawler.items import ArticleItem
from crawler.reclassify import reclassify
from crawler.store import Database, repo
from crawler.store.models import Article, Lead, Tag
from tests.helpers.instance import Instance, demo_sources, write_instance
from tests.helpers.paths import TAXONOMY

NOW = datetime.now(UTC)
ARTICLES = [
    (
        "old-silver",
        timedelta(days=10),
        "宜城街道居家养老服务中心开业",
        "日前，宜城街道综合性居家养老服务中心正式开业，中心由宜兴康乐颐养服务有限公司运营，"
        "投资800万元，设有日间照料、助餐和适老化改造展示等功能区。\n"
        "中心引入智慧养老平台，为辖区老年人提供紧急呼叫和上门服务。",
    ),
    (
        "new-storage",
        timedelta(hours=5),
        "澄远储能宜兴基地一期竣工投产",
        "11月5日，江苏澄远储能科技有限公司宜兴基地一期项目竣工投产，项目总投资12亿元。\n"
        "澄远储能负责人介绍，一期建成4条储能电池包生产线，新型储能产品主要供应华东市场。",
    ),
    (
        "new-culture",
        timedelta(hours=6),
        "紫砂文化艺术节开幕",
        "第十届紫砂文化艺术节在丁蜀镇开幕，三百余位紫砂艺人参加活动。\n活动持续一周。",
    ),
]


def _tags(db: Path) -> dict[str, set[tuple[str, str]]]:
    database = Database(f"sqlite:///{db}", migrate=False)
    try:
        with database.session() as session:
            out: dict[str, set[tuple[str, str]]] = {}
            for url, kind, name in session.execute(
                select(Article.url, Tag.kind, Tag.name).join(Tag, Tag.article_id == Article.id)
            ):
                out.setdefault(url.rsplit("/", 1)[-1], set()).add((kind, name))
            return out
    finally:
        database.close()


@pytest.fixture
def store(tmp_path: Path) -> Instance:
    instance = write_instance(tmp_path, demo_sources("http://127.0.0.1:9"))
    instance.run("db", "upgrade")
    classifier = Classifier(load_taxonomy(TAXONOMY))
    items = []
    for name, age, title, body in ARTICLES:
        item = ArticleItem(
            url=f"http://127.0.0.1:9/doc/{name}",
            source="demo-yixing",
            title=title,
            published_at=NOW - age,
            publisher="宜兴日报",
            body=body,
        )
        item.classification = classifier.classify(title, body).to_dict()
        items.append(item)
    database = Database(f"sqlite:///{instance.db}", migrate=False)
    with database.session() as session:
        repo.upsert_articles(session, items, None)
    database.close()
    return instance


PLACES = "# ---------------------------------------------------------------- places"
NEW_PARTNER = (
    '[[partners]]\nname = "江苏澄远储能科技有限公司"\naliases = ["澄远储能"]\nkind = "company"\n\n'
)


def _changed_taxonomy(tmp_path: Path) -> Path:
    """The shipped taxonomy with silver out of reach and one partner more."""
    text = TAXONOMY.read_text(encoding="utf-8")
    old = '[sectors.silver]\nlabel = "银发经济"\ntitle_boost = 2.0\nmin_score = 6.0'
    assert old in text and PLACES in text
    text = text.replace(old, old.replace("min_score = 6.0", "min_score = 100.0"))
    text = text.replace(PLACES, NEW_PARTNER + PLACES)
    path = tmp_path / "changed.toml"
    path.write_text(text, encoding="utf-8")
    load_taxonomy(path)
    return path


@pytest.mark.integration
def test_reclassify_replaces_tags_after_a_taxonomy_change(store: Instance, tmp_path: Path) -> None:
    before = _tags(store.db)
    assert ("sector", "silver") in before["old-silver"]
    assert ("sector", "new_energy") in before["new-storage"]
    assert not any(kind == "partner" for kind, _ in before["new-storage"])
    assert "new-culture" not in before
    database = Database(f"sqlite:///{store.db}", migrate=False)
    with database.session() as session:
        articles_before = [
            (a.id, a.title, a.body, a.fingerprint, a.updated_at)
            for a in session.scalars(select(Article).order_by(Article.id))
        ]
        leads_before = session.execute(select(Lead.article_id, Lead.event, Lead.amount_yuan)).all()
    database.close()

    changed = _changed_taxonomy(tmp_path)
    proc = store.run("reclassify", "--taxonomy", str(changed), "--since", "3d")
    assert "re-tagged 2 article(s)" in proc.stdout  # the two published in the last 3 days
    after = _tags(store.db)
    assert ("partner", "江苏澄远储能科技有限公司") in after["new-storage"]
    assert ("sector", "new_energy") in after["new-storage"]
    assert ("sector", "silver") in after["old-silver"]  # older than --since: untouched

    proc = store.run("reclassify", "--taxonomy", str(changed), "--workers", "0")
    assert "re-tagged 3 article(s)" in proc.stdout
    after = _tags(store.db)
    assert ("sector", "silver") not in after.get("old-silver", set())
    assert ("partner", "江苏澄远储能科技有限公司") in after["new-storage"]

    database = Database(f"sqlite:///{store.db}", migrate=False)
    with database.session() as session:
        articles_after = [
            (a.id, a.title, a.body, a.fingerprint, a.updated_at)
            for a in session.scalars(select(Article).order_by(Article.id))
        ]
        leads_after = session.execute(select(Lead.article_id, Lead.event, Lead.amount_yuan)).all()
    database.close()
    assert articles_after == articles_before  # articles themselves are never touched
    assert sorted(leads_after) == sorted(leads_before)  # leads re-made, same content

    proc = store.run("reclassify", "--taxonomy", str(TAXONOMY))  # back to the shipped one
    assert _tags(store.db) == before


def test_broken_taxonomy_stops_before_anything_changes(store: Instance, tmp_path: Path) -> None:
    before = _tags(store.db)
    broken = tmp_path / "broken.toml"
    text = TAXONOMY.read_text(encoding="utf-8").replace('"养老院" = 2,', '"养老院" = -2,', 1)
    broken.write_text(text, encoding="utf-8")
    proc = store.run("reclassify", "--taxonomy", str(broken), check=False)
    assert proc.returncode == 2
    line = next(i for i, s in enumerate(text.splitlines(), 1) if '"养老院" = -2' in s)
    assert f"{broken}:{line}: sectors.silver.keywords" in proc.stderr
    assert _tags(store.db) == before


def _rows(database: Database) -> tuple[list[tuple], list[tuple]]:
    with database.session() as session:
        tags = [
            (t.article_id, t.kind, t.name, t.label, t.score, t.evidence)
            for t in session.scalars(select(Tag).order_by(Tag.article_id, Tag.kind, Tag.name))
        ]
        leads = [
            (x.article_id, x.event, x.amount_yuan, x.currency, x.amount_text, x.counterparts)
            + (x.place, x.sentence, x.score)
            for x in session.scalars(select(Lead).order_by(Lead.article_id, Lead.sentence))
        ]
    return tags, leads


@pytest.mark.integration
def test_reclassify_in_batches_with_workers_matches_inline(store: Instance) -> None:
    database = Database(f"sqlite:///{store.db}", migrate=False)
    try:
        crawled = _rows(database)  # as the crawl's store wrote them
        inline = reclassify(database, TAXONOMY, workers=0, batch_size=1)
        assert _rows(database) == crawled  # same taxonomy: the very same rows
        first = _tags(store.db)
        seen: list[int] = []
        pooled = reclassify(database, TAXONOMY, workers=2, batch_size=2, progress=seen.append)
    finally:
        database.close()
    assert (inline.articles, inline.tags, inline.leads) == (
        pooled.articles,
        pooled.tags,
        pooled.leads,
    )
    assert seen == [2, 1]
    assert _tags(store.db) == first
