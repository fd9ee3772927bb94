"""The defaults of leadwatch.toml live once, in the config models: the template `leadwatch
init` writes (package data) and the Scrapy settings of `scrapy crawl` follow them."""

from __future__ import annotations

import tomllib
from typing import Any

import pytest

from crawler.config import load_config
from crawler.config.models import TABLES
from crawler.crawl import settings as scrapy_defaults
from crawler.crawl.addon import crawl_settings
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
    """The [crawl] defaults reach Scrapy through the add-on, and settings.py sets none of
    them again (one copy of each default)."""
    crawl = TABLES["crawl"]()
    applied = crawl_settings(crawl)
    assert applied == {
        "USER_AGENT": crawl.user_agent,
        "ROBOTSTXT_OBEY": crawl.obey_robots,
        "DOWNLOAD_DELAY": crawl.download_delay,
        "AUTOTHROTTLE_ENABLED": crawl.autothrottle,
        "CONCURRENT_REQUESTS_PER_DOMAIN": crawl.concurrent_per_domain,
        "DOWNLOAD_TIMEOUT": crawl.download_timeout_s,
        "DOWNLOAD_MAXSIZE": crawl.max_page_bytes,
        "RETRY_TIMES": crawl.retries,
        "LOG_LEVEL": crawl.log_level,
    }
    assert not set(applied) & set(vars(scrapy_defaults))
