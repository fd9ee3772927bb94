"""The register's steps as the rest of leadwatch calls them, from a config and a store."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.exc import IntegrityError

from crawler.config import Config
from crawler.register.pending import pending
from crawler.store import Database
from crawler.timeutil import use_zone

if TYPE_CHECKING:  # the builders import the classifier (jieba): only when there is work
    from crawler.register.build import LinkResult


# Leads linked in one write transaction: a store filled without linking (an upgrade, a
# restore, thousands of leads) is linked in short writes, so crawls and other commands
# are not kept waiting for the whole of it (a batch takes a fraction of a second).
LINK_BATCH = 200


def link(config: Config, database: Database) -> LinkResult | None:
    """Bring the register up to date with the stored leads (None: it was), in batches of
    LINK_BATCH leads, each its own short write. Called after every crawl, before every
    digest, by the CLI and the web view."""
    use_zone(config.settings.timezone)  # events' days are days of the office's zone
    with database.reading() as session:
        if not pending(session):
            return None
    from crawler.register.build import LinkResult, link_new_leads
    from crawler.register.context import register_context

    context = register_context(config)
    total = LinkResult()
    while True:
        for attempt in range(2):
            try:
                with database.session() as session:
                    batch = link_new_leads(session, context, limit=LINK_BATCH)
                break
            except IntegrityError:  # another process linked the same leads meanwhile
                if attempt:
                    raise
        total.add(batch)
        if not batch.more:
            return total


def rebuild_all(config: Config, database: Database) -> LinkResult:
    """Every event, project and organisation built again from the stored leads."""
    use_zone(config.settings.timezone)
    from crawler.register.build import rebuild
    from crawler.register.context import register_context

    context = register_context(config)
    with database.session() as session:
        return rebuild(session, context)
