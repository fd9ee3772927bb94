"""Fixtures shared by the suite; the code behind them lives in tests/helpers/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from crawler.devserver import StaticSite
from tests.helpers.instance import Instance, demo_sources, write_instance
from tests.helpers.paths import DEMO_SITE, SITES
from tests.helpers.smtp import Mailbox, running_smtp
from tests.helpers.web import headless_chromium


@pytest.fixture(scope="session")
def demo_site() -> Iterator[str]:
    """The bundled demo site on 127.0.0.1 (random port)."""
    with StaticSite(DEMO_SITE) as site:
        yield site.url


@pytest.fixture(scope="session")
def broken_site() -> Iterator[str]:
    with StaticSite(SITES / "broken") as site:
        yield site.url


@pytest.fixture
def smtp_server() -> Iterator[Mailbox]:
    """A real SMTP server on 127.0.0.1 for one test."""
    with running_smtp() as mailbox:
        yield mailbox


@pytest.fixture
def demo_instance(tmp_path: Path, demo_site: str, smtp_server: Mailbox) -> Instance:
    return write_instance(tmp_path, demo_sources(demo_site), smtp_port=smtp_server.port)


@pytest.fixture(scope="session")
def crawled_demo(tmp_path_factory: pytest.TempPathFactory, demo_site: str) -> Instance:
    """Both demo sources crawled once per session by the real CLI (real Scrapy, worker,
    classifier, SQLite); tests that need a crawled store but do not test the crawl take a
    copy (:func:`tests.helpers.instance.copy_store`). Never modify this one."""
    inst = write_instance(tmp_path_factory.mktemp("crawled-demo"), demo_sources(demo_site))
    inst.run("crawl", "demo-yixing", "demo-sdic")
    return inst


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Headless Chromium for the tests of one module."""
    with headless_chromium(tmp_path_factory.mktemp("chromium-profile")) as driver:
        yield driver
