"""`leadwatch demo`: the whole chain against the bundled demo site, no internet needed."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from sqlalchemy import func, select

from crawler.config import load_config
from crawler.crawl import crawl_sources
from crawler.devserver import StaticSite
from crawler.errors import LeadwatchError
from crawler.init_config import write_default_config
from crawler.present.records import leads_table
from crawler.store import Database
from crawler.store.filters import BrowseFilter, list_articles
from crawler.store.models import Article, Event, Project

DEMO_SITE = Path(__file__).resolve().parents[1] / "demo" / "site"
DEMO_GROUP = "demo"


def run_demo(config_path: Path, *, port: int, console: Console) -> int:
    """Serve the demo site, crawl its sources, print the leads, write a digest preview."""
    if write_default_config(config_path):
        console.print(f"created {config_path} (default configuration)")
    config = load_config(config_path)
    names = [s.name for s in config.sources if s.group == DEMO_GROUP]
    if not names:
        raise LeadwatchError(
            f'{config.sources_path}: no sources with group = "demo"; restore config/sources.toml'
        )
    database = Database(config.database_url)
    try:
        site = StaticSite(DEMO_SITE, port=port)
    except OSError as exc:
        raise LeadwatchError(
            f"cannot serve the demo site on 127.0.0.1:{port} ({exc.strerror}); "
            "stop whatever uses that port (another demo?) and try again"
        ) from None
    with site:
        console.print(f"serving the demo site {DEMO_SITE} at {site.url}")
        outcomes = crawl_sources(
            config,
            database,
            names,
            origin=site.url,  # where it is served, whatever port sources.toml names
            on_done=lambda o: console.print(o.summary()),
        )
    fetched = sum(o.run.articles_fetched for o in outcomes if o.run)
    new = sum(o.run.articles_new for o in outcomes if o.run)
    with database.session() as session:
        articles, _ = list_articles(session, BrowseFilter(leads_only=True), limit=None)
        total = session.scalar(select(func.count(Article.id)))
        events = session.scalar(select(func.count(Event.id)))
        projects = session.scalar(select(func.count(Project.id)).where(Project.n_events > 1))
    console.print(leads_table(articles, title="线索 Leads"))
    console.print(f"{len(articles)} lead article(s) among {total} stored article(s)")
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
        for path in write_preview(config, database, sub, config.data_dir, datetime.now(UTC)):
            console.print(f"wrote {path}")
    failed = [o for o in outcomes if not o.ok]
    for outcome in failed:
        console.print(f"[red]crawl of {outcome.source} failed[/red]: {outcome.summary()}")
    return 1 if failed else 0
