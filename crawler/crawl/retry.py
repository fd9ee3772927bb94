"""Retries with exponential backoff.

Scrapy's RetryMiddleware reschedules a failed request at once, so a server that is
briefly overloaded gets the retries within milliseconds. This subclass stamps each retry
with a delay (``LEADWATCH_RETRY_BACKOFF_S`` × 2^(n-1), at most
``LEADWATCH_RETRY_BACKOFF_MAX_S``, or the server's ``Retry-After`` when that is longer)
and waits that long before the retry goes to the downloader. The wait is a Twisted
``deferLater``, so it works on the asyncio reactor (Scrapy's default) and any other.
"""

from __future__ import annotations

from typing import Any

from scrapy import Request
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.task import deferLater

DELAY_KEY = "lw_retry_delay"


def backoff_delay(attempt: int, base: float, cap: float, retry_after: float = 0.0) -> float:
    """Seconds to wait before retry number ``attempt`` (1 for the first retry)."""
    return min(cap, max(base * 2 ** (attempt - 1), retry_after))


def retry_after_seconds(response: Response | None) -> float:
    """The ``Retry-After`` header in seconds (only the delta-seconds form), else 0."""
    if response is None:
        return 0.0
    value = response.headers.get(b"Retry-After", b"").decode("latin-1").strip()
    return float(value) if value.isdigit() else 0.0


class BackoffRetryMiddleware(RetryMiddleware):
    """RetryMiddleware whose retries wait exponentially longer each time."""

    def __init__(self, settings: Any):
        super().__init__(settings)
        self.base = settings.getfloat("LEADWATCH_RETRY_BACKOFF_S", 1.0)
        self.cap = settings.getfloat("LEADWATCH_RETRY_BACKOFF_MAX_S", 60.0)

    def process_response(self, request: Request, response: Response) -> Request | Response:
        result = super().process_response(request, response)
        if isinstance(result, Request):
            self._stamp(result, retry_after_seconds(response))
        return result

    def process_exception(self, request: Request, exception: Exception) -> Request | None:
        result = super().process_exception(request, exception)
        if isinstance(result, Request):
            self._stamp(result, 0.0)
        return result

    def _stamp(self, retry: Request, retry_after: float) -> None:
        attempt = retry.meta.get("retry_times", 1)
        retry.meta[DELAY_KEY] = backoff_delay(attempt, self.base, self.cap, retry_after)

    async def process_request(self, request: Request) -> None:
        delay = request.meta.pop(DELAY_KEY, 0)
        if delay > 0:
            from twisted.internet import reactor  # the one Scrapy installed; not at import

            self.crawler.stats.inc_value("retry/backoff_seconds", delay)
            await maybe_deferred_to_future(deferLater(reactor, delay, lambda: None))
