"""A process that has imported the crawl once and forks a crawl job per request.

``python -m crawler.crawl.forkserver`` is started by whatever launches crawls
(:mod:`crawler.crawl.forked`, used by :func:`crawler.crawl.launch.crawl_source`). It
imports Scrapy, the crawl's own modules and Scrapy's default components, the article
worker's modules and jieba's dictionary, and then waits. Each crawl is a ``fork()`` of
it running :func:`crawler.crawl.job.main`: the ~2 s of CPU a crawl spent importing and
loading before it fetched anything (two fresh interpreters: the job and its article
worker) is spent once per launcher instead of once per crawl. Under many short crawls on
few cores (a worker fleet, the test suite) that CPU was most of the cost.

Why not :mod:`multiprocessing`'s forkserver: it starts its server with the launcher's
whole environment (the SMTP password included, which no process reading pages from the
internet may hold, see :mod:`crawler.crawl.childenv`), and its children would run the
launcher's ``__main__`` again. This one is started with the scrubbed environment and
runs nothing but the crawl.

Protocol, :mod:`crawler.crawl.frames` on stdin and stdout (stderr is the launcher's):

- request ``("start", StartRequest)``: fork a crawl job; reply ``("started", pid)`` or
  ``("failed", message)``;
- whenever a job ends: ``("exited", pid, status)``, ``status`` as
  :attr:`subprocess.Popen.returncode` gives it (``-N``: ended by signal N).

The server ends when its stdin closes (its launcher ended, however): its running jobs
see their parent gone and stop cleanly (``crawl.job --parent``).
"""

from __future__ import annotations

import signal

# A Ctrl-C or SIGTERM to the launcher's process group is for the launcher to act on (it
# stops its crawls); this process ends when the launcher closes its stdin.
if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)

import gc  # noqa: E402 - after the signal handlers, on purpose
import os  # noqa: E402
import selectors  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402
from collections.abc import Callable, Mapping  # noqa: E402
from contextlib import suppress  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from typing import Any, NoReturn  # noqa: E402

from crawler.crawl import frames  # noqa: E402

STOP_SIGNALS = {signal.SIGTERM, signal.SIGINT}


@dataclass(frozen=True)
class StartRequest:
    """One crawl job to fork: its arguments, environment, directory and log file."""

    argv: list[str]  # crawler.crawl.job's arguments
    env: dict[str, str]
    cwd: str
    log: str | None  # stdout and stderr are appended here; None: /dev/null
    title: str  # the process title (`ps`, /proc/PID/cmdline): the command it stands for
    taxonomy: str | None = None  # the article worker's taxonomy argument, loaded ahead


def preload() -> None:
    """Import everything a crawl job and its article worker would import; never install
    Twisted's reactor (the job installs its own)."""
    from scrapy.utils.misc import load_object

    import crawler.crawl.job  # noqa: F401 - Scrapy, SQLAlchemy, the config, the spiders
    import crawler.crawl.worker  # noqa: F401 - extraction, the classifier, the store
    from crawler.crawl.job import scrapy_settings_defaults

    for path in _component_paths(scrapy_settings_defaults()):
        try:
            load_object(path)
        except Exception:  # noqa: BLE001, S112 - optional parts (e.g. brotli) may be absent
            continue
    _prepare_store()
    if "twisted.internet.reactor" in sys.modules:
        raise RuntimeError("preloading installed a Twisted reactor; a crawl installs its own")


def _prepare_store() -> None:
    """Import both database dialects and configure the ORM's mappers once: done in each
    job instead, configuring the mappers alone cost ~70 ms of CPU per crawl."""
    import importlib

    from sqlalchemy.orm import configure_mappers

    import crawler.store.models  # noqa: F401 - every mapped class, Alembic's metadata

    for module in ("sqlalchemy.dialects.sqlite", "sqlalchemy.dialects.postgresql", "psycopg"):
        with suppress(ImportError):  # psycopg: the postgres extra only
            importlib.import_module(module)
    configure_mappers()


def _component_paths(settings: Any) -> set[str]:
    """The dotted paths of every class Scrapy's settings name: the component tables
    (each merged with its ``*_BASE`` table as Scrapy merges them, so an entry switched
    off with None is left out), handlers, single classes."""
    from scrapy.settings import BaseSettings

    paths: set[str] = set()
    for name, value in settings.items():
        if name.endswith("_BASE") and name.removesuffix("_BASE") in settings:
            continue  # merged into its table below
        if isinstance(value, BaseSettings | dict):
            table = settings.getwithbase(name) if f"{name}_BASE" in settings else value
            for key, item in dict(table).items():
                if item is not None:
                    paths.update(x for x in (key, item) if isinstance(x, str))
        elif isinstance(value, str):
            paths.add(value)
    return {p for p in paths if p.startswith(("scrapy.", "crawler.")) and "." in p[7:]}


class ClassifierWarmer:
    """Loads each taxonomy's jieba dictionary once, before the forks that need it (a
    fraction of a second per crawl otherwise: a classifier is built per article worker)."""

    def __init__(self) -> None:
        self.seen: set[tuple[str, tuple[int, ...]]] = set()

    def warm(self, taxonomy: str | None) -> None:
        if not taxonomy:
            return
        files = taxonomy.split(os.pathsep)
        try:
            key = (taxonomy, tuple(os.stat(f).st_mtime_ns for f in files))
        except OSError:
            return  # the job says what is wrong with it
        if key in self.seen:
            return
        from classifiers import Classifier, load_taxonomy

        try:
            Classifier(load_taxonomy(*files))  # its dictionary stays loaded (memoised)
        except Exception:  # noqa: BLE001 - the job reports a broken taxonomy itself
            return
        self.seen.add(key)


def run_child(request: StartRequest, closing: list[int]) -> int:
    """In the forked child: become the crawl job of ``request``; its exit status."""
    for fd in closing:
        os.close(fd)
    signal.set_wakeup_fd(-1)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    become(request.title, request.env)
    os.chdir(request.cwd)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    out = os.open(request.log or os.devnull, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    os.dup2(out, 1)
    os.dup2(out, 2)
    os.close(out)
    from crawler.crawl import job

    # As if started by `python -m`: a signal before the crawl is set up just ends it.
    signal.signal(signal.SIGTERM, job.stop_now)
    signal.signal(signal.SIGINT, job.stop_now)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
    sys.argv = ["crawler.crawl.job", *request.argv]
    return job.main(request.argv)


def become(title: str, env: Mapping[str, str]) -> None:
    """In a fresh fork: take ``title`` and ``env`` as a new process would have them."""
    set_title(title)  # before the environment changes: it finds argv through it
    os.environ.clear()
    os.environ.update(env)
    time.tzset()
    tempfile.tempdir = None  # gettempdir() asks the new environment again


def set_title(title: str) -> None:
    """What `ps` and /proc/PID/cmdline show for this process."""
    try:
        from setproctitle import setproctitle
    except ImportError:  # pragma: no cover - a dependency; the title is only cosmetic
        return
    setproctitle(title)


def fork_job(request: StartRequest, closing: list[int]) -> int:
    """Fork; the child runs the job and never returns. The child's pid."""
    sys.stdout.flush()
    sys.stderr.flush()
    # This process ignores SIGTERM and SIGINT; a job must not, from its first instant. A
    # blocked signal stays pending (Linux never discards a blocked one) until the child
    # has its handlers.
    signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    pid = os.fork()
    if pid:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
        return pid
    exit_after(lambda: run_child(request, closing))


def exit_after(run: Callable[[], int]) -> NoReturn:
    """In a fork: ``run()``, then end the process with its status (a SystemExit's code;
    1 with the traceback on stderr for anything else), never returning into the
    parent's code and never running its clean-up (``os._exit``)."""
    status = 1
    try:
        status = run()
    except SystemExit as stop:
        status = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    except BaseException:  # noqa: BLE001 - whatever it was, this child must end here
        traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(status)


class Server:
    """The request loop: forks jobs, reports their ends, stops them when it ends."""

    def __init__(self) -> None:
        self.requests, self.replies = sys.stdin.buffer.raw, sys.stdout.buffer
        self.wake_r, self.wake_w = os.pipe()
        for fd in (self.wake_r, self.wake_w):
            os.set_blocking(fd, False)
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.requests, selectors.EVENT_READ)
        self.selector.register(self.wake_r, selectors.EVENT_READ)
        self.decoder = frames.Decoder()
        self.warmer = ClassifierWarmer()
        self.jobs: set[int] = set()  # forked and not reaped yet
        # what a job must not keep of this process
        self.closing = [self.wake_r, self.wake_w, self.selector.fileno()]

    def reply(self, message: Any) -> None:
        self.replies.write(frames.pack(message))
        self.replies.flush()

    def serve(self) -> None:
        """Read start requests until stdin closes (or the launcher stops reading)."""
        signal.set_wakeup_fd(self.wake_w)
        signal.signal(signal.SIGCHLD, lambda *_: None)  # wakes the selector via wake_w
        while True:
            for key, _ in self.selector.select():
                if key.fileobj == self.wake_r:
                    self.reap()
                    continue
                data = os.read(self.requests.fileno(), 65536)
                if not data:
                    return
                for kind, request in self.decoder.feed(data):
                    self.start(kind, request)

    def start(self, kind: str, request: StartRequest) -> None:
        if kind != "start":
            self.reply(("failed", f"unknown request {kind!r}"))
            return
        self.warmer.warm(request.taxonomy)
        try:
            pid = fork_job(request, self.closing)
        except OSError as error:
            self.reply(("failed", f"could not fork a crawl job: {error}"))
            return
        self.jobs.add(pid)
        self.reply(("started", pid))

    def reap(self) -> None:
        """Report every job that ended."""
        with suppress(BlockingIOError):
            while os.read(self.wake_r, 512):
                pass
        while True:
            try:
                pid, wait_status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            self.jobs.discard(pid)
            self.reply(("exited", pid, os.waitstatus_to_exitcode(wait_status)))

    def stop_jobs(self) -> None:
        """The launcher is gone: ask each running job to stop cleanly now (each also
        stops by itself on seeing this process gone, a moment later)."""
        for pid in self.jobs:
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)


def main() -> None:
    """Preload, then serve until the launcher is gone; never returns."""
    preload()
    # What was imported lives as long as this process and its children: frozen, the
    # collector's full passes skip it (and do not touch the children's shared pages).
    gc.freeze()
    server = Server()
    with suppress(BrokenPipeError):  # the launcher is gone
        server.serve()
    server.stop_jobs()
    # Nothing to clean up; a full interpreter shutdown would only delay the jobs' stop.
    os._exit(0)


if __name__ == "__main__":
    main()
