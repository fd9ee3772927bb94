"""Crawls run with Scrapy settings a test chooses (tests/pipeline_crawl.py), and what they stored."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys

from tests.helpers.instance import Instance, load_truth
from tests.helpers.paths import REPO, TESTS

HERE = TESTS


# the demo-yixing column
TRUTH = [t for t in load_truth() if t["path"].startswith("doc/")]


def crawl(inst: Instance, *settings: str, env: dict[str, str] | None = None) -> tuple[dict, str]:
    """A crawl of demo-yixing with extra Scrapy settings: (stats, log)."""
    proc = subprocess.run(
        [
            sys.executable,
            str(HERE / "pipeline_crawl.py"),
            str(inst.config),
            "demo-yixing",
            *settings,
        ],
        capture_output=True,
        text=True,
        cwd=inst.dir,
        env={**os.environ, "PYTHONPATH": f"{HERE}{os.pathsep}{REPO}", **(env or {})},
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1]), proc.stderr


def stored_urls(inst: Instance) -> set[str]:
    with sqlite3.connect(inst.db) as db:
        return {r[0] for r in db.execute("select url from articles")}
