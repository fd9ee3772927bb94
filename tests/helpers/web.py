"""The web view in a child process and headless Chromium driving it."""

from __future__ import annotations

import os
import select
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.instance import Instance

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1280,1000",
)


def require_browser() -> None:
    """Chromium and chromedriver from Debian; in CI their absence is a failure."""
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not Path(p).exists()]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("the selenium package (pip install -e '.[test]')")
    if missing:
        message = (
            f"the web tests drive headless Chromium and need {', '.join(missing)}; "
            "install with `apt-get install chromium chromium-driver` (.ci/run does this)"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


class Server:
    """`leadwatch serve` in a child process; ``url`` ends with '/'."""

    def __init__(self, inst: Instance, *args: str, env: dict[str, str] | None = None):
        environ = {k: v for k, v in os.environ.items() if not k.startswith("LEADWATCH_")}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "crawler.cli", "--config", str(inst.config), "serve", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=inst.dir,
            env={**environ, **(env or {})},
        )
        self.url = self._wait_for_url()

    def _wait_for_url(self, timeout: float = 60) -> str:
        assert self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        line = self.proc.stdout.readline() if ready else ""
        if not line.startswith("serving http://127.0.0.1:"):
            self.stop()
            raise AssertionError(f"serve did not start: {line!r} {self.proc.stderr.read()}")
        return line.split()[1]

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream:
                stream.close()


def shot(driver: Any, directory: Path, name: str) -> Path:
    """A screenshot of the current page, checked to be a real PNG."""
    path = directory / f"{name}.png"
    assert driver.save_screenshot(str(path)), name
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000, name
    return path


def wait_for(driver: Any, css: str) -> Any:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, 20).until(ec.presence_of_element_located((By.CSS_SELECTOR, css)))


@contextmanager
def headless_chromium(profile: Path) -> Iterator[Any]:
    """Debian's Chromium driven by its chromedriver through Selenium (no download)."""
    require_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    # the driver path is given, so Selenium Manager never looks for (or downloads) one
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
