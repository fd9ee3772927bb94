"""Crawl jobs forked from a pre-imported server (:mod:`crawler.crawl.forkserver`).

:func:`start_job` is what :mod:`crawler.crawl.launch` calls instead of starting
``python -m crawler.crawl.job`` afresh. The server is started the first time a process
launches a crawl and lives as long as that process (a `leadwatch crawl` of many sources,
a scheduler, a worker); its jobs are handed back as :class:`ForkedJob`, which waits,
signals and kills like the :class:`subprocess.Popen` it replaces.

``LEADWATCH_FORKSERVER=0`` in the launcher's environment starts every job afresh
instead (the way to rule the server out when chasing a problem).
"""

from __future__ import annotations

import atexit
import logging
import os
import queue
import select
import signal
import subprocess
import sys
import threading
from contextlib import suppress
from pathlib import Path

from crawler.crawl import frames
from crawler.crawl.childenv import child_environment
from crawler.crawl.forkserver import StartRequest

logger = logging.getLogger(__name__)

SWITCH_ENV = "LEADWATCH_FORKSERVER"
JOB_MODULE = "crawler.crawl.job"
START_TIMEOUT_S = 120.0  # the server's imports, on a loaded machine


class ForkServerError(RuntimeError):
    """The fork server could not start a job."""


class ForkedJob:
    """A crawl job forked by the server: the part of :class:`subprocess.Popen` that
    :mod:`crawler.crawl.launch` uses (``pid``, ``wait``, ``send_signal``, ``kill``,
    ``returncode``)."""

    def __init__(self, pid: int, args: list[str]):
        self.pid = pid
        self.args = args
        self.returncode: int | None = None
        self._ended = threading.Event()

    def _exited(self, status: int) -> None:
        self.returncode = status
        self._ended.set()

    def wait(self, timeout: float | None = None) -> int:
        if not self._ended.wait(timeout):
            raise subprocess.TimeoutExpired(self.args, timeout or 0.0)
        assert self.returncode is not None
        return self.returncode

    def send_signal(self, signum: int) -> None:
        # Until the server reports the end, the pid is still this job's (the server
        # reaps it first, then reports; a report in flight is a window of microseconds).
        if self.returncode is None:
            with suppress(ProcessLookupError):
                os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


class ForkServer:
    """The launcher's handle on one ``python -m crawler.crawl.forkserver`` process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()  # one start request in flight at a time
        self._jobs: dict[int, ForkedJob] = {}
        self._answers: queue.Queue[tuple[str, object]] = queue.Queue()
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "crawler.crawl.forkserver"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=child_environment(),
        )
        self._reader = threading.Thread(target=self._read, name="forkserver-reader", daemon=True)
        self._reader.start()

    @property
    def alive(self) -> bool:
        return self._proc.poll() is None and self._reader.is_alive()

    def start(self, request: StartRequest, args: list[str]) -> ForkedJob:
        """Fork the job ``request`` describes; ``args`` name it in errors."""
        assert self._proc.stdin is not None
        with self._lock:
            try:
                self._proc.stdin.write(frames.pack(("start", request)))
                self._proc.stdin.flush()
            except (BrokenPipeError, ValueError) as error:
                raise ForkServerError(f"the fork server is gone ({error})") from None
            try:
                kind, value = self._answers.get(timeout=START_TIMEOUT_S)
            except queue.Empty:
                raise ForkServerError("the fork server did not answer") from None
        if not isinstance(value, ForkedJob):
            raise ForkServerError(str(value))
        value.args = args
        return value

    @property
    def pid(self) -> int:
        return self._proc.pid

    def _read(self) -> None:
        assert self._proc.stdout is not None
        while (message := frames.read(self._proc.stdout)) is not None:
            if message[0] == "started":
                # Registered here, not by the requester: its end may be read next.
                job = self._jobs[message[1]] = ForkedJob(message[1], [])
                self._answers.put(("started", job))
            elif message[0] == "exited":
                _, pid, status = message
                job = self._jobs.pop(pid, None)
                if job is not None:
                    job._exited(status)
            else:
                self._answers.put((message[0], message[1]))
        self._orphaned()

    def _orphaned(self) -> None:
        """The server ended (killed?): its jobs stop themselves on seeing their parent
        gone; wait for each to go, then say so (its exit status is lost with the server)."""
        self._answers.put(("failed", "the fork server ended"))
        for pid, job in list(self._jobs.items()):
            _wait_gone(pid)
            job._exited(1)
        self._jobs.clear()

    def close(self) -> None:
        """End the server (its running jobs stop, seeing their parent gone)."""
        with suppress(OSError, ValueError):
            assert self._proc.stdin is not None
            self._proc.stdin.close()
        with suppress(subprocess.TimeoutExpired):
            self._proc.wait(timeout=10)
        self._reader.join(timeout=10)  # it reads to the end of the server's output
        with suppress(OSError, ValueError):
            assert self._proc.stdout is not None
            self._proc.stdout.close()


def _wait_gone(pid: int) -> None:
    """Block until process ``pid`` (not our child) has ended."""
    try:
        fd = os.pidfd_open(pid)
    except (ProcessLookupError, OSError):
        return
    try:
        select.select([fd], [], [])
    finally:
        os.close(fd)


_server: ForkServer | None = None
_server_lock = threading.Lock()


def enabled() -> bool:
    """Whether crawl jobs are forked from the server (``LEADWATCH_FORKSERVER``)."""
    return os.environ.get(SWITCH_ENV, "1").strip().lower() not in ("0", "false", "no", "off")


def server() -> ForkServer:
    """This process's fork server, started on first use and again if it died."""
    global _server
    with _server_lock:
        if _server is None:
            atexit.register(_close_server)
        if _server is None or not _server.alive:
            _server = ForkServer()
        return _server


def _close_server() -> None:
    """At exit: end the server and reap it (its jobs have ended: the launcher waits)."""
    if _server is not None:
        _server.close()


def start_job(
    argv: list[str], *, env: dict[str, str], log: Path | None, taxonomy: str | None = None
) -> ForkedJob:
    """``python -m crawler.crawl.job ARGV --parent SERVER`` as a fork of the server, its
    output appended to ``log`` (None: discarded). The job stops when the server ends,
    which it does when this process ends, however."""
    forks = server()
    argv = [*argv, "--parent", str(forks.pid)]
    command = [sys.executable, "-m", JOB_MODULE, *argv]
    request = StartRequest(
        argv=argv,
        env=env,
        cwd=os.getcwd(),
        log=str(log) if log else None,
        title=" ".join(command),
        taxonomy=taxonomy,
    )
    return forks.start(request, command)
