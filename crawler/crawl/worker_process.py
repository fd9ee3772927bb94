"""The crawl process's handle on its article worker (``python -m crawler.crawl.worker``).

Driven by the reactor through pipes, with no threads: a thread beside the reactor (as
concurrent.futures' process pool starts two of) takes the GIL from it, and the reactor is
the crawl's bottleneck.
"""

from __future__ import annotations

import gc
import logging
import signal
import sys
from collections.abc import Callable, Mapping
from contextlib import suppress
from typing import Any

from twisted.internet import process as twisted_process
from twisted.internet import protocol
from twisted.internet.defer import Deferred
from twisted.internet.error import ProcessExitedAlready
from twisted.python.failure import Failure

from crawler.crawl import frames
from crawler.crawl.childenv import child_environment
from crawler.crawl.forkserver import become, exit_after
from crawler.crawl.progress import FD_ENV, ProgressSlot

logger = logging.getLogger(__name__)


class WorkerProcess(protocol.ProcessProtocol):
    """``python -m MODULE ARGS``: ``send`` frames to its stdin, replies go to ``on_reply``.

    It may be started before its user is ready for it (it takes a second or so to start):
    :meth:`connect` names the callbacks. ``on_exit(worker, why)`` is called when the child
    ends, expected (after :meth:`stop`) or not; ``exit_signal`` then says which signal
    ended it, if one did. Its stderr is the crawl process's own (the crawl log). Its
    environment is :func:`~crawler.crawl.childenv.child_environment` plus ``env``; its
    :class:`~crawler.crawl.progress.ProgressSlot` says what it was doing when it died.
    """

    def __init__(self, module: str, args: list[str], env: Mapping[str, str] | None = None):
        self.module, self.args, self.env = module, args, dict(env or {})
        self.on_reply: Callable[[Any], None] | None = None
        self.on_exit: Callable[[WorkerProcess, str], None] | None = None
        self.exit_reason: str | None = None
        self.exit_signal: int | None = None
        self.progress = ProgressSlot()
        # (batch id, page index or STORING) the child was at when it ended; None: idle
        self.last_progress: tuple[int, int] | None = None
        self.decoder = frames.Decoder()
        self.stopping = False
        self.ended: Deferred[None] = Deferred()

    def connect(
        self, on_reply: Callable[[Any], None], on_exit: Callable[[WorkerProcess, str], None]
    ) -> WorkerProcess:
        """Where replies and the child's end are reported (at once, if it already ended)."""
        self.on_reply, self.on_exit = on_reply, on_exit
        if self.exit_reason is not None:
            on_exit(self, self.exit_reason)
        return self

    def start(self) -> WorkerProcess:
        from twisted.internet import reactor  # the one Scrapy installed

        env = child_environment({**self.env, FD_ENV: "3"})
        argv = [sys.executable, "-m", self.module, *self.args]
        fds = {0: "w", 1: "r", 2: 2, 3: self.progress.fd}
        forked_main = _forked_main(self.module)
        if forked_main is not None:
            ForkedChild(reactor, forked_main, argv, env, self, fds)
        else:
            reactor.spawnProcess(self, sys.executable, argv, env=env, childFDs=fds)
        return self

    def send(self, message: Any) -> None:
        """Queue one frame for the child (written as its stdin pipe drains)."""
        self.transport.write(frames.pack(message))

    def stop(self) -> Deferred[None]:
        """Close the child's stdin: it finishes what it was sent, then exits."""
        self.stopping = True
        self.transport.closeStdin()
        return self.ended

    def kill(self) -> None:
        """End the child now; ``on_exit`` follows."""
        with suppress(ProcessExitedAlready):
            self.transport.signalProcess("KILL")

    def outReceived(self, data: bytes) -> None:  # noqa: N802 - Twisted's API
        try:
            messages = self.decoder.feed(data)
        except Exception:
            logger.exception("unreadable reply from the article worker; ending it")
            self.kill()
            return
        for message in messages:
            if self.on_reply is not None:
                self.on_reply(message)

    def processEnded(self, reason: Failure) -> None:  # noqa: N802 - Twisted's API
        self.exit_reason = reason.getErrorMessage()
        self.exit_signal = getattr(reason.value, "signal", None)
        self.last_progress = self.progress.read()
        self.progress.close()
        if self.on_exit is not None:
            self.on_exit(self, self.exit_reason)
        self.ended.callback(None)


def _forked_main(module: str) -> Callable[[list[str]], int] | None:
    """``module.forked_main`` when this process has imported ``module`` already (a crawl
    forked from crawler.crawl.forkserver has): then a fork runs it at once, where a new
    interpreter would spend a second importing it. None: start it afresh."""
    loaded = sys.modules.get(module)
    main = getattr(loaded, "forked_main", None)
    return main if callable(main) and _forkable() else None


def _forkable() -> bool:
    """A fork can run the worker: switched on, and this process has not opened a SQLite
    store yet (on SQLite: the worker's first start, not a restart after it died
    mid-crawl; on PostgreSQL: always)."""
    from crawler.crawl.forked import enabled
    from crawler.store.db import sqlite_opened_in_this_process

    return (
        enabled()
        and not sqlite_opened_in_this_process()
        and hasattr(twisted_process.Process, "_execChild")
    )


class ForkedChild(twisted_process.Process):
    """A Twisted child process that runs ``main(args)`` in a fork instead of exec'ing
    ``argv`` (which it stands for: `ps` shows it as its title).

    Twisted sets the child up as for any process (the ``childFDs`` map, every other
    descriptor closed, reaped on SIGCHLD, ``processEnded``); only the final exec is
    replaced. The child keeps the parent's memory (its imports) and ends with
    ``os._exit``: nothing of the parent's is cleaned up or flushed twice.
    """

    def __init__(
        self,
        reactor: Any,
        main: Callable[[list[str]], int],
        argv: list[str],
        env: Mapping[str, str],
        proto: protocol.ProcessProtocol,
        child_fds: dict[int, Any],
    ):
        self._main = main
        sys.stdout.flush()  # or the child would write what is buffered a second time
        sys.stderr.flush()
        super().__init__(
            reactor, sys.executable, argv, dict(env), None, proto, None, None, child_fds
        )

    def _trySpawnInsteadOfFork(self, *args: Any, **kwargs: Any) -> bool:  # noqa: N802
        return False  # posix_spawn cannot run a function

    def _execChild(  # noqa: N802 - Twisted's API; runs in the child, never returns
        self, path: Any, uid: Any, gid: Any, executable: Any, args: list[str], environment: Any
    ) -> None:
        gc.freeze()  # the parent's objects: never collected here (their fds are closed)
        with suppress(ValueError):  # only possible on the main thread
            signal.set_wakeup_fd(-1)
        become(" ".join(args), environment)
        exit_after(lambda: self._main(list(args[3:])))  # after: python -m MODULE
