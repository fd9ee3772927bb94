"""PostgreSQL advisory locks held by a session of their own, for claims across machines.

A claim (``crawl:NAME``) is a session-level advisory lock on a connection opened for it
and nothing else: it is atomic across every machine that shares the database, and it
ends with that session — when the claim is released, when its process exits or is
killed (the server sees the socket close), and when its machine dies (the server's
TCP keepalives notice; docs/operations.md gives the settings). The session's
``application_name`` says who holds the claim, so `leadwatch workers` can show it.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from crawler.store.db import Database

# The first of the two 32-bit keys of our advisory locks (pg_locks.classid): "LW".
NAMESPACE = 0x4C57
# What `leadwatch workers` looks for in pg_stat_activity.
CLAIM_PREFIX = "leadwatch claim "


def holder() -> str:
    """This process, as claims and workers name it: ``host:pid``."""
    return f"{socket.gethostname()}:{os.getpid()}"


@contextmanager
def advisory_lock(database: Database, key: str) -> Iterator[bool]:
    """Try to take the advisory lock ``key`` without waiting; yields whether it was
    taken. Held until the block ends (or this process does)."""
    engine = create_engine(
        database.url,
        poolclass=NullPool,
        connect_args={"application_name": f"{CLAIM_PREFIX}{key} by {holder()}"[:63]},
    )
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            taken = conn.scalar(
                text("SELECT pg_try_advisory_lock(:ns, hashtext(:key))"),
                {"ns": NAMESPACE, "key": key},
            )
            try:
                yield bool(taken)
            finally:
                if taken:
                    conn.execute(
                        text("SELECT pg_advisory_unlock(:ns, hashtext(:key))"),
                        {"ns": NAMESPACE, "key": key},
                    )
    finally:
        engine.dispose()
