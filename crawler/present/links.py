"""Links to crawled pages are untrusted: only http(s) survives."""

from __future__ import annotations


def safe_url(url: str) -> str:
    """Only http(s) links survive; anything else (javascript:, data:) becomes '#'."""
    url = (url or "").strip()
    return url if url.lower().startswith(("http://", "https://")) else "#"
