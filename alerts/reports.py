"""Scheduled reports: a subscription with ``report = "weekly"`` (or ``"monthly"``) gets
the 招商周报 (月报) of each week (month) that has closed, as a mail attachment, once.

The digest's rules carry over (:mod:`alerts.digest`): the deliveries table decides what is
owed, not the scheduler's memory; a report is recorded (a ``pending`` delivery row of
kind ``report``, unique per subscription and period) before it is sent, sent under a
lease, and marked sent right after the server accepted it; a failure leaves it pending
and retried with backoff; a resend carries the same Message-ID.

Owed: the latest closed week (month) once a slot of the subscription's ``schedule`` has
come since it closed (a daily 08:00 digest: Monday 08:00 for last week's report) and no
row holds it yet. Only the latest: a service down for two weeks sends last week's report,
not both.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from alerts.digest import (
    DeliveryResult,
    _checkpoint,
    _lease_free,
    _mark_channel,
    pending_ids,
    take_lease,
)
from alerts.mail import MailError, build_message, send_message
from alerts.scrub import scrub
from alerts.slots import slots_between
from crawler.config import Config, Subscription
from crawler.report.data import Scope
from crawler.report.document import figure_rows, summary_sentence
from crawler.report.period import Period, from_key, last_complete
from crawler.report.render import MEDIA_TYPES, file_name, report_data, write_report
from crawler.store import Database
from crawler.store.models import Delivery

KINDS = {"weekly": "week", "monthly": "month"}
PREFIX = "report-"


@dataclass
class ReportResult(DeliveryResult):
    """A report delivery's outcome (``items`` stays 0: a report carries no articles)."""

    def summary(self) -> str:
        state = "sent" if self.status == "sent" else f"PENDING ({self.error})"
        return f"{self.subscription} {self.period}: report attached, {state}"


def delivery_period(period: Period) -> str:
    """``report-week-2025-W07`` / ``report-month-2025-02``: the delivery's period."""
    return f"{PREFIX}{period.kind}-{period.key}"


def period_of_delivery(text: str) -> Period:
    kind, _, key = text.removeprefix(PREFIX).partition("-")
    return from_key(kind, key)


def message_id(sub: str, period: str) -> str:
    return f"<{period}.{sub}@leadwatch>"


def owed_report(
    config: Config, database: Database, sub: Subscription, now: datetime
) -> tuple[Period, datetime] | None:
    """(the period, the slot it answers) whose report ``sub`` is owed now, or None."""
    if not sub.report:
        return None
    tz = ZoneInfo(config.settings.timezone)
    period = last_complete(KINDS[sub.report], now.astimezone(tz).date())
    slots = slots_between(sub.schedule, tz, period.bounds(tz)[1], now)
    if not slots:
        return None
    with database.reading() as session:
        taken = session.scalar(
            select(Delivery.id).where(
                Delivery.subscription == sub.name, Delivery.period == delivery_period(period)
            )
        )
    return None if taken else (period, slots[0])


def _record(
    database: Database, sub: Subscription, period: Period, slot: datetime, now: datetime
) -> int | None:
    name = delivery_period(period)
    try:
        with database.session() as session:
            delivery = Delivery(
                subscription=sub.name,
                kind="report",
                period=name,
                message_id=message_id(sub.name, name),
                recipients=list(sub.recipients),
                status="pending",
                channels={"email": {"status": "pending"}},
                scheduled_for=slot,
                next_attempt_at=now,
                created_at=now,
            )
            session.add(delivery)
            session.flush()
            return delivery.id
    except IntegrityError:  # another run recorded it first
        return None


def _message(
    config: Config,
    database: Database,
    sub: Subscription,
    period: Period,
    msg_id: str,
    recipients: list[str],
    now: datetime,
) -> tuple[EmailMessage, str]:
    """The mail (summary in the text, the report attached) and its subject."""
    from markupsafe import escape

    data = report_data(config, database, period, scope=Scope.of(sub), now=now)
    fmt = sub.report_format
    with tempfile.TemporaryDirectory(prefix="leadwatch-report-mail-") as tmp:
        path = Path(tmp, f"report.{fmt}")
        write_report(path, data, fmt)
        attachment = path.read_bytes()
    title = sub.title or sub.name
    subject = f"{data.title} · {title}" if title else data.title
    rows = figure_rows(data.figures, data.before)
    summary = summary_sentence(data)
    text = "\n".join(
        [data.title, "", summary, ""]
        + [f"{name.strip('　')}：{a}（上{period.unit} {b}，{c}）" for name, a, b, c in rows]
        + ["", f"完整{period.name}见附件 {file_name(data, fmt)}。"]
    )
    html = (
        f"<h2>{escape(data.title)}</h2><p>{escape(summary)}</p><table border='1' "
        "cellpadding='4' style='border-collapse:collapse'>"
        + f"<tr><th>指标</th><th>本{period.unit}</th><th>上{period.unit}</th><th>环比</th></tr>"
        + "".join(
            f"<tr><td>{escape(n)}</td><td>{escape(a)}</td><td>{escape(b)}</td><td>{escape(c)}</td></tr>"
            for n, a, b, c in rows
        )
        + f"</table><p>完整{period.name}见附件。</p>"
    )
    msg = build_message(
        subject=subject,
        sender=config.smtp.sender,
        recipients=recipients,
        text=text,
        html=html,
        message_id=msg_id,
        date=now,
    )
    maintype, _, subtype = MEDIA_TYPES[fmt].partition("/")
    msg.add_attachment(
        attachment, maintype=maintype, subtype=subtype, filename=file_name(data, fmt)
    )
    return msg, subject


def attempt_report(
    config: Config, database: Database, delivery_id: int, sub: Subscription, now: datetime
) -> ReportResult:
    """Send a pending report delivery (the lease and backoff of a digest's attempt)."""
    schedule = config.schedule
    wall = datetime.now(UTC)
    with database.session() as session:
        delivery = session.get(Delivery, delivery_id)
        if delivery.status != "pending" or not _lease_free(delivery, wall):
            busy = "being sent by " + delivery.claimed_by if delivery.status == "pending" else ""
            return ReportResult(sub.name, delivery.period, 0, delivery.status, busy)
        take_lease(delivery, schedule, now, wall)
        name, msg_id, recipients = delivery.period, delivery.message_id, delivery.recipients
    error = ""
    try:
        msg, subject = _message(
            config, database, sub, period_of_delivery(name), msg_id, recipients, now
        )
        with database.session() as session:
            session.get(Delivery, delivery_id).subject = subject
        send_message(config.smtp, msg)
    except Exception as exc:  # any failure leaves the report pending, never lost
        reason = str(exc) if isinstance(exc, MailError) else f"{type(exc).__name__}: {exc}"
        error = scrub(f"email: {reason}", config.smtp.user, config.smtp.password)
        _mark_channel(database, delivery_id, "email", {"status": "failed", "error": error})
    else:
        _checkpoint("report-accepted")
        _mark_channel(database, delivery_id, "email", {"status": "sent", "at": now.isoformat()})
    with database.session() as session:
        delivery = session.get(Delivery, delivery_id)
        delivery.claimed_by, delivery.claimed_until = "", None
        if error:
            delivery.error = error
            return ReportResult(sub.name, name, 0, "pending", error, delivery.next_attempt_at)
        delivery.status, delivery.sent_at = "sent", now
        delivery.error, delivery.next_attempt_at = "", None
    return ReportResult(sub.name, name, 0, "sent")


def send_owed_report(
    config: Config, database: Database, sub: Subscription, now: datetime, *, on_demand: bool = False
) -> list[DeliveryResult]:
    """Retry ``sub``'s pending reports (all with ``on_demand``, else those due), then
    record and send the report it is owed, if any."""
    results: list[DeliveryResult] = [
        attempt_report(config, database, delivery_id, sub, now)
        for delivery_id in pending_ids(database, sub.name, None if on_demand else now, "report")
    ]
    owed = owed_report(config, database, sub, now)
    if owed is not None:
        delivery_id = _record(database, sub, owed[0], owed[1], now)
        if delivery_id is not None:
            results.append(attempt_report(config, database, delivery_id, sub, now))
    return results
