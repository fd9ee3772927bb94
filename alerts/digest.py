"""Digest delivery: record, send, mark sent — in that order, so nothing is lost or repeated.

A delivery row with its items is committed *before* the message goes out and is marked
sent only after the SMTP server accepted it. A failed send stays pending and is retried
(with the same Message-ID) by the next run; items promised to a pending delivery are never
selected again, so they cannot appear in two digests.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from alerts.mail import build_message, send_message
from alerts.render import Rendered, render_digest
from alerts.select import Selection, fold_reprints, group_by_sector, select_undelivered
from crawler.config import Config, Subscription
from crawler.store import Database
from crawler.store.models import Article, Delivery, DeliveryItem, utcnow


@dataclass
class DeliveryResult:
    subscription: str
    period: str
    items: int
    sent: bool
    error: str = ""

    def summary(self) -> str:
        state = "sent" if self.sent else f"PENDING ({self.error})"
        return f"{self.subscription} {self.period}: {self.items} leads, {state}"


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


def preview(config: Config, database: Database, sub: Subscription, now: datetime) -> Rendered:
    """Render what ``sub`` would receive now, without sending or recording anything."""
    tz = ZoneInfo(config.settings.timezone)
    with database.session() as session:
        selection = select_undelivered(session, sub)
        return render_digest(selection, _day(now, tz), tz, now)


def write_preview(
    config: Config, database: Database, sub: Subscription, directory: Path, now: datetime
) -> list[Path]:
    """digest-preview.html / .txt / .eml in ``directory``."""
    rendered = preview(config, database, sub, now)
    directory.mkdir(parents=True, exist_ok=True)
    msg = build_message(
        subject=rendered.subject,
        sender=config.smtp.sender,
        recipients=sub.recipients,
        text=rendered.text,
        html=rendered.html,
        message_id=message_id(sub.name, "preview"),
        date=now,
    )
    paths = [directory / f"digest-preview.{ext}" for ext in ("html", "txt", "eml")]
    paths[0].write_text(rendered.html, encoding="utf-8")
    paths[1].write_text(rendered.text, encoding="utf-8")
    paths[2].write_bytes(bytes(msg))
    return paths


def _selection_of(session: Session, delivery: Delivery, sub: Subscription) -> Selection:
    ids = [item.article_id for item in delivery.items]
    articles = session.scalars(
        select(Article)
        .where(Article.id.in_(ids))
        .options(selectinload(Article.tags), selectinload(Article.leads))
    ).all()
    return Selection(sub, group_by_sector(fold_reprints(articles), sub))


def _send(
    config: Config, session: Session, delivery: Delivery, sub: Subscription, now: datetime
) -> DeliveryResult:
    tz = ZoneInfo(config.settings.timezone)
    selection = _selection_of(session, delivery, sub)
    rendered = render_digest(selection, delivery.period.split(".")[0], tz, now)
    msg = build_message(
        subject=rendered.subject,
        sender=config.smtp.sender,
        recipients=delivery.recipients,
        text=rendered.text,
        html=rendered.html,
        message_id=delivery.message_id,
        date=now,
    )
    delivery.attempts += 1
    delivery.subject = rendered.subject
    try:
        send_message(config.smtp, msg)
    except Exception as exc:  # any failure must leave the delivery pending, never lost
        delivery.error = f"{type(exc).__name__}: {exc}"
        return DeliveryResult(sub.name, delivery.period, len(delivery.items), False, delivery.error)
    delivery.status, delivery.sent_at, delivery.error = "sent", utcnow(), ""
    return DeliveryResult(sub.name, delivery.period, len(delivery.items), True)


def send_digest(
    config: Config, database: Database, sub: Subscription, now: datetime
) -> list[DeliveryResult]:
    """Retry this subscription's pending deliveries, then send what is new. Never twice."""
    results: list[DeliveryResult] = []
    with database.session() as session:
        pending_ids = session.scalars(
            select(Delivery.id).where(
                Delivery.subscription == sub.name, Delivery.status == "pending"
            )
        ).all()
    for delivery_id in pending_ids:
        with database.session() as session:
            delivery = session.get(Delivery, delivery_id, options=[selectinload(Delivery.items)])
            results.append(_send(config, session, delivery, sub, now))

    tz = ZoneInfo(config.settings.timezone)
    with database.session() as session:
        selection = select_undelivered(session, sub)
        if not selection.entries:
            return results
        period = _free_period(session, sub.name, _day(now, tz))
        delivery = Delivery(
            subscription=sub.name,
            period=period,
            message_id=message_id(sub.name, period),
            recipients=list(sub.recipients),
            status="pending",
            created_at=now,
        )
        delivery.items = [
            DeliveryItem(subscription=sub.name, article_id=i) for i in selection.article_ids
        ]
        session.add(delivery)
        session.flush()
        delivery_id = delivery.id
    # committed: from here on these items belong to this delivery, sent or pending
    with database.session() as session:
        delivery = session.get(Delivery, delivery_id, options=[selectinload(Delivery.items)])
        results.append(_send(config, session, delivery, sub, now))
    return results
