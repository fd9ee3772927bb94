"""The `leadwatch` command: parses arguments, calls the library, prints results.

One error boundary (:func:`main`) turns the library's typed errors into a one-line
message that says what to do next, and an exit status; ``--traceback`` shows the rest.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from enum import IntEnum
from pathlib import Path

from rich.text import Text

from crawler.cli import browse, digest, sources, taxonomy, workers
from crawler.cli import register as register_cli
from crawler.cli.browse import add_filters, filter_from_args
from crawler.cli.common import (
    close_databases,
    config_from_args,
    console,
    count,
    ensure_register,
    err_console,
    known_name,
    open_database,
    port,
    read_text,
    source_filter,
)
from crawler.config import DEFAULT_CONFIG
from crawler.errors import DatabaseBusy, LeadwatchError


class ExitStatus(IntEnum):
    """What `leadwatch` exits with (README, "exit status"); a signal gives 128 + its number."""

    OK = 0
    FAILED = 1  # a crawl, a file, a send
    USAGE = 2  # wrong input or set-up
    BUSY = DatabaseBusy.exit_code  # 75: the database was locked by another process; retry
    INTERRUPTED = 130  # Ctrl-C


def cmd_init(args: argparse.Namespace) -> int:
    from crawler.init_config import write_default_config

    path = Path(args.config)
    if write_default_config(path, force=args.force):
        console.print(
            f"wrote {path}; edit recipients and SMTP, then run `leadwatch crawl`", markup=False
        )
        _warn_missing_config_files(path)
        return 0
    err_console.print(
        f"{path} exists (`make demo` writes one): edit it, "
        "or use --force to replace it with the defaults",
        markup=False,
    )
    return 1


def _warn_missing_config_files(path: Path) -> None:
    """After `init` outside the repository: say which referenced files are not there."""
    import tomllib

    settings = tomllib.loads(path.read_text(encoding="utf-8")).get("leadwatch", {})
    for key in ("sources", "taxonomy"):
        target = path.parent / settings.get(key, "")
        if key in settings and not target.exists():
            err_console.print(
                f"note: {target} does not exist yet; copy config/{target.name} from the "
                f"leadwatch repository there, or point `{key}` in {path} at it",
                markup=False,
            )


def cmd_demo(args: argparse.Namespace) -> int:
    from crawler.demo import run_demo

    return run_demo(Path(args.config), port=args.port, console=console)


def cmd_crawl(args: argparse.Namespace) -> int:
    from crawler.crawl import CrawlInterrupted, claim, crawl_sources
    from crawler.crawl.launch import Stopper

    config = config_from_args(args)
    known = [s.name for s in config.sources]
    for name in args.sources:
        if name not in known:
            raise known_name("source", name, known, "leadwatch sources list")
    names = list(dict.fromkeys(args.sources)) or [
        s.name for s in config.sources if s.enabled and s.verified
    ]
    if not names:
        err_console.print(
            "no enabled, verified sources to crawl; name one (see `leadwatch sources list`)"
        )
        return 1
    database = open_database(config)
    # SIGTERM from here on stops the crawl cleanly (forwarded to the crawl process) and
    # starts no further one; before here there is nothing to clean up.
    with ExitStack() as locks, Stopper().handling_signals() as stopper:
        busy = {n: why for n in names if (why := claim(config, database, n, locks))}
        for name, why in busy.items():
            err_console.print(f"{name} is {why}; not starting a second crawl of it", markup=False)
        names = [n for n in names if n not in busy]
        if not names:
            return 1
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
    return 0 if all(o.ok for o in outcomes) and not busy else 1


def cmd_runs(args: argparse.Namespace) -> int:
    from crawler.present.records import run_dict, runs_table
    from crawler.store import repo

    config = config_from_args(args)
    database = open_database(config)
    source = source_filter(config, database, args.source)
    with database.reading() as session:
        runs = list(repo.list_runs(session, source, args.limit))
    if args.json:
        print(json.dumps([run_dict(r) for r in runs], ensure_ascii=False, indent=2))
    elif not runs:
        err_console.print(
            "no crawl runs yet; start one with `leadwatch crawl SOURCE` (or `leadwatch demo`)"
        )
    else:
        console.print(runs_table(runs))
    return 0


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
        print(
            json.dumps(
                [article_dict(a, marks=marks) for a in articles], ensure_ascii=False, indent=2
            )
        )
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
    return 0


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
            print(json.dumps(data, ensure_ascii=False, indent=2))
        else:
            print_article(console, article, marks)
    return 0


def cmd_extract(args: argparse.Namespace) -> int:
    from crawler.cli.extract import extract_targets

    status = 0
    config_path = Path(args.config) if Path(args.config).is_file() else None
    for record in extract_targets(args.targets, url=args.url, config_path=config_path):
        if "error" in record:
            status = 1
        if args.json:
            print(json.dumps(record, ensure_ascii=False))
        else:
            console.print(Text(str(record.get("path")), style="bold"))
            for key in ("title", "published_at", "source", "error"):
                if key in record:
                    console.print(f"  {key}: {record[key]}", markup=False)
            if "body" in record:
                console.print(f"  body: {record['body'][:200]}…", markup=False)
    return status


def cmd_classify(args: argparse.Namespace) -> int:
    from classifiers import Classifier, load_taxonomy

    taxonomy_path = Path(args.taxonomy) if args.taxonomy else _taxonomy_path(args)
    classifier = Classifier(load_taxonomy(taxonomy_path))
    status = 0
    for target in args.files or ["-"]:
        try:
            raw = sys.stdin.buffer.read() if target == "-" else Path(target).read_bytes()
            text = read_text(raw)
        except OSError as exc:
            record: dict = {"path": target, "error": f"cannot read: {exc.strerror}"}
        except ValueError as exc:
            record = {"path": target, "error": str(exc)}
        else:
            title, _, body = text.strip().partition("\n")
            result = classifier.classify(title.strip(), body.strip()).to_dict()
            record = {"path": target, **result}
        if "error" in record:
            status = 1
        if args.json:
            print(json.dumps(record, ensure_ascii=False))
        elif "error" in record:
            err_console.print(f"{target}: {record['error']}", markup=False)
        else:
            _print_classification(target, title.strip(), result)
    return status


def _print_classification(target: str, title: str, result: dict) -> None:
    console.print(Text.assemble((target, "bold"), f": {title}"))
    for s in result["sectors"]:
        console.print(f"  行业 {s['label']} ({s['score']:.1f})", markup=False)
    for p in result["partners"]:
        console.print(f"  合作方 {p['name']} ({p['score']:.1f})", markup=False)
    for lead in result["leads"]:
        console.print(
            f"  线索 {lead['event']} {lead['amount_yuan']} {lead['counterparts']}", markup=False
        )
    if not (result["sectors"] or result["partners"] or result["leads"]):
        console.print("  (no sector, partner or lead found)")


def _taxonomy_path(args: argparse.Namespace) -> Path:
    """The config's taxonomy, or config/taxonomy.toml when there is no leadwatch.toml."""
    if Path(args.config).exists():
        return config_from_args(args).taxonomy_path
    return Path("config/taxonomy.toml")


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from crawler.register.steps import rebuild_all

    config = config_from_args(args)
    database = open_database(config)
    console.print(f"database at {config.database_url} is up to date", markup=False)
    console.print(rebuild_all(config, database).summary(), markup=False)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="leadwatch", description="News monitoring and cooperation-lead alerts."
    )
    parser.add_argument(
        "--config", default=str(DEFAULT_CONFIG), help="instance config (default ./leadwatch.toml)"
    )
    parser.add_argument("--traceback", action="store_true", help="show the full error")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(
        name: str, func: Callable[[argparse.Namespace], int], help: str
    ) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help, description=help)
        p.set_defaults(func=func)
        return p

    p = add("init", cmd_init, "write a default leadwatch.toml")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")

    p = add(
        "demo", cmd_demo, "serve the bundled demo site, crawl, classify, store, preview a digest"
    )
    p.add_argument("--port", type=port, default=8765, help="demo site port (default 8765)")

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

    p = add("items", cmd_items, "list stored articles with their tags, newest first")
    add_filters(p)
    p.add_argument(
        "--limit", type=count(0), default=50, help="at most this many (default 50; 0: all)"
    )
    p.add_argument("--json", action="store_true", help="articles as JSON, for scripts")

    p = add("show", cmd_show, "show one stored article")
    p.add_argument("id", type=int, help="the article's ID, as `items` and `search` list it")
    p.add_argument("--json", action="store_true", help="the article as JSON, with its body")

    p = add("extract", cmd_extract, "extract title, date, source and body from pages")
    p.add_argument("targets", nargs="+", metavar="PATH_OR_URL")
    p.add_argument("--url", help="the URL a local file was saved from")
    p.add_argument("--json", action="store_true", help="one JSON object per line")

    p = add(
        "classify", cmd_classify, "tag texts (first line = title) with sectors, partners, leads"
    )
    p.add_argument("files", nargs="*", metavar="FILE", help="text files, or - for stdin")
    p.add_argument("--taxonomy", help="taxonomy file (default: the config's)")
    p.add_argument("--json", action="store_true", help="one JSON object per line")

    for register in (
        digest.register,
        sources.register,
        taxonomy.register,
        browse.register,
        register_cli.register,
        workers.register,
    ):
        register(add)

    db = add("db", lambda a: cmd_db_upgrade(a), "database maintenance")
    db_sub = db.add_subparsers(dest="db_command")
    dp = db_sub.add_parser("upgrade", help="apply schema migrations")
    dp.set_defaults(func=cmd_db_upgrade)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `leadwatch` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        err_console.print("interrupted")
        return ExitStatus.INTERRUPTED
    except Exception as exc:
        if args.traceback:
            raise
        message, status = _error_message(exc)
        if message is None:
            raise
        # markup=False: messages quote user input and crawled text ("[/]通知")
        err_console.print(f"error: {message}", markup=False)
        return status
    finally:
        close_databases()


def _error_message(exc: Exception) -> tuple[str | None, int]:
    """The one-line message and exit status for an error a user can act on; (None, 1)
    for a bug, which keeps its traceback."""
    from classifiers import TaxonomyError  # classifiers may not import our errors

    if isinstance(exc, LeadwatchError | TaxonomyError):
        return str(exc), getattr(exc, "exit_code", ExitStatus.USAGE)
    if isinstance(exc, OSError) and exc.filename:
        return f"{exc.filename}: {exc.strerror} (--traceback shows where)", ExitStatus.FAILED
    sa_exc = sys.modules.get("sqlalchemy.exc")
    if sa_exc is not None and isinstance(exc, sa_exc.DBAPIError):
        from crawler.cli.common import database_busy, last_database_url
        from crawler.store.busy import is_busy

        if is_busy(exc):
            busy = database_busy(last_database_url() or "in use")
            return str(busy), ExitStatus.BUSY
    if sa_exc is not None and isinstance(exc, sa_exc.OperationalError):
        message = f"the database refused: {exc.orig} (--traceback shows where)"
        return message, ExitStatus.FAILED
    return None, ExitStatus.FAILED


if __name__ == "__main__":
    sys.exit(main())
