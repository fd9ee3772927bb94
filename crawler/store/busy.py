"""A busy database: recognised as such, and who holds it named where that can be found.

SQLite's busy handler retries a locked write for ``busy_timeout`` (30 s) before it gives
up with "database is locked"; PostgreSQL gives up on a lock only with a ``lock_timeout``
set, a deadlock or a serialisation failure. Either way the command did nothing wrong and
should be run again: that is not a set-up error (see crawler.errors.DatabaseBusy).
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

# SQLSTATEs of PostgreSQL that mean "someone else has it": lock_not_available (a
# lock_timeout or NOWAIT), deadlock_detected, serialization_failure.
PG_BUSY = {"55P03", "40P01", "40001"}
SQLITE_BUSY = ("database is locked", "database table is locked", "database is busy")
MAX_NAMED = 3


def is_busy(exc: BaseException) -> bool:
    """Whether ``exc`` (a SQLAlchemy or driver error) says another session holds a lock."""
    orig = getattr(exc, "orig", None) or exc
    if getattr(orig, "sqlstate", None) in PG_BUSY:
        return True
    return any(words in str(orig).lower() for words in SQLITE_BUSY)


def _command_line(pid: int) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return ""
    words = [w.decode("utf-8", "replace") for w in raw.split(b"\0") if w]
    if len(words) == 1:  # a title set by the process (a forked crawl job): one string
        words = words[0].split()
    # python -m crawler.cli … / .venv/bin/leadwatch … -> leadwatch …; --config is noise
    for i, word in enumerate(words):
        if word.endswith("/leadwatch") or word == "leadwatch" or word == "crawler.cli":
            words = ["leadwatch", *words[i + 1 :]]
            break
        if word.startswith("crawler.crawl."):
            words = [f"the crawl process ({word})", *words[i + 1 : i + 2]]
            break
    out, skip = [], False
    for word in words:
        if skip:
            skip = False
        elif word == "--config":
            skip = True
        elif not word.startswith("--config="):
            out.append(word)
    line = " ".join(" ".join(out).split())  # one line, whatever the arguments held
    return line if len(line) <= 80 else line[:79] + "…"


def _sqlite_holders(path: Path) -> list[str]:
    """Other processes of this host with the SQLite file (or its WAL) open."""
    targets = {str(path.resolve()), str(path.resolve()) + "-wal"}
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            fds = list((entry / "fd").iterdir())
        except OSError:  # gone, or another user's
            continue
        for fd in fds:
            try:
                if os.readlink(fd) in targets:
                    found.append(f"{_command_line(int(entry.name)) or '?'} (pid {entry.name})")
                    break
            except OSError:
                continue
    return sorted(found)[:MAX_NAMED]


def _postgres_holders(url: str) -> list[str]:
    """The oldest open transactions of other sessions on this database."""
    engine = create_engine(url, connect_args={"connect_timeout": 5})
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT pid, application_name, client_addr, now() - xact_start "
                    "FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid() AND xact_start IS NOT NULL "
                    "ORDER BY xact_start LIMIT :n"
                ),
                {"n": MAX_NAMED},
            ).all()
    finally:
        engine.dispose()
    return [
        f"{name or 'a session'} from {addr or 'local'} (server pid {pid}, "
        f"in a transaction for {age.total_seconds():.0f} s)"
        for pid, name, addr, age in rows
    ]


def holders(url: str) -> list[str]:
    """Who may be holding the database ``url``: processes (SQLite, this host) or
    sessions in a transaction (PostgreSQL); empty when that cannot be found out."""
    parsed = make_url(url)
    try:
        if parsed.get_backend_name() == "sqlite" and parsed.database:
            return _sqlite_holders(Path(parsed.database))
        if parsed.get_backend_name() == "postgresql":
            return _postgres_holders(url)
    except Exception:  # naming the holder is a courtesy: never an error of its own
        return []
    return []
