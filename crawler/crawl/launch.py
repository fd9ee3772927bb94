"""Start crawls as subprocesses, one per source, and report on each."""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from crawler.config import Config
from crawler.store import Database, repo
from crawler.store.models import CrawlRun
from crawler.timeutil import local


@dataclass
class CrawlOutcome:
    source: str
    run: CrawlRun | None
    exit_code: int
    busy: str | None = None  # why the crawl did not start: another crawl of the source

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and self.run is not None and self.run.status == "completed"

    def summary(self) -> str:
        """One line for the end-of-crawl report."""
        r = self.run
        if self.busy:
            return f"{self.source}: not started — {self.busy}"
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


class CrawlInterrupted(KeyboardInterrupt):
    """Ctrl-C stopped a crawl; its run was recorded as failed."""

    def __init__(self, source: str, run_id: int):
        super().__init__(f"{source}: run {run_id} stopped and marked failed")
        self.source = source
        self.run_id = run_id


@contextmanager
def source_lock(config: Config, name: str) -> Iterator[bool]:
    """Hold this process's claim on crawling ``name`` (an flock in data/locks/, released
    however the process ends); yields False when another process holds it."""
    directory = config.data_dir / "locks"
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / f"crawl-{name}.lock").open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True


def claim(config: Config, database: Database, name: str, locks: ExitStack) -> str | None:
    """Claim ``name`` for a crawl by this process until ``locks`` closes; if another
    crawl has it, say why instead. Two crawls of one site would double the load on it."""
    if not locks.enter_context(source_lock(config, name)):
        return "being crawled already by another leadwatch process"
    # The lock covers this machine; a run row still 'running' within the crawl timeout
    # covers a process that shares the database from elsewhere.
    with database.session() as session:
        run = repo.last_run(session, name)
    limit = timedelta(seconds=config.crawl.crawl_timeout_s)
    if run and run.status == "running" and datetime.now(UTC) - run.started_at < limit:
        return f"being crawled already (run {run.id}, started {local(run.started_at)})"
    return None


def crawl_source(
    config: Config,
    database: Database,
    name: str,
    *,
    full: bool = False,
    timeout_s: float | None = None,
    quiet: bool = True,
    origin: str | None = None,
    claimed: bool = False,
) -> CrawlOutcome:
    """Crawl one source in a child process; the run row survives a crash, a timeout
    and Ctrl-C (:class:`CrawlInterrupted`). A source another crawl holds is not crawled
    twice; ``claimed`` says the caller holds it already (see :func:`claim`).

    ``origin`` (scheme://host:port) replaces the origin of the source's start URLs."""
    config.source(name)  # unknown names fail here, listing the known ones
    with ExitStack() as locks:
        busy = None if claimed else claim(config, database, name, locks)
        if busy:
            return CrawlOutcome(name, None, 1, busy=busy)
        return _crawl(config, database, name, full, timeout_s, quiet, origin)


def _crawl(
    config: Config,
    database: Database,
    name: str,
    full: bool,
    timeout_s: float | None,
    quiet: bool,
    origin: str | None,
) -> CrawlOutcome:
    with database.session() as session:
        run_id = repo.start_run(session, name).id
    cmd = [sys.executable, "-m", "crawler.crawl.job", name, "--config", str(config.path)]
    cmd += ["--run-id", str(run_id)] + (["--full"] if full else [])
    cmd += ["--origin", origin] if origin else []
    timeout = timeout_s or config.crawl.crawl_timeout_s
    log_path = crawl_log_path(config, name, run_id)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("wb") as log:
        output = log if quiet else None
        proc = subprocess.Popen(cmd, stdout=output, stderr=output)
        try:
            proc.wait(timeout=timeout)
            exit_code, message = proc.returncode, f"crawl process exited with {proc.returncode}"
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            exit_code, message = 124, f"crawl timed out after {timeout:.0f} s"
        except KeyboardInterrupt:
            # Let the child stop the way Scrapy does on Ctrl-C, so it records what it
            # fetched; then the run must not stay 'running' (that would keep the
            # scheduler off the source until the crawl timeout).
            _stop_gracefully(proc)
            with database.session() as session:  # keeps the counters the child recorded
                repo.finish_run(session, run_id, "failed", {}, "interrupted (Ctrl-C)")
            raise CrawlInterrupted(name, run_id) from None
    if exit_code != 0:
        message += f"; log: {log_path}"
    with database.session() as session:
        run = session.get(CrawlRun, run_id)
        if run is not None and run.status == "running":
            repo.finish_run(session, run_id, "failed", {}, message)
    with database.session() as session:
        run = session.get(CrawlRun, run_id)
    return CrawlOutcome(name, run, exit_code)


# How long a crawl child may take to close after Ctrl-C (finish its in-flight requests,
# store its last batch, record its counters) before it is killed.
STOP_GRACE_S = 30.0


def _stop_gracefully(proc: subprocess.Popen[bytes]) -> None:
    """Stop the crawl child as Ctrl-C stops Scrapy: it closes cleanly and records its
    counters. A second Ctrl-C here, or the grace running out, kills it."""
    try:
        if not _terminal_sent_it():
            proc.send_signal(signal.SIGINT)
        proc.wait(timeout=STOP_GRACE_S)
    except (subprocess.TimeoutExpired, KeyboardInterrupt):
        proc.kill()
        proc.wait()


def _terminal_sent_it() -> bool:
    """True when the Ctrl-C came from our terminal: it went to the whole foreground
    process group, the child included, and a second one would make Scrapy stop at once
    without recording. A signal sent to this process alone (`kill -INT PID`) did not."""
    try:
        return os.tcgetpgrp(sys.stdin.fileno()) == os.getpgrp()
    except (OSError, ValueError, AttributeError):
        return False


def crawl_sources(
    config: Config,
    database: Database,
    names: list[str],
    *,
    full: bool = False,
    quiet: bool = True,
    origin: str | None = None,
    on_done: Callable[[CrawlOutcome], None] | None = None,
    claimed: bool = False,
) -> list[CrawlOutcome]:
    """Crawl ``names`` one after the other (Scrapy is one core; two would contend)."""
    for name in names:
        config.source(name)
    outcomes = []
    for name in names:
        outcome = crawl_source(
            config, database, name, full=full, quiet=quiet, origin=origin, claimed=claimed
        )
        outcomes.append(outcome)
        if on_done:
            on_done(outcome)
    return outcomes
