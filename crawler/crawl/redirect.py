"""Redirects: loops are errors, and a meta refresh is read from the page's elements only.

Scrapy's RedirectMiddleware follows a→b→a until REDIRECT_MAX_TIMES; worse, the second
visit to ``a`` is usually dropped by the duplicate filter without any errback, so the
page silently vanishes from the crawl. Both middlewares here fail such a request at once
with :class:`RedirectLoop`, which the spider logs and counts.

Scrapy's MetaRefreshMiddleware finds ``<meta http-equiv="refresh">`` with a regular
expression over the page's first 4 KB, so markup that is text to a browser (inside
``<textarea>``, a comment's neighbour, an article quoting the tag) can send the crawl
elsewhere and lose the article. :class:`ElementMetaRefreshMiddleware` follows only a
refresh that is a ``<meta>`` element of the parsed page (not inside ``<noscript>`` or
``<template>``). Where a redirect may go is decided for every request by
crawler.crawl.offsite, not here.
"""

from __future__ import annotations

import re
from typing import Any

import lxml.html
from scrapy import Request
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware, RedirectMiddleware
from scrapy.http import HtmlResponse, Response
from scrapy.utils.httpobj import urlparse_cached

from spiders.failures import RedirectLoop

# A refresh appears near the top of a page; the rest is not parsed for it.
SCAN_BYTES = 64 * 1024
_CONTENT = re.compile(
    r"\s*(?P<delay>[0-9]*\.?[0-9]+)\s*(?:[;,]\s*(?:url\s*=\s*)?(?P<url>.*))?",
    re.DOTALL | re.IGNORECASE | re.ASCII,
)
_IGNORED_PARENTS = {"noscript", "template", "script", "style"}


def _check_loop(redirected: Request, request: Request) -> None:
    chain = [*request.meta.get("redirect_urls", []), request.url]
    if redirected.url in chain:
        path = " -> ".join([*chain, redirected.url])
        raise RedirectLoop(f"redirect loop: {path}")


class LoopAwareRedirectMiddleware(RedirectMiddleware):
    """RedirectMiddleware that raises :class:`RedirectLoop` on a redirect cycle."""

    def _redirect(self, redirected: Request, request: Request, reason: Any) -> Request:
        _check_loop(redirected, request)
        return super()._redirect(redirected, request, reason)


def meta_refresh(body: bytes, encoding: str) -> tuple[float, str] | None:
    """(delay, URL as written) of the page's refresh ``<meta>`` element, if it has one."""
    head = body[:SCAN_BYTES]
    if b"refresh" not in head.lower():
        return None  # most pages: decided without parsing
    try:
        document = lxml.html.document_fromstring(head.decode(encoding, "replace"))
    except Exception:  # lxml's ParserError on a page with no elements, e.g.
        return None
    for meta in document.iter("meta"):
        if (meta.get("http-equiv") or "").strip().lower() != "refresh":
            continue
        if any(parent.tag in _IGNORED_PARENTS for parent in meta.iterancestors()):
            continue
        match = _CONTENT.match(meta.get("content") or "")
        if match and match["url"]:
            return float(match["delay"]), match["url"].strip().strip("\"'").strip()
    return None


class ElementMetaRefreshMiddleware(MetaRefreshMiddleware):
    """MetaRefreshMiddleware that reads the refresh from the page's elements (see above)
    and treats a refresh back into its own redirect chain as a loop."""

    def process_response(
        self, request: Request, response: Response, spider: Any = None
    ) -> Request | Response:
        if (
            request.meta.get("dont_redirect", False)
            or request.method == "HEAD"
            or not isinstance(response, HtmlResponse)
            or urlparse_cached(request).scheme not in {"http", "https"}
        ):
            return response
        found = meta_refresh(response.body, response.encoding)
        if found is None:
            return response
        delay, target = found
        if delay >= self._maxdelay:
            return response
        try:
            url = response.urljoin(target)
            redirected = self._redirect_request_using_get(request, response, url)
        except ValueError:  # e.g. a port out of range: nowhere to go
            return response
        if urlparse_cached(redirected).scheme not in {"http", "https"}:
            return response
        _check_loop(redirected, request)
        return self._redirect(redirected, request, "meta refresh")
