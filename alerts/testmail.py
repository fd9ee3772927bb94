"""`leadwatch digest --test`: one short mail through the configured server, nothing recorded."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from email.utils import make_msgid, parseaddr
from html import escape

from alerts.mail import MailError, Progress, build_message, send_message
from crawler.config import Config, Subscription
from crawler.timeutil import local


def recipients_for_test(
    config: Config, to: Sequence[str], subscription: Subscription | None
) -> list[str]:
    """Where the test mail goes: ``to`` if given, else the subscription's recipients,
    else every e-mail subscription's (each address once). Raises MailError when there is
    nobody or an address is malformed."""
    if to:
        addresses = list(to)
    else:
        subs = [subscription] if subscription else config.subscriptions
        addresses = [r for s in subs if s.email for r in s.recipients]
    addresses = list(dict.fromkeys(a.strip() for a in addresses))
    for address in addresses:
        _, parsed = parseaddr(address)
        if parsed != address or "@" not in address or any(c in address for c in "\r\n,;"):
            raise MailError(f"{address!r} is not an e-mail address; give --to name@example.cn")
    if not addresses:
        where = f"subscription {subscription.name!r}" if subscription else str(config.path)
        raise MailError(f"no e-mail recipients in {where}; give one with --to ADDRESS")
    return addresses


def send_test_mail(
    config: Config, recipients: list[str], now: datetime, progress: Progress | None = None
) -> str:
    """Send one test mail to ``recipients`` and return its Message-ID; ``progress`` hears
    each step (connect, STARTTLS, login, accepted). Raises :class:`MailError`."""
    smtp = config.smtp
    message_id = make_msgid(idstring="test", domain="leadwatch")
    when = local(now) + "（北京时间）"
    lines = [
        "这是 leadwatch 的测试邮件：收到即说明邮件设置可用，无需回复。",
        "This is a test mail from leadwatch: the mail set-up works. No reply is needed.",
        "",
        f"发送时间：{when}",
        f"邮件服务器：{smtp.host}:{smtp.port}（{smtp.security}）",
        f"发件人：{smtp.sender}",
    ]
    html = "".join(f"<p>{escape(line)}</p>" for line in lines if line)
    msg = build_message(
        subject="leadwatch 测试邮件 / test mail",
        sender=smtp.sender,
        recipients=recipients,
        text="\n".join(lines) + "\n",
        html=f'<html><body lang="zh-CN">{html}</body></html>',
        message_id=message_id,
        date=now,
    )
    send_message(smtp, msg, progress)
    return message_id
