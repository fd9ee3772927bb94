"""The article pipeline: pages go to a worker process, every page is stored or counted.

The processor tests run crawler.crawl.worker's real ArticleProcessor on demo pages and
a real SQLite file. The crawl tests run real Scrapy (tests/pipeline_crawl.py in a child
process) over the demo site on 127.0.0.1; where a worker must die or dawdle, the real
pipeline drives tests/faulty_worker.py, the real worker with that one fault injected.
"""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crawler.crawl import frames
from crawler.crawl.worker import ArticleProcessor
from crawler.extract import ArticleSelectors
from crawler.items import ArticleItem, ArticlePage
from crawler.store import Database
from tests.helpers.crawlproc import children
from tests.helpers.instance import Instance, demo_sources, write_instance
from tests.helpers.paths import DEMO_SITE, REPO, TAXONOMY
from tests.helpers.pipeline import TRUTH, crawl, stored_urls

pytestmark = pytest.mark.integration  # real crawls, servers or processes

HERE = Path(__file__).resolve().parent


def page(path: str, body: bytes | None = None) -> ArticlePage:
    raw = body if body is not None else (DEMO_SITE / path).read_bytes()
    return ArticlePage(
        f"http://127.0.0.1/{path}", "demo", raw, "text/html; charset=utf-8", ArticleSelectors()
    )


# --- the processor, in this process ---------------------------------------------------------


@pytest.fixture
def processor(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'p.db'}"
    Database(url).close()  # the crawl process migrates; the worker does not
    proc = ArticleProcessor(url, TAXONOMY)
    yield proc
    proc.close()


def test_processor_stores_classifies_and_counts(processor: ArticleProcessor):
    pages = [page(t["path"]) for t in TRUTH[:6]]
    first = processor.process(pages, None)
    assert (first.new, first.updated, first.unchanged, first.errors) == (6, 0, 0, 0)
    again = processor.process(pages, None)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 6)

    db = processor.database.url.removeprefix("sqlite:///")
    with sqlite3.connect(db) as conn:
        titles = {r[0] for r in conn.execute("select title from articles")}
        leads = conn.execute("select count(*) from leads").fetchone()[0]
    assert titles == {t["title"] for t in TRUTH[:6]}
    assert leads >= sum(1 for t in TRUTH[:6] if t["lead"]) > 0


def test_processor_counts_a_page_without_text_and_stores_the_rest(processor: ArticleProcessor):
    good = page(TRUTH[0]["path"])
    empty = page("doc/empty.shtml", b"<html><head></head><body><div></div></body></html>")
    result = processor.process([empty, good], None)
    assert (result.new, result.errors) == (1, 1)
    assert len(result.problems) == 1 and "doc/empty.shtml" in result.problems[0]


def test_processor_takes_articles_a_spider_extracted_itself(processor: ArticleProcessor):
    text = "12月1日，宜兴经济技术开发区与江苏测试新材料有限公司签约，项目总投资5亿元，建设储能电池材料生产线。"
    item = ArticleItem("http://127.0.0.1/a/1.html", "demo", "储能材料项目签约", None, "", text)
    empty = ArticleItem("http://127.0.0.1/a/2.html", "demo", "无正文", None, "", " ")
    result = processor.process([item, empty], None)
    assert (result.new, result.errors) == (1, 1)
    assert item.classification and item.classification["leads"]


def test_frames_survive_arbitrary_chunking():
    messages = [(1, [page(TRUTH[0]["path"])], 7), (2, "短", None), (3, b"x" * 70_000, 0)]
    stream = b"".join(frames.pack(m) for m in messages)
    decoder = frames.Decoder()
    got = []
    for i in range(0, len(stream), 997):
        got += decoder.feed(stream[i : i + 997])
    assert [(m[0], m[2]) for m in got] == [(1, 7), (2, None), (3, 0)]
    assert got[0][1][0].body == messages[0][1][0].body
    assert decoder.buffer == bytearray()


# --- real crawls ---------------------------------------------------------------------------


def lost_urls(log: str) -> list[str]:
    """URLs the pipeline logged as not stored."""
    blocks = re.findall(r"not stored \(counted as errors\):\n((?:  \S+\n?)+)", log)
    return [url.strip() for block in blocks for url in block.splitlines()]


def test_a_worker_that_dies_costs_its_batch_as_errors_and_is_replaced(
    tmp_path: Path, demo_site: str
):
    inst = write_instance(tmp_path, demo_sources(demo_site))
    victim = TRUTH[5]["path"]
    stats, log = crawl(
        inst,
        'ITEM_PIPELINES={"faulty_worker.FaultyWorkerPipeline": 300}',
        env={"FAULTY_WORKER_DIE_ON": victim},
    )
    assert "restarting the article worker (restart 1)" in log
    fetched = stats["leadwatch/article_pages"]
    new, errors = stats.get("leadwatch/articles_new", 0), stats.get("leadwatch/errors", 0)
    assert fetched == len(TRUTH)
    # every page is either stored or logged and counted as an error, never both
    lost, stored = lost_urls(log), stored_urls(inst)
    assert any(url.endswith(victim) for url in lost)
    assert len(lost) == errors and len(stored) == new and new + errors == fetched
    assert stored.isdisjoint(lost)

    run = inst.runs()[0]
    assert run["status"] == "completed"  # one crash is not fatal
    assert (run["articles_new"], run["errors"]) == (new, errors)


def test_a_worker_that_keeps_dying_fails_the_run_and_counts_every_page(
    tmp_path: Path, demo_site: str
):
    inst = write_instance(tmp_path, demo_sources(demo_site))
    stats, log = crawl(  # dies on every batch; batches of one page, so it must die 4 times
        inst,
        'ITEM_PIPELINES={"faulty_worker.FaultyWorkerPipeline": 300}',
        "LEADWATCH_STORE_BATCH=1",
        env={"FAULTY_WORKER_DIE_ON": "/doc/"},
    )
    assert "restarting the article worker (restart 3)" in log
    assert "the article worker died 4 times; stopping the crawl" in log
    assert stats["leadwatch/errors"] == stats["leadwatch/article_pages"] > 0
    assert len(lost_urls(log)) == stats["leadwatch/errors"]
    assert stored_urls(inst) == set()
    run = inst.runs()[0]
    assert run["status"] == "failed" and "article worker failed" in run["message"]
    assert run["errors"] == run["articles_fetched"]


def test_a_hung_worker_is_ended_and_its_pages_counted(tmp_path: Path, demo_site: str):
    inst = write_instance(tmp_path, demo_sources(demo_site))
    stats, log = crawl(
        inst,
        'ITEM_PIPELINES={"faulty_worker.HungWorkerPipeline": 300}',
        env={"FAULTY_WORKER_SLEEP": "60"},
    )
    assert "the article worker has not answered in 1 s; ending it" in log
    assert stats["leadwatch/errors"] == stats["leadwatch/article_pages"] > 0
    assert len(lost_urls(log)) == stats["leadwatch/errors"]
    assert stats["elapsed_time_seconds"] < 30  # did not wait for the sleeping worker
    assert stored_urls(inst) == set()
    run = inst.runs()[0]
    assert run["status"] == "failed" and run["errors"] == run["articles_fetched"]


def test_a_slow_worker_holds_the_crawl_back_and_loses_nothing(tmp_path: Path, demo_site: str):
    inst = write_instance(tmp_path, demo_sources(demo_site))
    stats, _ = crawl(
        inst,
        'ITEM_PIPELINES={"faulty_worker.TinyBacklogPipeline": 300}',
        "LEADWATCH_STORE_BATCH=3",
        env={"FAULTY_WORKER_SLEEP": "0.05"},
    )
    assert stats["leadwatch/article_worker/backlog_waits"] > 0
    assert stats["leadwatch/articles_new"] == len(TRUTH) == len(stored_urls(inst))
    assert stats.get("leadwatch/errors", 0) == 0


def stored_now(inst: Instance) -> int:
    if not inst.db.exists():
        return 0
    with sqlite3.connect(inst.db, timeout=10) as db:
        tables = {r[0] for r in db.execute("select name from sqlite_master")}
        return (
            db.execute("select count(*) from articles").fetchone()[0] if "articles" in tables else 0
        )


def is_running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_a_killed_crawl_leaves_no_worker_behind(tmp_path: Path, demo_site: str):
    inst = write_instance(tmp_path, demo_sources(demo_site))
    with (tmp_path / "crawl.log").open("wb") as log:
        crawl_proc = subprocess.Popen(
            [sys.executable, str(HERE / "pipeline_crawl.py"), str(inst.config), "demo-yixing"]
            + ['ITEM_PIPELINES={"faulty_worker.FaultyWorkerPipeline": 300}']
            + ["LEADWATCH_STORE_BATCH=1"],
            cwd=inst.dir,
            env={
                **os.environ,
                "PYTHONPATH": f"{HERE}{os.pathsep}{REPO}",
                "FAULTY_WORKER_SLEEP": "0.3",
            },
            stdout=log,
            stderr=log,
        )
        deadline = time.monotonic() + 60
        while not (workers := children(crawl_proc.pid)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert workers, "the crawl started no worker"
        while not stored_now(inst) and time.monotonic() < deadline:
            time.sleep(0.05)  # until some batches are stored, with more pending
        crawl_proc.kill()  # as a crawl timeout or the OOM killer would
        crawl_proc.wait()
    deadline = time.monotonic() + 15
    while any(is_running(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(is_running(w) for w in workers), "the worker outlived its crawl"
    assert 0 < len(stored_urls(inst)) < len(TRUTH)


def test_without_a_worker_the_crawl_process_stores_the_same(tmp_path: Path, demo_site: str):
    inst = write_instance(tmp_path, demo_sources(demo_site))
    stats, _ = crawl(inst, "LEADWATCH_ARTICLE_WORKER=false", "LEADWATCH_STORE_BATCH=5")
    assert stats["leadwatch/articles_new"] == len(TRUTH)
    with sqlite3.connect(inst.db) as db:
        titles = {r[0] for r in db.execute("select title from articles")}
        tagged = db.execute("select count(distinct article_id) from tags").fetchone()[0]
    assert titles == {t["title"] for t in TRUTH}
    assert tagged >= sum(1 for t in TRUTH if t["sectors"]) > 0
