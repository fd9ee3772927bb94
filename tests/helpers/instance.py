"""A leadwatch instance in a temporary directory, and the demo sources."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.helpers.cli import SCRUBBED_ENV, CliResult, run_cli
from tests.helpers.paths import REPO, TAXONOMY


@dataclass
class Instance:
    """A leadwatch instance in a temporary directory, run through the real CLI."""

    dir: Path
    config: Path
    db: Path

    def run(self, *args: str, check: bool = True, stdin: str | bytes | None = None) -> CliResult:
        """``leadwatch --config CONFIG ARGS`` in this process (see tests.helpers.cli)."""
        result = run_cli(["--config", str(self.config), *args], cwd=self.dir, stdin=stdin)
        if check and result.returncode != 0:
            raise AssertionError(
                f"leadwatch {' '.join(args)} exited {result.returncode}\n"
                f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
            )
        return result

    def run_process(
        self, *args: str, check: bool = True, timeout: float = 300
    ) -> subprocess.CompletedProcess[str]:
        """The same command in a child process: for signals, crashes and import weight."""
        env = {k: v for k, v in os.environ.items() if k not in SCRUBBED_ENV}
        proc = subprocess.run(
            [sys.executable, "-m", "crawler.cli", "--config", str(self.config), *args],
            capture_output=True,
            text=True,
            cwd=self.dir,
            env=env,
            timeout=timeout,
        )
        if check and proc.returncode != 0:
            raise AssertionError(
                f"leadwatch {' '.join(args)} exited {proc.returncode}\n"
                f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
            )
        return proc

    def runs(self) -> list[dict]:
        return json.loads(self.run("runs", "--json").stdout)


def write_instance(
    directory: Path,
    sources_toml: str,
    *,
    smtp_port: int = 25,
    subscriptions: str | None = None,
    create_db: bool = True,
) -> Instance:
    """leadwatch.toml + sources.toml in ``directory``, SQLite file inside it."""
    (directory / "sources.toml").write_text(sources_toml, encoding="utf-8")
    subs = subscriptions or (
        '[[subscriptions]]\nname = "office"\nrecipients = ["zhaoshang@example.gov.cn"]\n'
    )
    config = directory / "leadwatch.toml"
    config.write_text(
        f"""
[leadwatch]
database_url = "sqlite:///data/test.db"
sources = "sources.toml"
taxonomy = "{TAXONOMY.as_posix()}"

[crawl]
download_delay = 0
autothrottle = false
retries = 0
download_timeout_s = 10

[smtp]
host = "127.0.0.1"
port = {smtp_port}
sender = "leadwatch@example.gov.cn"
timeout_s = 10

{subs}
""",
        encoding="utf-8",
    )
    instance = Instance(directory, config, directory / "data" / "test.db")
    if create_db:  # as `leadwatch init` does: other commands refuse a missing store
        from crawler.store import Database

        Database(f"sqlite:///{instance.db}").close()
    return instance


def demo_sources(site_url: str) -> str:
    """The two demo sources of config/sources.toml, pointed at ``site_url``."""
    return f"""
[[sources]]
name = "demo-yixing"
kind = "municipal"
group = "demo"
label = "宜兴市人民政府 · 宜兴要闻（演示站）"
start_urls = ["{site_url}/yxzx/index.html"]
max_pages = 10
download_delay = 0

[[sources]]
name = "demo-sdic"
kind = "partner"
group = "demo"
label = "国家开发投资集团 · 新闻中心（演示站）"
start_urls = ["{site_url}/sdic/xwzx/index.html"]
max_pages = 10
download_delay = 0
[sources.selectors]
list_links = ".news-list .item a"
"""


def load_truth() -> list[dict]:
    return json.loads((REPO / "tests" / "data" / "demo_truth.json").read_text(encoding="utf-8"))


def copy_store(template: Instance, instance: Instance) -> Instance:
    """Give ``instance`` a copy of ``template``'s store (SQLite's backup API, so a store in
    WAL mode is copied whole); returns ``instance``."""
    import sqlite3

    instance.db.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(template.db) as source, sqlite3.connect(instance.db) as target:
        source.backup(target)
    source.close()
    target.close()
    return instance
