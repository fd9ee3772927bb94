"""Fetch single URLs through Scrapy's downloader, in a child process (robots.txt,
retries, size limits): `leadwatch extract URL` never fetches HTTP outside Scrapy.
The child is :mod:`crawler.crawl.fetch_job`; this side does not import Scrapy.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from crawler.crawl.childenv import child_environment


def fetch_urls(
    urls: list[str], config_path: Path | None = None
) -> list[tuple[bytes, dict[str, Any]]]:
    """Fetch ``urls`` in a Scrapy child process; (body, meta) per URL, in order. ``meta``
    has ``url``, ``status`` and ``content_type``, or ``error``."""
    with tempfile.TemporaryDirectory(prefix="leadwatch-fetch-") as tmp:
        cmd = [sys.executable, "-m", "crawler.crawl.fetch_job", tmp, *urls]
        if config_path is not None:
            cmd += ["--config", str(config_path)]
        # Scrapy's log (retries, robots.txt, tracebacks of refused connections) is not for
        # the user: each URL's error is in its record. It is shown only if the fetch
        # process itself failed.
        proc = subprocess.run(
            cmd,
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
