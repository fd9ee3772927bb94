"""repo.upsert_articles, the pipeline's bulk store, on a real SQLite file."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from crawler.items import ArticleItem
from crawler.store import Database, repo
from crawler.store.models import Article

SIGNING = {
    "sectors": [{"id": "new_energy", "label": "新能源", "score": 9.0, "evidence": {"储能": 3}}],
    "partners": [{"name": "国家开发投资集团", "score": 2.0, "evidence": {"国投": 1}}],
    "leads": [
        {
            "event": "signing",
            "amount_yuan": 1_200_000_000,
            "amount_text": "12亿元",
            "counterparts": ["江苏澄远储能科技有限公司"],
            "place": "宜兴经济技术开发区",
            "sentence": "项目总投资12亿元。",
            "score": 0.9,
        }
    ],
}
MEETING = {"sectors": [], "partners": [], "leads": []}


def item(n: int, body: str = "正文", classification: dict | None = None) -> ArticleItem:
    return ArticleItem(
        f"http://127.0.0.1/doc/2025/03/01/{n}.shtml",
        "demo",
        f"标题{n}",
        datetime(2025, 3, 1, 2, 30, tzinfo=UTC),
        "宜兴日报",
        body,
        classification=classification,
    )


def store(db: Database, items: list[ArticleItem], run_id: int | None = None) -> repo.StoreResult:
    with db.session() as session:
        return repo.upsert_articles(session, items, run_id)


def rows(path: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute(sql).fetchall()


def test_insert_update_and_unchanged_with_tags_and_leads(tmp_path: Path):
    path = tmp_path / "s.db"
    db = Database(f"sqlite:///{path}")
    first = store(db, [item(1, classification=SIGNING), item(2, classification=MEETING)])
    assert (first.new, first.updated, first.unchanged) == (2, 0, 0)
    assert rows(path, "select kind, name from tags order by kind") == [
        ("partner", "国家开发投资集团"),
        ("sector", "new_energy"),
    ]
    [(event, amount, counterparts)] = rows(
        path, "select event, amount_yuan, counterparts from leads"
    )
    assert (event, amount, json.loads(counterparts)) == (
        "signing",
        1_200_000_000,
        ["江苏澄远储能科技有限公司"],
    )
    seen = rows(path, "select url, first_seen_at from articles order by url")

    # article 1 changes and loses its lead; 2 is the same page again; 3 is new
    again = store(
        db,
        [item(1, "改过的正文", MEETING), item(2, classification=MEETING), item(3)],
        run_id=None,
    )
    assert (again.new, again.updated, again.unchanged) == (1, 1, 1)
    assert rows(path, "select count(*) from tags") == [(0,)]
    assert rows(path, "select count(*) from leads") == [(0,)]
    assert rows(path, "select body from articles where url like '%/1.shtml'") == [("改过的正文",)]
    assert rows(path, "select url, first_seen_at from articles order by url")[:2] == seen

    # whitespace-only changes are not changes
    assert store(db, [item(1, " 改过的\n正文 ", SIGNING)]).unchanged == 1
    assert rows(path, "select count(*) from tags") == [(0,)]
    db.close()


def test_a_url_twice_in_one_batch_is_stored_once(tmp_path: Path):
    path = tmp_path / "s.db"
    db = Database(f"sqlite:///{path}")
    result = store(db, [item(1, "旧", MEETING), item(1, "新", SIGNING)])
    assert result.new == 1
    assert rows(path, "select body from articles") == [("新",)]
    assert rows(path, "select count(*) from leads") == [(1,)]
    db.close()


def test_stored_times_are_utc_and_new_rows_reach_search(tmp_path: Path):
    path = tmp_path / "s.db"
    db = Database(f"sqlite:///{path}")
    store(db, [item(1, "宜兴储能项目签约", SIGNING)])
    with db.session() as session:
        article = repo.get_article(session, 1)
        assert article is not None
        assert article.published_at == datetime(2025, 3, 1, 2, 30, tzinfo=UTC)
        assert [lead.amount_text for lead in article.leads] == ["12亿元"]
    # the search index is fed by triggers on articles: bulk inserts must fire them too
    assert rows(path, "select article_id from articles_fts_pending") == [(1,)]
    db.close()


def test_json_columns_keep_chinese_readable_in_the_file(tmp_path: Path):
    # Names stay searchable with LIKE in the database, not \u-escaped.
    path = tmp_path / "s.db"
    store(Database(f"sqlite:///{path}"), [item(1, classification=SIGNING)])
    ((counterparts,),) = rows(path, "select counterparts from leads")
    assert "江苏澄远储能科技有限公司" in counterparts
    assert json.loads(counterparts) == ["江苏澄远储能科技有限公司"]


def test_tags_are_read_highest_score_first_whatever_order_they_were_written_in(tmp_path: Path):
    """Every surface lists an article's sectors in one order on every backend (PostgreSQL
    returns rows in no set order without an ORDER BY)."""
    db = Database(f"sqlite:///{tmp_path / 's.db'}")
    low_first = {
        "sectors": [
            {"id": "new_energy", "label": "新能源", "score": 2.5, "evidence": {}},
            {"id": "synbio", "label": "合成生物", "score": 7.0, "evidence": {}},
            {"id": "low_altitude", "label": "低空经济", "score": 7.0, "evidence": {}},
        ],
        "partners": [],
        "leads": [],
    }
    store(db, [item(1, classification=low_first)])
    with db.session() as session:
        [article] = session.scalars(select(Article)).all()
        assert [t.name for t in article.tags] == ["synbio", "low_altitude", "new_energy"]
    db.close()
