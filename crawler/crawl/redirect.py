"""Redirects that come back to a URL already in their chain are a loop, and an error.

Scrapy's RedirectMiddleware follows a→b→a until REDIRECT_MAX_TIMES; worse, the second
visit to ``a`` is usually dropped by the duplicate filter without any errback, so the
page silently vanishes from the crawl. This subclass fails such a request at once with
:class:`RedirectLoop`, which the spider logs and counts.
"""

from __future__ import annotations

from typing import Any

from scrapy import Request
from scrapy.downloadermiddlewares.redirect import RedirectMiddleware

from spiders.failures import RedirectLoop


class LoopAwareRedirectMiddleware(RedirectMiddleware):
    """RedirectMiddleware that raises :class:`RedirectLoop` on a redirect cycle."""

    def _redirect(self, redirected: Request, request: Request, reason: Any) -> Request:
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if redirected.url in chain:
            path = " -> ".join([*chain, redirected.url])
            raise RedirectLoop(f"redirect loop: {path}")
        return super()._redirect(redirected, request, reason)
