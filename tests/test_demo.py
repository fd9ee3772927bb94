"""`leadwatch demo` as a new user runs it, and a source whose list page cannot be fetched.

Both through the real CLI in a subprocess: the demo serves the bundled site on loopback
and crawls it with real Scrapy; the unreachable source points at a closed loopback port.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.instance import write_instance
from tests.helpers.net import free_port

pytestmark = pytest.mark.integration  # real crawls, servers or processes


def _demo(directory: Path, port: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "crawler.cli", "demo", "--port", str(port)],
        capture_output=True,
        text=True,
        cwd=directory,
        timeout=300,
        check=False,
    )


def test_demo_on_another_port_crawls_the_site_it_serves_then_finds_nothing_new(tmp_path: Path):
    port = free_port()  # not the 8765 that the shipped demo sources name

    first = _demo(tmp_path, port)
    assert first.returncode == 0, first.stderr
    assert f"created the instance {tmp_path.resolve()}" in first.stdout
    assert (tmp_path / "sources.toml").is_file() and not (tmp_path / "config").exists()
    assert f"http://127.0.0.1:{port}" in first.stdout
    assert "demo-yixing: ok — 28 pages, 25 articles fetched, 25 new" in first.stdout
    assert "demo-sdic: ok — 15 pages, 13 articles fetched, 13 new" in first.stdout
    assert "this run: 38 article page(s) fetched, 38 new article(s) stored" in first.stdout
    preview = (tmp_path / "data" / "digest-preview.txt").read_text(encoding="utf-8")
    assert "签约" in preview

    second = _demo(tmp_path, port)
    assert second.returncode == 0, second.stderr
    assert "nothing new" in second.stdout
    assert "demo-yixing: ok — 1 page, 0 articles fetched" in second.stdout


def test_a_source_whose_list_page_cannot_be_fetched_is_a_failed_crawl(tmp_path: Path):
    dead = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    inst = write_instance(
        tmp_path,
        f'[[sources]]\nname = "gone"\nkind = "municipal"\nstart_urls = ["{dead}/news/index.html"]\n',
    )
    proc = inst.run("crawl", "gone", check=False)
    assert proc.returncode != 0
    assert "gone: FAILED (no list page could be fetched (connection_refused x1))" in proc.stdout
    (run,) = json.loads(inst.run("runs", "--json").stdout)
    assert run["status"] == "failed" and run["pages_fetched"] == 0
    assert "connection_refused" in run["message"]
