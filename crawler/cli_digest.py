"""`leadwatch digest`: preview or send the digest of new leads."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from crawler.cli_common import config_from_args, console, err_console, open_database
from crawler.errors import LeadwatchError


def cmd_digest(args: argparse.Namespace) -> int:
    from alerts.digest import send_digest, write_preview

    config = config_from_args(args)
    subs = [config.subscription(args.subscription)] if args.subscription else config.subscriptions
    if not subs:
        raise LeadwatchError(f"{config.path}: no [[subscriptions]]; add one to receive digests")
    database = open_database(config)
    now = datetime.now(UTC)
    if args.preview:
        for sub in subs:
            directory = Path(args.preview) if len(subs) == 1 else Path(args.preview) / sub.name
            for path in write_preview(config, database, sub, directory, now):
                console.print(f"wrote {path}")
        return 0
    unsent = 0
    for sub in subs:
        results = send_digest(config, database, sub, now)
        if not results:
            console.print(f"{sub.name}: nothing new, nothing sent")
        for result in results:
            console.print(result.summary())
            unsent += not result.sent
    if unsent:
        err_console.print(f"{unsent} digest(s) stayed pending; they are retried on the next run")
    return 1 if unsent else 0


def register(add: Callable[..., argparse.ArgumentParser]) -> None:
    """Add the digest commands to the `leadwatch` parser."""
    p = add("digest", cmd_digest, "preview or send the digest of new leads")
    p.add_argument("--subscription", help="default: every subscription")
    mode = p.add_mutually_exclusive_group(required=True)
    mode.add_argument("--preview", metavar="DIR", help="write digest-preview.html/.txt/.eml")
    mode.add_argument("--send", action="store_true", help="send by email and record it")
