"""`leadwatch extract`: local files (any encoding) and URLs (fetched through Scrapy)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from crawler.crawl.fetch import fetch_urls
from crawler.extract import extract_article
from crawler.timeutil import iso


def _record(path: str, body: bytes, url: str, content_type: str | None) -> dict[str, Any]:
    try:
        extracted = extract_article(body, url, content_type=content_type)
    except Exception as exc:  # a page that cannot be parsed is reported, not fatal
        return {"path": path, "error": f"{type(exc).__name__}: {exc}"}
    return {
        "path": path,
        "title": extracted.title,
        "published_at": iso(extracted.published_at),
        "source": extracted.source,
        "body": extracted.body,
        "warnings": list(extracted.warnings),
    }


def extract_targets(
    targets: list[str], url: str | None = None, config_path: Path | None = None
) -> Iterator[dict[str, Any]]:
    """One record per target: path, title, published_at (ISO or None), source, body.
    URLs are fetched through Scrapy with ``config_path``'s ``[crawl]`` settings."""
    urls = [t for t in targets if t.startswith(("http://", "https://"))]
    fetched = dict(zip(urls, fetch_urls(urls, config_path), strict=True)) if urls else {}
    for target in targets:
        if target in fetched:
            body, meta = fetched[target]
            if "error" in meta:
                yield {"path": target, "error": meta["error"]}
            elif meta.get("status", 200) >= 400:
                yield {"path": target, "error": f"HTTP {meta['status']}"}
            else:
                yield _record(target, body, meta["url"], meta.get("content_type") or None)
            continue
        try:
            body = Path(target).read_bytes()
        except OSError as exc:
            yield {"path": target, "error": f"cannot read: {exc.strerror}"}
            continue
        yield _record(target, body, url or "", None)
