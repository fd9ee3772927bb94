"""Load and validate leadwatch.toml and config/sources.toml.

Every problem becomes a :class:`ConfigError` that names the file, the key and the fix.
Relative paths in leadwatch.toml are resolved against the directory of that file, so
the scheduler behaves the same whatever directory it is started from.
"""

from __future__ import annotations

import os
import tomllib
import warnings
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from crawler.errors import ConfigError, UnknownSourceError

DEFAULT_CONFIG = Path("leadwatch.toml")
DEFAULT_DATABASE_URL = "sqlite:///data/leadwatch.db"
DATABASE_ENV = "LEADWATCH_DATABASE_URL"
SMTP_PASSWORD_ENV = "LEADWATCH_SMTP_PASSWORD"


class ConfigWarning(UserWarning):
    """A config that still loads but uses a replaced key: names the file, the key and the
    replacement, in the same shape as :class:`ConfigError`."""

    def __init__(self, file: str, key: str, problem: str, fix: str):
        self.file, self.key, self.problem, self.fix = file, key, problem, fix
        super().__init__(f"{file}: {key}: {problem}\n  fix: {fix}")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Selectors(_Strict):
    """Optional per-source selectors (CSS, or XPath when starting with '/' or '(')."""

    list_links: str | None = None
    next_page: str | None = None
    title: str | None = None
    date: str | None = None
    source: str | None = None
    body: str | None = None


class Source(_Strict):
    """One column or feed to crawl. Adding a typical column needs only this data."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    kind: Literal["municipal", "partner", "media"]
    type: Literal["listing", "feed"] = "listing"
    label: str = ""
    group: str = ""
    start_urls: list[str] = Field(min_length=1)
    article_url_pattern: str | None = None
    allowed_domains: list[str] = []
    # Other origins (scheme://host[:port]) the crawl may request besides its start URLs'.
    allowed_origins: list[str] = []
    max_pages: int = Field(default=5, ge=1)
    download_delay: float | None = Field(default=None, ge=0)
    encoding: str | None = None
    verified: bool = True
    enabled: bool = True
    # A source is stale when nothing new came for this long; None: [crawl] stale_after_days.
    stale_after_days: float | None = Field(default=None, gt=0)
    selectors: Selectors = Selectors()

    @field_validator("start_urls")
    @classmethod
    def _http_urls(cls, urls: list[str]) -> list[str]:
        for url in urls:
            if not url.startswith(("http://", "https://")):
                raise ValueError(f"{url!r} is not an http(s) URL")
        return urls

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


class SourcesFile(_Strict):
    sources: list[Source] = []


class CrawlSettings(_Strict):
    """Politeness defaults; a source may lower download_delay for its own site."""

    user_agent: str = "leadwatch/0.1 (investment-promotion news monitor)"
    obey_robots: bool = True
    download_delay: float = Field(default=1.0, ge=0)
    autothrottle: bool = True
    concurrent_per_domain: int = Field(default=2, ge=1)
    download_timeout_s: int = Field(default=30, ge=1)
    max_page_bytes: int = Field(default=10 * 1024 * 1024, ge=1024)
    retries: int = Field(default=2, ge=0)
    crawl_timeout_s: int = Field(default=1800, ge=10)
    # What the article worker may spend on one page (extract + classify) before the page
    # is recorded as too_complex and skipped.
    page_time_budget_s: float = Field(default=10.0, gt=0, le=3600)
    page_memory_budget_mb: int = Field(default=512, ge=16)
    # Every source's default for "nothing new for too long" (sources list, web, digest).
    stale_after_days: float = Field(default=7, gt=0)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"


class SmtpSettings(_Strict):
    """Outgoing mail. The password is read only from LEADWATCH_SMTP_PASSWORD."""

    host: str = "127.0.0.1"
    port: int = Field(default=25, ge=1, le=65535)
    security: Literal["none", "starttls", "ssl"] = "none"
    user: str = ""
    # Sending the password without TLS (security = "none") is refused unless set.
    allow_plaintext_auth: bool = False
    sender: str = "leadwatch@localhost"
    timeout_s: float = Field(default=30, gt=0)

    @property
    def password(self) -> str:
        return os.environ.get(SMTP_PASSWORD_ENV, "")


class Webhook(_Strict):
    """A chat-group webhook (企业微信 / 钉钉 / 飞书 …) as an Apprise URL.

    The URL holds the bot's secret key, so it may come from an environment variable
    (``url_env``) instead of the file (``url``).
    """

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
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


def _check_cron(expr: str) -> str:
    from apscheduler.triggers.cron import CronTrigger

    fields = expr.split()
    if len(fields) == 5 and any(ch.isdigit() for ch in fields[4]):
        # APScheduler 3.x counts weekdays from Monday=0, crontab from Sunday=0: a number
        # would silently shift the day, so only names are accepted.
        raise ValueError(f"{expr!r}: write the day of week as names (mon-fri), not numbers")
    try:
        CronTrigger.from_crontab(expr, timezone="UTC")
    except ValueError as exc:
        raise ValueError(f"{expr!r} is not a 5-field cron expression: {exc}") from None
    return expr


class Subscription(_Strict):
    """Who gets which digest, when, and through which channels."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    title: str = ""
    recipients: list[str] = []
    sectors: list[str] = []
    partners: list[str] = []
    min_lead_score: float = 0.0
    include_news: bool = False
    schedule: str = "0 8 * * *"
    send_when_empty: bool = False
    email: bool = True
    webhooks: list[Webhook] = []
    first_digest_days: int = Field(default=7, ge=1)

    @field_validator("schedule")
    @classmethod
    def _cron(cls, expr: str) -> str:
        return _check_cron(expr)

    @field_validator("recipients")
    @classmethod
    def _addresses(cls, recipients: list[str]) -> list[str]:
        for address in recipients:
            if "@" not in address or any(c in address for c in "\r\n,<>"):
                raise ValueError(f"{address!r} is not a plain e-mail address")
        return recipients

    @model_validator(mode="after")
    def _has_channel(self) -> Subscription:
        if self.email and not self.recipients:
            raise ValueError("email = true needs at least one address in recipients")
        if not self.email and not self.webhooks:
            raise ValueError("no channel: set email = true with recipients, or add webhooks")
        names = [w.name for w in self.webhooks]
        if len(set(names)) != len(names) or "email" in names:
            raise ValueError("webhook names must be unique and not 'email'")
        return self


class SourceSchedule(_Strict):
    """When one source is crawled, and how often it is expected to publish."""

    every_minutes: int | None = Field(default=None, ge=1)
    cron: str | None = None
    jitter_s: int | None = Field(default=None, ge=0)
    # Replaced by the source's stale_after_days; still read, with a warning (see load_config).
    expect_new_days: float | None = Field(default=None, gt=0)
    enabled: bool = True

    @field_validator("cron")
    @classmethod
    def _cron(cls, expr: str | None) -> str | None:
        return _check_cron(expr) if expr else expr

    @model_validator(mode="after")
    def _one_trigger(self) -> SourceSchedule:
        if self.every_minutes and self.cron:
            raise ValueError("give every_minutes or cron, not both")
        return self


class ScheduleSettings(_Strict):
    """`leadwatch schedule run`: crawl and digest jobs, misfire grace, retry backoff."""

    crawl_every_minutes: int = Field(default=120, ge=1)
    crawl_jitter_s: int = Field(default=300, ge=0)
    max_parallel_crawls: int = Field(default=1, ge=1)
    # Replaced by [crawl] stale_after_days; still read, with a warning (see load_config).
    expect_new_days: float | None = Field(default=None, gt=0)
    digest_grace_hours: float = Field(default=12, gt=0)
    tick_s: int = Field(default=60, ge=1)
    retry_first_minutes: float = Field(default=5, gt=0)
    retry_max_minutes: float = Field(default=360, gt=0)
    sources: dict[str, SourceSchedule] = {}

    def for_source(self, name: str) -> SourceSchedule:
        """The source's own schedule, or the defaults."""
        return self.sources.get(name, SourceSchedule())


class WorkerSettings(_Strict):
    """`leadwatch worker` (PostgreSQL only): many crawl workers on many machines."""

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
    """The lead register (events, projects, organisations) and the rival-city watch."""

    home: str = "宜兴"  # the office's own place (a gazetteer name): events here are local
    peers: list[str] = ["江阴", "常州武进", "溧阳", "长兴"]  # rival cities and districts
    gazetteer: str = "config/gazetteer.toml"
    highlights: int = Field(default=5, ge=0)  # events in the digest's 今日重点


class WebSettings(_Strict):
    """The web view as others reach it (links in digests)."""

    base_url: str = ""  # e.g. "http://10.0.0.5:8600/"; empty: digests carry no web links

    @field_validator("base_url")
    @classmethod
    def _http(cls, url: str) -> str:
        url = url.strip()
        if url and not url.startswith(("http://", "https://")):
            raise ValueError(f"{url!r} is not an http(s) URL")
        return url if not url or url.endswith("/") else url + "/"


class Settings(_Strict):
    database_url: str = DEFAULT_DATABASE_URL
    timezone: str = "Asia/Shanghai"
    sources: str = "config/sources.toml"
    taxonomy: str = "config/taxonomy.toml"
    data_dir: str = "data"


class ConfigFile(_Strict):
    leadwatch: Settings = Settings()
    crawl: CrawlSettings = CrawlSettings()
    smtp: SmtpSettings = SmtpSettings()
    schedule: ScheduleSettings = ScheduleSettings()
    # "register" would shadow BaseModel.register (ABCMeta's), hence the alias
    lead_register: RegisterSettings = Field(default=RegisterSettings(), alias="register")
    web: WebSettings = WebSettings()
    workers: WorkerSettings = WorkerSettings()
    subscriptions: list[Subscription] = []


class Config:
    """The loaded instance configuration plus its sources."""

    def __init__(self, path: Path, data: ConfigFile, sources: list[Source]):
        self.path = path
        self.base_dir = path.parent.resolve()
        self.settings = data.leadwatch
        self.crawl = data.crawl
        self.smtp = data.smtp
        self.schedule = data.schedule
        self.register = data.lead_register
        self.web = data.web
        self.workers = data.workers
        self.subscriptions = data.subscriptions
        self.sources = sources
        self.warnings: list[ConfigWarning] = []  # replaced keys still in use (load_config)

    def scheduled_sources(self) -> list[Source]:
        """Sources crawled on a schedule (`schedule run`, the workers): enabled,
        verified, and not switched off in [schedule]."""
        return [
            s
            for s in self.sources
            if s.enabled and s.verified and self.schedule.for_source(s.name).enabled
        ]

    def stale_after_days(self, name: str) -> float:
        """Days without a new article after which source ``name`` is stale: its own
        ``stale_after_days`` in the sources file, else ``[crawl] stale_after_days``."""
        for source in self.sources:
            if source.name == name and source.stale_after_days is not None:
                return source.stale_after_days
        return self.crawl.stale_after_days

    def resolve(self, relative: str) -> Path:
        """A path from the config, made absolute against the config's directory."""
        candidate = Path(relative)
        return candidate if candidate.is_absolute() else self.base_dir / candidate

    @property
    def taxonomy_path(self) -> Path:
        return self.resolve(self.settings.taxonomy)

    @property
    def gazetteer_path(self) -> Path:
        return self.resolve(self.register.gazetteer)

    @property
    def sources_path(self) -> Path:
        return self.resolve(self.settings.sources)

    @property
    def data_dir(self) -> Path:
        return self.resolve(self.settings.data_dir)

    @property
    def database_url(self) -> str:
        """LEADWATCH_DATABASE_URL wins; relative SQLite paths are anchored to the config."""
        url = os.environ.get(DATABASE_ENV) or self.settings.database_url
        prefix = "sqlite:///"
        if url.startswith(prefix) and not url.startswith(prefix + "/"):
            rest = url[len(prefix) :]
            if rest and not rest.startswith(":memory:") and not os.environ.get(DATABASE_ENV):
                url = prefix + str(self.resolve(rest))
        return url

    def source(self, name: str) -> Source:
        """The source called ``name``, or an error listing the known ones."""
        for source in self.sources:
            if source.name == name:
                return source
        raise UnknownSourceError(name, [s.name for s in self.sources])

    def subscription(self, name: str) -> Subscription:
        for sub in self.subscriptions:
            if sub.name == name:
                return sub
        known = ", ".join(s.name for s in self.subscriptions) or "(none)"
        raise ConfigError(
            str(self.path),
            "subscriptions",
            f"no subscription named {name!r}",
            f"use one of: {known}, or add a [[subscriptions]] table",
        )


def _read_toml(path: Path, what: str) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        fix = (
            "run `leadwatch init` to create it" if what == "config" else "create it or fix the path"
        )
        raise ConfigError(str(path), None, f"{what} file not found", fix) from None
    except IsADirectoryError:
        raise ConfigError(
            str(path), None, "is a directory", f"give the {what} file inside it"
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), None, f"not valid TOML: {exc}", "fix the syntax") from None


def _key(loc: tuple[Any, ...]) -> str:
    key = ""
    for part in loc:
        key += f"[{part}]" if isinstance(part, int) else (f".{part}" if key else str(part))
    return key


def _validate(model: type[BaseModel], data: dict[str, Any], path: Path) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        key = _key(err["loc"])
        if err["type"] == "extra_forbidden":
            problem, fix = (
                "unknown key",
                "remove it or check its spelling against docs/configuration.md",
            )
        elif err["type"] == "missing":
            problem, fix = "required key is missing", "add it (see docs/configuration.md)"
        else:
            problem, fix = err["msg"], "see docs/configuration.md for allowed values"
        more = len(exc.errors()) - 1
        if more:
            problem += f" (and {more} more problem{'s' if more > 1 else ''})"
        raise ConfigError(str(path), key, problem, fix) from None


def load_sources(path: Path) -> list[Source]:
    """Read and validate a sources file; names must be unique."""
    parsed: SourcesFile = _validate(SourcesFile, _read_toml(path, "sources"), path)
    seen: set[str] = set()
    for i, source in enumerate(parsed.sources):
        if source.name in seen:
            raise ConfigError(
                str(path),
                f"sources[{i}].name",
                f"duplicate source name {source.name!r}",
                "give every source a unique name",
            )
        seen.add(source.name)
    return parsed.sources


def _days(value: float) -> str:
    return f"{value:g}"


def _honour_expect_new_days(config: Config) -> list[ConfigWarning]:
    """Apply the replaced ``expect_new_days`` keys of ``[schedule]`` to ``stale_after_days``.

    The new key wins where both are set; every use of the old one is reported.
    """
    file, found = str(config.path), []
    old = config.schedule.expect_new_days
    if old is not None:
        if "stale_after_days" in config.crawl.model_fields_set:
            problem = (
                "replaced by [crawl] stale_after_days; ignored, because [crawl] "
                f"stale_after_days = {_days(config.crawl.stale_after_days)} is set"
            )
        else:
            config.crawl.stale_after_days = old
            problem = f"replaced by [crawl] stale_after_days; its value {_days(old)} is still used"
        fix = (
            f"write `stale_after_days = {_days(old)}` under [crawl] and delete this key "
            "(a source may set its own stale_after_days in the sources file)"
        )
        found.append(ConfigWarning(file, "schedule.expect_new_days", problem, fix))
    by_name = {s.name: s for s in config.sources}
    for name, schedule in config.schedule.sources.items():
        old = schedule.expect_new_days
        if old is None:
            continue
        key = f"schedule.sources.{name}.expect_new_days"
        source = by_name.get(name)
        fix = (
            f"add `stale_after_days = {_days(old)}` to the [[sources]] entry "
            f'name = "{name}" in {config.sources_path} and delete this key'
        )
        if source is None:
            problem, fix = f"no source named {name!r}; ignored", "delete this key"
        elif source.stale_after_days is not None:
            problem = (
                f"replaced by stale_after_days in {config.sources_path}; ignored, because "
                f"source {name!r} sets stale_after_days = {_days(source.stale_after_days)}"
            )
        else:
            source.stale_after_days = old
            problem = (
                f"replaced by the source's stale_after_days in {config.sources_path}; "
                f"its value {_days(old)} is still used"
            )
        found.append(ConfigWarning(file, key, problem, fix))
    return found


def load_config(path: Path | str | None = None) -> Config:
    """Load leadwatch.toml (default ./leadwatch.toml) and the sources file it names.

    A replaced key still in use is honoured and reported as a :class:`ConfigWarning`
    (issued through :mod:`warnings` and kept in ``Config.warnings``).
    """
    path = Path(path) if path else DEFAULT_CONFIG
    data: ConfigFile = _validate(ConfigFile, _read_toml(path, "config"), path)
    config = Config(path, data, [])
    config.sources = load_sources(config.sources_path)
    config.warnings = _honour_expect_new_days(config)
    for warning in config.warnings:
        warnings.warn(warning, stacklevel=2)
    return config


def load_config_or_defaults(path: Path | str | None = None) -> Config:
    """Like :func:`load_config`, but a missing leadwatch.toml means "all defaults".

    For `scrapy list` / `scrapy crawl` in a fresh checkout, before `leadwatch init`.
    """
    path = Path(path) if path else DEFAULT_CONFIG
    if path.exists():
        return load_config(path)
    config = Config(path, ConfigFile(), [])
    config.sources = load_sources(config.sources_path)
    return config
