"""`leadwatch init`, `demo` and `db upgrade`: make an instance, try it, bring its store
up to date."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from crawler.cli.common import (
    ExitStatus,
    config_from_args,
    console,
    err_console,
    open_database,
    port,
)
from crawler.config import CONFIG_NAME, HOME_ENV, find_config


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
        return ExitStatus.FAILED
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
    return ExitStatus.OK


def cmd_demo(args: argparse.Namespace) -> int:
    from crawler.config.instance import init_instance
    from crawler.demo import run_demo

    target = _init_target(args)
    created = False
    if not target.exists():
        created = init_instance(target).created
    return run_demo(target, port=args.port, console=console, created=created)


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from crawler.register.steps import rebuild_all

    config = config_from_args(args)
    database = open_database(config, create=True)
    console.print(f"database at {config.database_url} is up to date", markup=False)
    console.print(rebuild_all(config, database).summary(), markup=False)
    return ExitStatus.OK


def register(add: Callable[..., argparse.ArgumentParser]) -> None:
    """Add init, demo and db upgrade to the `leadwatch` parser."""
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

    db = add("db", cmd_db_upgrade, "database maintenance")
    db_sub = db.add_subparsers(dest="db_command")
    dp = db_sub.add_parser("upgrade", help="apply schema migrations")
    dp.set_defaults(func=cmd_db_upgrade)
