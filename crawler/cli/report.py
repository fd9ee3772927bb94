"""`leadwatch report`: the week's or month's 招商周报 / 月报 as Word, Excel or PDF."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from crawler.cli.common import ExitStatus, config_from_args, console, err_console, open_database


def cmd_report(args: argparse.Namespace) -> int:
    from crawler.report.data import Scope
    from crawler.report.period import parse_month, parse_week
    from crawler.report.render import format_of, report_data, write_report

    config = config_from_args(args)
    out = Path(args.output)
    fmt = format_of(out)  # a wrong extension fails before any work
    now = datetime.now(UTC)
    today = now.astimezone(ZoneInfo(config.settings.timezone)).date()
    period = (
        parse_month(args.month, today) if args.month is not None else parse_week(args.week, today)
    )
    sub = config.subscription(args.subscription) if args.subscription else None
    database = open_database(config)
    data = report_data(config, database, period, scope=Scope.of(sub), now=now)
    written = write_report(out, data, fmt)
    for note in written.notes:
        err_console.print(f"note: {note}", markup=False)
    f = data.figures
    console.print(
        f"wrote {out}: {data.title}, {f.events} event(s), {len(data.projects)} project(s) "
        f"advanced, {written.charts} chart(s)",
        markup=False,
    )
    return ExitStatus.OK


def register(add: Callable[..., argparse.ArgumentParser]) -> None:
    """Add `report` to the `leadwatch` parser."""
    p = add("report", cmd_report, "write the weekly or monthly report (.docx, .xlsx or .pdf)")
    period = p.add_mutually_exclusive_group(required=True)
    period.add_argument(
        "--week",
        nargs="?",
        const="",
        metavar="DATE",
        help="the Monday-to-Sunday week holding DATE (YYYY-MM-DD); none: last week",
    )
    period.add_argument(
        "--month", nargs="?", const="", metavar="YYYY-MM", help="that month; none: last month"
    )
    p.add_argument("--subscription", help="only this subscription's sectors and partners")
    p.add_argument(
        "-o", "--output", required=True, metavar="FILE", help="FILE.docx, FILE.xlsx or FILE.pdf"
    )
