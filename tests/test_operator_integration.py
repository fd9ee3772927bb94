"""An operator's first week, with real processes: `serve` follows sources.toml, `sources
check --mark-verified` against a real site, Ctrl-C during a crawl keeps what was fetched.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.helpers.badserver import BadServer
from tests.helpers.instance import Instance
from tests.helpers.paths import DEMO_SITE
from tests.helpers.web import Server

pytestmark = pytest.mark.integration


def _init(tmp_path: Path, sources: str = "") -> Instance:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEADWATCH_")}
    proc = subprocess.run(
        [sys.executable, "-m", "crawler.cli", "init", "inst"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    inst_dir = tmp_path / "inst"
    (inst_dir / "sources.toml").write_text(sources, encoding="utf-8")
    text = (inst_dir / "leadwatch.toml").read_text(encoding="utf-8")
    # no waits between requests (they are what test_spiders_polite tests)
    for polite, fast in (
        ("download_delay = 1.0", "download_delay = 0"),
        ("autothrottle = true", "autothrottle = false"),
        ("retries = 2", "retries = 0"),
    ):
        assert polite in text, polite
        text = text.replace(polite, fast)
    (inst_dir / "leadwatch.toml").write_text(text, encoding="utf-8")
    return Instance(inst_dir, inst_dir / "leadwatch.toml", inst_dir / "data" / "leadwatch.db")


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read().decode("utf-8")


def test_serve_shows_a_source_added_to_sources_toml_without_a_restart(tmp_path: Path):
    inst = _init(tmp_path)
    server = Server(inst, "--port", "0")
    try:
        page = _get(server.url + "sources")
        assert 'id="source-late-news"' not in page
        with (inst.dir / "sources.toml").open("a", encoding="utf-8") as fh:
            fh.write(
                '[[sources]]\nname = "late-news"\nkind = "media"\n'
                'start_urls = ["http://127.0.0.1:9/late/index.html"]\n'
            )
        deadline = time.monotonic() + 20
        while 'id="source-late-news"' not in page:
            assert time.monotonic() < deadline, "the new source never showed"
            time.sleep(0.3)
            page = _get(server.url + "sources")
        row = page.split('id="source-late-news"', 1)[1].split("</tr>", 1)[0]
        assert "（待验证）" in row and "已不在配置中" not in row and "未启用" not in row
        # a change that does not load keeps the last good configuration
        with (inst.dir / "sources.toml").open("a", encoding="utf-8") as fh:
            fh.write("[[sources]\n")
        time.sleep(1.5)
        assert 'id="source-late-news"' in _get(server.url + "sources")
    finally:
        server.stop()


def test_sources_check_mark_verified_records_a_clean_check_only(tmp_path: Path):
    with BadServer(DEMO_SITE) as site:
        inst = _init(
            tmp_path,
            "# our columns\n\n"
            f'[[sources]]\nname = "town"\nkind = "municipal"  # 宜兴要闻\n'
            f'start_urls = ["{site.url}/yxzx/index.html"]\nmax_pages = 10\n\n'
            f'[[sources]]\nname = "gone"\nkind = "media"\n'
            f'start_urls = ["{site.url}/nowhere/index.html"]\n',
        )
        bad = inst.run("sources", "check", "gone", "--mark-verified", check=False)
        assert bad.returncode == 1 and "gone is not marked verified" in bad.stderr
        good = inst.run("sources", "check", "town", "--mark-verified", check=False)
    assert good.returncode == 0, good.stdout + good.stderr
    assert "healthy" in good.stdout
    assert f"town marked verified in {inst.dir / 'sources.toml'}:3" in good.stderr
    text = (inst.dir / "sources.toml").read_text(encoding="utf-8")
    assert text.startswith("# our columns\n") and 'kind = "municipal"  # 宜兴要闻' in text
    states = {
        r["name"]: r["state"] for r in json.loads(inst.run("sources", "list", "--json").stdout)
    }
    assert states["town"] == "active" and states["gone"] == "unverified"


def test_ctrl_c_keeps_the_counters_of_what_was_fetched(tmp_path: Path):
    with BadServer(DEMO_SITE) as site:
        release = site.gate("/yxzx/index_1.html")  # page 2 waits: the crawl is mid-way
        inst = _init(
            tmp_path,
            f'[[sources]]\nname = "town"\nkind = "municipal"\n'
            f'start_urls = ["{site.url}/yxzx/index.html"]\nmax_pages = 10\n',
        )
        crawl = subprocess.Popen(
            [sys.executable, "-m", "crawler.cli", "crawl", "town"],
            cwd=inst.dir,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 60
        while not (site.paths("/yxzx/index_1.html") and len(site.paths("/doc/")) >= 5):
            assert time.monotonic() < deadline, site.paths()
            time.sleep(0.05)
        time.sleep(1.0)  # the fetched articles reach the store's batch
        crawl.send_signal(signal.SIGINT)  # to the parent only, as `kill -INT PID` does
        time.sleep(0.5)
        release.set()
        out, err = crawl.communicate(timeout=120)
    assert crawl.returncode == 130, (out, err)
    (run,) = json.loads(inst.run("runs", "--json").stdout)
    stored = json.loads(inst.run("items", "--json", "--limit", "0").stdout)
    assert (run["status"], run["message"]) == ("failed", "interrupted (Ctrl-C)")
    assert run["pages_fetched"] >= 6 and run["articles_fetched"] >= 5, run
    assert run["articles_new"] == len(stored) > 0, run
