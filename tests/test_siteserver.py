"""The in-memory test site's gates (benchmarks.siteserver.MemorySite), which the crash
tests rely on to stop a crawl at a known page."""

from __future__ import annotations

import sys
import threading
import urllib.request
from pathlib import Path

from tests.helpers.paths import REPO

if str(REPO) not in sys.path:
    sys.path.append(str(REPO))

from benchmarks.siteserver import MemorySite  # noqa: E402


def _fetch_in_background(url: str) -> tuple[threading.Thread, list[bytes]]:
    got: list[bytes] = []

    def fetch() -> None:
        with urllib.request.urlopen(url, timeout=30) as response:
            got.append(response.read())

    thread = threading.Thread(target=fetch, daemon=True)
    thread.start()
    return thread, got


def test_a_gate_opened_by_one_test_is_closed_again_for_the_next(tmp_path: Path):
    (tmp_path / "page.html").write_text("<p>ok</p>", encoding="utf-8")
    with MemorySite(tmp_path) as site:
        site.gate("/page.html").set()  # an earlier test, done with its gate
        gate = site.gate("/page.html")
        thread, got = _fetch_in_background(f"{site.url}/page.html")
        thread.join(0.5)
        assert thread.is_alive() and not got, "the page was answered through a closed gate"
        gate.set()
        thread.join(10)
        assert got == [b"<p>ok</p>"]
