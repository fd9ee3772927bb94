"""What is due now, decided from the database alone (no worker remembers anything).

Each tick of the workers (deferred once per period by the database, whichever workers
are up) asks this module which crawls and digests are due, and defers a job for each.

- A source on an interval is due when its last run started an interval ago or more; at
  once when there is no run, or when its last run was interrupted (stopped by SIGTERM
  when a machine was drained, abandoned by a worker that died) — a crawl that failed
  on its own (the site was down) waits its interval like any other. A running source
  is not due. A source on a cron is due when a fire time of its cron has passed since
  its last run started (no older than one day: a long outage crawls it once).
- A digest is due when its subscription's slot is owed (alerts.slots: the deliveries
  table decides) or one of its pending deliveries is due for a retry; so is a
  subscription's weekly or monthly report (alerts.reports): the digest job sends both.

The plan carries ``after_run``, the newest run id when it was made: a crawl job skips
itself if a run of its source that started after that completed meanwhile, so a job
deferred in the instant another crawl of the source started does not crawl it twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from alerts.digest import pending_ids
from alerts.reports import owed_report
from alerts.slots import latest_slot, owed_slot
from crawler.config import Config, Subscription
from crawler.store import Database
from crawler.store.models import CrawlRun

INTERRUPTED = ("stopped", "abandoned", "interrupted")
CRON_LOOKBACK = timedelta(days=1)


@dataclass
class Plan:
    crawls: list[str] = field(default_factory=list)
    digests: list[str] = field(default_factory=list)
    after_run: int = 0


def _interrupted(run: CrawlRun) -> bool:
    return run.status == "failed" and run.message.startswith(INTERRUPTED)


def crawl_due(config: Config, run: CrawlRun | None, name: str, now: datetime) -> bool:
    """Whether source ``name``, whose last run is ``run``, is due at ``now``."""
    if run is None or _interrupted(run):
        return True
    if run.status == "running":
        return False
    own = config.schedule.for_source(name)
    if own.cron:
        tz = ZoneInfo(config.settings.timezone)
        slot = latest_slot(own.cron, tz, now, CRON_LOOKBACK)
        return slot is not None and slot > run.started_at
    interval = timedelta(minutes=own.every_minutes or config.schedule.crawl_every_minutes)
    return run.started_at + interval <= now


def plan(
    config: Config, database: Database, now: datetime, waiting: frozenset[str] = frozenset()
) -> Plan:
    """The crawls and digests due at ``now``; sources in ``waiting`` (a job of theirs is
    queued already) are left out."""
    out = Plan()
    tz = ZoneInfo(config.settings.timezone)
    grace = timedelta(hours=config.schedule.digest_grace_hours)
    with database.reading() as session:
        out.after_run = session.scalar(select(func.max(CrawlRun.id))) or 0
        newest = select(func.max(CrawlRun.id)).group_by(CrawlRun.source)
        last = {
            r.source: r for r in session.scalars(select(CrawlRun).where(CrawlRun.id.in_(newest)))
        }
        for source in config.scheduled_sources():
            if source.name not in waiting and crawl_due(
                config, last.get(source.name), source.name, now
            ):
                out.crawls.append(source.name)
        for sub in config.subscriptions:
            if owed_slot(session, sub.name, sub.schedule, tz, now, grace):
                out.digests.append(sub.name)
    for sub in config.subscriptions:
        if sub.name not in out.digests and report_or_retry_due(config, database, sub, now):
            out.digests.append(sub.name)
    return out


def report_or_retry_due(
    config: Config, database: Database, sub: Subscription, now: datetime
) -> bool:
    """Whether ``sub`` has a delivery due for a retry or a weekly/monthly report owed."""
    if pending_ids(database, sub.name, now):
        return True
    if not sub.report:
        return False
    return bool(pending_ids(database, sub.name, now, "report")) or (
        owed_report(config, database, sub, now) is not None
    )


def crawled_since(database: Database, name: str, after_run: int) -> bool:
    """Whether a run of ``name`` newer than ``after_run`` completed (the job is moot)."""
    with database.reading() as session:
        return (
            session.scalar(
                select(CrawlRun.id).where(
                    CrawlRun.source == name,
                    CrawlRun.id > after_run,
                    CrawlRun.status == "completed",
                )
            )
            is not None
        )
