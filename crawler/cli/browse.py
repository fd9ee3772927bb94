"""`leadwatch items`, `show`, `search`, `serve` and `export`: look things up in the store
and take them out."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from crawler.cli.common import (
    ExitStatus,
    config_from_args,
    console,
    count,
    ensure_register,
    err_console,
    open_database,
    partner_name,
    port,
    print_json,
    sector_id,
    source_filter,
    time_option,
)
from crawler.config import Config
from crawler.errors import LeadwatchError

if TYPE_CHECKING:
    from crawler.config.live import LiveConfig
    from crawler.store import Database
    from crawler.store.filters import BrowseFilter

EVENTS = ("signing", "landing", "visit")
PROGRESS_FROM = 200  # show a progress bar when this many articles wait for indexing


# --- shared argument handling ---------------------------------------------------------


def add_filters(p: argparse.ArgumentParser) -> None:
    p.add_argument("--sector", help="sector id or label, e.g. low_altitude or 低空经济")
    p.add_argument("--partner", help="partner name or alias, e.g. 国投")
    p.add_argument("--source", help="crawled source name, e.g. yixing-gov")
    p.add_argument("--event", choices=EVENTS, help="lead event type")
    p.add_argument("--since", help="published since: 7d, 12h, 2w or YYYY-MM-DD")
    p.add_argument("--until", help="published before: 7d, 12h, 2w or YYYY-MM-DD")
    p.add_argument("--leads", action="store_true", help="only articles with a lead")
    p.add_argument(
        "--status",
        choices=("followed", "dismissed", "none"),
        help="analysts' mark (none: not marked yet)",
    )


def filter_from_args(
    config: Config, args: argparse.Namespace, query: str = "", *, database: Database
) -> BrowseFilter:
    """The command line's filters as a :class:`BrowseFilter` (names resolved and checked,
    times parsed)."""
    from crawler.store.filters import BrowseFilter

    return BrowseFilter(
        query=query,
        sector=sector_id(config, args.sector),
        partner=partner_name(config, args.partner),
        source=source_filter(config, database, args.source),
        event=args.event,
        since=time_option("--since", args.since),
        until=time_option("--until", args.until),
        leads_only=args.leads,
        status=args.status,
    )


def _check_search_backend(config: Config) -> None:
    """Fail before connecting when the store cannot do full-text search."""
    from sqlalchemy.engine import make_url

    backend = make_url(config.database_url).get_backend_name()
    if backend != "sqlite":
        from crawler.store.search import SearchUnavailable

        raise SearchUnavailable(
            f"full-text search needs SQLite (FTS5) and this store is {backend}; "
            "filter with `leadwatch items --sector/--partner/--since` "
            "or `leadwatch export` (without --query) instead"
        )


@contextmanager
def _progress(description: str) -> Iterator[Callable[[int, int], None]]:
    """A progress bar on stderr; yields the ``on_progress(done, total)`` callback."""
    from rich.progress import Progress

    with Progress(console=err_console, transient=True) as progress:
        task = progress.add_task(description, total=None)
        yield lambda done, total: progress.update(task, completed=done, total=total)


def sync_search_index(database: Database) -> int:
    """Index articles stored since the last search, with a progress bar when many wait."""
    from crawler.store import search

    with database.session() as session:
        search.ensure_available(session.connection())
        pending = search.pending_count(session.connection())
    if pending < PROGRESS_FROM:
        return search.sync_index(database.session)
    with _progress(f"indexing {pending} new articles for search") as on_progress:
        return search.sync_index(database.session, on_progress)


# --- items and show -------------------------------------------------------------------


def cmd_items(args: argparse.Namespace) -> int:
    from sqlalchemy import func, select

    from crawler.present.records import article_dict, leads_table
    from crawler.store import filters
    from crawler.store.models import Article
    from crawler.store.status import lead_marks

    config = config_from_args(args)
    database = open_database(config)
    ensure_register(config, database)
    flt = filter_from_args(config, args, database=database)
    with database.reading() as session:
        articles, more = filters.list_articles(session, flt, limit=args.limit or None)
        stored = session.scalar(select(func.count(Article.id))) if not articles else None
        marks = lead_marks(session, [lead.id for a in articles for lead in a.leads])
    if args.json:
        print_json([article_dict(a, marks=marks) for a in articles])
    elif stored == 0:
        err_console.print("no articles stored yet; crawl with `leadwatch crawl SOURCE`")
    elif not articles:
        err_console.print(f"none of the {stored} stored articles match these filters")
    else:
        console.print(leads_table(articles))
        shown = f"{len(articles)} item(s)"
        if more:
            shown = f"the newest {len(articles)} item(s); more with --limit {args.limit * 2}"
        console.print(shown)
    return ExitStatus.OK


def cmd_show(args: argparse.Namespace) -> int:
    from crawler.present.records import article_dict, print_article
    from crawler.store import repo
    from crawler.store.status import lead_marks

    config = config_from_args(args)
    database = open_database(config)
    ensure_register(config, database)
    with database.reading() as session:
        article = repo.get_article(session, args.id)
        if article is None:
            raise LeadwatchError(f"no article with id {args.id}; list them with `leadwatch items`")
        marks = lead_marks(session, [lead.id for lead in article.leads])
        if args.json:
            data = article_dict(article, body=True, marks=marks)
            print_json(data)
        else:
            print_article(console, article, marks)
    return ExitStatus.OK


# --- search ---------------------------------------------------------------------------


def cmd_search(args: argparse.Namespace) -> int:
    from crawler.present.records import hit_dict, search_table
    from crawler.store import filters, search, status

    config = config_from_args(args)
    query = " ".join(args.query).strip()
    if not query and not args.reindex:
        raise LeadwatchError("give words to search for, e.g. `leadwatch search 低空经济 航天科技`")
    _check_search_backend(config)
    database = open_database(config)
    flt = filter_from_args(config, args, query, database=database)
    if args.reindex:
        with _progress("reindexing every article") as on_progress:
            reindexed = search.rebuild_index(database.session, on_progress)
        err_console.print(f"reindexed {reindexed} articles")
        if not query:
            return ExitStatus.OK
    parsed = search.parse_query(query)
    sync_search_index(database)
    ensure_register(config, database)
    with database.reading() as session:
        results = search.search(
            session, parsed, filters.conditions(flt), limit=args.limit, order=args.sort
        )
        statuses = status.lead_statuses(session, [h.article.id for h in results.hits])
    if args.json:
        print_json([hit_dict(h, statuses.get(h.article.id)) for h in results.hits])
        return ExitStatus.OK
    if not results.hits:
        err_console.print(_no_hits(database, query, flt), markup=False)
        return ExitStatus.OK
    console.print(search_table(results.hits, statuses))
    more = f"; more with --limit {args.limit * 2}" if results.more else ""
    console.print(f"{len(results.hits)} result(s) for 「{query}」{more}", markup=False)
    return ExitStatus.OK


def _no_hits(database: Database, query: str, flt: BrowseFilter) -> str:
    """Why a search found nothing: an empty store, the filters, or the words."""
    from sqlalchemy import func, select

    from crawler.store import filters
    from crawler.store.models import Article

    with database.reading() as session:
        stored = session.scalar(select(func.count(Article.id)))
    if not stored:
        return "no articles stored yet; crawl with `leadwatch crawl SOURCE`"
    if filters.conditions(flt):
        return (
            f"none of the {stored} stored articles match {query!r} with these filters; "
            "drop a filter or try fewer or shorter words"
        )
    return f"none of the {stored} stored articles match {query!r}; try fewer or shorter words"


# --- serve ----------------------------------------------------------------------------


def live_config(config: Config, say: Callable[[str], None]) -> LiveConfig:
    """``config``, reloaded when its files change (a new source shows at once); a change
    that does not load, or one only a restart applies, is said once."""
    from crawler.config.live import LiveConfig
    from crawler.timeutil import use_zone

    def reloaded(new: Config) -> None:
        use_zone(new.settings.timezone)
        say(f"configuration reloaded: {len(new.sources)} source(s)")
        if new.database_url != config.database_url:
            say(f"database_url changed to {new.database_url}: restart `leadwatch serve` to use it")
        for name, problem in new.broken.items():
            say(f"warning: {problem} (source {name} is left out)")

    def failed(exc: LeadwatchError) -> None:
        say(f"warning: the changed configuration does not load, the previous one stays: {exc}")

    return LiveConfig(config, on_reload=reloaded, on_error=failed)


def cmd_serve(args: argparse.Namespace) -> int:
    from crawler.web.serve import access_token, serve

    config = config_from_args(args)
    token = access_token(args.host)
    database = open_database(config)
    if database.engine.dialect.name == "sqlite":
        sync_search_index(database)  # the first search then answers at once
    else:
        err_console.print("full-text search needs SQLite (FTS5): the search box is disabled")

    def say(line: str) -> None:
        console.print(line, markup=False, soft_wrap=True)

    return serve(
        live_config(config, say),  # type: ignore[arg-type]  # stands in for a Config
        database,
        args.host,
        args.port,
        token=token,
        threads=args.threads,
        say=lambda line: console.print(line, markup=False, soft_wrap=True),
    )


# --- export ---------------------------------------------------------------------------


STDOUT = "-"


def _format(args: argparse.Namespace) -> str:
    from crawler.present.export import FORMATS

    if args.format:
        return args.format
    suffix = Path(args.output).suffix.lower().lstrip(".")
    if suffix in FORMATS:
        return suffix
    raise LeadwatchError(
        f"cannot tell the format of {args.output!r}; add --format csv, xlsx or json"
    )


def _check_output(out: Path, fmt: str) -> None:
    """Fail before querying when ``-o`` cannot be written."""
    if out.is_dir():
        raise LeadwatchError(
            f"{out} is a directory; give a file name, e.g. -o {out / f'leads.{fmt}'}"
        )
    if not out.parent.exists():
        raise LeadwatchError(
            f"directory {out.parent} does not exist; create it or choose another -o"
        )


def cmd_export(args: argparse.Namespace) -> int:
    from crawler.present.export import describe, export
    from crawler.store import filters, search, status

    config = config_from_args(args)
    to_stdout = args.output == STDOUT
    out = Path(args.output)
    if not to_stdout:
        _check_output(out, args.format or "xlsx")
    fmt = _format(args)
    if to_stdout and fmt == "xlsx" and sys.stdout.isatty():
        raise LeadwatchError("an XLSX workbook is binary; redirect it (> leads.xlsx) or use -o")
    parsed = None
    if args.query:
        _check_search_backend(config)
        parsed = search.parse_query(args.query)
    database = open_database(config)
    flt = filter_from_args(config, args, args.query or "", database=database)
    if parsed is not None:
        sync_search_index(database)
    ensure_register(config, database)
    now = datetime.now(UTC)
    with database.reading() as session:
        articles, _ = filters.list_articles(session, flt, parsed, limit=args.limit or None)
        statuses = status.lead_statuses(session, [a.id for a in articles])
        marks = status.lead_marks(session, [lead.id for a in articles for lead in a.leads])
        filters = {
            "检索词": flt.query,
            "行业": flt.sector,
            "合作方": flt.partner,
            "采集源": flt.source,
            "事件": flt.event,
            "起始": args.since,
            "截止": args.until,
            "仅线索": "是" if flt.leads_only else "",
            "跟进状态": flt.status,
        }
        about = describe(filters, len(articles), now)
        if to_stdout:
            _export_to_stdout(fmt, articles, statuses, about, marks)
        else:
            try:
                export(out, fmt, articles, statuses, about, marks)
            except OSError as exc:
                raise LeadwatchError(
                    f"cannot write {out}: {exc.strerror}; choose another -o"
                ) from None
    where = "standard output" if to_stdout else str(out)
    # on stderr when the data itself goes to stdout
    (err_console if to_stdout else console).print(
        f"wrote {len(articles)} article(s) to {where} ({fmt})", markup=False
    )
    return ExitStatus.OK


def _export_to_stdout(
    fmt: str, articles: list, statuses: dict, about: dict, marks: dict | None = None
) -> None:
    """``-o -``: the same bytes a file would get, written to standard output."""
    import tempfile

    from crawler.present.export import export

    with tempfile.TemporaryDirectory(prefix="leadwatch-export-") as tmp:
        path = Path(tmp, f"export.{fmt}")
        export(path, fmt, articles, statuses, about, marks)
        sys.stdout.flush()
        sys.stdout.buffer.write(path.read_bytes())
        sys.stdout.buffer.flush()


def register(add: Callable[..., argparse.ArgumentParser]) -> None:
    """Add items, show, search, serve and export to the `leadwatch` parser."""
    p = add("items", cmd_items, "list stored articles with their tags, newest first")
    add_filters(p)
    p.add_argument(
        "--limit", type=count(0), default=50, help="at most this many (default 50; 0: all)"
    )
    p.add_argument("--json", action="store_true", help="articles as JSON, for scripts")

    p = add("show", cmd_show, "show one stored article")
    p.add_argument("id", type=int, help="the article's ID, as `items` and `search` list it")
    p.add_argument("--json", action="store_true", help="the article as JSON, with its body")

    p = add("search", cmd_search, "full-text search (Chinese words), ranked, with snippets")
    p.add_argument("query", nargs="*", metavar="WORD", help="words that must all occur")
    add_filters(p)
    p.add_argument("--sort", choices=("relevance", "date"), default="relevance")
    p.add_argument("--limit", type=count(1), default=20, help="at most this many (default 20)")
    p.add_argument("--json", action="store_true", help="results as JSON, for scripts")
    p.add_argument(
        "--reindex",
        action="store_true",
        help="tokenize every article again (after a jieba upgrade)",
    )

    p = add("serve", cmd_serve, "browse the store in a web browser (127.0.0.1 by default)")
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to bind; anything but loopback needs LEADWATCH_WEB_TOKEN",
    )
    p.add_argument(
        "--port", type=port, default=8600, help="port (default 8600; 0 picks a free one)"
    )
    p.add_argument("--threads", type=count(1), default=4, help="worker threads (default 4)")

    p = add("export", cmd_export, "write articles to CSV (Excel-ready), XLSX or JSON")
    p.add_argument(
        "-o", "--output", required=True, metavar="FILE", help="file to write; - for stdout"
    )
    p.add_argument("--format", choices=("csv", "xlsx", "json"), help="default: from FILE's suffix")
    p.add_argument("--query", help="only articles matching these words (full-text search)")
    add_filters(p)
    p.add_argument("--limit", type=count(0), default=0, help="at most this many (default 0: all)")
