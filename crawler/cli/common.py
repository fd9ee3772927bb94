"""What every `leadwatch` command module shares: consoles, config and database access."""

from __future__ import annotations

import argparse
import json
import os
import sys
import warnings
from collections.abc import Callable, Iterable
from datetime import datetime
from enum import IntEnum
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console

from crawler.config import DATABASE_ENV, Config, ConfigWarning, find_config, load_config
from crawler.errors import DatabaseBusy, LeadwatchError, UnknownNameError
from crawler.timeutil import use_zone

if TYPE_CHECKING:  # the store is imported lazily to keep `classify` light
    from crawler.store import Database

# Piped output (tests, logs) gets a wide console so tables of Chinese titles stay readable.
_WIDTH = None if sys.stdout.isatty() else 200
console = Console(highlight=False, soft_wrap=True, width=_WIDTH)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)


class ExitStatus(IntEnum):
    """What `leadwatch` exits with (README, "exit status"); a signal gives 128 + its number.
    Commands return one of these; ``main`` maps errors to them."""

    OK = 0
    FAILED = 1  # a crawl, a file, a send
    USAGE = 2  # wrong input or set-up
    BUSY = DatabaseBusy.exit_code  # 75: the database was locked by another process; retry
    INTERRUPTED = 130  # Ctrl-C


# Set (to 1) to let any command create a missing SQLite file, as `--create-db` does.
CREATE_DATABASE_ENV = "LEADWATCH_CREATE_DATABASE"


def print_json(data: object) -> None:
    """``--json`` output: indented, Chinese as itself (not \\u escapes)."""
    print(json.dumps(data, ensure_ascii=False, indent=2))


def config_from_args(args: argparse.Namespace, needed: Iterable[str] = ()) -> Config:
    """The instance config (``--config``, else $LEADWATCH_HOME, else the working
    directory). Replaced keys still in use and broken sources are printed as warnings,
    except the sources ``needed`` by name (the command reports those as its error).
    Times are shown in the config's zone from here on."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConfigWarning)  # printed below, without a source line
        config = load_config(args.config)
    use_zone(config.settings.timezone)
    for warning in config.warnings:
        err_console.print(f"warning: {warning}", markup=False)
    for name, problem in config.broken.items():
        if name not in needed:
            err_console.print(f"warning: {problem} (this source is left out)", markup=False)
    return config


def taxonomy_files(args: argparse.Namespace) -> list[Path]:
    """--taxonomy; else the instance's taxonomy (shipped + its own); else, with no
    instance found, the shipped taxonomy."""
    from crawler.shipped import shipped_taxonomy

    if getattr(args, "taxonomy", None):
        return [Path(args.taxonomy)]
    if find_config(args.config).path.exists():
        return config_from_args(args).taxonomy_files
    return [shipped_taxonomy()]


def open_database(config: Config, *, create: bool = False) -> Database:
    """The store, migrated to the current schema; a store that cannot be opened is a
    one-line error saying which URL (and where it came from) and what to check.

    A missing SQLite file is created only with ``create`` (`init`, `demo`, `db upgrade`,
    ``--create-db``): a typo in database_url must not start a new, empty store."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, OperationalError

    from crawler.store import Database

    url = config.database_url
    origin = DATABASE_ENV if os.environ.get(DATABASE_ENV) else f"database_url in {config.path}"
    if not (create or os.environ.get(CREATE_DATABASE_ENV) == "1"):
        _refuse_missing_sqlite(url, origin)
    try:
        database = Database(url)
    except ArgumentError:
        raise LeadwatchError(
            f"{url!r} ({origin}) is not a database URL; use e.g. sqlite:///data/leadwatch.db"
        ) from None
    except ModuleNotFoundError as exc:
        if (exc.name or "").split(".")[0] in ("crawler", "classifiers", "alerts", "spiders"):
            raise
        raise LeadwatchError(
            f"the database driver {exc.name!r} for {make_url(url).get_backend_name()} "
            f"({origin}) is not installed; install it into .venv or use SQLite"
        ) from None
    except (OSError, OperationalError) as exc:  # not a failed migration: that is a bug
        from crawler.store.busy import is_busy

        if is_busy(exc):
            raise database_busy(url, origin) from None
        problem = exc.strerror if isinstance(exc, OSError) else str(getattr(exc, "orig", exc))
        parsed = make_url(url)
        hint = "check the URL, the server and the credentials (--traceback shows more)"
        cannot_write = isinstance(exc, OSError) or any(
            words in problem for words in ("unable to open", "readonly", "read-only")
        )
        if parsed.get_backend_name() == "sqlite" and parsed.database and cannot_write:
            directory = Path(parsed.database).resolve().parent
            hint = (
                f"SQLite writes the database and its -wal/-shm files in {directory}: "
                "that directory must exist and be writable by this user"
            )
        raise LeadwatchError(
            f"cannot open the database {url} ({origin}): {problem}; {hint}"
        ) from None
    _opened.append(database)
    return database


def database_busy(url: str, origin: str = "") -> DatabaseBusy:
    """The error for a database another process kept locked past the busy timeout,
    naming the processes (SQLite) or sessions (PostgreSQL) that may hold it."""
    from crawler.store.busy import holders
    from crawler.store.db import BUSY_TIMEOUT_MS

    held = holders(url)
    by = f"; held by {', '.join(held)}" if held else ""
    where = f" ({origin})" if origin else ""
    return DatabaseBusy(
        f"the database {url}{where} is busy: another process kept it locked for longer "
        f"than leadwatch waits ({BUSY_TIMEOUT_MS / 1000:g} s){by}; this command's last step "
        "was not saved — "
        "run it again when that one has finished"
    )


def last_database_url() -> str | None:
    """The URL of the database this command opened last (for error messages)."""
    return _opened[-1].url if _opened else None


# Databases this command opened; main() closes them when the command ends, so a
# command run in-process (tests, the web view's reload) leaves no connection behind.
_opened: list[Database] = []


def close_databases() -> None:
    """Close every database :func:`open_database` opened (called by ``main``)."""
    while _opened:
        _opened.pop().close()


def ensure_register(config: Config, database: Database) -> None:
    """Bring the lead register up to date with the stored leads (cheap when it is)."""
    from crawler.register.steps import link

    link(config, database)


def analyst() -> str:
    """Who is running the command, for follow-up histories (the login name)."""
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (a container's random uid)
        return os.environ.get("USER", "")


def _refuse_missing_sqlite(url: str, origin: str) -> None:
    """An error naming the path when ``url`` is a SQLite file that does not exist."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError:
        return  # reported by the caller
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return
    path = Path(parsed.database)
    if not path.exists():
        raise LeadwatchError(
            f"no database at {path} ({origin}); if that is the right place, create it with "
            "`leadwatch db upgrade`, else correct the path"
        )


def source_filter(config: Config, database: Database, value: str | None) -> str | None:
    """A --source filter: a configured source, or one whose runs or articles are stored
    (a source removed from sources.toml keeps its history); a typo is an error."""
    if not value:
        return None
    configured = [s.name for s in config.sources]
    if value in configured:
        return value
    from sqlalchemy import select, union

    from crawler.store.models import Article, CrawlRun

    with database.reading() as session:
        stored = set(
            session.scalars(union(select(Article.source).distinct(), select(CrawlRun.source)))
        )
    if value in stored:
        return value
    if value in config.broken:
        raise config.broken[value]
    known = configured + sorted(stored - set(configured))
    raise UnknownNameError("source", value, known, "leadwatch sources list")


def sector_id(config: Config, value: str | None) -> str | None:
    """A sector id from an id or a label; an unknown one is an error listing the known."""
    if not value:
        return None
    sectors = config.taxonomy().sectors
    if value in sectors:
        return value
    by_label = {label: sid for sid, label in sectors.items()}
    if value in by_label:
        return by_label[value]
    known = ", ".join(f"{sid} ({label})" for sid, label in sectors.items())
    raise LeadwatchError(f"unknown sector {value!r}; use one of: {known}")


def partner_name(config: Config, value: str | None) -> str | None:
    if not value:
        return None
    return config.taxonomy().canonical_partner(value) or value


def time_option(option: str, value: str | None) -> datetime | None:
    """A `--since`/`--until` value (7d, 12h, 2w or YYYY-MM-DD) as an aware datetime."""
    from crawler.timeutil import parse_since

    if not value:
        return None
    try:
        return parse_since(value)
    except ValueError:
        raise LeadwatchError(f"{option} {value!r}: use 7d, 12h, 2w or YYYY-MM-DD") from None


def count(minimum: int) -> Callable[[str], int]:
    """An argparse type: an integer of at least ``minimum`` (--limit, --batch-size …)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{value} is too small; use {minimum} or more")
        return value

    return parse


def port(text: str) -> int:
    """An argparse type: a TCP port, 0 (any free port) to 65535."""
    value = count(0)(text)
    if value > 65535:
        raise argparse.ArgumentTypeError(f"{value} is not a port; use 0 to 65535")
    return value


def read_text(data: bytes) -> str:
    """A text file's bytes as str: UTF-8 (with or without BOM) or GBK/GB18030, as saved
    by Windows Notepad or Word on a Chinese system; anything else is a ValueError."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data:
        raise ValueError("not a text file (it has NUL bytes); save the text as UTF-8")
    for codec in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            continue
    raise ValueError("neither UTF-8 nor GBK text; save it as UTF-8")
