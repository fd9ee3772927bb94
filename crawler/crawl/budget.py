"""A time and memory budget for each page the article worker handles.

One hostile page (a tag with 250,000 attributes, a node nested thousands deep) can cost
minutes of CPU in the HTML parser, and a page that was cut at the download limit can
still cost hundreds of MB in the parse tree. Inside :meth:`PageBudget.page`:

- after ``seconds`` of wall time, SIGALRM raises :class:`PageOverBudget` in Python code;
- after ``hard_seconds`` of CPU time, SIGPROF, left at its default action, ends the
  process. That is what stops C code (lxml's parser), which never returns to Python for
  the SIGALRM handler to run; the crawl process reads which page was being handled from
  the worker's progress slot (crawler.crawl.progress) and records it as too complex;
- the data segment may grow by ``memory_bytes`` (RLIMIT_DATA), so an allocation past
  that fails with MemoryError, which becomes :class:`PageOverBudget` too.

Linux and other POSIX systems; where a limit is not supported it is simply not set.
"""

from __future__ import annotations

import os
import resource
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

HARD_FACTOR = 1.5  # CPU seconds allowed beyond the soft limit before the process is ended
HARD_EXTRA_S = 1.0


class PageOverBudget(BaseException):
    """A page took more than its time or memory budget.

    A BaseException, so that the ``except Exception`` of extraction and classification
    code does not swallow it as an ordinary failure of the page.
    """

    def __init__(self, what: str):
        super().__init__(what)
        self.what = what


def _alarm(_signum: int, _frame: FrameType | None) -> None:
    raise PageOverBudget("time")


def data_bytes() -> int | None:
    """This process's data segment now (what RLIMIT_DATA limits), or None if unknown."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[5]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, IndexError, ValueError):
        return None


def peak_rss_kb() -> int:
    """This process's peak resident memory in KB since it started (exec'd).

    /proc's VmHWM where there is one: ``getrusage``'s ``ru_maxrss`` carries over the
    parent's resident size at fork across exec, so a child of a big process would
    report the parent's size.
    """
    try:
        with open("/proc/self/status", "rb") as status:
            for line in status:
                if line.startswith(b"VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


class PageBudget:
    """Limits for one page at a time; ``install()`` once in the worker process."""

    def __init__(self, seconds: float, memory_bytes: int | None):
        self.seconds = seconds
        self.hard_seconds = seconds * HARD_FACTOR + HARD_EXTRA_S
        self.memory_bytes = memory_bytes
        self._data_limit = resource.getrlimit(resource.RLIMIT_DATA)

    def install(self) -> None:
        signal.signal(signal.SIGALRM, _alarm)
        signal.signal(signal.SIGPROF, signal.SIG_DFL)

    @contextmanager
    def page(self) -> Iterator[None]:
        """Run the body within the budget; raises :class:`PageOverBudget` when over it."""
        self._limit_memory()
        signal.setitimer(signal.ITIMER_PROF, self.hard_seconds)
        signal.setitimer(signal.ITIMER_REAL, self.seconds)
        try:
            yield
        except MemoryError:
            raise PageOverBudget("memory") from None
        finally:
            self.disarm()

    def disarm(self) -> None:
        """Stop both timers and lift the memory limit (idempotent)."""
        while True:
            try:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.setitimer(signal.ITIMER_PROF, 0)
                self._release_memory()
                return
            except PageOverBudget:
                continue  # the alarm went off just as the page finished: disarm anyway

    def _limit_memory(self) -> None:
        if self.memory_bytes is None:
            return
        now = data_bytes()
        soft, hard = self._data_limit
        if now is None:
            return
        limit = now + self.memory_bytes
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))

    def _release_memory(self) -> None:
        if self.memory_bytes is not None:
            resource.setrlimit(resource.RLIMIT_DATA, self._data_limit)
