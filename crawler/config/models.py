"""The schema of leadwatch.toml and of a sources file, with every value checked.

Strict: a boolean is ``true``/``false`` (not ``"yes"``), a whole number is not ``1e9``,
numbers have upper bounds, and every regex, CSS/XPath selector, encoding, host name,
time zone and cron expression is compiled or looked up here, when the config loads. The
defaults below are the only copy: the template `leadwatch init` writes and the Scrapy
settings follow them (tests/test_config_defaults.py holds them equal).
"""

from __future__ import annotations

import codecs
import os
import re
from functools import cached_property
from typing import Annotated, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from crawler.errors import did_you_mean
from crawler.selectors import selector_problem

DEFAULT_DATABASE_URL = "sqlite:///data/leadwatch.db"
SMTP_PASSWORD_ENV = "LEADWATCH_SMTP_PASSWORD"

Name = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64)]
_HOST = re.compile(
    r"^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]*[a-z0-9_])?\.)*[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?$"
)
_ADDRESS = re.compile(r"^[^@\s,<>]+@[^@\s,<>]+$")
WEEKDAYS_AS_NAMES = "write the days of week as names (mon-fri), not numbers"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


def check_cron(expr: str) -> str:
    """A 5-field crontab expression APScheduler 3 reads the way crontab does."""
    from apscheduler.triggers.cron import CronTrigger

    fields = expr.split()
    if len(fields) != 5:
        raise ValueError(
            f"{expr!r} is not a 5-field cron expression (minute hour day month "
            f'day-of-week; it has {len(fields)}), e.g. "0 8 * * mon-fri"'
        )
    if any(ch.isdigit() for ch in fields[4]):
        # APScheduler 3.x counts weekdays from Monday=0, crontab from Sunday=0: a number
        # would silently shift the day, so only names are accepted.
        raise ValueError(f"{expr!r}: {WEEKDAYS_AS_NAMES}")
    try:
        CronTrigger.from_crontab(expr, timezone="UTC")
    except ValueError as exc:
        raise ValueError(f"{expr!r} is not a valid cron expression ({exc})") from None
    return expr


def check_zone(name: str) -> str:
    """An IANA time zone name that this machine knows."""
    if not name.strip():
        raise ValueError('empty; use an IANA time zone such as "Asia/Shanghai"')
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        from zoneinfo import available_timezones

        hint = did_you_mean(name, sorted(available_timezones()))
        raise ValueError(
            f"unknown time zone {name!r}; " + (hint or 'use an IANA name such as "Asia/Shanghai"')
        ) from None
    return name


def _plain_text(value: str, what: str) -> str:
    if not value.strip():
        raise ValueError(f"empty; give the {what}")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise ValueError(f"the {what} holds a control character (a line break?)")
    return value


class Selectors(_Strict):
    """Optional per-source selectors (CSS, or XPath when starting with '/' or '(')."""

    list_links: str | None = None
    next_page: str | None = None
    title: str | None = None
    date: str | None = None
    source: str | None = None
    body: str | None = None

    @field_validator("*")
    @classmethod
    def _compiles(cls, query: str | None) -> str | None:
        if query is not None:
            problem = selector_problem(query)
            if problem:
                raise ValueError(f"{query!r}: {problem}")
        return query


class Source(_Strict):
    """One column or feed to crawl. Adding a typical column needs only this data."""

    name: Name
    kind: Literal["municipal", "partner", "media"]
    type: Literal["listing", "feed"] = "listing"
    label: str = ""
    group: str = ""
    start_urls: list[str] = Field(min_length=1)
    article_url_pattern: str | None = None
    allowed_domains: list[str] = []
    # Other origins (scheme://host[:port]) the crawl may request besides its start URLs'.
    allowed_origins: list[str] = []
    max_pages: int = Field(default=5, ge=1, le=1000)
    download_delay: float | None = Field(default=None, ge=0, le=600)
    encoding: str | None = None
    # A source is crawled by the scheduler and a plain `leadwatch crawl` only once someone
    # checked it: `leadwatch sources check NAME --mark-verified`.
    verified: bool = False
    enabled: bool = True
    # A source is stale when nothing new came for this long; None: [crawl] stale_after_days.
    stale_after_days: float | None = Field(default=None, gt=0, le=3650)
    selectors: Selectors = Selectors()

    @field_validator("start_urls")
    @classmethod
    def _http_urls(cls, urls: list[str]) -> list[str]:
        for url in urls:
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname or " " in url:
                raise ValueError(
                    f"{url!r} is not an http(s) URL; write it whole, e.g. "
                    '"https://www.example.gov.cn/xwzx/index.html"'
                )
        return urls

    @field_validator("article_url_pattern")
    @classmethod
    def _regex(cls, pattern: str | None) -> str | None:
        if pattern is None:
            return None
        if not pattern:
            raise ValueError("empty; remove the key to use the known CMS URL shapes")
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"{pattern!r} is not a valid regular expression ({exc})") from None
        return pattern

    @field_validator("allowed_domains")
    @classmethod
    def _hosts(cls, hosts: list[str]) -> list[str]:
        out = []
        for host in hosts:
            try:
                ascii_host = host.strip().lower().encode("idna").decode("ascii")
            except UnicodeError:
                ascii_host = ""
            if not _HOST.match(ascii_host):
                raise ValueError(
                    f"{host!r} is not a host name; write the host alone, without "
                    'http://, a port or a path, e.g. "www.example.gov.cn"'
                )
            out.append(ascii_host)
        return out

    @field_validator("allowed_origins")
    @classmethod
    def _origins(cls, origins: list[str]) -> list[str]:
        for origin in origins:
            try:
                parts = urlsplit(origin)
                port = parts.port
            except ValueError as exc:
                raise ValueError(f"{origin!r}: {exc}") from None
            if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
                raise ValueError(f"{origin!r} is not an http(s) origin like https://host:port")
            if parts.path.strip("/") or parts.query or parts.fragment or port == 0:
                raise ValueError(f"{origin!r}: give scheme://host[:port] only, no path or port 0")
        return origins

    @field_validator("encoding")
    @classmethod
    def _codec(cls, name: str | None) -> str | None:
        if name is None:
            return None
        if not name.strip():
            raise ValueError("empty; remove the key to read the charset the page declares")
        try:
            codecs.lookup(name)
        except LookupError:
            raise ValueError(f"unknown encoding {name!r}; use e.g. gb18030, gbk or utf-8") from None
        return name

    @property
    def state(self) -> Literal["active", "unverified", "disabled"]:
        """``active``: crawled on schedule and by a plain `leadwatch crawl`;
        ``unverified``: enabled, but crawled only when named until it is verified;
        ``disabled``: switched off."""
        if not self.enabled:
            return "disabled"
        return "active" if self.verified else "unverified"

    @cached_property
    def article_regex(self) -> re.Pattern[str] | None:
        """``article_url_pattern`` compiled (it was checked when the config loaded)."""
        return re.compile(self.article_url_pattern) if self.article_url_pattern else None


class CrawlSettings(_Strict):
    """Politeness defaults; a source may lower download_delay for its own site."""

    user_agent: str = "leadwatch/0.1 (investment-promotion news monitor)"
    obey_robots: bool = True
    download_delay: float = Field(default=1.0, ge=0, le=600)
    autothrottle: bool = True
    concurrent_per_domain: int = Field(default=2, ge=1, le=32)
    download_timeout_s: int = Field(default=30, ge=1, le=3600)
    max_page_bytes: int = Field(default=10 * 1024 * 1024, ge=1024, le=1024**3)
    retries: int = Field(default=2, ge=0, le=10)
    crawl_timeout_s: int = Field(default=1800, ge=10, le=86400)
    # What the article worker may spend on one page (extract + classify) before the page
    # is recorded as too_complex and skipped.
    page_time_budget_s: float = Field(default=10.0, gt=0, le=3600)
    page_memory_budget_mb: int = Field(default=512, ge=16, le=65536)
    # Every source's default for "nothing new for too long" (sources list, web, digest).
    stale_after_days: float = Field(default=7, gt=0, le=3650)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    @field_validator("user_agent")
    @classmethod
    def _agent(cls, value: str) -> str:
        return _plain_text(value, "user agent: name your office and a contact")


class SmtpSettings(_Strict):
    """Outgoing mail. The password is read only from LEADWATCH_SMTP_PASSWORD."""

    host: str = "127.0.0.1"
    port: int = Field(default=25, ge=1, le=65535)
    security: Literal["none", "starttls", "ssl"] = "none"
    user: str = ""
    # Sending the password without TLS (security = "none") is refused unless set.
    allow_plaintext_auth: bool = False
    sender: str = "leadwatch@localhost"
    timeout_s: float = Field(default=30, gt=0, le=600)

    @field_validator("host")
    @classmethod
    def _host(cls, value: str) -> str:
        return _plain_text(value, "mail server's host name")

    @field_validator("sender")
    @classmethod
    def _sender(cls, value: str) -> str:
        if not _ADDRESS.match(value):
            raise ValueError(f"{value!r} is not a plain e-mail address")
        return value

    @property
    def password(self) -> str:
        return os.environ.get(SMTP_PASSWORD_ENV, "")


class Webhook(_Strict):
    """A chat-group webhook (企业微信 / 钉钉 / 飞书 …) as an Apprise URL.

    The URL holds the bot's secret key, so it may come from an environment variable
    (``url_env``) instead of the file (``url``).
    """

    name: Name
    url: str = ""
    url_env: str = ""

    @model_validator(mode="after")
    def _one_url(self) -> Webhook:
        if bool(self.url) == bool(self.url_env):
            raise ValueError("give exactly one of url or url_env")
        return self

    def resolved_url(self) -> str:
        """The Apprise URL; empty when ``url_env`` names an unset variable."""
        return self.url or os.environ.get(self.url_env, "")


class Subscription(_Strict):
    """Who gets which digest, when, and through which channels."""

    name: Name
    title: str = ""
    recipients: list[str] = []
    sectors: list[str] = []
    partners: list[str] = []
    min_lead_score: float = Field(default=0.0, ge=0, le=1000)
    include_news: bool = False
    schedule: str = "0 8 * * *"
    send_when_empty: bool = False
    email: bool = True
    webhooks: list[Webhook] = []
    first_digest_days: int = Field(default=7, ge=1, le=366)
    # a 招商周报 / 月报 by mail once each week / month closes (alerts.reports)
    report: Literal["", "weekly", "monthly"] = ""
    report_format: Literal["pdf", "docx", "xlsx"] = "pdf"

    @field_validator("schedule")
    @classmethod
    def _cron(cls, expr: str) -> str:
        return check_cron(expr)

    @field_validator("recipients")
    @classmethod
    def _addresses(cls, recipients: list[str]) -> list[str]:
        for address in recipients:
            if not _ADDRESS.match(address):
                raise ValueError(f"{address!r} is not a plain e-mail address")
        return recipients

    @model_validator(mode="after")
    def _has_channel(self) -> Subscription:
        if self.email and not self.recipients:
            raise ValueError("email = true needs at least one address in recipients")
        if not self.email and not self.webhooks:
            raise ValueError("no channel: set email = true with recipients, or add webhooks")
        if self.report and not self.email:
            raise ValueError(
                f"report = {self.report!r} is sent as a mail attachment: set email = true "
                "with recipients, or remove report"
            )
        names = [w.name for w in self.webhooks]
        if len(set(names)) != len(names) or "email" in names:
            raise ValueError("webhook names must be unique and not 'email'")
        return self


class SourceSchedule(_Strict):
    """When one source is crawled, and how often it is expected to publish."""

    every_minutes: int | None = Field(default=None, ge=1, le=7 * 24 * 60)
    cron: str | None = None
    jitter_s: int | None = Field(default=None, ge=0, le=86400)
    # Replaced by the source's stale_after_days; still read, with a warning.
    expect_new_days: float | None = Field(default=None, gt=0, le=3650)
    enabled: bool = True

    @field_validator("cron")
    @classmethod
    def _cron(cls, expr: str | None) -> str | None:
        return check_cron(expr) if expr is not None else None

    @model_validator(mode="after")
    def _one_trigger(self) -> SourceSchedule:
        if self.every_minutes and self.cron:
            raise ValueError("give every_minutes or cron, not both")
        return self


class ScheduleSettings(_Strict):
    """`leadwatch schedule run`: crawl and digest jobs, misfire grace, retry backoff."""

    crawl_every_minutes: int = Field(default=120, ge=1, le=7 * 24 * 60)
    crawl_jitter_s: int = Field(default=300, ge=0, le=86400)
    max_parallel_crawls: int = Field(default=1, ge=1, le=16)
    # Replaced by [crawl] stale_after_days; still read, with a warning.
    expect_new_days: float | None = Field(default=None, gt=0, le=3650)
    digest_grace_hours: float = Field(default=12, gt=0, le=7 * 24)
    tick_s: int = Field(default=60, ge=1, le=3600)
    retry_first_minutes: float = Field(default=5, gt=0, le=24 * 60)
    retry_max_minutes: float = Field(default=360, gt=0, le=7 * 24 * 60)
    sources: dict[str, SourceSchedule] = {}

    def for_source(self, name: str) -> SourceSchedule:
        """The source's own schedule, or the defaults."""
        return self.sources.get(name, SourceSchedule())


class Settings(_Strict):
    """``[leadwatch]``: where the store, the sources, the taxonomy and the data are."""

    database_url: str = DEFAULT_DATABASE_URL
    timezone: str = "Asia/Shanghai"
    sources: str = "sources.toml"
    taxonomy: str = "taxonomy.toml"
    shipped_sources: bool = True
    shipped_taxonomy: bool = True
    data_dir: str = "data"

    @field_validator("database_url")
    @classmethod
    def _url(cls, url: str) -> str:
        if "://" not in url:
            raise ValueError(
                f"{url!r} is not a database URL; use e.g. "
                '"sqlite:///data/leadwatch.db" or "postgresql+psycopg://user@host/db"'
            )
        return url

    @field_validator("timezone")
    @classmethod
    def _zone(cls, name: str) -> str:
        return check_zone(name)

    @field_validator("sources", "taxonomy", "data_dir")
    @classmethod
    def _path(cls, value: str) -> str:
        return _plain_text(value, "path (relative to this file's directory, or absolute)")


class WorkerSettings(_Strict):
    """``[workers]``: `leadwatch worker` (PostgreSQL only), crawl workers on many machines."""

    # How often a worker says it is alive, and how long a silent one keeps its job
    # before another worker takes it over (the crawl resumes from the store's state).
    heartbeat_s: float = Field(default=10, gt=0)
    stalled_after_s: float = Field(default=60, gt=0)
    # Crawls one worker process runs at once (each is a process of its own: Scrapy is
    # one core, so more than the machine's cores only adds contention).
    concurrency: int = Field(default=1, ge=1, le=64)

    @model_validator(mode="after")
    def _heartbeat_first(self) -> WorkerSettings:
        if self.stalled_after_s < 2 * self.heartbeat_s:
            raise ValueError(
                "stalled_after_s must be at least twice heartbeat_s, or a busy worker "
                "would lose its job to another"
            )
        return self


class RegisterSettings(_Strict):
    """``[register]``: the lead register (events, projects, organisations) and the
    rival-city watch."""

    home: str = "宜兴"  # the office's own place (a gazetteer name): events here are local
    peers: list[str] = ["江阴", "常州武进", "溧阳", "长兴"]  # rival cities and districts
    gazetteer: str = ""  # a gazetteer file of the instance; empty: the shipped one
    highlights: int = Field(default=5, ge=0, le=50)  # events in the digest's 今日重点


class WebSettings(_Strict):
    """``[web]``: the web view as others reach it (links in digests)."""

    base_url: str = ""  # e.g. "http://10.0.0.5:8600/"; empty: digests carry no web links

    @field_validator("base_url")
    @classmethod
    def _http(cls, url: str) -> str:
        url = url.strip()
        if url and not url.startswith(("http://", "https://")):
            raise ValueError(f"{url!r} is not an http(s) URL")
        return url if not url or url.endswith("/") else url + "/"


# The tables of leadwatch.toml, in the order the template writes them.
TABLES: dict[str, type[BaseModel]] = {
    "leadwatch": Settings,
    "crawl": CrawlSettings,
    "smtp": SmtpSettings,
    "schedule": ScheduleSettings,
    "workers": WorkerSettings,
    "register": RegisterSettings,
    "web": WebSettings,
}
