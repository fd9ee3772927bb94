"""`leadwatch demo`: the whole chain against the bundled demo site, no internet needed.

It serves the demo site (package data, see :mod:`crawler.shipped`) on 127.0.0.1, crawls
the sources of the ``demo`` group into the instance's store, prints the newest leads and
writes a digest preview, all on one screen, ending with what to try next.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text
from sqlalchemy import func, select

from crawler.config import load_config
from crawler.crawl import crawl_sources
from crawler.devserver import StaticSite
from crawler.errors import LeadwatchError
from crawler.present.records import amount_text, event_labels, sector_labels
from crawler.shipped import demo_site
from crawler.store import Database
from crawler.store.filters import BrowseFilter, list_articles
from crawler.store.models import Article, Event, Project
from crawler.timeutil import local, use_zone

DEMO_GROUP = "demo"
SHOWN_LEADS = 10  # the newest ones; `leadwatch items --leads` lists them all


def run_demo(config_path: Path, *, port: int, console: Console, created: bool = False) -> int:
    """Serve the demo site, crawl its sources, print the leads, write a digest preview."""
    config = load_config(config_path)
    use_zone(config.settings.timezone)
    where = config.base_dir
    if created:
        console.print(
            f"created the instance {where} (leadwatch.toml, sources.toml, taxonomy.toml, data/)",
            markup=False,
        )
    names = [s.name for s in config.sources if s.group == DEMO_GROUP]
    if not names:
        raise LeadwatchError(
            f'no sources with group = "demo" in {" or ".join(map(str, config.sources_files))}; '
            "the demo needs the shipped demo-yixing and demo-sdic (shipped_sources = true)"
        )
    database = Database(config.database_url)  # the demo may create the store
    root = demo_site()
    try:
        site = StaticSite(root, port=port)
    except OSError as exc:
        raise LeadwatchError(
            f"cannot serve the demo site on 127.0.0.1:{port} ({exc.strerror}); "
            "stop whatever uses that port (another demo?) or pick another with --port"
        ) from None
    with site:
        console.print(f"serving the demo site at {site.url}", markup=False)
        outcomes = crawl_sources(
            config,
            database,
            names,
            origin=site.url,  # where it is served, whatever port the sources name
            on_done=lambda o: console.print(o.summary(), markup=False),
        )
    fetched = sum(o.run.articles_fetched for o in outcomes if o.run)
    new = sum(o.run.articles_new for o in outcomes if o.run)
    with database.session() as session:
        leads, _ = list_articles(session, BrowseFilter(leads_only=True), limit=None)
        total = session.scalar(select(func.count(Article.id)))
        events = session.scalar(select(func.count(Event.id)))
        projects = session.scalar(select(func.count(Project.id)).where(Project.n_events > 1))
        console.print(_leads_table(leads[:SHOWN_LEADS], len(leads)))
    console.print(f"{len(leads)} lead article(s) among {total} stored article(s)")
    console.print(
        f"lead register: {events} event(s), {projects} project(s) with several stages "
        "(leadwatch events / projects / org NAME; reports: leadwatch report --month -o 月报.pdf)"
    )
    if fetched == 0 and new == 0:
        console.print(
            "nothing new: no article page was fetched again and no row was added (incremental)"
        )
    else:
        console.print(f"this run: {fetched} article page(s) fetched, {new} new article(s) stored")
    if config.subscriptions:
        from alerts.digest import write_preview

        sub = config.subscriptions[0]
        paths = write_preview(config, database, sub, config.data_dir, datetime.now(UTC))
        others = ", ".join(p.suffix for p in paths[1:])
        console.print(f"digest preview: {_shown(paths[0])} ({others})", markup=False)
    failed = [o for o in outcomes if not o.ok]
    for outcome in failed:
        console.print(f"[red]crawl of {outcome.source} failed[/red]: {outcome.summary()}")
    _next_steps(console, config.base_dir, leads[0].id if leads else None)
    return 1 if failed else 0


def _leads_table(leads: list[Article], count: int) -> Table:
    """The newest leads, one line each: the full table is `leadwatch items --leads`."""
    title = f"最新线索（{len(leads)} / {count}）" if count > len(leads) else "线索"
    table = Table(title=title, pad_edge=False)
    table.add_column("ID", justify="right", no_wrap=True)
    table.add_column("日期", no_wrap=True)
    table.add_column("行业", no_wrap=True, overflow="ellipsis", max_width=16)
    table.add_column("事件", no_wrap=True, overflow="ellipsis", max_width=12)
    table.add_column("金额", justify="right", no_wrap=True)
    table.add_column("标题", no_wrap=True, overflow="ellipsis", ratio=1)
    for a in leads:
        table.add_row(
            str(a.id),
            local(a.published_at, fmt="%Y-%m-%d"),
            Text(sector_labels(a)),
            event_labels(a),
            amount_text(a),
            Text(a.title),
        )
    return table


def _shown(path: Path) -> str:
    """``path`` relative to the working directory when it is below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _next_steps(console: Console, instance: Path, lead_id: int | None) -> None:
    prog = sys.argv[0] if Path(sys.argv[0]).name == "leadwatch" else "leadwatch"
    here = instance == Path.cwd().resolve()
    steps = [
        ("items --leads", "every lead, newest first (--json for scripts)"),
        (f"show {lead_id}" if lead_id else "items", "one article: its tags, evidence and leads"),
        ("search 低空经济", "full-text search, words highlighted"),
        ("serve", "browse and mark leads at http://127.0.0.1:8600/"),
    ]
    console.print(
        "next:" + ("" if here else f" (in {instance}, or with --config {instance})"), markup=False
    )
    width = max(cell_len(command) for command, _ in steps)
    for command, what in steps:
        pad = " " * (width - cell_len(command))
        console.print(f"  {prog} {command}{pad}  {what}", markup=False)
    console.print(
        "  README.md shows every command; docs/configuration.md how to add your sources",
        markup=False,
    )
