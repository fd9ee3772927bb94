"""`leadwatch worker` (one worker process, any number of machines) and `leadwatch
workers` (who runs what): PostgreSQL only, see docs/operations.md."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING

from crawler.cli.common import (
    ExitStatus,
    config_from_args,
    console,
    count,
    open_database,
    print_json,
)
from crawler.config import Config
from crawler.errors import LeadwatchError

if TYPE_CHECKING:
    from crawler.store import Database


def _shared_database(config: Config, command: str) -> Database:
    database = open_database(config)
    if not database.is_postgres:
        raise LeadwatchError(
            f"`leadwatch {command}` shares its queue through PostgreSQL, and this store is "
            f"{config.database_url}; on one machine run `leadwatch schedule run`, for "
            "several point every machine's database_url at one PostgreSQL "
            '(docs/operations.md, "Several machines")'
        )
    try:
        import procrastinate  # noqa: F401
    except ModuleNotFoundError:
        raise LeadwatchError(
            "the work queue needs procrastinate: pip install -e '.[postgres]'"
        ) from None
    return database


def cmd_worker(args: argparse.Namespace) -> int:
    import logging

    from crawler.workers.run import run_worker

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # procrastinate logs every job it starts and ends (a tick a minute, every crawl):
    # its warnings stay, our own lines say what each crawl and digest did
    logging.getLogger("procrastinate").setLevel(logging.WARNING)
    config = config_from_args(args)
    return run_worker(config, _shared_database(config, "worker"), args.concurrency)


def _age(seconds: float) -> str:
    return "gone" if seconds < 0 else f"silent {seconds:.0f} s"


def cmd_workers(args: argparse.Namespace) -> int:
    from rich.table import Table

    from crawler.timeutil import local
    from crawler.workers.status import fleet

    config = config_from_args(args)
    silent = 2 * config.workers.heartbeat_s
    state = fleet(_shared_database(config, "workers"), silent)
    if args.json:
        data = {
            "workers": [
                {
                    "worker": w.name,
                    "address": w.address,
                    "since": w.since.isoformat(),
                    "crawling": [c.source for c in w.crawling],
                }
                for w in state.workers
            ],
            "other_crawls": [{"source": c.source, "by": c.by} for c in state.other_claims],
            "queue": state.queued,
            "stalled": [
                {"task": t, "lock": lock, "silent_s": age} for t, lock, age in state.stalled
            ],
        }
        print_json(data)
        return ExitStatus.OK
    table = Table("worker (host:pid)", "address", "up since", "crawling")
    for w in state.workers:
        crawling = ", ".join(f"{c.source} (since {local(c.since)})" for c in w.crawling)
        table.add_row(w.name, w.address, local(w.since), crawling or "—")
    console.print(table)
    console.print(f"{len(state.workers)} worker process(es) connected", markup=False)
    for c in state.other_claims:
        console.print(f"also crawling: {c.source} by {c.by} (not a worker)", markup=False)
    for task, counts in state.queued.items():
        shown = ", ".join(
            f"{n} {'waiting' if s == 'todo' else 'running'}" for s, n in counts.items()
        )
        console.print(f"queue {task}: {shown}", markup=False)
    for task, lock, age in state.stalled:
        console.print(
            f"stalled: {task} {lock} — its worker is {_age(age)}; another takes it over "
            f"after {config.workers.stalled_after_s:g} s",
            markup=False,
        )
    return ExitStatus.OK


def register(add: Callable[..., argparse.ArgumentParser]) -> None:
    """Add the worker and workers commands to the `leadwatch` parser."""
    p = add(
        "worker",
        cmd_worker,
        "take crawl and digest jobs from the shared PostgreSQL queue (a service, any machine)",
    )
    p.add_argument(
        "--concurrency",
        type=count(1),
        help="crawls at once in this process (default [workers] concurrency, 1)",
    )
    p = add("workers", cmd_workers, "who runs what: worker processes, their crawls, the queue")
    p.add_argument("--json", action="store_true", help="as JSON, for scripts")
