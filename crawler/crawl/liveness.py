"""Is a run's crawl process still there? Runs record their process id and host.

A run row says ``running`` until its crawl records the outcome; a crawl killed with its
process group (SIGKILL, the OOM killer, a container stop) never does. If the run's
process is on this host and gone, the run is over: :func:`close_dead_runs` closes it as
failed at once, and the source can be crawled again. A process id the kernel has since
given to a newer process does not count as the run's: it started after the run did.
Runs of other hosts (a shared PostgreSQL) cannot be checked from here and are judged by
their age (``crawl_timeout_s``), as before revision 0006.
"""

from __future__ import annotations

import os
import socket
from datetime import UTC, datetime, timedelta

from crawler.store import Database, repo
from crawler.store.models import CrawlRun

# The crawl job takes its run over a few seconds after the row was written; a process
# that started later than this after the run is not the run's.
TAKEOVER_SLACK = timedelta(minutes=5)


def this_host() -> str:
    """The name recorded with a run (``crawl_runs.host``)."""
    return socket.gethostname()


def _process_started(pid: int) -> datetime | None:
    """When process ``pid`` started (Linux /proc), None if unknown."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as proc_stat:
            stat = proc_stat.read().decode("ascii", "replace")
        fields = stat.rsplit(")", 1)[1].split()
        with open("/proc/stat", "rb") as boot:
            btime = next(int(line.split()[1]) for line in boot if line.startswith(b"btime "))
        ticks = int(fields[19])  # field 22 of stat: starttime, in clock ticks since boot
        return datetime.fromtimestamp(btime + ticks / os.sysconf("SC_CLK_TCK"), UTC)
    except (OSError, IndexError, ValueError, StopIteration):
        return None


def _is_zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            return stat.read().rsplit(b")", 1)[1].split()[0] == b"Z"
    except (OSError, IndexError):
        return False


def process_alive(pid: int, started_by: datetime | None = None) -> bool:
    """Whether process ``pid`` exists on this host (and, given ``started_by``, started
    no later than that: else the id was reused)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # it exists, under another user
    if _is_zombie(pid):
        return False
    if started_by is not None:
        started = _process_started(pid)
        if started is not None and started > started_by:
            return False
    return True


def run_process_gone(run: CrawlRun) -> bool:
    """True when ``run``'s process is known to be gone: recorded on this host, and no
    longer alive. False when it is alive, or cannot be checked from here."""
    if run.pid is None or run.host != this_host():
        return False
    return not process_alive(run.pid, run.started_at + TAKEOVER_SLACK)


def close_dead_runs(
    database: Database,
    source: str | None = None,
    *,
    older_than: timedelta | None = None,
    claimed: bool = False,
) -> list[CrawlRun]:
    """Close as failed every ``running`` run (of ``source``, or all) whose process is
    gone, and, given ``older_than``, every one that started longer ago than that.
    ``claimed``: the caller holds the source's claim across machines (an advisory lock
    every crawl of it holds while it runs), so every run still 'running' is dead,
    whichever host it was on. Returns the runs closed."""
    now = datetime.now(UTC)
    closed = []
    with database.session() as session:
        for run in repo.running_runs(session, source):
            if run_process_gone(run):
                why = f"abandoned: its process {run.pid} on {run.host} is gone"
            elif claimed and source is not None:
                why = f"abandoned: the process that claimed it on {run.host} is gone"
            elif older_than is not None and now - run.started_at > older_than:
                why = "abandoned: still 'running' long after the crawl timeout"
            else:
                continue
            repo.finish_run(session, run.id, "failed", {}, why)
            closed.append(run)
    return closed
