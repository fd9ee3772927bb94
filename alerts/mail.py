"""Build the MIME message and hand it to an SMTP server (verified TLS, timeouts)."""

from __future__ import annotations

import smtplib
import ssl
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime

from crawler.config import SmtpSettings


def build_message(
    *,
    subject: str,
    sender: str,
    recipients: list[str],
    text: str,
    html: str,
    message_id: str,
    date: datetime,
) -> EmailMessage:
    """A multipart/alternative message (plain text first, then HTML), UTF-8 throughout."""
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = sender
    msg["To"] = ", ".join(recipients)
    msg["Date"] = format_datetime(date)
    msg["Message-ID"] = message_id
    msg.set_content(text, charset="utf-8")
    msg.add_alternative(html, subtype="html", charset="utf-8")
    return msg


def send_message(smtp: SmtpSettings, msg: EmailMessage) -> None:
    """Send ``msg``; raises on any refusal so the caller keeps the delivery pending."""
    context = ssl.create_default_context()
    if smtp.security == "ssl":
        client: smtplib.SMTP = smtplib.SMTP_SSL(
            smtp.host, smtp.port, timeout=smtp.timeout_s, context=context
        )
    else:
        client = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout_s)
    with client:
        if smtp.security == "starttls":
            client.starttls(context=context)
        if smtp.user:
            client.login(smtp.user, smtp.password)
        refused = client.send_message(msg)
        if refused:
            raise smtplib.SMTPRecipientsRefused(refused)
