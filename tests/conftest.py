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


# The slowest modules, slowest first (measured; `--durations`). `make test` hands whole
# modules to its workers in collection order, so these start first and the run does not
# end with one worker still busy on a long module while the other idles.
SLOWEST_FIRST = (
    "test_workers.py",
    "test_web_hostile.py",
    "test_crawl_crashes.py",
    "test_cli_errors.py",
    "test_readme.py",
    "test_pipeline.py",
    "test_report_web.py",
    "test_short_writes.py",
    "test_crash_safety.py",
    "test_demo.py",
    "test_worker_budget.py",
    "test_operator_integration.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the slowest modules first (their own order kept, every other module after)."""
    rank = {name: i for i, name in enumerate(SLOWEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))
