"""Full-text search: jieba tokens in SQLite FTS5, kept in step by triggers, through the CLI.

Also ``store_articles``, the helper the web and export tests use to put classified
articles (real classifier, real SQLite) with chosen dates and sources into an instance.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from crawler.store import Database, search
from crawler.store.db import create_db_engine, upgrade
from crawler.store.models import Article
from tests.helpers.instance import Instance, write_instance
from tests.helpers.store import SEARCH_ARTICLES, store_articles

# (url, title, body, published) — written for these tests


@pytest.fixture
def inst(tmp_path: Path) -> Instance:
    instance = write_instance(tmp_path, "")
    store_articles(instance, SEARCH_ARTICLES)
    return instance


def _ids_by_title(inst: Instance) -> dict[str, int]:
    with sqlite3.connect(inst.db) as db:
        return {t: i for i, t in db.execute("select id, title from articles")}


# --- tokenizer and query ----------------------------------------------------------------


def test_index_and_query_are_tokenized_alike():
    tok = search.default_tokenizer()
    indexed = tok.tokens("丁蜀镇建设无人机研发制造基地，发展低空经济。")
    assert {"无人机", "无人", "研发", "低空", "经济", "丁蜀镇"} <= set(indexed)
    assert "，" not in indexed and "。" not in indexed
    parsed = search.parse_query("低空经济  无人机")
    assert parsed.words == ("低空经济", "无人机")
    # every query token is one the index holds for the same text
    assert set(parsed.tokens) <= set(indexed)
    assert parsed.match == 'NEAR("低空" "经济", 4) AND NEAR("无人" "人机" "无人机", 5)'
    assert search.parse_query('5G "x" OR').match == '"5g" AND "x" AND "or"'


def test_query_without_words_is_an_error_that_says_what_to_do():
    with pytest.raises(search.EmptyQuery, match="leadwatch search"):
        search.parse_query("的 ， 。")


def test_snippet_shows_the_window_with_most_query_words():
    pattern = search.highlight_pattern(["无人机", "签约"])
    body = "开头" * 80 + "无人机项目今天签约。" + "结尾" * 80
    pieces = search.snippet(body, pattern, width=40)
    text, spans = search.plain(pieces)
    assert text.startswith("…") and text.endswith("…")
    assert [text[a:b] for a, b in spans] == ["无人机", "签约"]
    assert search.plain(search.snippet("短文。", pattern))[0] == "短文。"


# --- the index stays in step with the articles table ---------------------------------


def test_migration_backfills_articles_stored_before_it(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_db_engine(url)
    upgrade(engine, "0001")  # a store from before search existed
    with engine.begin() as conn:
        conn.execute(
            text(
                "insert into articles (url, source, title, published_at, publisher, body,"
                " fingerprint, first_seen_at, updated_at) values"
                " (:u, 's', :t, '2025-03-01 00:00:00', '', :b, 'f', '2025-03-01 00:00:00',"
                " '2025-03-01 00:00:00')"
            ),
            [
                {"u": "https://a.gov.cn/1", "t": "合成生物项目签约", "b": "项目总投资3亿元。"},
                {"u": "https://a.gov.cn/2", "t": "养老服务中心开业", "b": "银发经济。"},
            ],
        )
    engine.dispose()

    database = Database(url)  # upgrades to every head, 0003 backfills
    with database.session() as session:
        conn = session.connection()
        assert search.pending_count(conn) == 0
        rows = dict(conn.execute(text("select rowid, title from articles_fts")).all())
        tok = search.default_tokenizer()
        assert rows == {
            1: tok.index_text("合成生物项目签约"),
            2: tok.index_text("养老服务中心开业"),
        }
        assert rows[1].split() == ["合成", "生物", "项目", "签约"]
        hits = search.search(session, search.parse_query("合成生物")).hits
        assert [h.article.id for h in hits] == [1]
    database.close()


def test_insert_update_and_delete_reach_the_index(tmp_path: Path):
    database = Database(f"sqlite:///{tmp_path / 's.db'}")

    def found(query: str) -> list[int]:
        search.sync_index(database.session)
        with database.session() as session:
            return [h.article.id for h in search.search(session, search.parse_query(query)).hits]

    now = datetime(2025, 3, 1, tzinfo=UTC)
    with database.session() as session:
        session.add(
            Article(
                url="https://a/1", source="s", title="算力中心", body="数据中心", fingerprint="x"
            )
        )
        session.add(
            Article(url="https://a/2", source="s", title="养老", body="养老服务", fingerprint="y")
        )
    assert found("数据中心") == [1]

    with database.session() as session:
        session.get(Article, 1).body = "智算中心项目"
        session.get(Article, 2).updated_at = now  # no text change: not re-queued
        assert search.pending_count(session.connection()) == 1
    assert found("数据中心") == []
    assert found("智算中心") == [1]

    with database.session() as session:
        session.delete(session.get(Article, 1))
    with database.session() as session:
        assert session.execute(text("select count(*) from articles_fts")).scalar() == 1
    assert found("智算中心") == []
    database.close()


def test_lost_triggers_are_reinstalled_and_everything_reindexed(tmp_path: Path):
    database = Database(f"sqlite:///{tmp_path / 's.db'}")
    with database.session() as session:
        session.add(Article(url="https://a/1", source="s", title="储能", body="", fingerprint="x"))
    search.sync_index(database.session)
    with database.session() as session:  # what a table rebuild by another migration does
        session.execute(text("drop trigger articles_fts_au"))
        session.execute(text("update articles set title = '光伏' where id = 1"))
    assert search.sync_index(database.session) == 1
    with database.session() as session:
        assert [h.article.id for h in search.search(session, search.parse_query("光伏")).hits] == [
            1
        ]
        names = session.execute(text("select name from sqlite_master where type='trigger'"))
        assert set(search.TRIGGERS) <= set(names.scalars())
    database.close()


# --- the CLI --------------------------------------------------------------------------


def test_search_ranks_title_matches_first_and_highlights(inst: Instance):
    hits = json.loads(inst.run("search", "无人机", "--json").stdout)
    titles = [h["title"] for h in hits]
    assert titles == [
        SEARCH_ARTICLES[0][1],
        SEARCH_ARTICLES[1][1],
    ]  # in the title beats in the body
    assert hits[0]["score"] > hits[1]["score"] > 0
    for hit in hits:
        marked = [hit["snippet"][a:b] for a, b in hit["snippet_highlights"]]
        assert marked and set(marked) == {"无人机"}
    first = hits[0]
    assert [first["title"][a:b] for a, b in first["title_highlights"]] == ["无人机"]
    assert first["sectors"][0]["id"] == "low_altitude" and first["leads"]


def test_search_filters(inst: Instance):
    def titles(*args: str) -> list[str]:
        return [h["title"] for h in json.loads(inst.run("search", *args, "--json").stdout)]

    assert titles("无人机", "--sector", "低空经济") == [SEARCH_ARTICLES[0][1]]  # label works
    assert titles("无人机", "--sector", "low_altitude") == [SEARCH_ARTICLES[0][1]]
    assert titles("无人机", "--since", "2025-04-01") == [SEARCH_ARTICLES[1][1]]
    assert titles("无人机", "--until", "2025-04-01") == [SEARCH_ARTICLES[0][1]]
    assert titles("无人机", "--leads") == [SEARCH_ARTICLES[0][1]]
    assert titles("合成生物", "--partner", "国投") == [SEARCH_ARTICLES[2][1]]  # alias
    assert titles("经开区") == [SEARCH_ARTICLES[2][1]]  # 经/开/区 near each other, not 经济开发区
    assert titles("无人机", "--sort", "date") == [SEARCH_ARTICLES[1][1], SEARCH_ARTICLES[0][1]]


def test_search_errors_say_what_to_do(inst: Instance):
    empty = inst.run("search", check=False)
    assert empty.returncode == 2 and "leadwatch search 低空经济" in empty.stderr
    sector = inst.run("search", "无人机", "--sector", "drones", check=False)
    assert sector.returncode == 2 and "low_altitude (低空经济)" in sector.stderr
    since = inst.run("search", "无人机", "--since", "last week", check=False)
    assert since.returncode == 2 and "YYYY-MM-DD" in since.stderr
    nothing = inst.run("search", "量子计算")
    assert nothing.returncode == 0 and "fewer or shorter words" in nothing.stderr


@pytest.mark.integration
def test_search_on_another_backend_degrades_with_a_message(inst: Instance):
    env = {**os.environ, "LEADWATCH_DATABASE_URL": "postgresql://leadwatch@127.0.0.1:9/leadwatch"}
    for args in (["search", "无人机"], ["export", "-o", "x.csv", "--query", "无人机"]):
        proc = subprocess.run(
            [sys.executable, "-m", "crawler.cli", "--config", str(inst.config), *args],
            capture_output=True,
            text=True,
            cwd=inst.dir,
            env=env,
            timeout=120,
            check=False,
        )
        assert proc.returncode == 2, proc.stderr
        assert "needs SQLite (FTS5)" in proc.stderr and "postgresql" in proc.stderr
        assert "leadwatch items" in proc.stderr or "leadwatch export" in proc.stderr


def test_reindex_rebuilds_every_row(inst: Instance):
    assert len(json.loads(inst.run("search", "无人机", "--json").stdout)) == 2
    with sqlite3.connect(inst.db) as db:
        db.execute("delete from articles_fts")
    assert json.loads(inst.run("search", "无人机", "--json").stdout) == []
    out = inst.run("search", "--reindex")
    assert "reindexed 4 articles" in out.stderr
    assert len(json.loads(inst.run("search", "无人机", "--json").stdout)) == 2


# --- tables that fit the terminal -----------------------------------------------------

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")


def run_in_terminal(inst: Instance, *args: str, columns: int = 80) -> str:
    """Run the CLI with stdout on a pseudo-terminal ``columns`` wide; the screen text."""
    import fcntl
    import pty
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "crawler.cli", "--config", str(inst.config), *args],
        stdout=slave,
        stderr=subprocess.PIPE,
        cwd=inst.dir,
        env={**env, "TERM": "xterm-256color", "PYTHONIOENCODING": "utf-8"},
    )
    os.close(slave)
    chunks: list[bytes] = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    _, stderr = proc.communicate(timeout=120)
    os.close(master)
    assert proc.returncode == 0, stderr
    return _ANSI.sub("", b"".join(chunks).decode("utf-8"))


@pytest.mark.integration
@pytest.mark.parametrize("command", [["items"], ["search", "经济"]])
def test_tables_fit_an_80_column_terminal(inst: Instance, command: list[str]):
    from rich.cells import cell_len

    screen = run_in_terminal(inst, *command, columns=80)
    lines = [line for line in screen.replace("\r", "").split("\n") if line]
    table = [line for line in lines if line[:1] in "┏┃┡│└"]
    assert len(table) > 4, screen
    assert max(cell_len(line) for line in table) <= 80, screen
    # borders line up: every row of the table is exactly as wide as its top border
    assert {cell_len(line) for line in table} == {cell_len(table[0])}, screen


def test_markup_like_crawled_text_is_printed_verbatim(inst: Instance):
    title = SEARCH_ARTICLES[3][1]
    assert title in inst.run("items").stdout
    assert title in inst.run("show", str(_ids_by_title(inst)[title])).stdout
    assert title in inst.run("search", "通知").stdout
