"""Peak memory of a large crawl, per process, beside a links-only Scrapy crawl.

``python -m benchmarks memory`` (or ``python -m benchmarks.memory --help``) generates a
宜兴-style column of 10,001 pages (benchmarks.sitegen: 477 list pages, 9,524 articles),
serves it from memory on 127.0.0.1 (benchmarks.siteserver) and crawls it

* with leadwatch end to end (``crawler.crawl.crawl_source``: the crawl job fetches,
  the article worker extracts, classifies and stores into a fresh SQLite file), and
* with the baseline: plain Scrapy following the same links with the same settings,
  nothing else (benchmarks.linkcrawl).

Each process reads its own peak resident set as it ends (VmHWM, kept by the kernel, not
sampled; crawler.crawl.budget.peak_rss_kb): the crawl job and the article worker put
theirs in the crawl's stats (``memory/crawl_peak_rss_kb``,
``memory/worker_peak_rss_kb``), the baseline prints it. The target is at most 250 MB per
process.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.crawl import SOURCE, write_instance
from benchmarks.sitegen import generate
from benchmarks.siteserver import MemorySite
from crawler.config import load_config
from crawler.crawl import crawl_log_path, crawl_source
from crawler.store import Database

LIMIT_MB = 250
STAT = re.compile(r"'memory/(crawl|worker)_peak_rss_kb': (\d+)")


def leadwatch_peaks(config_path: Path) -> tuple[int, float, float]:
    """(pages, crawl job MB, article worker MB) of one leadwatch crawl."""
    config = load_config(config_path)
    database = Database(config.database_url)
    outcome = crawl_source(config, database, SOURCE, timeout_s=3600)
    database.close()
    if not outcome.ok or outcome.run is None:
        raise RuntimeError(f"leadwatch crawl failed: {outcome.summary()}")
    log = crawl_log_path(config, SOURCE, outcome.run.id).read_text("utf-8", errors="replace")
    peaks = {name: int(kb) / 1024 for name, kb in STAT.findall(log)}
    return outcome.run.pages_fetched, peaks["crawl"], peaks["worker"]


def baseline_peak(config_path: Path) -> tuple[int, float]:
    """(pages, MB) of one links-only Scrapy crawl."""
    cmd = [sys.executable, "-m", "benchmarks.linkcrawl", str(config_path), SOURCE]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"links-only crawl failed:\n{proc.stderr[-3000:]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    return result["pages"], result["peak_rss_kb"] / 1024


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.memory")
    parser.add_argument("--articles", type=int, default=9524, help="articles (default 9524)")
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args(argv if argv is not None else [])
    with tempfile.TemporaryDirectory(prefix="leadwatch-bench-mem-") as tmp:
        site = generate(Path(tmp) / "site", articles=args.articles)
        print(f"site: {site.list_pages} list pages + {site.articles} articles", flush=True)
        with MemorySite(site.root) as server:
            base_config = write_instance(Path(tmp) / "base", server.url, site, args.concurrency)
            base_pages, base_mb = baseline_peak(base_config)
            ours_config = write_instance(Path(tmp) / "ours", server.url, site, args.concurrency)
            pages, crawl_mb, worker_mb = leadwatch_peaks(ours_config)
    for name, fetched in (("links-only Scrapy", base_pages), ("leadwatch", pages)):
        if fetched != site.pages:
            raise RuntimeError(f"{name} fetched {fetched} pages, not {site.pages}")
    print(f"peak RSS, links-only Scrapy (baseline):  {base_mb:6.1f} MB")
    print(f"peak RSS, leadwatch crawl job:           {crawl_mb:6.1f} MB  [target <= {LIMIT_MB}]")
    print(f"peak RSS, leadwatch article worker:      {worker_mb:6.1f} MB  [target <= {LIMIT_MB}]")
    print(
        f"crawl job / baseline: {crawl_mb / base_mb:.2f}; "
        f"{'within' if max(crawl_mb, worker_mb) <= LIMIT_MB else 'OVER'} {LIMIT_MB} MB per process"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
