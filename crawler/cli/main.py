"""The `leadwatch` command: parses arguments, calls the library, prints results.

One error boundary (:func:`main`) turns the library's typed errors into a one-line
message that says what to do next, and an exit status; ``--traceback`` shows the rest.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from enum import IntEnum
from pathlib import Path

from rich.text import Text

from crawler.cli import browse, digest, report, sources, taxonomy, workers
from crawler.cli import register as register_cli
from crawler.cli.browse import add_filters, filter_from_args
from crawler.cli.common import (
    CREATE_DATABASE_ENV,
    close_databases,
    config_from_args,
    console,
    count,
    ensure_register,
    err_console,
    open_database,
    port,
    read_text,
    source_filter,
)
from crawler.config import CONFIG_NAME, HOME_ENV, find_config
from crawler.errors import DatabaseBusy, LeadwatchError


class ExitStatus(IntEnum):
    """What `leadwatch` exits with (README, "exit status"); a signal gives 128 + its number."""

    OK = 0
    FAILED = 1  # a crawl, a file, a send
    USAGE = 2  # wrong input or set-up
    BUSY = DatabaseBusy.exit_code  # 75: the database was locked by another process; retry
    INTERRUPTED = 130  # Ctrl-C


# Exit status when the reader of our output went away (`leadwatch runs --json | head`):
# what a Unix tool killed by SIGPIPE reports.
BROKEN_PIPE = 128 + 13


def _init_target(args: argparse.Namespace) -> Path:
    """The leadwatch.toml `init` writes: DIR/leadwatch.toml, else --config (a file or a
    directory), else $LEADWATCH_HOME, else the working directory."""
    given = getattr(args, "directory", None) or args.config
    if given:
        path = Path(given)
        return path if path.suffix == ".toml" and not path.is_dir() else path / CONFIG_NAME
    return find_config(None).path


def cmd_init(args: argparse.Namespace) -> int:
    from crawler.config.instance import init_instance

    target = _init_target(args)
    result = init_instance(target, force=args.force)
    if not result.created:
        err_console.print(
            f"{target} exists: edit it, or use --force to replace it with the defaults "
            "(its sources.toml, taxonomy.toml and data/ are kept)",
            markup=False,
        )
        return 1
    config = config_from_args(argparse.Namespace(config=str(target)))
    open_database(config, create=True)
    directory = target.parent.resolve()
    console.print(f"instance {directory}", markup=False)
    for path in result.written:
        console.print(f"  wrote {path.name}", markup=False)
    for path in result.kept:
        console.print(f"  kept  {path.name} (already there)", markup=False)
    console.print(f"  store {config.database_url}", markup=False)
    here = Path.cwd().resolve() == directory
    use = "" if here else f" (cd {directory}, or export {HOME_ENV}={directory})"
    console.print(
        f"next{use}: set recipients and [smtp] in {target.name}; add your sources to "
        "sources.toml; check each with `leadwatch sources check NAME --mark-verified`",
        markup=False,
    )
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from crawler.config.instance import init_instance
    from crawler.demo import run_demo

    target = _init_target(args)
    created = False
    if not target.exists():
        created = init_instance(target).created
    return run_demo(target, port=args.port, console=console, created=created)


def cmd_crawl(args: argparse.Namespace) -> int:
    from crawler.crawl import CrawlInterrupted, claim, crawl_sources
    from crawler.crawl.launch import Stopper

    config = config_from_args(args, needed=args.sources)
    for name in args.sources:
        config.source(name)  # an unknown name, or a broken entry, is the error
    names = list(dict.fromkeys(args.sources)) or [
        s.name for s in config.sources if s.enabled and s.verified
    ]
    left_out = 2 if config.broken and not args.sources else 0
    if not names:
        unverified = [s.name for s in config.sources if s.enabled and not s.verified]
        waiting = (
            f" ({len(unverified)} enabled but not verified yet: {', '.join(unverified)})"
            if unverified
            else ""
        )
        err_console.print(
            f"nothing to crawl: no source is both enabled and verified{waiting}; "
            "check one with `leadwatch sources check NAME --mark-verified`, "
            "or crawl it by name: `leadwatch crawl NAME`",
            markup=False,
        )
        return left_out
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
    if left_out:
        err_console.print(
            f"{len(config.broken)} source(s) left out for config errors (warnings above)",
            markup=False,
        )
        return left_out
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
    located = find_config(args.config).path  # an instance is optional here
    config_path = located if located.is_file() else None
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

    classifier = Classifier(load_taxonomy(*taxonomy_files(args)))
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


def taxonomy_files(args: argparse.Namespace) -> list[Path]:
    """--taxonomy; else the instance's taxonomy (shipped + its own); else, with no
    instance found, the shipped taxonomy."""
    from crawler.shipped import shipped_taxonomy

    if getattr(args, "taxonomy", None):
        return [Path(args.taxonomy)]
    if find_config(args.config).path.exists():
        return config_from_args(args).taxonomy_files
    return [shipped_taxonomy()]


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from crawler.register.steps import rebuild_all

    config = config_from_args(args)
    database = open_database(config, create=True)
    console.print(f"database at {config.database_url} is up to date", markup=False)
    console.print(rebuild_all(config, database).summary(), markup=False)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="leadwatch", description="News monitoring and cooperation-lead alerts."
    )
    parser.add_argument(
        "--config",
        metavar="PATH",
        help=f"the instance: its directory or its leadwatch.toml "
        f"(default: ${HOME_ENV}, else ./{CONFIG_NAME})",
    )
    parser.add_argument(
        "--create-db",
        action="store_true",
        help="create the SQLite file if it is missing (only init, demo and db upgrade do "
        f"otherwise; {CREATE_DATABASE_ENV}=1 does the same)",
    )
    parser.add_argument("--traceback", action="store_true", help="show the full error")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(
        name: str, func: Callable[[argparse.Namespace], int], help: str
    ) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help, description=help)
        p.set_defaults(func=func)
        return p

    p = add(
        "init",
        cmd_init,
        "make an instance directory: leadwatch.toml, sources.toml, taxonomy.toml, data/",
    )
    p.add_argument(
        "directory",
        nargs="?",
        metavar="DIR",
        help="where (default: --config, else $LEADWATCH_HOME, else here)",
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="replace an existing leadwatch.toml (sources.toml, taxonomy.toml, data/ are kept)",
    )

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
        report.register,
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
    if args.create_db:
        os.environ[CREATE_DATABASE_ENV] = "1"
    try:
        status = args.func(args)
        sys.stdout.flush()  # a closed pipe shows here, inside the boundary
        return status
    except BrokenPipeError:
        _silence_stdout()
        return BROKEN_PIPE
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


def _silence_stdout() -> None:
    """The reader went away (`| head`): stop writing, as other Unix tools do, so the
    interpreter's final flush does not print a BrokenPipeError either."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # no real file descriptor (tests)
        pass


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
