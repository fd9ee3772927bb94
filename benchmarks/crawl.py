"""End-to-end crawl throughput as a ratio to a links-only Scrapy crawl of the same site.

``python -m benchmarks crawl`` (or ``python -m benchmarks.crawl --help``) generates a
宜兴-style column of 2,000 articles (benchmarks.sitegen), serves it from memory on
127.0.0.1 (benchmarks.siteserver) and, interleaved, runs

* the baseline: plain Scrapy following list pages and fetching every article, nothing
  else (benchmarks.linkcrawl);
* leadwatch: ``crawler.crawl.crawl_source`` -> ``python -m crawler.crawl.job`` with
  everything on (fetch, extract, classify, store into a fresh SQLite file);
* for reference, the baseline again with the ``gc.freeze()`` that crawl_job does.

All use the same Scrapy settings and the same server. Throughput is pages / Scrapy's
``elapsed_time_seconds`` (spider opened -> closed, so leadwatch's wait for its last
stored batch counts); wall time including process start-up is printed beside it.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from benchmarks.sitegen import Site, generate
from benchmarks.siteserver import MemorySite
from crawler.config import load_config
from crawler.crawl import crawl_log_path, crawl_source
from crawler.store import Database

SOURCE = "bench-yixing"
TAXONOMY = Path(__file__).resolve().parents[1] / "config" / "taxonomy.toml"
ELAPSED = re.compile(r"'elapsed_time_seconds': ([0-9.]+)")


@dataclass
class Sample:
    pages: int
    elapsed_s: float
    wall_s: float

    @property
    def rate(self) -> float:
        return self.pages / self.elapsed_s


def write_instance(directory: Path, site_url: str, site: Site, concurrency: int) -> Path:
    """A leadwatch.toml + sources.toml for one crawl of the generated column."""
    directory.mkdir(parents=True)
    (directory / "sources.toml").write_text(
        f"""
[[sources]]
name = "{SOURCE}"
kind = "municipal"
start_urls = ["{site_url}{site.start_path}"]
max_pages = {site.list_pages}
download_delay = 0
""",
        encoding="utf-8",
    )
    config = directory / "leadwatch.toml"
    config.write_text(
        f"""
[leadwatch]
database_url = "sqlite:///{(directory / "bench.db").as_posix()}"
sources = "sources.toml"
taxonomy = "{TAXONOMY.as_posix()}"
data_dir = "{(directory / "data").as_posix()}"

[crawl]
download_delay = 0
autothrottle = false
concurrent_per_domain = {concurrency}
log_level = "INFO"
""",
        encoding="utf-8",
    )
    return config


def run_baseline(config: Path, *, gc_freeze: bool = False) -> Sample:
    """One links-only Scrapy crawl in a child process."""
    cmd = [sys.executable, "-m", "benchmarks.linkcrawl", str(config), SOURCE]
    start = time.perf_counter()
    proc = subprocess.run(cmd + ["--gc-freeze"] * gc_freeze, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"links-only crawl failed:\n{proc.stderr[-3000:]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    return Sample(result["pages"], result["elapsed_s"], wall)


def run_leadwatch(config_path: Path) -> Sample:
    """One full leadwatch crawl (fresh SQLite file) through crawl_source."""
    config = load_config(config_path)
    database = Database(config.database_url)
    start = time.perf_counter()
    outcome = crawl_source(config, database, SOURCE, timeout_s=600)
    wall = time.perf_counter() - start
    run = outcome.run
    if not outcome.ok or run is None:
        raise RuntimeError(f"leadwatch crawl failed: {outcome.summary()}")
    log = crawl_log_path(config, SOURCE, run.id).read_text(encoding="utf-8", errors="replace")
    match = ELAPSED.search(log)
    if match is None:
        raise RuntimeError(f"no elapsed_time_seconds in {crawl_log_path(config, SOURCE, run.id)}")
    database.close()
    return Sample(run.pages_fetched, float(match[1]), wall)


def describe(name: str, samples: list[Sample]) -> str:
    top = max(samples, key=lambda s: s.rate)
    rates = ", ".join(f"{s.rate:.0f}" for s in samples)
    return (
        f"{name:<24} best {top.rate:4.0f} pages/s, median {median(samples):4.0f} "
        f"(runs {rates}; wall {top.wall_s:.1f} s incl. start-up)"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.crawl")
    parser.add_argument("--articles", type=int, default=2000, help="article pages (default 2000)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each crawl (default 3)")
    parser.add_argument(
        "--concurrency", type=int, default=16, help="concurrent requests to the site (default 16)"
    )
    args = parser.parse_args(argv if argv is not None else [])
    crawls: dict[str, Callable[[Path], Sample]] = {
        "links-only Scrapy": run_baseline,
        "leadwatch end-to-end": run_leadwatch,
        "links-only + gc.freeze": lambda config: run_baseline(config, gc_freeze=True),
    }
    samples: dict[str, list[Sample]] = {name: [] for name in crawls}
    with tempfile.TemporaryDirectory(prefix="leadwatch-bench-") as tmp:
        site = generate(Path(tmp) / "site", articles=args.articles)
        print(
            f"site: {site.list_pages} list pages + {site.articles} articles, "
            f"concurrency {args.concurrency}, {os.cpu_count()} cores",
            flush=True,
        )
        with MemorySite(site.root) as server:
            for i in range(args.runs):  # interleaved, so drifting machine load hits all
                for n, (name, crawl) in enumerate(crawls.items()):
                    config = write_instance(
                        Path(tmp) / f"run{i}-{n}", server.url, site, args.concurrency
                    )
                    samples[name].append(crawl(config))
                rates = ", ".join(f"{name} {s[-1].rate:.0f}" for name, s in samples.items())
                print(f"  run {i + 1} (pages/s): {rates}", flush=True)
    for name, runs in samples.items():
        if any(s.pages != site.pages for s in runs):
            raise RuntimeError(f"{name} fetched {[s.pages for s in runs]}, not {site.pages} pages")
        print(describe(name, runs))
    base, ours, frozen = samples.values()
    print(
        f"ratio leadwatch / links-only Scrapy: {best(ours) / best(base):.2f} (best runs), "
        f"{median(ours) / median(base):.2f} (medians); wall clock incl. start-up "
        f"{min(s.wall_s for s in base) / min(s.wall_s for s in ours):.2f}  [target >= 0.8]"
    )
    print(
        f"for reference, leadwatch / links-only Scrapy with crawl_job's gc.freeze(): "
        f"{best(ours) / best(frozen):.2f} (best runs), {median(ours) / median(frozen):.2f} (medians)"
    )


def best(samples: list[Sample]) -> float:
    return max(s.rate for s in samples)


def median(samples: list[Sample]) -> float:
    return statistics.median(s.rate for s in samples)


if __name__ == "__main__":
    main(sys.argv[1:])
