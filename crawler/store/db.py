"""Engine and session set-up, schema migrations (Alembic) on open."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig

MIGRATIONS = str(Path(__file__).with_name("migrations"))
# How long SQLite's busy handler retries a locked write before "database is locked"
# (crawler.store.busy); the CLI then says who holds it (exit 75).
BUSY_TIMEOUT_MS = 30_000


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # The driver's own transaction handling would issue a deferred BEGIN; we emit BEGIN
    # IMMEDIATE ourselves (see _begin) so a read that upgrades to a write cannot hit
    # SQLITE_BUSY despite busy_timeout.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def _json(value: Any) -> str:
    """JSON columns as UTF-8 text (names and sentences stay readable in the database
    and searchable with LIKE), not JSON's default \\u escapes."""
    return json.dumps(value, ensure_ascii=False)


READ_ONLY = "leadwatch_read_only"  # an execution option: see Database.reading


def _begin(conn: Any) -> None:
    # A read (Database.reading) takes no write lock: in WAL mode it neither waits for a
    # writer nor makes one wait; everything else takes the write lock up front.
    if conn.get_execution_options().get(READ_ONLY):
        conn.exec_driver_sql("BEGIN")
    else:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


_sqlite_opened = False


def sqlite_opened_in_this_process() -> bool:
    """Whether this process (or the one it was forked from) created a SQLite engine.
    A fork must not use SQLite after that: the library keeps one table of open files
    and their locks per process, and the child's copy would describe the parent's
    (``sqlite3.OperationalError: locking protocol``). A PostgreSQL engine is only
    sockets, which a fork that never uses them (and ends with ``os._exit``) leaves alone."""
    return _sqlite_opened


def create_db_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets WAL, a busy timeout and BEGIN IMMEDIATE."""
    global _sqlite_opened
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        _sqlite_opened = True
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000}, json_serializer=_json
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _begin)
        return engine
    return create_engine(url, pool_pre_ping=True, json_serializer=_json)


def alembic_config(engine: Engine) -> AlembicConfig:
    """Alembic's config for our migrations on ``engine``."""
    from alembic.config import Config as AlembicConfig  # ~0.3 s: only where migrating

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", MIGRATIONS)
    cfg.attributes["engine"] = engine
    return cfg


def _at_head(engine: Engine) -> bool:
    """Whether the schema is current, read without a write lock (most opens)."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    heads = set(ScriptDirectory.from_config(alembic_config(engine)).get_heads())
    with engine.execution_options(**{READ_ONLY: True}).connect() as conn:
        current = set(MigrationContext.configure(conn).get_current_heads())
    return current == heads


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to ``revision`` (idempotent). A current schema is only read:
    opening the store then needs no write lock, so a command starts while another
    process writes."""
    from alembic import command

    if revision == "head" and _at_head(engine):
        return
    command.upgrade(alembic_config(engine), revision)


class Database:
    """One database: an engine, a session factory and the schema kept current.

    ``migrate=False`` for processes whose parent opened (and so migrated) the store
    already: a crawl's child processes skip Alembic's import and check."""

    def __init__(self, url: str, *, migrate: bool = True):
        self.url = url
        self.engine = create_db_engine(url)
        if migrate:
            upgrade(self.engine)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        reading: dict[str, Any] = {READ_ONLY: True}
        if not self.is_sqlite:
            # One snapshot for the whole read, as SQLite's transaction gives: at READ
            # COMMITTED each statement would see what committed since the last one (an
            # event the register merged away between two queries of one digest). A
            # read-only REPEATABLE READ transaction never fails to serialize.
            reading["isolation_level"] = "REPEATABLE READ"
            reading["postgresql_readonly"] = True
        self.readers = sessionmaker(
            self.engine.execution_options(**reading), expire_on_commit=False
        )

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def is_postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session committed on success and rolled back on error."""
        with self.sessions() as session, session.begin():
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for reading only, as long as it takes (a digest's selection and
        rendering, a listing): on SQLite it takes no write lock, so crawls and other
        commands write meanwhile; what it reads is one consistent snapshot. Nothing is
        committed (a write here would be a bug): closing the session ends the transaction
        and leaves what was loaded readable."""
        with self.readers() as session:
            yield session

    def close(self) -> None:
        self.engine.dispose()
