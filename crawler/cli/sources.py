"""`leadwatch sources list` (every source with its last run and health) and
`leadwatch sources check NAME [--mark-verified]` (what the crawler sees on a source,
before crawling it; after a clean check, record that it is verified)."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from typing import Any

from rich.markup import escape
from rich.text import Text

from crawler.cli.common import config_from_args, console, err_console, open_database
from crawler.present.labels import (
    HEALTH_LABELS,
    RUN_STATUS_LABELS,
    SOURCE_KIND_LABELS,
    SOURCE_STATE_LABELS,
    label,
)

_STYLES = {"failing": "red", "stale": "yellow", "never": "yellow", "warning": "yellow"}


def cmd_sources_list(args: argparse.Namespace) -> int:
    from rich.table import Table

    from crawler.health import source_verdicts
    from crawler.timeutil import iso, local

    config = config_from_args(args)
    with open_database(config).reading() as session:
        verdicts = source_verdicts(session, config)
    rows = [(s, verdicts[s.name]) for s in config.sources]
    if getattr(args, "json", False):
        records = [
            {
                "name": s.name,
                "kind": s.kind,
                "type": s.type,
                "label": s.label,
                "enabled": s.enabled,
                "verified": s.verified,
                "state": s.state,
                "last_run": iso(v.last_run.started_at) if v.last_run else None,
                "status": v.last_run.status if v.last_run else None,
                "articles_new": v.last_run.articles_new if v.last_run else None,
                "errors": v.last_run.errors if v.last_run else None,
                "last_new_article": iso(v.last_new_at),
                "stale_after_days": v.stale_after_days,
                "health": v.health,
                "health_status": v.status,
            }
            for s, v in rows
        ]
        records += [
            {"name": name, "state": "broken", "problem": str(problem)}
            for name, problem in config.broken.items()
        ]
        print(json.dumps(records, ensure_ascii=False, indent=2))
        return 0
    table = Table()
    columns = ("名称", "类型", "说明", "采集", "最近运行", "状态", "新增", "错误", "健康")
    for col in columns:
        table.add_column(col)
    for s, v in rows:
        run = v.last_run
        style = _STYLES.get(v.status, "")
        health = label(HEALTH_LABELS, v.status)
        if v.status not in ("ok", "running", "never"):
            health += f"：{v.reason_zh}"
        health = escape(health)
        table.add_row(
            s.name,
            label(SOURCE_KIND_LABELS, s.kind),
            s.label,
            SOURCE_STATE_LABELS[s.state],
            local(run.started_at) if run else "—",
            label(RUN_STATUS_LABELS, run.status) if run else "—",
            str(run.articles_new) if run else "",
            str(run.errors) if run else "",
            f"[{style}]{health}[/{style}]" if style else health,
        )
    for name in config.broken:  # the problem itself was printed as a warning
        table.add_row(name, "", "", f"[red]{SOURCE_STATE_LABELS['broken']}[/red]", *[""] * 5)
    console.print(table)
    return 0


def _print_report(report: Any, *, next_step: bool = True) -> None:
    from crawler.crawl.check import SHOWN_LINKS

    s = report.source
    console.print(Text(s.name, style="bold") + f" ({s.type}, max_pages {s.max_pages}) {s.label}")
    status = f"HTTP {report.list_status}" if report.list_status else "not fetched"
    console.print(f"list page: {report.list_url} ({status})", markup=False)
    if report.list_status:
        console.print(f"  article links: {report.link_count}", markup=False)
        for url in report.links:
            console.print(f"    {url}", markup=False)
        if report.link_count > SHOWN_LINKS:
            console.print(f"    … and {report.link_count - SHOWN_LINKS} more", markup=False)
        console.print(f"  next page: {report.next_page or '(none found)'}", markup=False)
    if report.article_url:
        status = f"HTTP {report.article_status}" if report.article_status else "not fetched"
        console.print(f"article: {report.article_url} ({status})", markup=False)
        for key in ("title", "published_at", "source"):
            if key in report.fields:
                console.print(f"  {key}: {report.fields[key] or '(empty)'}", markup=False)
        if "body" in report.fields:
            body = report.fields["body"]
            first = body.replace("\n", " ")[:80]
            console.print(
                f"  body: {len(body)} characters: {first}{'…' if len(body) > 80 else ''}",
                markup=False,
            )
    findings = report.findings
    if findings:
        console.print("warnings:")
        for f in findings:
            console.print(f"  {'!' if f.action else '-'} {f.text}", markup=False)
    if report.healthy:
        console.print("[green]healthy[/green]" + (" (notes above)" if findings else ""))
        if not s.verified and next_step:
            console.print(
                f"next: `leadwatch sources check {s.name} --mark-verified` records it as "
                "verified, so the scheduler and a plain `leadwatch crawl` include it",
                markup=False,
            )
    else:
        needed = sum(f.action for f in findings)
        console.print(f"[red]needs action[/red]: {needed} warning(s) marked !")


def cmd_sources_check(args: argparse.Namespace) -> int:
    from crawler.crawl.check import check_source

    config = config_from_args(args, needed=[args.name])
    source = config.source(args.name)  # an unknown name, or a broken entry, is the error
    report = check_source(config, args.name)
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        _print_report(report, next_step=not args.mark_verified)
    if not args.mark_verified:
        return 0 if report.healthy else 1
    if not report.healthy:
        err_console.print(
            f"{args.name} is not marked verified: fix the warnings marked ! first", markup=False
        )
        return 1
    if source.verified:
        err_console.print(f"{args.name} is verified already", markup=False)
        return 0
    from crawler.config.edit import mark_verified

    path, line = mark_verified(config, args.name)
    where = f"{path}:{line}" if line else str(path)
    err_console.print(
        f"{args.name} marked verified in {where}: the scheduler (after a restart) and a "
        "plain `leadwatch crawl` include it now",
        markup=False,
    )
    return 0


def register(add: Callable[..., argparse.ArgumentParser]) -> None:
    """Add the sources commands to the `leadwatch` parser."""
    sources = add("sources", cmd_sources_list, "list configured sources or check one")
    sources_sub = sources.add_subparsers(dest="sources_command")
    sp = sources_sub.add_parser("list", help="every source with its last run and health")
    sp.add_argument("--json", action="store_true")
    sp.set_defaults(func=cmd_sources_list)
    sp = sources_sub.add_parser(
        "check", help="fetch a source's first list page and one article; show what was found"
    )
    sp.add_argument("name", metavar="NAME")
    sp.add_argument("--json", action="store_true")
    sp.add_argument(
        "--mark-verified",
        action="store_true",
        help="when the check is clean, write verified = true into the instance's sources file",
    )
    sp.set_defaults(func=cmd_sources_check)
