"""Chat-group webhooks (企业微信 / 钉钉 / 飞书 …) through Apprise.

Apprise knows each service's API (``wecombot://KEY``, ``dingtalk://TOKEN``,
``feishu://TOKEN``, or a plain ``json://host/path``), verifies certificates and puts a
connect and a read timeout on every request (``cto``/``rto`` URL options, 4 s each by
default). It reports failure as ``False`` and explains it only in its log, so the log is
captured and becomes the delivery's error.
"""

from __future__ import annotations

import logging

import apprise

from crawler.config import Webhook


class WebhookError(RuntimeError):
    """The service did not accept the notification."""


def send_webhook(webhook: Webhook, title: str, markdown: str) -> None:
    """Post one Markdown message; raises :class:`WebhookError` unless it was accepted."""
    url = webhook.resolved_url()
    if not url:
        raise WebhookError(
            f"webhook {webhook.name}: environment variable {webhook.url_env} is unset"
        )
    notifier = apprise.Apprise()
    if not notifier.add(url):
        raise WebhookError(f"webhook {webhook.name}: Apprise does not understand its URL")
    with apprise.LogCapture(level=logging.WARNING) as log:
        ok = notifier.notify(body=markdown, title=title, body_format=apprise.NotifyFormat.MARKDOWN)
        detail = log.getvalue().strip().splitlines()
    if not ok:
        raise WebhookError(f"webhook {webhook.name}: {detail[-1] if detail else 'not accepted'}")
