"""Short write transactions: a digest of a big store keeps nobody waiting, and a database
that is busy for longer than leadwatch waits is reported as busy (exit 75), naming who
holds it — not as a set-up error.

The 20,000-article store is filled in seconds (tests.helpers.bigstore); the digest,
the crawl (of the demo site on 127.0.0.1) and `leadwatch runs` are real processes. The
digest is held in the middle of choosing what is new (a test hook) for as long as the
crawl and `runs` take, so the test does not depend on how fast this machine is: when
choosing took the write lock, as it did, both failed after the 30 s busy timeout.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from crawler.store import db as store_db
from tests.helpers.bigstore import fill_store
from tests.helpers.crawlproc import leadwatch, reap, wait_for
from tests.helpers.instance import Instance, demo_sources, write_instance
from tests.helpers.smtp import Mailbox


@pytest.fixture
def big(tmp_path: Path, demo_site: str, smtp_server: Mailbox) -> Instance:
    inst = write_instance(tmp_path, demo_sources(demo_site), smtp_port=smtp_server.port)
    inst.db.parent.mkdir(parents=True, exist_ok=True)
    leads = fill_store(f"sqlite:///{inst.db}", 20_000)
    assert leads == 1_000
    return inst


@pytest.mark.integration
def test_a_crawl_and_runs_started_during_a_digest_of_20000_articles_both_succeed(
    big: Instance, smtp_server: Mailbox, monkeypatch: pytest.MonkeyPatch
):
    hold = big.dir / "hold-digest"
    hold.touch()
    monkeypatch.setenv("LEADWATCH_TEST_PAUSE_AT", f"choosing:{hold}")
    digest = leadwatch(big, "digest", "--send")
    monkeypatch.delenv("LEADWATCH_TEST_PAUSE_AT")
    try:
        reached = Path(f"{hold}.reached")
        wait_for(lambda: reached.exists() or digest.poll() is not None, "the digest", 300)
        assert digest.poll() is None, digest.communicate()
        crawl = big.run_process("crawl", "demo-yixing", check=False, timeout=300)
        runs = big.run_process("runs", check=False, timeout=120)
        assert digest.poll() is None  # still choosing: both ran while it read the store
        hold.unlink()
        out, err = digest.communicate(timeout=300)
    finally:
        hold.unlink(missing_ok=True)
        reap(digest)
    assert crawl.returncode == 0, crawl.stderr
    assert "demo-yixing: ok — 28 pages, 25 articles fetched, 25 new" in crawl.stdout
    assert runs.returncode == 0, runs.stderr
    assert "demo-yixing" in runs.stdout and "完成" in runs.stdout
    assert digest.returncode == 0, err
    # the digest carries what it chose: the store's 1,000 lead articles, not the crawl's
    assert "(1000 articles), sent" in out, out
    assert len(smtp_server.messages) == 1


HOLDER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("holding", flush=True)
time.sleep(120)
"""


@pytest.mark.integration
def test_a_database_locked_past_the_busy_timeout_is_reported_busy_with_its_holder(
    big: Instance, monkeypatch: pytest.MonkeyPatch
):
    big.run("runs")  # migrated and readable
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(big.db)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "holding"
        monkeypatch.setattr(store_db, "BUSY_TIMEOUT_MS", 300)
        # reading needs no write lock, even now
        assert big.run("runs").returncode == 0
        started = time.monotonic()
        crawl = big.run("crawl", "demo-yixing", check=False)
        assert time.monotonic() - started < 60
    finally:
        holder.kill()
        holder.communicate()
    assert crawl.returncode == 75, crawl.stderr
    message = crawl.stderr
    assert "is busy" in message and "0.3 s" in message, message
    assert f"pid {holder.pid}" in message, message  # the process that holds it, named
    assert "check the URL" not in message and "credentials" not in message
    assert message.startswith("error: ") and "Traceback" not in message
