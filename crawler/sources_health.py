"""Each source's health for `leadwatch sources list`: its last run and what it brought in.

* ``never run`` — no crawl run recorded;
* ``running`` — the last run is still going;
* ``failing: …`` — the last run failed, never finished, or no article was ever stored;
* ``stale: nothing new for N days`` — no new article for ``stale_after_days`` or more;
* ``ok`` — otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crawler.config import Source
from crawler.store import repo
from crawler.store.models import Article, CrawlRun, utcnow

# A run still "running" this long after the crawl timeout was killed with its parent.
_GRACE = timedelta(minutes=5)


@dataclass
class SourceHealth:
    source: Source
    last_run: CrawlRun | None
    last_new_at: datetime | None  # when the newest stored article was first seen
    health: str

    @property
    def ok(self) -> bool:
        return self.health in ("ok", "running")


def _health(
    run: CrawlRun | None,
    last_new: datetime | None,
    stale_days: int,
    crawl_timeout_s: int,
    now: datetime,
) -> str:
    if run is None:
        return "never run"
    if run.status == "running":
        if now - run.started_at > timedelta(seconds=crawl_timeout_s) + _GRACE:
            return "failing: last run never finished"
        return "running"
    if run.status != "completed":
        return "failing: last run failed"
    if last_new is None:
        return "failing: no article found yet; run `leadwatch sources check`"
    days = (now - last_new).days
    if days >= stale_days:
        return f"stale: nothing new for {days} days"
    return "ok"


def source_health(
    session: Session, source: Source, *, crawl_timeout_s: int, now: datetime | None = None
) -> SourceHealth:
    """The health of ``source`` from its last run and its newest stored article."""
    now = now or utcnow()
    run = repo.last_run(session, source.name)
    last_new = session.scalar(
        select(func.max(Article.first_seen_at)).where(Article.source == source.name)
    )
    if last_new is not None:
        last_new = Article.first_seen_at.type.process_result_value(last_new, None)
    health = _health(run, last_new, source.stale_after_days, crawl_timeout_s, now)
    return SourceHealth(source, run, last_new, health)
