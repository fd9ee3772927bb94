"""The register in a real SQLite store: migration of an old store, incremental linking
against a full rebuild, analysts' marks through rebuilds and re-tagging.

Articles are the labelled register stories (tests/data/register), classified for real and
stored with the crawl's own writer (crawler.store.repo.upsert_articles).
"""

from __future__ import annotations

import json
import random
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select

from classifiers import Classifier, load_taxonomy
from crawler.config import load_config
from crawler.items import ArticleItem
from crawler.reclassify import LEAD_COLUMNS
from crawler.register.build import rebuild
from crawler.register.context import register_context
from crawler.register.evaluation import load_articles
from crawler.register.followups import set_follow_up
from crawler.register.steps import link
from crawler.register.watch import follow, review_alias
from crawler.store import Database, repo
from crawler.store.db import upgrade
from crawler.store.models import Event, EventReport, FollowUpChange, Lead, Organisation
from crawler.timeutil import SHANGHAI
from tests.helpers.instance import Instance, write_instance
from tests.helpers.paths import TAXONOMY

ROOT = Path(__file__).resolve().parents[1]
STORIES = load_articles(ROOT / "tests" / "data" / "register" / "stories")
_classifier: Classifier | None = None


def items_of(stories: list[dict]) -> list[ArticleItem]:
    global _classifier
    _classifier = _classifier or Classifier(load_taxonomy(TAXONOMY))
    out = []
    for a in stories:
        published = datetime.strptime(a["published"], "%Y-%m-%d %H:%M").replace(tzinfo=SHANGHAI)
        item = ArticleItem(
            f"https://news.example.cn/{a['id']}.html",
            a["source"],
            a["title"],
            published,
            a["outlet"],
            a["body"],
        )
        item.classification = _classifier.classify(a["title"], a["body"]).to_dict()
        out.append(item)
    return out


def partition(database: Database) -> set[frozenset[str]]:
    """The events as sets of article URLs' story ids (independent of row ids)."""
    with database.session() as session:
        rows = session.execute(
            select(EventReport.event_id, Lead.sentence, EventReport.article_id).join(
                Lead, Lead.id == EventReport.lead_id
            )
        ).all()
        urls = dict(session.execute(select(repo.Article.id, repo.Article.url)).all())
    events: dict[int, set[str]] = {}
    for event_id, sentence, article_id in rows:
        events.setdefault(event_id, set()).add(f"{urls[article_id]}|{sentence}")
    return {frozenset(v) for v in events.values()}


@pytest.fixture
def inst(tmp_path: Path) -> Instance:
    return write_instance(tmp_path, "", create_db=False)  # some tests build an old store


def test_linking_batch_by_batch_gives_what_a_rebuild_gives(inst: Instance):
    config = load_config(inst.config)
    database = Database(f"sqlite:///{inst.db}")
    stories = list(STORIES)
    random.Random(7).shuffle(stories)  # articles arrive in no particular order
    items = items_of(stories)
    for start in range(0, len(items), 25):
        with database.session() as session:
            repo.upsert_articles(session, items[start : start + 25], None)
        link(config, database)
    incremental = partition(database)
    with database.session() as session:
        rebuild(session, register_context(config))
    assert partition(database) == incremental
    with database.session() as session:
        assert session.scalar(select(Event.id).limit(1)) is not None
    database.close()


def _event_of(session, url: str) -> Event:
    return session.scalars(
        select(Event)
        .join(EventReport, EventReport.event_id == Event.id)
        .join(repo.Article, repo.Article.id == EventReport.article_id)
        .where(repo.Article.url == url)
    ).first()


def test_marks_survive_rebuilds_and_re_tagging(inst: Instance):
    config = load_config(inst.config)
    database = Database(f"sqlite:///{inst.db}")
    chengyuan = [a for a in STORIES if a["file"].startswith("s01_")]
    with database.session() as session:
        repo.upsert_articles(session, items_of(chengyuan), None)
    link(config, database)
    url = "https://news.example.cn/s01-c.html"  # the paper's report of the 宜兴 signing
    with database.session() as session:
        event = _event_of(session, url)
        assert event.reports == 4  # the city, the firm, the paper and the reprint
        set_follow_up(session, "event", event.id, "followed", "已约见企业", "张三")
        set_follow_up(session, "project", event.project_id, "followed", "整体跟进", "李四")
        org = session.scalar(select(Organisation).where(Organisation.name.contains("澄远")))
        follow(session, org.id, "张三")
        review_alias(session, org.id, "澄远", True, "张三")
    with database.session() as session:
        rebuild(session, register_context(config))
    # re-tagging deletes and re-inserts every lead (new ids), as `reclassify` does
    with database.session() as session:
        rows = [
            {c: getattr(lead, c) for c in LEAD_COLUMNS}
            for lead in session.scalars(select(Lead)).all()
        ]
        session.execute(Lead.__table__.delete())
        session.execute(Lead.__table__.insert(), rows)
    link(config, database)
    with database.session() as session:
        event = _event_of(session, url)
        assert (event.status, event.note) == ("followed", "已约见企业")
        assert (event.project.status, event.project.note) == ("followed", "整体跟进")
        org = session.scalar(select(Organisation).where(Organisation.name.contains("澄远")))
        assert org.followed_at is not None and org.followed_by == "张三"
        assert any(a.alias == "澄远" and a.confirmed for a in org.aliases)
        who = [(h.changed_by, h.status) for h in session.scalars(select(FollowUpChange))]
        assert ("张三", "followed") in who and ("李四", "followed") in who
        # clearing the mark: gone from the event, kept in the history
        set_follow_up(session, "event", event.id, None, "", "王五")
    with database.session() as session:
        assert _event_of(session, url).status is None
        assert (
            session.scalar(select(FollowUpChange).where(FollowUpChange.changed_by == "王五")).status
            is None
        )
    database.close()


def test_an_article_re_crawled_with_new_text_is_linked_again(inst: Instance):
    config = load_config(inst.config)
    database = Database(f"sqlite:///{inst.db}")
    stories = [a for a in STORIES if a["file"].startswith("s03_")]
    with database.session() as session:
        repo.upsert_articles(session, items_of(stories), None)
    link(config, database)
    changed = dict(stories[1])  # the firm edits its release: it now names the day
    changed["body"] = changed["body"].replace("近日", "6月27日")
    with database.session() as session:
        result = repo.upsert_articles(session, items_of([changed]), None)
        assert result.updated == 1
    result = link(config, database)
    assert result is not None and result.leads >= 2
    with database.session() as session:
        event = _event_of(session, "https://news.example.cn/s03-b.html")
        assert event.reports == 2 and event.exact
    database.close()


def _store_at_0005(path: Path, stories: list[dict]) -> None:
    """A store as main's leadwatch left it: schema 0005, articles, tags, leads and the
    analysts' per-article marks."""
    engine = create_engine(f"sqlite:///{path}")
    upgrade(engine, "0005")
    from sqlalchemy.orm import Session

    with Session(engine) as session, session.begin():
        repo.upsert_articles(session, items_of(stories), None)
    engine.dispose()
    with sqlite3.connect(path) as db:
        ids = {u: i for i, u in db.execute("select id, url from articles")}
        marks = [
            ("https://news.example.cn/s01-a.html", "followed", "已联系澄远储能"),
            ("https://news.example.cn/s04-a.html", "dismissed", "与本市无关"),
        ]
        for url, status, note in marks:
            if url not in ids:
                continue
            db.execute(
                "insert into lead_status (article_id, status, note, updated_at) "
                "values (?, ?, ?, '2025-03-01 08:00:00')",
                (ids[url], status, note),
            )


def test_an_old_store_is_upgraded_and_builds_its_register(inst: Instance):
    stories = [a for a in STORIES if a["file"][:3] in ("s01", "s04")]
    inst.db.parent.mkdir(parents=True, exist_ok=True)
    _store_at_0005(inst.db, stories)

    out = inst.run("db", "upgrade").stdout
    assert "register rebuilt" in out
    with sqlite3.connect(inst.db) as db:
        head = db.execute("select version_num from alembic_version").fetchone()[0]
        assert head >= "0007", head  # the register's revision, or a later one
        tables = {r[0] for r in db.execute("select name from sqlite_master where type='table'")}
        assert "lead_status" not in tables
        migrated = db.execute(
            "select changed_by, status, note from follow_up_history order by id"
        ).fetchall()
    assert migrated == [
        ("迁移自文章标记", "followed", "已联系澄远储能"),
        ("迁移自文章标记", "dismissed", "与本市无关"),
    ]
    events = json.loads(inst.run("events", "--json", "--limit", "0").stdout)
    sign = [e for e in events if e["credited_article_id"] and "12亿元储能" in e["title"]]
    assert len(sign) == 1 and sign[0]["reports"] == 4
    assert (sign[0]["status"], sign[0]["note"]) == ("followed", "已联系澄远储能")
    province = next(e for e in events if "江苏省人民政府" in e["title"])
    assert province["status"] == "dismissed"
    projects = json.loads(inst.run("projects", "--json", "--min-events", "2").stdout)
    chengyuan = next(p for p in projects if any(s["stage"] == "production" for s in p["stages"]))
    assert [s["stage"] for s in chengyuan["stages"]] == ["signing", "groundbreaking", "production"]
    org = json.loads(inst.run("org", "澄远", "--json").stdout)
    assert org["name"] == "江苏澄远储能科技有限公司"
    assert {"澄远储能", "澄远"} <= {a["alias"] for a in org["aliases"]}
    assert {p["place"] for p in org["places"]} >= {"江苏省 常州市 溧阳市"}
    # the mark is the event's: every article reporting it lists as followed, each lead
    # carrying its event, status and note
    items = json.loads(inst.run("items", "--status", "followed", "--json").stdout)
    assert len(items) == sign[0]["reports"] == 4
    assert all(i["status"] == "followed" for i in items)
    assert all(
        (lead["event_id"], lead["note"]) == (sign[0]["id"], "已联系澄远储能")
        for i in items
        for lead in i["leads"]
        if lead["status"]
    )


def test_downgrade_gives_the_marks_back_per_article(inst: Instance):
    stories = [a for a in STORIES if a["file"][:3] == "s01"]
    inst.db.parent.mkdir(parents=True, exist_ok=True)
    _store_at_0005(inst.db, stories)
    engine = create_engine(f"sqlite:///{inst.db}")
    upgrade(engine)
    from alembic import command

    from crawler.store.db import alembic_config

    command.downgrade(alembic_config(engine), "0005")
    engine.dispose()
    with sqlite3.connect(inst.db) as db:
        marks = db.execute("select status, note from lead_status").fetchall()
    assert marks == [("followed", "已联系澄远储能")]


def test_first_digest_period_starts_when_the_subscription_reaches_back(inst: Instance):
    from alerts.select import select_undelivered

    config = load_config(inst.config)
    database = Database(f"sqlite:///{inst.db}")
    with database.session() as session:
        repo.upsert_articles(session, items_of(STORIES[:6]), None)
    link(config, database)
    now = datetime.now(SHANGHAI)
    with database.session() as session:
        selection = select_undelivered(session, config.subscriptions[0], now)
    assert selection.until == now
    assert now - selection.since == timedelta(days=config.subscriptions[0].first_digest_days)
    assert selection.lead_count == len({e.event.id for e in selection.entries})
    database.close()
