"""`leadwatch sources`: list the configured sources with their health."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from crawler.cli_common import config_from_args, console, open_database


def cmd_sources_list(args: argparse.Namespace) -> int:
    from rich.table import Table

    from crawler.store import repo
    from crawler.timeutil import local

    config = config_from_args(args)
    table = Table()
    for col in ("名称", "类型", "说明", "已验证", "最近运行", "状态", "新增", "错误"):
        table.add_column(col)
    with open_database(config).session() as session:
        for s in config.sources:
            run = repo.last_run(session, s.name)
            table.add_row(
                s.name,
                s.kind,
                s.label,
                "是" if s.verified else "否",
                local(run.started_at) if run else "—",
                run.status if run else "—",
                str(run.articles_new) if run else "",
                str(run.errors) if run else "",
            )
    console.print(table)
    return 0


def register(add: Callable[..., argparse.ArgumentParser]) -> None:
    """Add the sources commands to the `leadwatch` parser."""
    sources = add("sources", cmd_sources_list, "list configured sources")
    sources_sub = sources.add_subparsers(dest="sources_command")
    sp = sources_sub.add_parser("list", help="every source with its last run")
    sp.set_defaults(func=cmd_sources_list)
