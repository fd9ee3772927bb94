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
stale_after_days = 7          # a source with nothing new for this long needs attention
                              # (sources list, web view, digest); a source may set its own
log_level = "INFO"

[smtp]
host = "127.0.0.1"
port = 25
security = "none"             # none | starttls | ssl (certificates are verified)
user = ""                     # the password comes only from LEADWATCH_SMTP_PASSWORD
allow_plaintext_auth = false  # true only to log in without TLS (a server on this machine)
sender = "leadwatch@localhost"
timeout_s = 30                # every SMTP connection and command

[schedule]
# `leadwatch schedule run`; cron expressions are in [leadwatch] timezone and name the
# days of week (mon-fri), because APScheduler 3 numbers them differently from crontab.
crawl_every_minutes = 120     # default for every source
crawl_jitter_s = 300          # random delay added to each crawl, spreads the load
max_parallel_crawls = 1       # Scrapy is one core; more rarely helps
digest_grace_hours = 12       # a digest missed while down is still sent within this
tick_s = 60                   # how often owed digests and due retries are checked
retry_first_minutes = 5       # failed sends are retried after 5, 10, 20 … minutes
retry_max_minutes = 360

# Per source (the key is the source's name), all optional:
# [schedule.sources.yixing-gov]
# every_minutes = 60          # or: cron = "30 7,12,17 * * *"
# jitter_s = 120
# enabled = true

[workers]
# `leadwatch worker` on several machines sharing one PostgreSQL (docs/operations.md).
heartbeat_s = 10              # how often a worker says it is alive
stalled_after_s = 60          # silent this long, its jobs go to other workers
concurrency = 1               # crawls one worker process runs at once (one per core)

[register]
# The lead register: one record per event and per project, organisations, rival cities.
home = "宜兴"                  # the office's place (in the gazetteer): events here are local
peers = ["江阴", "常州武进", "溧阳", "长兴"]   # rival cities and districts to watch
gazetteer = "config/gazetteer.toml"   # place names -> province / city / district
highlights = 5                # events in the digest's 今日重点

[web]
# Where colleagues reach `leadwatch serve`: digests link every lead to its page there.
# Empty: digests carry no web links.
base_url = ""                 # e.g. "http://10.1.2.3:8600/"

# Subscriptions: who gets which digest. Keys and their defaults:
#   recipients = []            e-mail addresses (needed while email = true)
#   sectors = []               sector ids from config/taxonomy.toml; empty = every sector
#   partners = []              partner names; empty = any
#   min_lead_score = 0.0
#   include_news = false       true: also list non-lead news of the subscribed sectors
#   schedule = "0 8 * * *"     cron, daily 08:00
#   send_when_empty = false    skip the scheduled digest when nothing is new
#   email = true
#   first_digest_days = 7      how far back a subscription's first digest reaches
# Chat groups (企业微信 / 钉钉 / 飞书) through Apprise URLs, e.g.
#   [[subscriptions.webhooks]]
#   name = "wecom"
#   url_env = "LEADWATCH_WEBHOOK_OFFICE"   # holds e.g. wecombot://BOTKEY (or: url = "…")
# dingtalk://TOKEN/ and feishu://TOKEN work the same way.

[[subscriptions]]
name = "office"
title = "招商局全局"
recipients = ["zhaoshang@example.gov.cn"]
sectors = []                  # empty: every sector
min_lead_score = 0.0
include_news = false          # every sector's news would drown the leads

[[subscriptions]]
name = "synbio"
title = "合成生物专班"
recipients = ["synbio@example.gov.cn"]
sectors = ["synbio", "biomed"]
include_news = true

[[subscriptions]]
name = "low-altitude"
title = "低空经济专班"
recipients = ["low-altitude@example.gov.cn"]
sectors = ["low_altitude"]
include_news = true

[[subscriptions]]
name = "silver"
title = "银发经济专班"
recipients = ["silver@example.gov.cn"]
sectors = ["silver"]
include_news = true

[[subscriptions]]
name = "new-energy"
title = "新能源专班"
recipients = ["new-energy@example.gov.cn"]
sectors = ["new_energy"]
include_news = true

[[subscriptions]]
name = "infra-transport"
title = "新基建/交通科技专班"
recipients = ["infra@example.gov.cn"]
sectors = ["new_infra", "transport_tech"]
include_news = true
"""


# The shipped sources and taxonomy, next to the package in a source checkout.
BUNDLED_CONFIG = Path(__file__).resolve().parents[1] / "config"
_REFERENCED = (
    "sources.toml",
    "taxonomy.toml",
    "gazetteer.toml",
)  # what TEMPLATE names under config/


def write_default_config(path: Path, *, force: bool = False) -> bool:
    """Write the default leadwatch.toml; False when it exists and ``force`` is off.

    The sources, taxonomy and gazetteer files it names (config/*.toml beside it) are copied from
    the shipped ones when they are missing, so a new directory works at once; existing
    ones are never overwritten."""
    if path.exists() and not force:
        return False
    path.write_text(TEMPLATE, encoding="utf-8")
    target = path.parent / "config"
    for name in _REFERENCED:
        shipped = BUNDLED_CONFIG / name
        if shipped.is_file() and not (target / name).exists():
            target.mkdir(parents=True, exist_ok=True)
            (target / name).write_bytes(shipped.read_bytes())
    return True
