"""What was delivered: the rows behind `leadwatch deliveries`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from crawler.store.models import Article, Delivery, DeliveryItem
from crawler.timeutil import iso


def list_deliveries(
    session: Session,
    subscription: str | None = None,
    status: str | None = None,
    limit: int | None = 50,
) -> Sequence[Delivery]:
    """Deliveries, newest first, with their items loaded."""
    query = select(Delivery).options(selectinload(Delivery.items)).order_by(Delivery.id.desc())
    if subscription:
        query = query.where(Delivery.subscription == subscription)
    if status:
        query = query.where(Delivery.status == status)
    if limit:
        query = query.limit(limit)
    return session.scalars(query).all()


def delivery_dict(d: Delivery) -> dict[str, Any]:
    """The JSON form of one delivery (times in Asia/Shanghai with offset)."""
    leads = sum(1 for i in d.items if i.kind == "lead")
    return {
        "id": d.id,
        "subscription": d.subscription,
        "kind": d.kind or "digest",  # digest | report
        "period": d.period,
        "status": d.status,
        "subject": d.subject,
        "message_id": d.message_id,
        "recipients": list(d.recipients or []),
        "channels": {name: state.get("status") for name, state in (d.channels or {}).items()},
        "items": len(d.items),
        "leads": leads,
        "news": len(d.items) - leads,
        "attempts": d.attempts,
        "error": d.error,
        "created_at": iso(d.created_at),
        "scheduled_for": iso(d.scheduled_for),
        "sent_at": iso(d.sent_at),
        "next_attempt_at": iso(d.next_attempt_at) if d.status == "pending" else None,
    }


@dataclass
class SubscriptionDeliveries:
    name: str
    title: str = ""
    recipients: list[str] = field(default_factory=list)
    configured: bool = True
    deliveries: list[tuple[Delivery, list[Article]]] = field(default_factory=list)


def deliveries(
    session: Session, subscriptions: Sequence[Any], limit: int = 20
) -> list[SubscriptionDeliveries]:
    """The last ``limit`` deliveries of each subscription with the articles each carried."""
    out = [SubscriptionDeliveries(s.name, s.title, list(s.recipients)) for s in subscriptions]
    known = {s.name for s in out}
    stored = session.scalars(
        select(Delivery.subscription).distinct().order_by(Delivery.subscription)
    )
    out += [SubscriptionDeliveries(n, configured=False) for n in stored if n not in known]
    for sub in out:
        rows = session.scalars(
            select(Delivery)
            .where(Delivery.subscription == sub.name)
            .order_by(Delivery.created_at.desc(), Delivery.id.desc())
            .limit(limit)
        ).all()
        for delivery in rows:
            articles = list(
                session.scalars(
                    select(Article)
                    .join(DeliveryItem, DeliveryItem.article_id == Article.id)
                    .where(DeliveryItem.delivery_id == delivery.id)
                    .order_by(Article.id)
                )
            )
            sub.deliveries.append((delivery, articles))
    return out
