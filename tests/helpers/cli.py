"""The `leadwatch` command run in this process (``main(argv)``), as a subprocess would see it.

A subprocess costs ~0.9 s of interpreter start-up and imports per call; in-process the same
command takes milliseconds once the modules are loaded. The runner gives the command what
a child process would get: its own working directory, an environment without the
developer's ``LEADWATCH_DATABASE_URL``, standard input, and captured standard output and
error (a text stream with a ``.buffer`` for binary output such as ``export -o -``); an
exception that escapes ``main`` becomes exit status 1 with its traceback on stderr, as
Python would print it. Tests about signals, crashes or import weight start a real process
instead (:meth:`tests.helpers.instance.Instance.run_process`).
"""

from __future__ import annotations

import io
import os
import sys
import traceback
import warnings
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from crawler.cli import main
from crawler.timeutil import DEFAULT_ZONE, use_zone

SCRUBBED_ENV = ("LEADWATCH_DATABASE_URL",)


@dataclass
class CliResult:
    """What a finished command left: like :class:`subprocess.CompletedProcess`."""

    args: list[str]
    returncode: int
    stdout: str
    stderr: str


def _stream(data: bytes = b"") -> io.TextIOWrapper:
    return io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", write_through=True)


def _text(stream: io.TextIOWrapper) -> str:
    stream.flush()
    return stream.buffer.getvalue().decode("utf-8", errors="replace")  # type: ignore[attr-defined]


@contextmanager
def _environment(cwd: Path, env: Mapping[str, str] | None) -> Iterator[None]:
    old_cwd, old_env = Path.cwd(), dict(os.environ)
    for name in SCRUBBED_ENV:
        os.environ.pop(name, None)
    os.environ.update(env or {})
    os.chdir(cwd)
    try:
        yield
    finally:
        os.chdir(old_cwd)
        os.environ.clear()
        os.environ.update(old_env)


def _python_default_warning_filters() -> None:
    """The filters a plain ``python`` process starts with (see the warnings docs)."""
    warnings.resetwarnings()
    warnings.filterwarnings("default", category=DeprecationWarning, module="__main__")
    for category in (DeprecationWarning, PendingDeprecationWarning, ImportWarning, ResourceWarning):
        warnings.filterwarnings("ignore", category=category, append=True)


def run_cli(
    args: Sequence[str],
    *,
    cwd: Path,
    env: Mapping[str, str] | None = None,
    stdin: str | bytes | None = None,
) -> CliResult:
    """Run ``leadwatch ARGS`` in this process from ``cwd`` and return what it printed."""
    data = stdin.encode("utf-8") if isinstance(stdin, str) else (stdin or b"")
    out, err, inp = _stream(), _stream(), _stream(data)
    saved = sys.stdout, sys.stderr, sys.stdin
    sys.stdout, sys.stderr, sys.stdin = out, err, inp
    # a child process starts in the default display zone, whatever zone an earlier
    # command's instance set in this process
    use_zone(DEFAULT_ZONE)
    try:
        # a child process would run with Python's default warning filters, not the
        # suite's "error" (a library's DeprecationWarning is not a failed command)
        with _environment(cwd, env), warnings.catch_warnings():
            _python_default_warning_filters()
            try:
                code = main(list(args))
            except SystemExit as exc:  # argparse: --help, usage errors
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
                if isinstance(exc.code, str):
                    print(exc.code, file=sys.stderr)
            except Exception:
                traceback.print_exc()
                code = 1
    finally:
        sys.stdout, sys.stderr, sys.stdin = saved
    return CliResult(list(args), code, _text(out), _text(err))


def leadwatch(*args: str, cwd: Path | None = None, stdin: str | bytes | None = None) -> CliResult:
    """``leadwatch ARGS`` in this process, from the repository root by default (no instance)."""
    from tests.helpers.paths import REPO

    return run_cli(args, cwd=cwd or REPO, stdin=stdin)
