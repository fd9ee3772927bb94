"""Digest delivery: record, send, mark sent — in that order, so nothing is lost or repeated.

1. What is new is chosen in a read transaction (no write lock: on a big store this takes
   seconds, and crawls and other commands write meanwhile); one short write then commits
   a ``pending`` delivery row with its items (``delivery_items`` is unique per
   subscription and article, so an item can never be promised twice; a period is unique
   per subscription, so two senders cannot both record one).
2. A short write claims the delivery — the row locked ``FOR UPDATE SKIP LOCKED`` on
   PostgreSQL, so of several workers one claims it and the others pass it by — with a
   lease, counts the attempt and sets the next retry time before any network I/O, so a
   crash mid-send leaves a pending delivery that is retried with backoff. It is rendered
   in a read transaction.
3. Each channel (email, each webhook) is sent without holding a database lock; right
   after the server accepted it, that channel is marked sent in its own commit. The
   delivery is ``sent`` once every channel is.

The only window where a crash causes a repeat is between a server's acceptance and that
commit; the resend then carries the same Message-ID, so mail clients can tell.
"""

from __future__ import annotations

import os
import signal
import socket
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from alerts.health import source_problems
from alerts.mail import MailError, build_message, send_message
from alerts.render import Rendered, render_digest
from alerts.scrub import scrub
from alerts.select import Selection, build_selection, previous_digest, select_undelivered
from alerts.slots import backoff, owed_slot, slot_period
from alerts.webhook import send_webhook
from crawler.config import Config, ScheduleSettings, Subscription
from crawler.store import Database
from crawler.store.models import Article, Delivery, DeliveryItem

KILL_ENV = "LEADWATCH_TEST_KILL_AT"  # crash-safety tests only: die at a named step
# Tests only: "STEP:PATH" holds the digest at STEP while the file PATH exists (how a
# test makes "a digest is being chosen" last as long as it needs, on any machine).
PAUSE_ENV = "LEADWATCH_TEST_PAUSE_AT"
LEASE = timedelta(minutes=10)  # longer than any send: SMTP and webhook timeouts are far less


def _checkpoint(step: str) -> None:
    """Test hooks: SIGKILL this process at ``step`` when LEADWATCH_TEST_KILL_AT names it;
    wait there while LEADWATCH_TEST_PAUSE_AT's file exists when it names it."""
    if os.environ.get(KILL_ENV) == step:
        os.kill(os.getpid(), signal.SIGKILL)
    paused, _, hold = os.environ.get(PAUSE_ENV, "").partition(":")
    if paused == step and hold:
        Path(hold + ".reached").touch()
        while Path(hold).exists():
            time.sleep(0.05)


@dataclass
class DeliveryResult:
    subscription: str
    period: str
    items: int  # articles carried
    status: str  # sent | pending | empty
    error: str = ""
    next_attempt_at: datetime | None = None
    leads: int = 0  # events, as the subject counts them
    news: int = 0

    @property
    def sent(self) -> bool:
        return self.status != "pending"

    def summary(self) -> str:
        """One line: the counts are the subject's (leads = events, news = stories)."""
        if self.status == "empty":
            return f"{self.subscription} {self.period}: nothing new (recorded, nothing sent)"
        state = "sent" if self.status == "sent" else f"PENDING ({self.error})"
        return (
            f"{self.subscription} {self.period}: {self.leads} 条新线索, {self.news} 条行业动态 "
            f"({self.items} articles), {state}"
        )


def message_id(sub: str, period: str) -> str:
    """Deterministic per subscription and period, so a resend is recognisably the same mail."""
    return f"<digest.{period}.{sub}@leadwatch>"


def _day(now: datetime, tz: ZoneInfo) -> str:
    return now.astimezone(tz).strftime("%Y-%m-%d")


def _free_period(session: Session, sub: str, day: str) -> str:
    taken = set(session.scalars(select(Delivery.period).where(Delivery.subscription == sub)))
    period, n = day, 1
    while period in taken:
        n += 1
        period = f"{day}.{n}"
    return period


def _signals(config: Config) -> dict[str, list[str]]:
    """Lead signal words per event, for highlighting; none when the taxonomy won't load."""
    from classifiers import TaxonomyError

    try:
        events = config.taxonomy().config.leads.events
    except (TaxonomyError, OSError):
        return {}
    return {name: list(getattr(events, name).signals) for name in ("signing", "landing", "visit")}


def _render(
    config: Config, session: Session, selection: Selection, day: str, now: datetime
) -> Rendered:
    tz = ZoneInfo(config.settings.timezone)
    health = source_problems(session, config, now)
    return render_digest(
        selection,
        day,
        tz,
        now,
        health=health,
        signals=_signals(config),
        base_url=config.web.base_url,
        source_labels={s.name: s.label for s in config.sources},
    )


def _link_register(config: Config, database: Database) -> None:
    """Leads stored since the last link step go into events before anything is chosen."""
    from crawler.register.steps import link

    link(config, database)


def _message(
    config: Config, rendered: Rendered, recipients: list[str], msg_id: str, now: datetime
) -> EmailMessage:
    return build_message(
        subject=rendered.subject,
        sender=config.smtp.sender,
        recipients=recipients,
        text=rendered.text,
        html=rendered.html,
        message_id=msg_id,
        date=now,
    )


def preview(config: Config, database: Database, sub: Subscription, now: datetime) -> Rendered:
    """Render what ``sub`` would receive now, without sending or recording anything."""
    tz = ZoneInfo(config.settings.timezone)
    _link_register(config, database)
    with database.reading() as session:
        selection = select_undelivered(session, sub, now, highlights=config.register.highlights)
        return _render(config, session, selection, _day(now, tz), now)


def write_preview(
    config: Config, database: Database, sub: Subscription, directory: Path, now: datetime
) -> list[Path]:
    """digest-preview.html / .txt / .eml (and .md, the chat message) in ``directory``."""
    rendered = preview(config, database, sub, now)
    directory.mkdir(parents=True, exist_ok=True)
    msg = _message(config, rendered, sub.recipients, message_id(sub.name, "preview"), now)
    paths = [directory / f"digest-preview.{ext}" for ext in ("html", "txt", "eml")]
    paths[0].write_text(rendered.html, encoding="utf-8")
    paths[1].write_text(rendered.text, encoding="utf-8")
    paths[2].write_bytes(bytes(msg))
    if sub.webhooks:
        paths.append(directory / "digest-preview.md")
        paths[3].write_text(rendered.markdown, encoding="utf-8")
    return paths


def _channels(sub: Subscription) -> list[str]:
    return (["email"] if sub.email else []) + [w.name for w in sub.webhooks]


def _period_taken(session: Session, sub: str, period: str) -> bool:
    query = select(Delivery.id).where(Delivery.subscription == sub, Delivery.period == period)
    return session.scalar(query) is not None


def _record(
    config: Config,
    database: Database,
    sub: Subscription,
    now: datetime,
    period: str | None,
    slot: datetime | None,
) -> int | DeliveryResult | None:
    """Select what is new (reading), then commit a new delivery (one short write); its
    id, an 'empty' result, or None (nothing new, or another run took it first)."""
    tz = ZoneInfo(config.settings.timezone)
    _link_register(config, database)
    with database.reading() as session:
        if period is not None and _period_taken(session, sub.name, period):
            return None  # this slot was handled already (by another run)
        selection = select_undelivered(session, sub, now, highlights=config.register.highlights)
        _checkpoint("choosing")
    base = {
        "subscription": sub.name,
        "watermark": selection.watermark,
        "scheduled_for": slot,
        "created_at": now,
    }
    try:
        with database.session() as session:
            if selection.is_empty and not (slot and sub.send_when_empty):
                if period is None:
                    return None
                session.add(Delivery(period=period, message_id="", status="empty", **base))
                return DeliveryResult(sub.name, period, 0, "empty")
            period = period or _free_period(session, sub.name, _day(now, tz))
            delivery = Delivery(
                period=period,
                message_id=message_id(sub.name, period),
                recipients=list(sub.recipients) if sub.email else [],
                status="pending",
                channels={name: {"status": "pending"} for name in _channels(sub)},
                next_attempt_at=now,
                **base,
            )
            delivery.items = [
                DeliveryItem(subscription=sub.name, article_id=i, kind=kind)
                for i, kind in selection.items
            ]
            session.add(delivery)
            session.flush()
            _checkpoint("selected")
            delivery_id = delivery.id
    except IntegrityError:  # a concurrent run took this period or these items first
        return None
    _checkpoint("recorded")
    return delivery_id


def _stored_selection(
    config: Config, session: Session, delivery: Delivery, sub: Subscription
) -> Selection:
    """What a recorded delivery carries, rebuilt from its items (a retry sends the same)."""
    kinds = {item.article_id: item.kind for item in delivery.items}
    articles = session.scalars(
        select(Article)
        .where(Article.id.in_(kinds))
        .options(selectinload(Article.tags), selectinload(Article.leads))
    ).all()
    lead_ids = [i for i, kind in kinds.items() if kind == "lead"]
    earlier = set(
        session.scalars(
            select(DeliveryItem.article_id).where(
                DeliveryItem.subscription == sub.name, DeliveryItem.delivery_id < delivery.id
            )
        )
    )
    since = previous_digest(session, sub.name, before=delivery.id)
    if since is None:
        since = delivery.created_at - timedelta(days=sub.first_digest_days)
    return build_selection(
        session,
        sub,
        articles,
        lead_ids,
        delivery.watermark,
        highlights=config.register.highlights,
        since=since,
        until=delivery.created_at,
        delivered_before=earlier,
    )


def _owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def take_lease(
    delivery: Delivery, schedule: ScheduleSettings, now: datetime, wall: datetime
) -> None:
    """Hold ``delivery`` for this process for LEASE and count the attempt; should it
    fail, its next try comes after the backoff of [schedule]."""
    delivery.claimed_by, delivery.claimed_until = _owner(), wall + LEASE
    delivery.attempts += 1
    delivery.next_attempt_at = now + backoff(
        delivery.attempts,
        timedelta(minutes=schedule.retry_first_minutes),
        timedelta(minutes=schedule.retry_max_minutes),
    )


def _lease_free(delivery: Delivery, wall: datetime) -> bool:
    """Nobody else is sending it: no lease, an expired one, or one of a dead process here."""
    if not delivery.claimed_by or delivery.claimed_by == _owner():
        return True
    if delivery.claimed_until is None or delivery.claimed_until <= wall:
        return True
    host, _, pid = delivery.claimed_by.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def _mark_channel(database: Database, delivery_id: int, channel: str, state: dict) -> None:
    with database.session() as session:
        delivery = session.get(Delivery, delivery_id)
        delivery.channels = {**delivery.channels, channel: state}


@dataclass
class _Claim:
    """A pending delivery claimed by this process for one attempt."""

    period: str
    message_id: str
    recipients: list[str]
    channels: dict[str, dict]
    items: int
    next_attempt_at: datetime | None


def _claim(
    config: Config, database: Database, delivery_id: int, sub: Subscription, now: datetime
) -> _Claim | DeliveryResult:
    """One short write: lease the delivery to this process, count the attempt and set
    the next retry time (before any I/O: a crash mid-send still backs off). What is not
    pending, leased to another live sender, or being claimed by one right now (its row
    is locked: SKIP LOCKED passes it by) comes back as a result instead."""
    schedule = config.schedule
    wall = datetime.now(UTC)
    with database.session() as session:
        delivery = session.scalar(
            select(Delivery).where(Delivery.id == delivery_id).with_for_update(skip_locked=True)
        )
        if delivery is None:
            return DeliveryResult(sub.name, "?", 0, "pending", "being claimed by another sender")
        if delivery.status != "pending" or not _lease_free(delivery, wall):
            state = "pending" if delivery.status == "pending" else delivery.status
            busy = "being sent by " + delivery.claimed_by if state == "pending" else ""
            kinds = session.scalars(
                select(DeliveryItem.kind).where(DeliveryItem.delivery_id == delivery_id)
            ).all()
            leads = sum(1 for kind in kinds if kind == "lead")
            return DeliveryResult(sub.name, delivery.period, len(kinds), state, busy, leads=leads)
        take_lease(delivery, schedule, now, wall)
        n_items = session.scalar(
            select(func.count()).where(DeliveryItem.delivery_id == delivery_id)
        )
        return _Claim(
            delivery.period,
            delivery.message_id,
            list(delivery.recipients),
            # rows from before per-channel results (schema 0001) were e-mail only
            dict(delivery.channels) or {"email": {"status": "pending"}},
            n_items or 0,
            delivery.next_attempt_at,
        )


def _render_stored(
    config: Config, database: Database, delivery_id: int, sub: Subscription, now: datetime
) -> tuple[Rendered, dict[str, int]]:
    """Render a recorded delivery from its items, reading (no write lock)."""
    with database.reading() as session:
        delivery = session.get(Delivery, delivery_id, options=[selectinload(Delivery.items)])
        selection = _stored_selection(config, session, delivery, sub)
        rendered = _render(config, session, selection, delivery.period[:10], now)
    return rendered, {"leads": selection.lead_count, "news": selection.news_count}


def attempt(
    config: Config, database: Database, delivery_id: int, sub: Subscription, now: datetime
) -> DeliveryResult:
    """Send every channel of a pending delivery that has not accepted it yet."""
    claim = _claim(config, database, delivery_id, sub, now)
    if isinstance(claim, DeliveryResult):
        return claim
    rendered, counts = _render_stored(config, database, delivery_id, sub, now)
    with database.session() as session:
        session.get(Delivery, delivery_id).subject = rendered.subject
    webhooks = {w.name: w for w in sub.webhooks}
    errors: list[str] = []
    for channel, state in claim.channels.items():
        if state.get("status") in ("sent", "dropped"):
            continue
        try:
            if channel == "email":
                msg = _message(config, rendered, claim.recipients, claim.message_id, now)
                send_message(config.smtp, msg)
            elif channel in webhooks:
                send_webhook(webhooks[channel], rendered.subject, rendered.markdown)
            else:  # removed from the config since: nobody left to send it to
                _mark_channel(
                    database, delivery_id, channel, {"status": "dropped", "at": now.isoformat()}
                )
                continue
        except Exception as exc:  # any failure must leave the delivery pending, never lost
            reason = str(exc) if isinstance(exc, MailError) else f"{type(exc).__name__}: {exc}"
            # nothing a server said may carry the password into the store or a log
            error = scrub(f"{channel}: {reason}", config.smtp.user, config.smtp.password)
            errors.append(error)
            _mark_channel(database, delivery_id, channel, {"status": "failed", "error": error})
            continue
        _checkpoint(f"{channel}-accepted")
        _mark_channel(database, delivery_id, channel, {"status": "sent", "at": now.isoformat()})
        _checkpoint(f"{channel}-recorded")
    with database.session() as session:
        delivery = session.get(Delivery, delivery_id)
        delivery.claimed_by, delivery.claimed_until = "", None
        if errors:
            delivery.error = "; ".join(errors)
            return DeliveryResult(
                sub.name,
                claim.period,
                claim.items,
                "pending",
                delivery.error,
                delivery.next_attempt_at,
                **counts,
            )
        delivery.status, delivery.sent_at = "sent", now
        delivery.error, delivery.next_attempt_at = "", None
    _checkpoint("done")
    return DeliveryResult(sub.name, claim.period, claim.items, "sent", **counts)


def pending_ids(
    database: Database, sub: str, due_at: datetime | None = None, kind: str = "digest"
) -> list[int]:
    """This subscription's pending deliveries of ``kind`` (digest | report), oldest first
    (only those due at ``due_at``)."""
    query = select(Delivery.id).where(
        Delivery.subscription == sub, Delivery.status == "pending", Delivery.kind == kind
    )
    if due_at is not None:
        query = query.where(
            (Delivery.next_attempt_at.is_(None)) | (Delivery.next_attempt_at <= due_at)
        )
    with database.reading() as session:
        return list(session.scalars(query.order_by(Delivery.id)))


def retry_pending(
    config: Config,
    database: Database,
    sub: Subscription,
    now: datetime,
    *,
    due_only: bool = False,
    stop: threading.Event | None = None,
) -> list[DeliveryResult]:
    """Resend this subscription's pending deliveries (only those due, with ``due_only``).

    ``stop`` (set on SIGTERM) ends the loop between deliveries; the rest stay pending.
    """
    results: list[DeliveryResult] = []
    for delivery_id in pending_ids(database, sub.name, now if due_only else None):
        if stop is not None and stop.is_set():
            break
        results.append(attempt(config, database, delivery_id, sub, now))
    return results


def send_new(
    config: Config,
    database: Database,
    sub: Subscription,
    now: datetime,
    *,
    period: str | None = None,
    slot: datetime | None = None,
) -> list[DeliveryResult]:
    """Record and send what is new for ``sub``.

    ``period``/``slot`` name a scheduled digest, which is recorded even when there is
    nothing to send (so it is not owed again); without them the period is the day
    (``2026-11-25``, then ``2026-11-25.2`` …) and an empty selection records nothing.
    """
    recorded = _record(config, database, sub, now, period, slot)
    if isinstance(recorded, int):
        return [attempt(config, database, recorded, sub, now)]
    return [] if recorded is None else [recorded]


def send_owed(
    config: Config,
    database: Database,
    sub: Subscription,
    now: datetime,
    *,
    on_demand: bool = False,
    stop: threading.Event | None = None,
) -> list[DeliveryResult]:
    """Send what ``sub`` is owed now: the one entry point of `leadwatch digest --send` and
    the scheduler.

    Pending deliveries are retried first (the scheduler only those whose backoff is over;
    ``on_demand`` all of them, at once), then the digest of the latest scheduled slot if
    the deliveries table says it is owed. ``on_demand`` (someone asked) also sends what is
    new when no slot is owed, as a digest of the day; the slot it answers is recorded,
    so the scheduler will not send a second digest for it. A subscription with a
    ``report`` then gets the weekly or monthly report it is owed (:mod:`alerts.reports`).
    """
    results = retry_pending(config, database, sub, now, due_only=not on_demand, stop=stop)
    if stop is not None and stop.is_set():
        return results
    tz = ZoneInfo(config.settings.timezone)
    grace = timedelta(hours=config.schedule.digest_grace_hours)
    with database.reading() as session:
        slot = owed_slot(session, sub.name, sub.schedule, tz, now, grace)
    if slot is not None:
        results += send_new(config, database, sub, now, period=slot_period(slot, tz), slot=slot)
    elif on_demand:
        results += send_new(config, database, sub, now)
    if sub.report and not (stop is not None and stop.is_set()):
        from alerts.reports import send_owed_report  # it builds on this module's steps

        results += send_owed_report(config, database, sub, now, on_demand=on_demand)
    return results
