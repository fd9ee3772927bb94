"""`leadwatch worker` scale-out: the same 40 sources crawled by 1 worker process and by 4.

Each source is a small news column on a site of its own (benchmarks.fleetsite, served
from memory on 127.0.0.1) that answers every request after ``SITE_DELAY_S``, as a
government site's server does; the crawls keep leadwatch's default politeness ([crawl]
download_delay 1 s, AutoThrottle, two requests at a time per site), so one crawl is
mostly waiting. A real PostgreSQL (started in a temp dir, as the tests do) holds the
store and the queue; the workers' tick defers every source at once (each is due), and
the wall time runs from the workers' start to the last completed run. PostgreSQL's
load is read from pg_stat_database (transactions, rows) and sampled from
pg_stat_activity (sessions) during each run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))

SOURCES = 40
ARTICLES = 3  # per source: robots.txt, one list page, three articles
SITE_DELAY_S = 1.0
WORKER_COUNTS = (1, 4)


def write_config(directory: Path, url: str, sites: list[tuple[str, str]], extra: str = "") -> Path:
    """leadwatch.toml and sources.toml in ``directory``: one source ``siteN`` per
    (origin, start path) of ``sites``, the store at ``url``, ``extra`` TOML appended."""
    sources = "".join(
        f'[[sources]]\nname = "site{i}"\nkind = "municipal"\nverified = true\nstart_urls = ["{base}{start}"]\n\n'
        for i, (base, start) in enumerate(sites)
    )
    (directory / "sources.toml").write_text(sources, encoding="utf-8")
    config = directory / "leadwatch.toml"
    config.write_text(
        f"""[leadwatch]
database_url = "{url}"
sources = "sources.toml"
taxonomy = "{(ROOT / "config" / "taxonomy.toml").as_posix()}"

[schedule]
tick_s = 1
crawl_every_minutes = 600
crawl_jitter_s = 0

[workers]
heartbeat_s = 2
stalled_after_s = 10
{extra}""",
        encoding="utf-8",
    )
    return config


def _stats(engine: object) -> dict[str, float]:
    with engine.connect() as conn:  # type: ignore[attr-defined]
        row = conn.execute(
            text(
                "SELECT xact_commit + xact_rollback, tup_inserted + tup_updated + tup_deleted, "
                "tup_fetched FROM pg_stat_database WHERE datname = current_database()"
            )
        ).one()
    return {"xacts": row[0], "writes": row[1], "reads": row[2]}


class SessionSampler(threading.Thread):
    """Samples pg_stat_activity twice a second: the most sessions seen at once."""

    def __init__(self, url: str):
        super().__init__(daemon=True)
        self.engine = create_engine(url)
        self.most = self.active = 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.wait(0.5):
            with self.engine.connect() as conn:
                total, active = conn.execute(
                    text(
                        "SELECT count(*), count(*) FILTER (WHERE state = 'active') "
                        "FROM pg_stat_activity WHERE datname = current_database()"
                    )
                ).one()
            self.most, self.active = max(self.most, total), max(self.active, active)


def _run(workers: int, url: str, directory: Path, sites: list[tuple[str, str]]) -> dict:
    from crawler.store import Database

    config = write_config(directory, url, sites)
    Database(url).close()  # migrated, the queue's tables made (revision 0009)
    engine = create_engine(url)
    done = text("SELECT count(*) FROM crawl_runs WHERE status = 'completed'")
    before = _stats(engine)
    sampler = SessionSampler(url)
    sampler.start()
    env = {k: v for k, v in os.environ.items() if k != "LEADWATCH_DATABASE_URL"}
    started = time.perf_counter()
    procs = []
    with ExitStack() as stack:
        for i in range(workers):
            log = stack.enter_context((directory / f"worker{i}.log").open("wb"))
            procs.append(
                subprocess.Popen(
                    [sys.executable, "-m", "crawler.cli", "--config", str(config), "worker"],
                    cwd=directory,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
        try:
            while True:
                with engine.connect() as conn:
                    if conn.execute(done).scalar() >= SOURCES:
                        break
                if any(p.poll() is not None for p in procs):
                    raise RuntimeError(f"a worker exited; see {directory}/worker*.log")
                time.sleep(0.2)
            wall = time.perf_counter() - started
        finally:
            for p in procs:
                p.terminate()
            for p in procs:
                p.wait(timeout=120)
    sampler.stop.set()
    sampler.join()
    after = _stats(engine)
    with engine.connect() as conn:
        articles = conn.execute(text("SELECT count(*) FROM articles")).scalar()
        failed = conn.execute(
            text("SELECT count(*) FROM crawl_runs WHERE status <> 'completed'")
        ).scalar()
    engine.dispose()
    delta = {k: after[k] - before[k] for k in after}
    return {
        "workers": workers,
        "wall": wall,
        "articles": articles,
        "failed": failed,
        "xacts_per_s": delta["xacts"] / wall,
        "writes": delta["writes"],
        "reads": delta["reads"],
        "sessions": sampler.most,
        "active": sampler.active,
    }


def main() -> None:
    from benchmarks.fleetsite import generate_columns
    from benchmarks.siteserver import MemorySite

    try:
        from tests.helpers.postgres import running_postgres
    except ImportError as exc:  # pytest and psycopg come with the test extra
        print(f"skipped: {exc}")
        return
    tmp = Path(tempfile.mkdtemp(prefix="leadwatch-workers-bench-"))
    try:
        with ExitStack() as stack:
            try:
                server = stack.enter_context(running_postgres(("max_connections=200",)))
            except BaseException as exc:  # pytest's skip: no PostgreSQL server here
                print(f"skipped: {exc}")
                return
            sites = []
            for i in range(SOURCES):
                column = generate_columns(tmp / "sites" / str(i), 1, ARTICLES, seed=9000 + i)[0]
                site = stack.enter_context(MemorySite(tmp / "sites" / str(i), delay_s=SITE_DELAY_S))
                sites.append((site.url, column.start_path))
            results = []
            for workers in WORKER_COUNTS:
                directory = tmp / f"run{workers}"
                directory.mkdir()
                url = server.database(f"bench{workers}")
                results.append(_run(workers, url, directory, sites))
                print(_line(results[-1]), flush=True)
        one, four = results[0]["wall"], results[-1]["wall"]
        print(
            f"{SOURCES} sources, each its own site answering after {SITE_DELAY_S:g} s, "
            f"default politeness; {ARTICLES} articles a source"
        )
        print(
            f"  {WORKER_COUNTS[-1]} workers / 1 worker wall time: {four / one:.2f} (target <= 0.30)"
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _line(r: dict) -> str:
    return (
        f"  {r['workers']} worker(s): {r['wall']:6.1f} s wall, {r['articles']} articles, "
        f"{r['failed']} runs not completed; PostgreSQL: {r['xacts_per_s']:.0f} transactions/s, "
        f"{r['writes']} rows written, {r['reads']} rows read, "
        f"sessions at most {r['sessions']} ({r['active']} active at once)"
    )


if __name__ == "__main__":
    main()
