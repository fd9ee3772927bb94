"""The leadwatch.toml that `leadwatch init` writes: every key, commented."""

from __future__ import annotations

from pathlib import Path

TEMPLATE = """\
# leadwatch instance configuration. Every key is optional; shown are the defaults.
# Reference: docs/configuration.md

[leadwatch]
# Any SQLAlchemy URL; LEADWATCH_DATABASE_URL overrides it. Relative SQLite paths are
# relative to this file's directory.
database_url = "sqlite:///data/leadwatch.db"
timezone = "Asia/Shanghai"
sources = "config/sources.toml"
taxonomy = "config/taxonomy.toml"
data_dir = "data"

[crawl]
user_agent = "leadwatch/0.1 (investment-promotion news monitor)"
obey_robots = true
download_delay = 1.0          # seconds between requests to one site (a source may lower it)
autothrottle = true
concurrent_per_domain = 2
download_timeout_s = 30
max_page_bytes = 10485760     # pages larger than this are dropped and counted as errors
retries = 2
crawl_timeout_s = 1800        # a crawl process running longer is stopped and marked failed
log_level = "INFO"

[smtp]
host = "127.0.0.1"
port = 25
security = "none"             # none | starttls | ssl (certificates are verified)
user = ""                     # the password comes only from LEADWATCH_SMTP_PASSWORD
sender = "leadwatch@localhost"
timeout_s = 30

[[subscriptions]]
name = "office"
title = "招商局全局"
recipients = ["zhaoshang@example.gov.cn"]
sectors = []                  # empty: every sector
partners = []
min_lead_score = 0.0
"""


def write_default_config(path: Path, *, force: bool = False) -> bool:
    """Write the default leadwatch.toml; False when it exists and ``force`` is off."""
    if path.exists() and not force:
        return False
    path.write_text(TEMPLATE, encoding="utf-8")
    return True
