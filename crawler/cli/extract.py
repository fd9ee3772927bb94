"""`leadwatch extract`: local files (any encoding) and URLs (fetched through Scrapy)."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from crawler.crawl.childenv import child_environment
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


def fetch_urls(urls: list[str]) -> list[tuple[bytes, dict[str, Any]]]:
    """Fetch ``urls`` in a Scrapy child process; (body, meta) per URL, in order."""
    with tempfile.TemporaryDirectory(prefix="leadwatch-fetch-") as tmp:
        # Scrapy's log (retries, robots.txt, tracebacks of refused connections) is not for
        # the user: each URL's error is in its record. It is shown only if the fetch
        # process itself failed.
        proc = subprocess.run(
            [sys.executable, "-m", "crawler.crawl.fetch", tmp, *urls],
            env=child_environment(),
            check=False,
            capture_output=True,
            text=True,
            errors="replace",
        )
        crashed = _last_line(proc.stderr) if proc.returncode != 0 else ""
        results = []
        for i, url in enumerate(urls):
            meta_path, body_path = Path(tmp, f"{i}.json"), Path(tmp, f"{i}.body")
            meta = (
                json.loads(meta_path.read_text())
                if meta_path.exists()
                else {"url": url, "error": f"not fetched: {crashed or 'no response'}"}
            )
            body = body_path.read_bytes() if body_path.exists() else b""
            results.append((body, meta))
        return results


def _last_line(log: str) -> str:
    lines = [line.strip() for line in log.splitlines() if line.strip()]
    return lines[-1] if lines else ""


def extract_targets(targets: list[str], url: str | None = None) -> Iterator[dict[str, Any]]:
    """One record per target: path, title, published_at (ISO or None), source, body."""
    urls = [t for t in targets if t.startswith(("http://", "https://"))]
    fetched = dict(zip(urls, fetch_urls(urls), strict=True)) if urls else {}
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
