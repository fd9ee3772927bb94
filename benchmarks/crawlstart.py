"""What a crawl costs to start: crawl jobs forked from the fork server vs started afresh.

Twenty small columns (benchmarks.fleetsite, five articles each, served from memory on
127.0.0.1 with no delay) are crawled one after another by one launcher process, once
with ``LEADWATCH_FORKSERVER=1`` (the default: each crawl job is a fork of a process that
has imported Scrapy and the article worker's code, crawler.crawl.forkserver) and once
with ``LEADWATCH_FORKSERVER=0`` (each crawl job and its article worker start a new
interpreter, as before). The figure is the CPU time of the launcher's children (every
crawl job, article worker and the fork server itself), per crawl; the baseline is the
fresh start. Each variant runs in a launcher process of its own, so nothing of one
(imports, caches) helps the other.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))

from benchmarks.fleetsite import Column, generate_columns  # noqa: E402
from benchmarks.siteserver import MemorySite  # noqa: E402
from benchmarks.workers import write_config  # noqa: E402

SOURCES = 20
ARTICLES = 5
NO_DELAYS = "\n[crawl]\ndownload_delay = 0\nautothrottle = false\n"

# The launcher: crawl every source in turn, then print the children's CPU seconds.
LAUNCHER = textwrap.dedent(
    """
    import resource, sys, time
    from crawler.config import load_config
    from crawler.crawl import forked
    from crawler.crawl.launch import crawl_source
    from crawler.store import Database

    config = load_config(sys.argv[1])
    database = Database(config.database_url)
    started = time.monotonic()
    for source in [s for s in config.sources if s.name.startswith("site")]:
        outcome = crawl_source(config, database, source.name, full=True)
        assert outcome.ok, outcome.summary()
    forked._close_server()  # reaped: its CPU and its jobs' count as children's
    wall = time.monotonic() - started
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(used.ru_utime + used.ru_stime, wall)
    """
)


def _instance(directory: Path, base_url: str, columns: list[Column]) -> Path:
    """An instance of SQLite and one source per column, crawled without delays."""
    directory.mkdir(parents=True)
    sites = [(base_url, column.start_path) for column in columns]
    return write_config(directory, "sqlite:///data/bench.db", sites, NO_DELAYS)


def _run(config: Path, forkserver: str) -> tuple[float, float]:
    env = {**os.environ, "LEADWATCH_FORKSERVER": forkserver}
    env.pop("LEADWATCH_DATABASE_URL", None)
    out = subprocess.run(
        [sys.executable, "-c", LAUNCHER, str(config)],
        cwd=config.parent,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise SystemExit(f"the launcher failed:\n{out.stderr[-3000:]}")
    cpu, wall = out.stdout.split()
    return float(cpu), float(wall)


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="leadwatch-crawlstart-") as tmp:
        root = Path(tmp)
        columns = generate_columns(root / "site", SOURCES, ARTICLES)
        with MemorySite(root / "site") as site:
            fresh_cpu, fresh_wall = _run(_instance(root / "fresh", site.url, columns), "0")
            forked_cpu, forked_wall = _run(_instance(root / "forked", site.url, columns), "1")
    print(f"{SOURCES} crawls of {ARTICLES}-article columns, one after another, one launcher")
    print(f"  started afresh (baseline): {fresh_cpu / SOURCES:.2f} s CPU per crawl, "
          f"{fresh_wall:.1f} s wall")  # fmt: skip
    print(f"  forked from the server:    {forked_cpu / SOURCES:.2f} s CPU per crawl, "
          f"{forked_wall:.1f} s wall (server start-up included)")  # fmt: skip
    print(f"  CPU ratio forked/fresh: {forked_cpu / fresh_cpu:.2f}; "
          f"wall ratio: {forked_wall / fresh_wall:.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
