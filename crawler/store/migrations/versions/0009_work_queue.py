"""The work queue of `leadwatch worker` (PostgreSQL only): procrastinate's schema

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-06

Workers on several machines share one PostgreSQL; their queue, locks, periodic defers
and heartbeats are procrastinate's tables (``procrastinate_jobs``, ``_workers``,
``_periodic_defers``, ``_events``), created here from the installed procrastinate's
own schema file. SQLite installs (one machine, `schedule run`) get nothing. A
PostgreSQL store upgraded where procrastinate is not installed is left without them;
`leadwatch worker` creates them when it first starts (crawler.workers.queue).
Upgrading procrastinate later: apply its SQL migrations (docs/operations.md).
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    try:
        from procrastinate.schema import SchemaManager
    except ImportError:
        return
    if bind.exec_driver_sql("SELECT to_regclass('procrastinate_jobs')").scalar():
        return
    # the driver's own connection: the schema is many statements with $$ bodies and
    # % signs, which neither SQLAlchemy's text() nor a parameterised execute may touch
    bind.connection.dbapi_connection.execute(SchemaManager.get_schema())


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    for kind, drop in (
        ("'r'", "TABLE"),
        ("'S'", "SEQUENCE"),
    ):
        for (name,) in bind.exec_driver_sql(
            "SELECT relname FROM pg_class WHERE relname LIKE 'procrastinate%%' "
            f"AND relkind = {kind} AND relnamespace = 'public'::regnamespace"
        ):
            op.execute(f'DROP {drop} IF EXISTS "{name}" CASCADE')
    for (signature,) in bind.exec_driver_sql(
        "SELECT oid::regprocedure::text FROM pg_proc WHERE proname LIKE 'procrastinate%%' "
        "AND pronamespace = 'public'::regnamespace"
    ):
        op.execute(f"DROP FUNCTION IF EXISTS {signature} CASCADE")
    for (name,) in bind.exec_driver_sql(
        "SELECT typname FROM pg_type WHERE typname LIKE 'procrastinate%%' "
        "AND typtype = 'e' AND typnamespace = 'public'::regnamespace"
    ):
        op.execute(f'DROP TYPE IF EXISTS "{name}" CASCADE')
