"""The defaults of leadwatch.toml live once, in the config models: the template `leadwatch
init` writes (package data) and the Scrapy settings of `scrapy crawl` follow them."""

from __future__ import annotations

import tomllib
from typing import Any

import pytest

from crawler.config import load_config
from crawler.config.models import TABLES
from crawler.crawl import settings as scrapy_defaults
from crawler.shipped import instance_template


def _template() -> dict[str, Any]:
    return tomllib.loads(instance_template("leadwatch.toml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("table", list(TABLES))
def test_the_template_writes_every_key_with_the_models_default(table: str):
    model = TABLES[table]
    # keys whose default is "not set" (None) or per-entry (schedule.sources) are not
    # written; a replaced key (expect_new_days) is not offered to new instances
    expected = {
        key: value
        for key, value in model().model_dump().items()
        if value is not None and not isinstance(value, dict)
    }
    written = {k: v for k, v in _template()[table].items() if not isinstance(v, dict)}
    assert written == expected


def test_the_template_loads_as_it_is(tmp_path):
    (tmp_path / "leadwatch.toml").write_bytes(instance_template("leadwatch.toml").read_bytes())
    config = load_config(tmp_path)
    assert config.subscriptions  # its example subscriptions are valid
    assert [s.name for s in config.sources][:2] == ["demo-yixing", "demo-sdic"]  # shipped


def test_scrapy_settings_follow_the_crawl_defaults():
    crawl = TABLES["crawl"]()
    assert crawl.user_agent == scrapy_defaults.USER_AGENT
    assert scrapy_defaults.ROBOTSTXT_OBEY is crawl.obey_robots
    assert crawl.download_delay == scrapy_defaults.DOWNLOAD_DELAY
    assert scrapy_defaults.AUTOTHROTTLE_ENABLED is crawl.autothrottle
    assert crawl.concurrent_per_domain == scrapy_defaults.CONCURRENT_REQUESTS_PER_DOMAIN
    assert crawl.download_timeout_s == scrapy_defaults.DOWNLOAD_TIMEOUT
    assert crawl.max_page_bytes == scrapy_defaults.DOWNLOAD_MAXSIZE
    assert crawl.retries == scrapy_defaults.RETRY_TIMES
    assert crawl.log_level == scrapy_defaults.LOG_LEVEL
