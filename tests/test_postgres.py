"""The store on PostgreSQL, for an office that outgrows one SQLite file.

A real PostgreSQL server (Debian's postgresql package) is started for this module in a
temp dir, listening on 127.0.0.1 only; leadwatch reaches it through `database_url` in
leadwatch.toml. The chain is the SQLite one: migrations, a real Scrapy crawl of the
demo site, browsing, a digest to a real aiosmtpd server, and no second send.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.request import urlopen

import pytest
from sqlalchemy import create_engine, text

from tests.helpers.instance import Instance, demo_sources, load_truth, write_instance
from tests.helpers.net import free_port
from tests.helpers.postgres import running_postgres
from tests.helpers.smtp import Mailbox

pytestmark = pytest.mark.integration  # real crawls, servers or processes

pytest.importorskip("psycopg", reason="psycopg is in the test extra: pip install -e '.[test]'")


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    with running_postgres() as server:
        yield server.database("leadwatch")


@pytest.fixture
def pg_instance(
    tmp_path: Path, demo_site: str, smtp_server: Mailbox, postgres_url: str
) -> Instance:
    inst = write_instance(
        tmp_path, demo_sources(demo_site), smtp_port=smtp_server.port, create_db=False
    )
    config = inst.config.read_text(encoding="utf-8")
    config = config.replace("sqlite:///data/test.db", postgres_url)
    inst.config.write_text(config, encoding="utf-8")
    return inst


def test_crawl_browse_and_digest_on_postgresql(
    pg_instance: Instance, smtp_server: Mailbox, postgres_url: str
):
    inst = pg_instance
    assert "up to date" in inst.run("db", "upgrade").stdout + inst.run("db", "upgrade").stderr

    out = inst.run("crawl", "demo-yixing", "demo-sdic").stdout
    assert "demo-yixing: ok — 28 pages, 25 articles fetched, 25 new" in out, out
    assert "demo-sdic: ok — 15 pages, 13 articles fetched, 13 new" in out, out
    again = inst.run("crawl", "demo-yixing").stdout
    assert "demo-yixing: ok — 1 page, 0 articles fetched, 0 new" in again, again
    assert not (inst.dir / "data" / "test.db").exists()  # nothing went to SQLite

    items = json.loads(inst.run("items", "--json", "--limit", "100").stdout)
    assert len(items) == len(load_truth())
    leads = json.loads(inst.run("items", "--leads", "--json", "--limit", "100").stdout)
    assert leads and all(item["leads"] for item in leads)
    shown = inst.run("show", str(leads[0]["id"])).stdout
    assert leads[0]["title"] in shown

    # re-tagging replaces every tag and lead through the same portable statements
    retagged = inst.run("reclassify").stdout
    assert f"re-tagged {len(load_truth())} article(s)" in retagged, retagged
    again = json.loads(inst.run("items", "--leads", "--json", "--limit", "100").stdout)

    def tagged(items: list[dict]) -> list[tuple]:
        # the register is rebuilt after re-tagging: its event ids are new, the rest is not
        return [
            (
                a["id"],
                [{k: v for k, v in x.items() if k != "event_id"} for x in a["leads"]],
                a["sectors"],
            )
            for a in items
        ]

    assert [a["id"] for a in again] == [a["id"] for a in leads]
    differing = [(a, b) for a, b in zip(tagged(again), tagged(leads), strict=True) if a != b]
    # the whole first difference, not pytest's truncated one (see the stop-19 note)
    assert not differing, (
        f"after reclassify:\n{differing[0][0]}\nafter the crawl:\n{differing[0][1]}"
    )
    assert all(x["event_id"] for a in again for x in a["leads"])

    inst.run("digest", "--send")
    assert len(smtp_server.messages) == 1
    assert "nothing new" in inst.run("digest", "--send").stdout
    assert len(smtp_server.messages) == 1

    _check_web_view(inst, leads[0])

    # the register on PostgreSQL: one event with two reports, 澄远 as one project, a mark
    events = json.loads(inst.run("events", "--json", "--limit", "0").stdout)
    assert [e["reports"] for e in events if e["stage"] == "visit" and e["day"] == "2025-03-10"] == [
        2
    ]
    projects = json.loads(inst.run("projects", "--json", "--min-events", "2").stdout)
    assert any("澄远" in p["name"] and len(p["stages"]) == 2 for p in projects)
    inst.run("mark", "event", str(events[0]["id"]), "followed", "--note", "已联系", "--by", "测试")
    inst.run("org", "follow", "澄远储能")
    marked = json.loads(inst.run("events", "--status", "followed", "--json").stdout)
    assert [(e["id"], e["note"]) for e in marked] == [(events[0]["id"], "已联系")]
    assert "关注中" in inst.run("org", "澄远").stdout

    engine = create_engine(postgres_url)
    with engine.connect() as conn:
        column = conn.execute(
            text(
                "select data_type from information_schema.columns "
                "where table_name = 'articles' and column_name = 'first_seen_at'"
            )
        ).scalar_one()
        # The server runs in Asia/Shanghai: a naive UTC value would be 8 hours off.
        age_s = conn.execute(
            text("select extract(epoch from now() - max(first_seen_at)) from articles")
        ).scalar_one()
        statuses = conn.execute(text("select status from deliveries")).scalars().all()
        sent = conn.execute(text("select count(distinct article_id) from delivery_items")).scalar()
    engine.dispose()
    assert column == "timestamp with time zone"
    assert 0 <= age_s < 600
    assert statuses == ["sent"]
    assert sent == len({item["id"] for item in leads})


def _check_web_view(inst: Instance, lead: dict) -> None:
    """The web view's pages render from PostgreSQL (plain HTTP; tests/test_web.py drives
    a browser against SQLite)."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "crawler.cli", "--config", str(inst.config), "serve"]
        + ["--port", str(port)],
        cwd=inst.dir,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                home = urlopen(base + "/", timeout=10).read().decode("utf-8")
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, "serve did not start"
                time.sleep(0.2)
        assert lead["title"] in home
        article = urlopen(f"{base}/article/{lead['id']}", timeout=10).read().decode("utf-8")
        assert lead["title"] in article
        sources = urlopen(base + "/sources", timeout=10).read().decode("utf-8")
        assert "demo-yixing" in sources
        for page in ("/events", "/projects", "/orgs", "/peers", "/orgs?q=%E6%BE%84%E8%BF%9C"):
            assert urlopen(base + page, timeout=10).status == 200
    finally:
        proc.terminate()
        _, stderr = proc.communicate(timeout=30)
    assert "Warning" not in stderr and "Traceback" not in stderr, stderr


def test_a_read_sees_one_snapshot_on_postgresql_as_on_sqlite(postgres_url: str):
    # A digest reads in several queries; a crawl or the register writing in between must
    # not show it half of a change (an event merged away between two of its queries).
    from crawler.store import Database, repo
    from crawler.store.models import CrawlRun

    database = Database(postgres_url)
    try:
        with database.reading() as session:
            before = session.query(CrawlRun).count()
            with database.session() as writer:  # another session, committed meanwhile
                repo.start_run(writer, "snapshot-test", pid=1, host="test")
            assert session.query(CrawlRun).count() == before  # the read's own snapshot
        with database.reading() as session:
            assert session.query(CrawlRun).count() == before + 1
    finally:
        database.close()
