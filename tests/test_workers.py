"""`leadwatch worker` on a real PostgreSQL: several worker processes on 127.0.0.1, one
queue, one schedule, digests exactly once, and nothing lost when a worker is killed.

The sites are many small generated columns (benchmarks.fleetsite) served from memory
on 127.0.0.1; every worker is a real `leadwatch worker` process, every crawl a real
Scrapy crawl in its child process; mail goes to a real aiosmtpd server. The workers tick
every second and hand a silent worker's job to another after 2 s (tests.helpers.fleet).
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.helpers.crawlproc import alive, descendants
from tests.helpers.fleet import (
    column_sources,
    execute,
    fleet_instance,
    query,
    start_worker,
    stop_workers,
    wait_until,
)
from tests.helpers.instance import Instance
from tests.helpers.paths import REPO
from tests.helpers.postgres import Postgres, running_postgres
from tests.helpers.smtp import Mailbox, running_smtp

if str(REPO) not in sys.path:
    sys.path.append(str(REPO))

from benchmarks.fleetsite import Column, generate_columns  # noqa: E402
from benchmarks.sitegen import COLUMN  # noqa: E402
from benchmarks.siteserver import MemorySite  # noqa: E402

pytest.importorskip("procrastinate", reason="in the postgres and test extras")
pytestmark = pytest.mark.integration

SOURCES = 100  # crawled once each per period
PER_SOURCE = 2
TRIALS = 10  # workers SIGKILLed mid-crawl, one source each
TRIAL_ARTICLES = 40
SEED = 20261206


@pytest.fixture(scope="module")
def postgres() -> Iterator[Postgres]:
    with running_postgres(("max_connections=300",)) as server:
        yield server


@pytest.fixture(scope="module")
def columns(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[list[Column], str]]:
    root = tmp_path_factory.mktemp("columns")
    generated = generate_columns(root, SOURCES, PER_SOURCE)
    with MemorySite(root) as site:
        yield generated, site.url


@pytest.fixture(scope="module")
def mailbox() -> Iterator[Mailbox]:
    with running_smtp() as box:
        yield box


def _subscriptions(at: datetime) -> str:
    """Two subscriptions whose daily digest time is ``at`` (Asia/Shanghai), sent even when
    empty: how far the crawls got by then depends on the machine's load, not on the workers."""
    local = at.astimezone(ZoneInfo("Asia/Shanghai"))
    cron = f"{local.minute} {local.hour} * * *"
    return "".join(
        f'[[subscriptions]]\nname = "{name}"\nrecipients = ["{name}@example.gov.cn"]\n'
        f'schedule = "{cron}"\ninclude_news = true\nsend_when_empty = true\n\n'
        for name in ("office", "park")
    )


@pytest.fixture(scope="module")
def fleet(
    postgres: Postgres,
    columns: tuple[list[Column], str],
    mailbox: Mailbox,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Instance, str, list[subprocess.Popen[bytes]], datetime]]:
    """Three workers over 100 sources and two subscriptions whose digest time is the
    first whole minute at least 8 s after they start (while they crawl or soon after: the
    100 crawls take about half a minute)."""
    directory = tmp_path_factory.mktemp("fleet")
    url = postgres.database("fleet")
    generated, base = columns
    soon = datetime.now(UTC) + timedelta(seconds=8)  # the workers are up by then
    digest_at = soon.replace(second=0, microsecond=0) + timedelta(minutes=1)
    inst = fleet_instance(
        directory,
        url,
        column_sources(base, generated),
        smtp_port=mailbox.port,
        subscriptions=_subscriptions(digest_at),
    )
    inst.run("db", "upgrade")
    workers = [start_worker(inst, inst.dir / f"worker{i}.log") for i in range(3)]
    try:
        yield inst, url, workers, digest_at
    finally:
        stop_workers(workers)


def _runs_by_source(url: str) -> Counter[str]:
    return Counter(s for (s,) in query(url, "select source from crawl_runs"))


def test_three_workers_crawl_100_sources_once_each_per_period(fleet) -> None:  # noqa: ANN001
    inst, url, workers, _ = fleet
    done = "select count(distinct source) from crawl_runs where status = 'completed'"
    wait_until(lambda: query(url, done)[0][0] == SOURCES, "every source crawled", 900)
    shown = json.loads(inst.run("workers", "--json").stdout)
    assert len(shown["workers"]) == 3, shown
    wait_until(lambda: not query(url, "select 1 from crawl_runs where status='running'"), "", 60)
    time.sleep(3)  # three more ticks in the same period: they defer nothing
    ticks = query(url, "select count(*) from procrastinate_periodic_defers")
    assert ticks[0][0] >= 1
    runs = _runs_by_source(url)
    assert set(runs) == {f"col{i}" for i in range(SOURCES)}
    assert set(runs.values()) == {1}, [s for s, n in runs.items() if n != 1]
    assert {s for (s,) in query(url, "select status from crawl_runs")} == {"completed"}
    urls = [u for (u,) in query(url, "select url from articles")]
    assert len(urls) == len(set(urls)) == SOURCES * PER_SOURCE
    for i in range(3):  # the crawls were shared: every worker ran some
        assert "INFO leadwatch.workers: crawl col" in (inst.dir / f"worker{i}.log").read_text()
    # a new period for ten of them (their last crawl made 31 minutes older): crawled
    # once more, the others not
    execute(
        url,
        "update crawl_runs set started_at = started_at - interval '31 minutes' "
        "where source = any(:names)",
        names=list(_ten()),
    )
    wait_until(lambda: sum(_runs_by_source(url)[s] for s in _ten()) == 20, "the second period", 300)
    wait_until(lambda: not query(url, "select 1 from crawl_runs where status='running'"), "", 60)
    runs = _runs_by_source(url)
    assert {s: runs[s] for s in _ten()} == dict.fromkeys(_ten(), 2)
    assert sum(runs.values()) == SOURCES + 10


def _ten() -> tuple[str, ...]:
    return tuple(f"col{i}" for i in range(10))


# --- workers SIGKILLed mid-crawl ---------------------------------------------------------


def _claims(url: str) -> dict[str, int]:
    """source -> pid of the worker process whose session holds its crawl claim."""
    rows = query(
        url,
        "select application_name from pg_stat_activity "
        "where application_name like 'leadwatch claim crawl:%'",
    )
    out = {}
    for (name,) in rows:
        key, _, by = name.removeprefix("leadwatch claim crawl:").partition(" by ")
        out[key] = int(by.rpartition(":")[2])
    return out


def test_workers_killed_mid_crawl_lose_nothing_and_store_nothing_twice(
    postgres: Postgres, tmp_path: Path
) -> None:
    site_root = tmp_path / "site"
    generated = generate_columns(site_root, TRIALS, TRIAL_ARTICLES, seed=SEED)
    rng = random.Random(SEED)
    url = postgres.database("kills")
    # a slow site (50 ms an answer, two requests at a time) that holds each column's
    # last list page until that column's crawl was killed: every kill falls mid-crawl,
    # however fast the crawls start
    with MemorySite(site_root, delay_s=0.05) as site:
        gates = {
            f"col{n}": site.gate(f"{column.prefix}{COLUMN}/index_{column.list_pages - 1}.html")
            for n, column in enumerate(generated)
        }
        (tmp_path / "inst").mkdir()
        inst = fleet_instance(tmp_path / "inst", url, column_sources(site.url, generated))
        inst.run("db", "upgrade")
        logs = tmp_path / "logs"
        logs.mkdir()
        workers = [start_worker(inst, logs / f"w{i}.log") for i in range(3)]
        killed: dict[str, tuple[int, list[int]]] = {}
        try:
            while len(killed) < TRIALS:
                claims = wait_until(
                    lambda: {s: p for s, p in _claims(url).items() if s not in killed},
                    "a crawl to kill",
                    300,
                )
                source, pid = sorted(claims.items())[0]
                # a seeded moment within the crawl: after its first pages at the earliest
                wait_until(lambda s=source: _crawl_started(url, s), "its run", 60)
                time.sleep(rng.uniform(0.2, 2.5))
                children = descendants(pid)
                os.kill(pid, signal.SIGKILL)
                killed[source] = (pid, children)
                gates[source].set()
                workers.append(start_worker(inst, logs / f"w{len(workers)}.log"))
            done = "select count(distinct source) from crawl_runs where status = 'completed'"
            wait_until(lambda: query(url, done)[0][0] == TRIALS, "every source crawled", 600)
            # the crawl processes of a killed worker stopped with it
            for _pid, children in killed.values():
                wait_until(lambda c=children: not any(alive(p) for p in c), "orphans", 60)
        finally:
            codes = stop_workers(workers)
    assert codes.count(-signal.SIGKILL) == TRIALS
    assert all(code == 0 for code in codes if code != -signal.SIGKILL), codes
    stored = [u for (u,) in query(url, "select url from articles")]
    assert len(stored) == len(set(stored)), "an article was stored twice"
    expected = {site.url + path for column in generated for path in column.articles}
    assert set(stored) == expected, f"{len(expected - set(stored))} articles lost"
    runs = query(url, "select source, status, message from crawl_runs order by id")
    for source in killed:
        mine = [(status, message) for s, status, message in runs if s == source]
        assert mine[-1][0] == "completed", mine
        assert any(st == "failed" for st, _ in mine[:-1]), mine  # the killed one, closed
    assert not [r for r in runs if r[1] == "running"]


def _crawl_started(url: str, source: str) -> bool:
    """The source's run is taken over by its crawl process (it fetches)."""
    rows = query(
        url,
        "select 1 from crawl_runs where source = :s and status = 'running' and pid is not null",
        s=source,
    )
    return bool(rows)


# --- the digest (last: its time has passed by now, or comes soon) ------------------


def test_a_digest_time_passing_sends_each_subscription_once(fleet, mailbox: Mailbox) -> None:  # noqa: ANN001
    inst, url, workers, digest_at = fleet
    sent = "select subscription, period, status, message_id from deliveries order by id"
    wait_until(lambda: len(query(url, sent)) >= 2, "the digests", 400)
    wait_until(lambda: len(mailbox.messages) >= 2, "the mail", 60)
    time.sleep(5)  # five more ticks of three workers: nothing more
    rows = query(url, sent)
    period = digest_at.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%dT%H%M")
    assert sorted((s, p, st) for s, p, st, _ in rows) == [
        ("office", period, "sent"),
        ("park", period, "sent"),
    ]
    assert len(mailbox.messages) == 2
    assert sorted(m["Message-ID"] for m in mailbox.messages) == sorted(r[3] for r in rows)
    assert sorted(m["To"] for m in mailbox.messages) == [
        "office@example.gov.cn",
        "park@example.gov.cn",
    ]
