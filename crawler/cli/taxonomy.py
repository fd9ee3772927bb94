"""`leadwatch taxonomy check` and `leadwatch reclassify`: edit the taxonomy, then re-tag."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from crawler.cli.common import (
    ExitStatus,
    config_from_args,
    console,
    count,
    err_console,
    open_database,
    print_json,
    source_filter,
    taxonomy_files,
    time_option,
)

# Exit statuses of `taxonomy check`.
CLEAN, WARNINGS, ERRORS = 0, 1, 2


def cmd_taxonomy_check(args: argparse.Namespace) -> int:
    from classifiers.taxonomy import check_taxonomy, format_problem

    files = taxonomy_files(args)
    problems = check_taxonomy(*files)
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity != "error"]
    shown = " + ".join(str(f) for f in files)
    if args.json:
        records = [
            {
                **{k: v for k, v in p._asdict().items() if k not in ("needle", "file")},
                "file": p.file or str(files[0]),
            }
            for p in problems
        ]
        print_json(records)
    else:
        for p in problems:
            console.print(f"{p.severity}: {format_problem(str(files[0]), p)}", markup=False)
        if problems:
            console.print(
                f"{shown}: {len(errors)} error(s), {len(warnings)} warning(s)", markup=False
            )
        else:
            console.print(f"{shown}: ok", markup=False)
    return ERRORS if errors else WARNINGS if warnings else CLEAN


def cmd_reclassify(args: argparse.Namespace) -> int:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from crawler.reclassify import count_articles, reclassify

    config = config_from_args(args)
    taxonomy = [Path(args.taxonomy)] if args.taxonomy else config.taxonomy_files
    since = time_option("--since", args.since)
    database = open_database(config)
    source = source_filter(config, database, args.source)
    total = count_articles(database, since, source)
    if total == 0:
        console.print("no stored articles match; nothing to re-tag")
        return ExitStatus.OK
    columns = (
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=err_console, transient=False) as progress:
        task = progress.add_task("re-tagging", total=total)
        result = reclassify(
            database,
            taxonomy,
            since=since,
            source=source,
            workers=args.workers,
            batch_size=args.batch_size,
            progress=lambda n: progress.advance(task, n),
        )
    console.print(result.summary(), markup=False)
    from crawler.register.steps import rebuild_all

    console.print(rebuild_all(config, database).summary(), markup=False)
    return ExitStatus.OK


def register(add: Callable[..., argparse.ArgumentParser]) -> None:
    """Add `taxonomy check` and `reclassify` to the `leadwatch` parser."""
    taxonomy = add("taxonomy", cmd_taxonomy_check, "check the taxonomy file")
    sub = taxonomy.add_subparsers(dest="taxonomy_command")
    check = sub.add_parser(
        "check",
        help="validate the taxonomy and list problems with the line to fix",
        description="Validate the taxonomy and list every problem with its file:line. "
        "Exit status: 0 clean, 1 warnings only, 2 errors (the file would not load).",
    )
    check.set_defaults(func=cmd_taxonomy_check)
    for p in (taxonomy, check):
        p.add_argument("--taxonomy", help="taxonomy file (default: the config's)")
        p.add_argument("--json", action="store_true", help="problems as a JSON list")

    p = add("reclassify", cmd_reclassify, "re-tag stored articles with the current taxonomy")
    p.add_argument("--since", help="only articles published since 7d, 12h or YYYY-MM-DD")
    p.add_argument("--source", help="only articles of this source")
    p.add_argument("--taxonomy", help="taxonomy file (default: the config's)")
    p.add_argument(
        "--workers",
        type=count(0),
        default=None,
        help="classifying processes (default: one per core; 0 = in this process)",
    )
    p.add_argument(
        "--batch-size", type=count(1), default=2000, help="articles per transaction (2000)"
    )
