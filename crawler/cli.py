"""The `leadwatch` command: parses arguments, calls the library, prints results.

One error boundary (:func:`main`) turns the library's typed errors into a one-line
message that says what to do next, and an exit status; ``--traceback`` shows the rest.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from crawler.cli_common import (
    config_from_args,
    console,
    err_console,
    open_database,
    partner_name,
    sector_id,
    time_option,
)
from crawler.config import DEFAULT_CONFIG
from crawler.errors import LeadwatchError


def cmd_init(args: argparse.Namespace) -> int:
    from crawler.init_config import write_default_config

    path = Path(args.config)
    if write_default_config(path, force=args.force):
        console.print(f"wrote {path}; edit recipients and SMTP, then run `leadwatch crawl`")
        return 0
    err_console.print(f"{path} exists; use --force to overwrite it")
    return 1


def cmd_demo(args: argparse.Namespace) -> int:
    from crawler.demo import run_demo

    return run_demo(Path(args.config), port=args.port, console=console)


def cmd_crawl(args: argparse.Namespace) -> int:
    from crawler.crawl import crawl_sources

    config = config_from_args(args)
    names = args.sources or [s.name for s in config.sources if s.enabled and s.verified]
    if not names:
        err_console.print(
            "no enabled, verified sources to crawl; name one (see `leadwatch sources list`)"
        )
        return 1
    database = open_database(config)
    console.print(f"crawling {len(names)} source(s): {', '.join(names)}")
    outcomes = crawl_sources(
        config,
        database,
        names,
        full=args.full,
        quiet=not args.verbose,
        on_done=lambda o: console.print(f"  done {o.source}"),
    )
    for outcome in outcomes:
        console.print(outcome.summary())
    return 0 if all(o.ok for o in outcomes) else 1


def cmd_runs(args: argparse.Namespace) -> int:
    from crawler.store import repo
    from crawler.views import run_dict, runs_table

    config = config_from_args(args)
    with open_database(config).session() as session:
        runs = list(repo.list_runs(session, args.source, args.limit))
    if args.json:
        print(json.dumps([run_dict(r) for r in runs], ensure_ascii=False, indent=2))
    else:
        console.print(runs_table(runs))
    return 0


def cmd_items(args: argparse.Namespace) -> int:
    from crawler.store import browse
    from crawler.views import article_dict, leads_table

    config = config_from_args(args)
    flt = browse.BrowseFilter(
        sector=sector_id(config, args.sector),
        partner=partner_name(config, args.partner),
        since=time_option("--since", args.since),
        leads_only=args.leads,
        source=args.source,
    )
    with open_database(config).session() as session:
        articles, _ = browse.list_articles(session, flt, limit=args.limit or None)
    if args.json:
        print(json.dumps([article_dict(a) for a in articles], ensure_ascii=False, indent=2))
    else:
        console.print(leads_table(articles))
        console.print(f"{len(articles)} item(s)")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from crawler.store import repo
    from crawler.views import article_dict, print_article

    config = config_from_args(args)
    with open_database(config).session() as session:
        article = repo.get_article(session, args.id)
        if article is None:
            raise LeadwatchError(f"no article with id {args.id}; list them with `leadwatch items`")
        if args.json:
            print(json.dumps(article_dict(article, body=True), ensure_ascii=False, indent=2))
        else:
            print_article(console, article)
    return 0


def cmd_extract(args: argparse.Namespace) -> int:
    from crawler.extract_cli import extract_targets

    status = 0
    for record in extract_targets(args.targets, url=args.url):
        if "error" in record:
            status = 1
        if args.json:
            print(json.dumps(record, ensure_ascii=False))
        else:
            console.print(f"[bold]{record.get('path')}[/bold]")
            for key in ("title", "published_at", "source", "error"):
                if key in record:
                    console.print(f"  {key}: {record[key]}")
            if "body" in record:
                console.print(f"  body: {record['body'][:200]}…")
    return status


def cmd_classify(args: argparse.Namespace) -> int:
    from classifiers import Classifier, load_taxonomy

    taxonomy_path = Path(args.taxonomy) if args.taxonomy else _taxonomy_path(args)
    classifier = Classifier(load_taxonomy(taxonomy_path))
    targets = args.files or ["-"]
    for target in targets:
        if target == "-":
            text = sys.stdin.read()
        else:
            try:
                text = Path(target).read_text(encoding="utf-8")
            except OSError as exc:
                raise LeadwatchError(f"cannot read {target}: {exc.strerror}") from None
        title, _, body = text.strip().partition("\n")
        result = classifier.classify(title.strip(), body.strip()).to_dict()
        record = {"path": target, **result}
        if args.json:
            print(json.dumps(record, ensure_ascii=False))
        else:
            console.print(f"[bold]{target}[/bold]: {title.strip()}")
            for s in result["sectors"]:
                console.print(f"  行业 {s['label']} ({s['score']:.1f})")
            for p in result["partners"]:
                console.print(f"  合作方 {p['name']} ({p['score']:.1f})")
            for lead in result["leads"]:
                console.print(
                    f"  线索 {lead['event']} {lead['amount_yuan']} {lead['counterparts']}"
                )
    return 0


def _taxonomy_path(args: argparse.Namespace) -> Path:
    """The config's taxonomy, or config/taxonomy.toml when there is no leadwatch.toml."""
    if Path(args.config).exists():
        return config_from_args(args).taxonomy_path
    return Path("config/taxonomy.toml")


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    config = config_from_args(args)
    open_database(config)
    console.print(f"database at {config.database_url} is up to date")
    return 0


# Command groups living in their own modules; each has `register(add)`.
COMMAND_MODULES = (
    "crawler.cli_digest",  # digest, deliveries, schedule (alerts)
    "crawler.cli_sources",  # sources list / check
    "crawler.cli_taxonomy",  # taxonomy check, reclassify
    "crawler.cli_browse",  # search, serve, export
)


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
    p.add_argument("--port", type=int, default=8765, help="demo site port (default 8765)")

    p = add("crawl", cmd_crawl, "crawl sources (each in its own process)")
    p.add_argument(
        "sources", nargs="*", metavar="SOURCE", help="default: every enabled, verified source"
    )
    p.add_argument(
        "--full", action="store_true", help="refetch known articles and page to max_pages"
    )
    p.add_argument("-v", "--verbose", action="store_true", help="show Scrapy's log")

    p = add("runs", cmd_runs, "list crawl runs")
    p.add_argument("--source")
    p.add_argument("--limit", type=int, default=50)
    p.add_argument("--json", action="store_true")

    p = add("items", cmd_items, "list stored articles with their tags")
    p.add_argument("--sector", help="sector id or label, e.g. low_altitude or 低空经济")
    p.add_argument("--partner", help="partner name or alias, e.g. 国投")
    p.add_argument("--since", help="7d, 12h or YYYY-MM-DD (publish time)")
    p.add_argument("--source")
    p.add_argument("--leads", action="store_true", help="only articles with a lead")
    p.add_argument("--limit", type=int, default=50)
    p.add_argument("--json", action="store_true")

    p = add("show", cmd_show, "show one stored article")
    p.add_argument("id", type=int)
    p.add_argument("--json", action="store_true")

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

    for module in COMMAND_MODULES:
        try:
            importlib.import_module(module).register(add)
        except ModuleNotFoundError as exc:  # a command group still being written
            if exc.name != module:
                raise

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
    except LeadwatchError as exc:
        if args.traceback:
            raise
        err_console.print(f"error: {exc}")
        return exc.exit_code
    except KeyboardInterrupt:
        err_console.print("interrupted")
        return 130
    except Exception as exc:
        from classifiers import TaxonomyError  # classifiers may not import our errors

        if isinstance(exc, TaxonomyError) and not args.traceback:
            err_console.print(f"error: {exc}")
            return 2
        raise


if __name__ == "__main__":
    sys.exit(main())
