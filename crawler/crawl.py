"""Start crawls as subprocesses, one per source, and report on each."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from crawler.config import Config
from crawler.store import Database, repo
from crawler.store.models import CrawlRun


@dataclass
class CrawlOutcome:
    source: str
    run: CrawlRun | None
    exit_code: int

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and self.run is not None and self.run.status == "completed"

    def summary(self) -> str:
        """One line for the end-of-crawl report."""
        r = self.run
        if r is None:
            return f"{self.source}: no run recorded (exit {self.exit_code})"
        state = "ok" if self.ok else f"FAILED ({r.message or 'exit ' + str(self.exit_code)})"
        return (
            f"{self.source}: {state} — {r.pages_fetched} pages, {r.articles_fetched} articles fetched, "
            f"{r.articles_new} new, {r.articles_updated} updated, {r.errors} errors"
        )


def crawl_log_path(config: Config, source: str, run_id: int) -> Path:
    """Where the child process's Scrapy log goes."""
    return config.data_dir / "logs" / f"crawl-{source}-{run_id}.log"


def crawl_source(
    config: Config,
    database: Database,
    name: str,
    *,
    full: bool = False,
    timeout_s: float | None = None,
    quiet: bool = True,
    origin: str | None = None,
) -> CrawlOutcome:
    """Crawl one source in a child process; the run row survives a crash or timeout.

    ``origin`` (scheme://host:port) replaces the origin of the source's start URLs."""
    config.source(name)  # unknown names fail here, listing the known ones
    with database.session() as session:
        run_id = repo.start_run(session, name).id
    cmd = [sys.executable, "-m", "crawler.crawl_job", name, "--config", str(config.path)]
    cmd += ["--run-id", str(run_id)] + (["--full"] if full else [])
    cmd += ["--origin", origin] if origin else []
    timeout = timeout_s or config.crawl.crawl_timeout_s
    log_path = crawl_log_path(config, name, run_id)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("wb") as log:
        output = log if quiet else None
        try:
            proc = subprocess.run(cmd, stdout=output, stderr=output, timeout=timeout, check=False)
            exit_code, message = proc.returncode, f"crawl process exited with {proc.returncode}"
        except subprocess.TimeoutExpired:
            exit_code, message = 124, f"crawl timed out after {timeout:.0f} s"
    if exit_code != 0:
        message += f"; log: {log_path}"
    with database.session() as session:
        run = session.get(CrawlRun, run_id)
        if run is not None and run.status == "running":
            repo.finish_run(session, run_id, "failed", {}, message)
    with database.session() as session:
        run = session.get(CrawlRun, run_id)
    return CrawlOutcome(name, run, exit_code)


def crawl_sources(
    config: Config,
    database: Database,
    names: list[str],
    *,
    full: bool = False,
    quiet: bool = True,
    origin: str | None = None,
    on_done: Callable[[CrawlOutcome], None] | None = None,
) -> list[CrawlOutcome]:
    """Crawl ``names`` one after the other (Scrapy is one core; two would contend)."""
    for name in names:
        config.source(name)
    outcomes = []
    for name in names:
        outcome = crawl_source(config, database, name, full=full, quiet=quiet, origin=origin)
        outcomes.append(outcome)
        if on_done:
            on_done(outcome)
    return outcomes
