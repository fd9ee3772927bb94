"""`leadwatch digest`, `leadwatch deliveries`, `leadwatch schedule list|run`."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from rich.table import Table

from crawler.cli.common import (
    config_from_args,
    console,
    count,
    err_console,
    open_database,
)
from crawler.config import Config
from crawler.errors import LeadwatchError, UnknownNameError
from crawler.present.labels import DELIVERY_STATUS_LABELS, label
from crawler.timeutil import local

if TYPE_CHECKING:
    from crawler.store import Database


def cmd_digest(args: argparse.Namespace) -> int:
    from alerts.digest import send_owed, write_preview

    config = config_from_args(args)
    if args.to and not args.test:
        raise LeadwatchError("--to goes with --test (a test mail); digests go to recipients")
    if args.test:
        return _send_test_mail(config, args)
    subs = [config.subscription(args.subscription)] if args.subscription else config.subscriptions
    if not subs:
        raise LeadwatchError(f"{config.path}: no [[subscriptions]]; add one to receive digests")
    database = open_database(config)
    now = datetime.now(UTC)
    if args.preview:
        for sub in subs:
            directory = Path(args.preview) if len(subs) == 1 else Path(args.preview) / sub.name
            for path in write_preview(config, database, sub, directory, now):
                console.print(f"wrote {path}", markup=False)
        return 0
    unsent = 0
    for sub in subs:
        results = send_owed(config, database, sub, now, on_demand=True)
        if not results:
            console.print(f"{sub.name}: nothing new, nothing sent", markup=False)
        for result in results:
            console.print(result.summary(), markup=False)
            unsent += not result.sent
    if unsent:
        err_console.print(
            f"{unsent} digest(s) stayed pending; they are retried on the next run "
            "(see `leadwatch deliveries --pending`)"
        )
    return 1 if unsent else 0


def _send_test_mail(config: Config, args: argparse.Namespace) -> int:
    """`digest --test`: one mail, each step printed as it happens; nothing recorded."""
    from alerts.mail import check_settings
    from alerts.testmail import recipients_for_test, send_test_mail

    sub = config.subscription(args.subscription) if args.subscription else None
    recipients = recipients_for_test(config, args.to or [], sub)
    check_settings(config.smtp)  # a missing password is named before anything is printed
    console.print(f"test mail to {', '.join(recipients)}", markup=False)
    message_id = send_test_mail(
        config,
        recipients,
        datetime.now(UTC),
        progress=lambda line: console.print(f"  {line}", markup=False, soft_wrap=True),
    )
    console.print(f"sent: test mail {message_id} accepted for delivery", markup=False)
    return 0


def cmd_deliveries(args: argparse.Namespace) -> int:
    from alerts.deliveries import delivery_dict, list_deliveries
    from alerts.scrub import scrub

    config = config_from_args(args)
    status = "pending" if args.pending else None
    database = open_database(config)
    if args.subscription and args.subscription not in {s.name for s in config.subscriptions}:
        _stored_subscription(database, config, args.subscription)
    with database.reading() as session:
        rows = [
            delivery_dict(d)
            for d in list_deliveries(session, args.subscription, status, args.limit)
            if args.all or d.status != "empty"
        ]
    for r in rows:  # rows stored before replies were scrubbed may still hold the password
        if r["error"]:
            r["error"] = scrub(r["error"], config.smtp.user, config.smtp.password)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    table = Table("ID", "订阅", "期次", "状态", "收件", "内容", "发送 / 下次重试")
    for r in rows:
        to = ", ".join(r["recipients"] + [c for c in r["channels"] if c != "email"])
        when = r["sent_at"] or r["next_attempt_at"] or ""
        state = label(DELIVERY_STATUS_LABELS, r["status"])
        if r["error"]:
            state += f"（第 {r['attempts']} 次：{r['error']}）"
        items = f"{r['items']} 条（{r['leads']} 条线索）"
        when = when[:16].replace("T", " ")  # already in the display zone
        table.add_row(str(r["id"]), r["subscription"], r["period"], state, to, items, when)
    console.print(table)
    console.print(f"共 {len(rows)} 条推送记录")
    return 0


def _stored_subscription(database: Database, config: Config, name: str) -> None:
    """A --subscription that is not configured must at least have deliveries (one removed
    from leadwatch.toml keeps its history); otherwise it is a typo."""
    from sqlalchemy import exists, select

    from crawler.store.models import Delivery

    with database.reading() as session:
        if session.scalar(select(exists().where(Delivery.subscription == name))):
            return
    known = [s.name for s in config.subscriptions]
    raise UnknownNameError("subscription", name, known, f"[[subscriptions]] in {config.path}")


def cmd_schedule_list(args: argparse.Namespace) -> int:
    from crawler.schedule import next_run_times

    config = config_from_args(args)
    rows = next_run_times(config, open_database(config), datetime.now(UTC))
    records = [
        {"id": spec.id, "kind": spec.kind, "trigger": spec.description, "next_run": local(when)}
        for spec, when in rows
    ]
    if args.json:
        print(json.dumps(records, ensure_ascii=False, indent=2))
        return 0
    table = Table("job", "trigger", f"next run ({config.settings.timezone})")
    for r in records:
        table.add_row(r["id"], r["trigger"], r["next_run"] or "never")
    console.print(table)
    return 0


def cmd_schedule_run(args: argparse.Namespace) -> int:
    import logging
    import threading

    from crawler.schedule import run_scheduler

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    config = config_from_args(args)
    database = open_database(config)
    threading.Thread(target=_say_when_changed, args=(config,), daemon=True).start()
    return run_scheduler(config, database)


CHANGE_CHECK_S = 5.0


def _say_when_changed(config: Config, interval: float = CHANGE_CHECK_S) -> None:
    """The scheduler keeps the jobs it started with: when a config file changes, say in
    the log that a restart applies it (once per change)."""
    import logging
    import time

    from crawler.config.live import fingerprint

    log = logging.getLogger("leadwatch.schedule")
    files = list(
        dict.fromkeys([config.path, config.sources_path, config.taxonomy_path, *config.files])
    )
    seen = fingerprint(files)
    while True:
        time.sleep(interval)
        now = fingerprint(files)
        if now != seen:
            changed = [path for (path, *a), (_, *b) in zip(now, seen, strict=True) if a != b]
            log.warning(
                "configuration changed (%s): restart `leadwatch schedule run` to apply it; "
                "until then the jobs run as configured at start-up",
                ", ".join(changed),
            )
            seen = now


def register(add: Callable[..., argparse.ArgumentParser]) -> None:
    """Add the digest, deliveries and schedule commands to the `leadwatch` parser."""
    p = add("digest", cmd_digest, "preview or send the digest of new leads")
    p.add_argument("--subscription", help="default: every subscription")
    mode = p.add_mutually_exclusive_group(required=True)
    mode.add_argument("--preview", metavar="DIR", help="write digest-preview.html/.txt/.eml")
    mode.add_argument("--send", action="store_true", help="send (email, webhooks) and record it")
    mode.add_argument(
        "--test",
        action="store_true",
        help="send one test mail and show each step (connect, STARTTLS, login, accepted)",
    )
    p.add_argument(
        "--to",
        action="append",
        metavar="ADDRESS",
        help="with --test: send to this address (repeatable); default: the recipients",
    )

    p = add("deliveries", cmd_deliveries, "list digests sent: to whom, how many items")
    p.add_argument("--subscription", help="only this subscription's digests")
    p.add_argument("--pending", action="store_true", help="only deliveries not sent yet")
    p.add_argument("--all", action="store_true", help="include scheduled digests with nothing new")
    p.add_argument("--limit", type=count(1), default=50, help="at most this many (default 50)")
    p.add_argument("--json", action="store_true", help="deliveries as JSON, for scripts")

    p = add("schedule", lambda a: cmd_schedule_list(a), "run or list the crawl and digest jobs")
    sub = p.add_subparsers(dest="schedule_command", metavar="ACTION", required=True)
    sp = sub.add_parser("list", help="every job with its next run time")
    sp.add_argument("--json", action="store_true")
    sp.set_defaults(func=cmd_schedule_list)
    sp = sub.add_parser("run", help="run the scheduler in the foreground (a service)")
    sp.set_defaults(func=cmd_schedule_run)
