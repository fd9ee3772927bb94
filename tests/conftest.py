"""Shared fixtures: real HTTP servers for fixture sites, a real SMTP server, instances."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest

from crawler.devserver import StaticSite

REPO = Path(__file__).resolve().parents[1]
DEMO_SITE = REPO / "demo" / "site"
SITES = REPO / "tests" / "sites"
TAXONOMY = REPO / "config" / "taxonomy.toml"


@pytest.fixture(scope="session")
def demo_site() -> Iterator[str]:
    """The bundled demo site on 127.0.0.1 (random port)."""
    with StaticSite(DEMO_SITE) as site:
        yield site.url


@pytest.fixture(scope="session")
def broken_site() -> Iterator[str]:
    with StaticSite(SITES / "broken") as site:
        yield site.url


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Mailbox:
    """Messages a real aiosmtpd server on 127.0.0.1 accepted."""

    port: int
    messages: list[EmailMessage] = field(default_factory=list)
    refuse: bool = False

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, N802 - aiosmtpd API
        if self.refuse:
            return "451 4.3.0 try again later"
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


@pytest.fixture
def smtp_server() -> Iterator[Mailbox]:
    from aiosmtpd.controller import Controller

    mailbox = Mailbox(port=free_port())
    controller = Controller(mailbox, hostname="127.0.0.1", port=mailbox.port)
    controller.start()
    try:
        yield mailbox
    finally:
        controller.stop()


@dataclass
class Instance:
    """A leadwatch instance in a temporary directory, run through the real CLI."""

    dir: Path
    config: Path
    db: Path

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if k != "LEADWATCH_DATABASE_URL"}
        proc = subprocess.run(
            [sys.executable, "-m", "crawler.cli", "--config", str(self.config), *args],
            capture_output=True,
            text=True,
            cwd=self.dir,
            env=env,
            timeout=300,
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
    directory: Path, sources_toml: str, *, smtp_port: int = 25, subscriptions: str | None = None
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
    return Instance(directory, config, directory / "data" / "test.db")


def demo_sources(site_url: str) -> str:
    """The two demo sources of config/sources.toml, pointed at ``site_url``."""
    return f"""
[[sources]]
name = "demo-yixing"
kind = "municipal"
group = "demo"
start_urls = ["{site_url}/yxzx/index.html"]
max_pages = 10
download_delay = 0

[[sources]]
name = "demo-sdic"
kind = "partner"
group = "demo"
start_urls = ["{site_url}/sdic/xwzx/index.html"]
max_pages = 10
download_delay = 0
[sources.selectors]
list_links = ".news-list .item a"
"""


@pytest.fixture
def demo_instance(tmp_path: Path, demo_site: str, smtp_server: Mailbox) -> Instance:
    return write_instance(tmp_path, demo_sources(demo_site), smtp_port=smtp_server.port)


def load_truth() -> list[dict]:
    return json.loads((REPO / "tests" / "data" / "demo_truth.json").read_text(encoding="utf-8"))
