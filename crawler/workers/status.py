"""Who runs what: `leadwatch workers`, read from PostgreSQL's own view of its sessions.

A worker process's sessions are named ``leadwatch worker HOST:PID``; a crawl's claim on
its source is an advisory lock held by a session named ``leadwatch claim crawl:NAME by
HOST:PID`` (crawler.store.advisory) — a manual `leadwatch crawl` on any machine shows
up too. What the server sees is what is true: a killed worker's sessions are gone at
once (its machine's, once TCP keepalives notice), while its job waits in the queue as
``stalled`` until another worker takes it over.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import text

from crawler.store import Database
from crawler.store.advisory import CLAIM_PREFIX, NAMESPACE
from crawler.workers.queue import WORKER_PREFIX


@dataclass
class Claim:
    source: str
    by: str  # host:pid
    since: datetime


@dataclass
class WorkerProcess:
    name: str  # host:pid
    address: str
    since: datetime
    crawling: list[Claim] = field(default_factory=list)


@dataclass
class Fleet:
    workers: list[WorkerProcess]
    other_claims: list[Claim]  # crawls claimed by processes that are not workers
    queued: dict[str, dict[str, int]]  # task -> status -> jobs (todo, doing)
    # (task, lock, seconds since its worker's last heartbeat; -1: the worker is gone)
    stalled: list[tuple[str, str, float]]


def _parse_claim(name: str, since: datetime) -> Claim | None:
    key, _, by = name.removeprefix(CLAIM_PREFIX).partition(" by ")
    if not key.startswith("crawl:"):
        return None
    return Claim(key.removeprefix("crawl:"), by, since)


def fleet(database: Database, silent_s: float) -> Fleet:
    """The worker processes connected now, what each crawls, and the queue; a running
    job whose worker has sent no heartbeat for ``silent_s`` is listed as stalled."""
    with database.reading() as session:
        workers: dict[str, WorkerProcess] = {}
        for name, address, since in session.execute(
            text(
                "SELECT application_name, coalesce(host(client_addr), 'local'), "
                "min(backend_start) FROM pg_stat_activity "
                "WHERE datname = current_database() AND application_name LIKE :prefix "
                "GROUP BY 1, 2 ORDER BY 3"
            ),
            {"prefix": WORKER_PREFIX + "%"},
        ):
            key = name.removeprefix(WORKER_PREFIX)
            workers[key] = WorkerProcess(key, address, since)
        others = []
        for name, since in session.execute(
            text(
                "SELECT a.application_name, a.backend_start FROM pg_locks l "
                "JOIN pg_stat_activity a ON a.pid = l.pid "
                "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = :ns "
                "AND a.application_name LIKE :prefix ORDER BY a.backend_start"
            ),
            {"ns": NAMESPACE, "prefix": CLAIM_PREFIX + "%"},
        ):
            claim = _parse_claim(name, since)
            if claim is None:
                continue
            if claim.by in workers:
                workers[claim.by].crawling.append(claim)
            else:
                others.append(claim)
        queued: dict[str, dict[str, int]] = {}
        stalled = []
        if session.scalar(text("SELECT to_regclass('procrastinate_jobs')")) is not None:
            for task, status, n in session.execute(
                text(
                    "SELECT task_name, status::text, count(*) FROM procrastinate_jobs "
                    "WHERE status IN ('todo', 'doing') GROUP BY 1, 2 ORDER BY 1, 2"
                )
            ):
                queued.setdefault(task, {})[status] = n
            stalled = [
                (task, lock or "", float(age) if age is not None else -1.0)
                for task, lock, age in session.execute(
                    text(
                        "SELECT j.task_name, j.lock, "
                        "extract(epoch FROM now() - w.last_heartbeat) "
                        "FROM procrastinate_jobs j "
                        "LEFT JOIN procrastinate_workers w ON w.id = j.worker_id "
                        "WHERE j.status = 'doing' AND (w.id IS NULL OR "
                        "w.last_heartbeat < now() - make_interval(secs => :silent)) "
                        "ORDER BY j.id"
                    ),
                    {"silent": silent_s},
                )
            ]
    return Fleet(list(workers.values()), others, queued, stalled)
