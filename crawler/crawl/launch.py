"""Start crawls as subprocesses, one per source, and report on each.

A run row is written before its crawl process starts, with this process's id and host;
the crawl process takes it over (crawler.crawl.runs). Whatever ends the crawl, the row
does not stay ``running``: the crawl records its outcome, or this process does (exit
status, timeout, Ctrl-C, SIGTERM), or, when both were killed, the next crawl of the
source or the scheduler finds the process gone and closes it (crawler.crawl.liveness).

SIGTERM (and Ctrl-C) reach this process's :class:`Stopper`, which forwards SIGTERM to
every crawl process it started: each stops cleanly (Scrapy's graceful shutdown; pages in
hand are stored) within ``STOP_GRACE_S`` or is killed, and its run is recorded failed,
"stopped (SIGTERM)". No further crawl starts.
"""

from __future__ import annotations

import fcntl
import logging
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import FrameType

from crawler.config import Config
from crawler.crawl import forked
from crawler.crawl.childenv import child_environment
from crawler.crawl.liveness import close_dead_runs, this_host
from crawler.store import Database, repo
from crawler.store.models import CrawlRun
from crawler.timeutil import local

logger = logging.getLogger(__name__)

# A crawl process: forked from the fork server, or started afresh.
CrawlProcess = forked.ForkedJob | subprocess.Popen[bytes]

# How long a crawl process may take to stop cleanly once asked to before it is killed
# (Scrapy finishes the requests in progress; the worker stores the pages in hand).
STOP_GRACE_S = 60.0


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
            f"{self.source}: {state} — {_count(r.pages_fetched, 'page')}, "
            f"{_count(r.articles_fetched, 'article')} fetched, {r.articles_new} new, "
            f"{r.articles_updated} updated, {_count(r.errors, 'error')}"
        )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def crawl_log_path(config: Config, source: str, run_id: int) -> Path:
    """Where the child process's Scrapy log goes."""
    return config.data_dir / "logs" / f"crawl-{source}-{run_id}.log"


class CrawlInterrupted(KeyboardInterrupt):
    """Ctrl-C stopped a crawl; its run was recorded as failed."""

    def __init__(self, source: str, run_id: int):
        super().__init__(f"{source}: run {run_id} stopped and marked failed")
        self.source = source
        self.run_id = run_id


class Stopper:
    """Stops the crawl processes this process started, on request (a signal handler).

    Thread-safe: the scheduler runs crawls in threads, and only its main thread receives
    signals. Once asked, no new crawl starts.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._children: set[CrawlProcess] = set()
        self.signal: int | None = None

    @property
    def stopping(self) -> bool:
        return self.signal is not None

    def reason(self) -> str:
        name = signal.Signals(self.signal).name if self.signal else "stop"
        return f"stopped ({name})"

    def request_stop(self, signum: int = signal.SIGTERM) -> None:
        """Ask every running crawl process to stop (SIGTERM); start no new one."""
        with self._lock:
            if self.signal is None:
                self.signal = signum
            children = list(self._children)
        for child in children:
            _terminate(child)

    def handle(self, signum: int, _frame: FrameType | None) -> None:
        """A signal handler: :meth:`request_stop`."""
        self.request_stop(signum)

    @contextmanager
    def handling_signals(self) -> Iterator[Stopper]:
        """SIGTERM stops the crawls while in this block (signals reach the main thread
        only; elsewhere the block does nothing)."""
        if threading.current_thread() is not threading.main_thread():
            yield self
            return
        previous = signal.signal(signal.SIGTERM, self.handle)
        try:
            yield self
        finally:
            signal.signal(signal.SIGTERM, previous)

    @contextmanager
    def watching(self, child: CrawlProcess) -> Iterator[None]:
        with self._lock:
            self._children.add(child)
            stopping = self.stopping
        if stopping:  # asked while the process was starting
            _terminate(child)
        try:
            yield
        finally:
            with self._lock:
                self._children.discard(child)


def _terminate(child: CrawlProcess) -> None:
    with suppress(ProcessLookupError):
        child.send_signal(signal.SIGTERM)


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
    crawl has it, say why instead. Two crawls of one site would double the load on it.

    On PostgreSQL the claim is an advisory lock held by a session of this process
    (crawler.store.advisory): atomic across machines, and gone with the process or its
    machine; on SQLite (one machine) it is an flock. A run left ``running`` by a crawl
    process that is gone is closed as failed first."""
    if database.is_postgres:
        from crawler.store.advisory import advisory_lock

        if not locks.enter_context(advisory_lock(database, f"crawl:{name}")):
            return "being crawled already by another leadwatch process (this or another machine)"
        # Every crawl of it holds this lock while it runs: a run still 'running' is dead.
        close_dead_runs(database, name, claimed=True)
        return None
    if not locks.enter_context(source_lock(config, name)):
        return "being crawled already by another leadwatch process"
    close_dead_runs(database, name)
    # The lock covers this machine; a run row still 'running' covers a crawl process that
    # outlived its parent, or one that shares the database from elsewhere (judged by age).
    with database.session() as session:
        run = repo.last_run(session, name)
    if run is None or run.status != "running":
        return None
    limit = timedelta(seconds=config.crawl.crawl_timeout_s)
    checkable = run.pid is not None and run.host == this_host()
    if checkable or datetime.now(UTC) - run.started_at < limit:
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
    stopper: Stopper | None = None,
) -> CrawlOutcome:
    """Crawl one source in a child process; the run row survives a crash, a timeout,
    SIGTERM (through ``stopper``) and Ctrl-C (:class:`CrawlInterrupted`). A source
    another crawl holds is not crawled twice; ``claimed`` says the caller holds it
    already (see :func:`claim`).

    ``origin`` (scheme://host:port) replaces the origin of the source's start URLs."""
    config.source(name)  # unknown names fail here, listing the known ones
    stopper = stopper or Stopper()
    with ExitStack() as locks:
        busy = None if claimed else claim(config, database, name, locks)
        if busy:
            return CrawlOutcome(name, None, 1, busy=busy)
        if stopper.stopping:
            return CrawlOutcome(name, None, 1, busy=stopper.reason())
        outcome = _crawl(config, database, name, full, timeout_s, quiet, origin, stopper)
    _link_register(config, database, name)
    return outcome


def _link_register(config: Config, database: Database, name: str) -> None:
    """Put the crawl's new leads into events and projects. A failure here is logged and
    left to the next reader (digest, CLI, web view all link first): the crawl stands."""
    from crawler.register.steps import link

    try:
        link(config, database)
    except Exception:
        logger.exception("linking the leads of %s into the register failed", name)


def _crawl(
    config: Config,
    database: Database,
    name: str,
    full: bool,
    timeout_s: float | None,
    quiet: bool,
    origin: str | None,
    stopper: Stopper,
) -> CrawlOutcome:
    with database.session() as session:
        run_id = repo.start_run(session, name, pid=os.getpid(), host=this_host()).id
    args = [name, "--config", str(config.path), "--run-id", str(run_id)]
    args += (["--full"] if full else []) + (["--origin", origin] if origin else [])
    timeout = timeout_s or config.crawl.crawl_timeout_s
    log_path = crawl_log_path(config, name, run_id)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log_path.write_bytes(b"")
    proc = _start_job(config, args, log_path if quiet else None)
    with stopper.watching(proc):
        try:
            exit_code, message = _wait(proc, timeout, stopper)
        except KeyboardInterrupt:
            # Let the child stop the way Scrapy does on Ctrl-C, so it records what it
            # fetched; then the run must not stay 'running' (that would keep the
            # scheduler off the source).
            if not _terminal_sent_it():
                proc.send_signal(signal.SIGINT)
            _wait_stopped(proc)
            with database.session() as session:  # keeps the counters the child recorded
                repo.finish_run(session, run_id, "failed", {}, "interrupted (Ctrl-C)")
            raise CrawlInterrupted(name, run_id) from None
    stopped = stopper.stopping or exit_code in (-signal.SIGTERM, 128 + signal.SIGTERM)
    if stopped:
        message = stopper.reason() if stopper.stopping else "stopped (SIGTERM)"
    elif exit_code != 0:
        message += f"; log: {log_path}"
    with database.session() as session:
        run = session.get(CrawlRun, run_id)
        # A crawl that completed before the stop reached it keeps its outcome.
        if run is not None and (run.status == "running" or (stopped and run.status == "failed")):
            repo.finish_run(session, run_id, "failed", {}, message)
    with database.session() as session:
        run = session.get(CrawlRun, run_id)
    return CrawlOutcome(name, run, exit_code)


def _start_job(config: Config, args: list[str], log_path: Path | None) -> CrawlProcess:
    """The crawl process for ``args``: forked from this process's fork server (already
    imported, crawler.crawl.forked), or started afresh when that is switched off, not
    possible, or its output is to reach this process's terminal (``log_path`` None)."""
    if log_path is not None and forked.enabled():
        from crawler.crawl.context import article_worker_args  # Twisted: only to crawl

        try:
            taxonomy = article_worker_args(config)[0]  # what the job's worker will load
            return forked.start_job(args, env=child_environment(), log=log_path, taxonomy=taxonomy)
        except forked.ForkServerError as error:
            logger.warning("%s; starting the crawl process afresh", error)
    cmd = [sys.executable, "-m", "crawler.crawl.job", *args, "--parent", str(os.getpid())]
    output = None if log_path is None else log_path.open("ab")
    try:
        return subprocess.Popen(cmd, stdout=output, stderr=output, env=child_environment())
    finally:
        if output is not None:
            output.close()


def _wait(proc: CrawlProcess, timeout: float, stopper: Stopper) -> tuple[int, str]:
    """Wait for the crawl process: (exit status, what to record if it did not)."""
    deadline = datetime.now(UTC) + timedelta(seconds=timeout)
    while True:
        left = (deadline - datetime.now(UTC)).total_seconds()
        if stopper.stopping:
            return _wait_stopped(proc), stopper.reason()
        try:
            # Short waits: a SIGTERM handled meanwhile is noticed within a second.
            code = proc.wait(timeout=max(0.0, min(left, 1.0)))
            return code, f"crawl process exited with {code}"
        except subprocess.TimeoutExpired:
            if left <= 0:
                _terminate(proc)
                _wait_stopped(proc)
                return 124, f"crawl timed out after {timeout:.0f} s"


def _wait_stopped(proc: CrawlProcess) -> int:
    """Wait up to STOP_GRACE_S for a crawl process asked to stop, then kill it."""
    try:
        return proc.wait(timeout=STOP_GRACE_S)
    except (subprocess.TimeoutExpired, KeyboardInterrupt):
        proc.kill()
        return proc.wait()


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
    stopper: Stopper | None = None,
) -> list[CrawlOutcome]:
    """Crawl ``names`` one after the other (Scrapy is one core; two would contend).
    Once ``stopper`` is asked to stop, the remaining sources are not started."""
    for name in names:
        config.source(name)
    stopper = stopper or Stopper()
    outcomes = []
    for name in names:
        if stopper.stopping:
            break
        outcome = crawl_source(
            config,
            database,
            name,
            full=full,
            quiet=quiet,
            origin=origin,
            claimed=claimed,
            stopper=stopper,
        )
        outcomes.append(outcome)
        if on_done:
            on_done(outcome)
    return outcomes
