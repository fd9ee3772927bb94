"""Why a request failed, as a short kind name, and whether it counts as an error.

Robots.txt refusals and offsite links are the crawler being polite, not failures: they are
counted under their own names. Everything else (HTTP errors, timeouts, redirect loops,
pages over the size limit, refused connections) is a crawl error.
"""

from __future__ import annotations

from dataclasses import dataclass

from scrapy.exceptions import (
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.defer import CancelledError
from twisted.internet.error import TimeoutError as TwistedTimeoutError
from twisted.python.failure import Failure


class RedirectLoop(IgnoreRequest):
    """A redirect chain that returned to a URL it had already visited (raised by
    crawler.crawl.redirect; the spider logs and counts it)."""


@dataclass(frozen=True)
class FailureKind:
    name: str  # e.g. "http_404", "timeout", "too_large", "robots_forbidden"
    is_error: bool
    message: str


def classify_failure(failure: Failure) -> FailureKind:
    """The kind of a request's failure (what the errback of a spider receives)."""
    message = failure.getErrorMessage()
    if failure.check(HttpError):
        status = failure.value.response.status
        return FailureKind(f"http_{status}", True, f"HTTP {status}")
    if failure.check(RedirectLoop):
        return FailureKind("redirect_loop", True, message)
    if failure.check(IgnoreRequest):
        if "robots.txt" in message:
            return FailureKind("robots_forbidden", False, message)
        if "offsite" in message.lower():
            return FailureKind("offsite", False, message)
        if "redirect" in message:
            return FailureKind("too_many_redirects", True, message)
        return FailureKind("ignored", False, message)
    if failure.check(DownloadTimeoutError, TwistedTimeoutError):
        return FailureKind("timeout", True, message)
    if failure.check(DownloadCancelledError, CancelledError):
        # Scrapy cancels a download that announces or streams more than DOWNLOAD_MAXSIZE.
        return FailureKind("too_large", True, message or "download cancelled")
    if failure.check(DownloadConnectionRefusedError):
        return FailureKind("connection_refused", True, message)
    return FailureKind("fetch_failed", True, f"{failure.type.__name__}: {message}")
