"""`leadwatch crawl` (each source in its own process) and `leadwatch runs` (what the
crawls did)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from contextlib import ExitStack

from crawler.cli.common import (
    ExitStatus,
    config_from_args,
    console,
    count,
    err_console,
    open_database,
    print_json,
    source_filter,
)


def cmd_crawl(args: argparse.Namespace) -> int:
    from crawler.crawl import CrawlInterrupted, claim, crawl_sources
    from crawler.crawl.launch import Stopper

    config = config_from_args(args, needed=args.sources)
    for name in args.sources:
        config.source(name)  # an unknown name, or a broken entry, is the error
    names = list(dict.fromkeys(args.sources)) or [
        s.name for s in config.sources if s.enabled and s.verified
    ]
    # sources left out for config errors make a crawl of all of them a set-up error
    left_out = ExitStatus.USAGE if config.broken and not args.sources else ExitStatus.OK
    if not names:
        unverified = [s.name for s in config.sources if s.enabled and not s.verified]
        waiting = (
            f" ({len(unverified)} enabled but not verified yet: {', '.join(unverified)})"
            if unverified
            else ""
        )
        err_console.print(
            f"nothing to crawl: no source is both enabled and verified{waiting}; "
            "check one with `leadwatch sources check NAME --mark-verified`, "
            "or crawl it by name: `leadwatch crawl NAME`",
            markup=False,
        )
        return left_out
    database = open_database(config)
    # SIGTERM from here on stops the crawl cleanly (forwarded to the crawl process) and
    # starts no further one; before here there is nothing to clean up.
    with ExitStack() as locks, Stopper().handling_signals() as stopper:
        busy = {n: why for n in names if (why := claim(config, database, n, locks))}
        for name, why in busy.items():
            err_console.print(f"{name} is {why}; not starting a second crawl of it", markup=False)
        names = [n for n in names if n not in busy]
        if not names:
            return ExitStatus.FAILED
        console.print(f"crawling {len(names)} source(s): {', '.join(names)}", markup=False)
        try:
            outcomes = crawl_sources(
                config,
                database,
                names,
                full=args.full,
                quiet=not args.verbose,
                claimed=True,
                stopper=stopper,
                on_done=lambda o: console.print(f"  done {o.source}", markup=False),
            )
        except CrawlInterrupted as stopped:
            err_console.print(str(stopped), markup=False)
            raise
    for outcome in outcomes:
        console.print(outcome.summary(), markup=False)
    if stopper.signal is not None:
        left = names[len(outcomes) :]
        if left:
            err_console.print(f"{stopper.reason()}; not started: {', '.join(left)}", markup=False)
        return 128 + stopper.signal
    if left_out:
        err_console.print(
            f"{len(config.broken)} source(s) left out for config errors (warnings above)",
            markup=False,
        )
        return left_out
    if busy or not all(o.ok for o in outcomes):
        return ExitStatus.FAILED
    return ExitStatus.OK


def cmd_runs(args: argparse.Namespace) -> int:
    from crawler.present.records import run_dict, runs_table
    from crawler.store import repo

    config = config_from_args(args)
    database = open_database(config)
    source = source_filter(config, database, args.source)
    with database.reading() as session:
        runs = list(repo.list_runs(session, source, args.limit))
    if args.json:
        print_json([run_dict(r) for r in runs])
    elif not runs:
        err_console.print(
            "no crawl runs yet; start one with `leadwatch crawl SOURCE` (or `leadwatch demo`)"
        )
    else:
        console.print(runs_table(runs))
    return ExitStatus.OK


def register(add: Callable[..., argparse.ArgumentParser]) -> None:
    """Add crawl and runs to the `leadwatch` parser."""
    p = add("crawl", cmd_crawl, "crawl sources (each in its own process)")
    p.add_argument(
        "sources", nargs="*", metavar="SOURCE", help="default: every enabled, verified source"
    )
    p.add_argument(
        "--full", action="store_true", help="refetch known articles and page to max_pages"
    )
    p.add_argument("-v", "--verbose", action="store_true", help="show Scrapy's log")

    p = add("runs", cmd_runs, "list crawl runs, newest first")
    p.add_argument("--source", help="only this source's runs")
    p.add_argument("--limit", type=count(1), default=50, help="at most this many (default 50)")
    p.add_argument("--json", action="store_true", help="runs as JSON, for scripts")
