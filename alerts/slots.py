"""When a digest is owed: cron slots, their periods, and retry backoff.

The scheduler's memory is not trusted (APScheduler drops a job that misfired while the
service was down): whether a digest is owed is decided from the deliveries table — the
latest cron slot within the grace period that has no delivery row is owed.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.store.models import Delivery

SLOT_FORMAT = "%Y-%m-%dT%H%M"  # no ':' — the period is part of the Message-ID


def digest_trigger(cron: str, tz: ZoneInfo) -> CronTrigger:
    """The subscription's cron expression as an APScheduler trigger in ``tz``."""
    return CronTrigger.from_crontab(cron, timezone=tz)


def slots_between(cron: str, tz: ZoneInfo, start: datetime, end: datetime) -> list[datetime]:
    """Every fire time of ``cron`` in [start, end]."""
    trigger = digest_trigger(cron, tz)
    out: list[datetime] = []
    fire = trigger.get_next_fire_time(None, start)
    while fire is not None and fire <= end:
        out.append(fire)
        fire = trigger.get_next_fire_time(fire, fire)
    return out


def latest_slot(cron: str, tz: ZoneInfo, now: datetime, grace: timedelta) -> datetime | None:
    """The last fire time of ``cron`` at or before ``now`` and no older than ``grace``."""
    slots = slots_between(cron, tz, now - grace, now)
    return slots[-1] if slots else None


def slot_period(slot: datetime, tz: ZoneInfo) -> str:
    """The delivery period of a scheduled slot, e.g. ``2026-11-25T0800`` (local time)."""
    return slot.astimezone(tz).strftime(SLOT_FORMAT)


def owed_slot(
    session: Session, sub: str, cron: str, tz: ZoneInfo, now: datetime, grace: timedelta
) -> datetime | None:
    """The slot whose digest is owed to ``sub`` now: due, within grace, not yet recorded.

    Only the latest slot counts: a service down through several slots sends one digest,
    and it carries everything that is new.
    """
    slot = latest_slot(cron, tz, now, grace)
    if slot is None:
        return None
    taken = session.scalar(
        select(Delivery.id).where(
            Delivery.subscription == sub, Delivery.period == slot_period(slot, tz)
        )
    )
    return None if taken else slot


def backoff(attempts: int, first: timedelta, ceiling: timedelta) -> timedelta:
    """Wait before retry number ``attempts`` + 1: first, 2×, 4× … up to ``ceiling``."""
    return min(first * (2 ** max(attempts - 1, 0)), ceiling)
