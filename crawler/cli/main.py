"""The `leadwatch` command: parses arguments, calls the library, prints results.

One error boundary (:func:`main`) turns the library's typed errors into a one-line
message that says what to do next, and an exit status; ``--traceback`` shows the rest.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

from crawler.cli import (
    browse,
    crawl,
    digest,
    instance,
    report,
    sources,
    taxonomy,
    text,
    workers,
)
from crawler.cli import register as register_cli
from crawler.cli.common import CREATE_DATABASE_ENV, ExitStatus, close_databases, err_console
from crawler.config import CONFIG_NAME, HOME_ENV
from crawler.errors import LeadwatchError

# Exit status when the reader of our output went away (`leadwatch runs --json | head`):
# what a Unix tool killed by SIGPIPE reports.
BROKEN_PIPE = 128 + 13


def build_parser() -> argparse.ArgumentParser:
    """The `leadwatch` parser: the global options, then each command group's commands
    (every group module has a ``register(add)``)."""
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

    # In the order `leadwatch --help` lists them: set up, crawl, look, alert, report,
    # the single steps on given input, the workers.
    for group in (
        instance,
        sources,
        crawl,
        browse,
        register_cli,
        digest,
        report,
        text,
        taxonomy,
        workers,
    ):
        group.register(add)
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
