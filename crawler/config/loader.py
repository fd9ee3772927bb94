"""Load an instance: its leadwatch.toml, the sources and taxonomy it extends, checked.

Every problem is a :class:`ConfigError` naming the file, the line, the entry (``[crawl]``,
``subscription "office"``, ``source "yixing-gov"``), the key and the fix. A problem in
leadwatch.toml stops the command; a broken source only disables that source (it is in
:attr:`Config.broken`, and :meth:`Config.source` raises its error for a command that
needs it). Relative paths in leadwatch.toml are resolved against its directory.
"""

from __future__ import annotations

import os
import tomllib
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crawler.config.files import TomlFile, read_toml
from crawler.config.models import (
    TABLES,
    CrawlSettings,
    RegisterSettings,
    ScheduleSettings,
    Settings,
    SmtpSettings,
    Source,
    SourceSchedule,
    Subscription,
    WebSettings,
    WorkerSettings,
)
from crawler.config.sources import load_sources
from crawler.errors import ConfigError, UnknownNameError, UnknownSourceError, did_you_mean
from crawler.shipped import shipped_gazetteer, shipped_sources, shipped_taxonomy

if TYPE_CHECKING:
    from classifiers.taxonomy import Taxonomy

CONFIG_NAME = "leadwatch.toml"
DEFAULT_CONFIG = Path(CONFIG_NAME)
HOME_ENV = "LEADWATCH_HOME"
DATABASE_ENV = "LEADWATCH_DATABASE_URL"


class ConfigWarning(UserWarning):
    """A config that still loads but uses a replaced key: names the file, the key and the
    replacement, in the same shape as :class:`ConfigError`."""

    def __init__(self, file: str, key: str, problem: str, fix: str):
        self.file, self.key, self.problem, self.fix = file, key, problem, fix
        super().__init__(f"{file}: {key}: {problem}\n  fix: {fix}")


@dataclass(frozen=True)
class Located:
    """Where the instance's leadwatch.toml is, and which rule found it."""

    path: Path
    how: str  # "--config" | HOME_ENV | "the working directory"


def find_config(given: str | Path | None = None) -> Located:
    """The instance config: ``given`` (a file, or a directory holding leadwatch.toml),
    else ``$LEADWATCH_HOME/leadwatch.toml``, else ``./leadwatch.toml``."""
    if given is not None and str(given) != "":
        path = Path(given)
        return Located(path / CONFIG_NAME if path.is_dir() else path, "--config")
    home = os.environ.get(HOME_ENV, "").strip()
    if home:
        path = Path(home).expanduser()
        return Located(path if path.suffix == ".toml" else path / CONFIG_NAME, HOME_ENV)
    return Located(DEFAULT_CONFIG, "the working directory")


def _not_found(located: Located) -> ConfigError:
    path = located.path
    if located.how == "--config":
        fix = f"check the path, or create an instance there with `leadwatch init {path.parent}`"
    elif located.how == HOME_ENV:
        fix = f"run `leadwatch init {path.parent}`, or point {HOME_ENV} at an instance directory"
    else:
        fix = (
            "no leadwatch instance in this directory: create one with `leadwatch init DIR`, "
            f"then cd DIR, set {HOME_ENV}=DIR or pass --config DIR"
        )
    return ConfigError(str(path), None, "config file not found", fix)


class Config:
    """The loaded instance configuration plus its sources."""

    def __init__(self, path: Path, file: TomlFile | None, tables: dict[str, Any]):
        self.path = path
        self.base_dir = path.parent.resolve()
        self.file = file
        self.settings: Settings = tables["leadwatch"]
        self.crawl: CrawlSettings = tables["crawl"]
        self.smtp: SmtpSettings = tables["smtp"]
        self.schedule: ScheduleSettings = tables["schedule"]
        self.workers: WorkerSettings = tables["workers"]
        self.register: RegisterSettings = tables["register"]
        self.web: WebSettings = tables["web"]
        self.subscriptions: list[Subscription] = tables.get("subscriptions", [])
        self.sources: list[Source] = []
        # source name -> why it is left out (a source entry that does not validate)
        self.broken: dict[str, ConfigError] = {}
        self.warnings: list[ConfigWarning] = []  # replaced keys still in use
        self._taxonomy: Taxonomy | None = None

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
        candidate = Path(relative).expanduser()
        return candidate if candidate.is_absolute() else self.base_dir / candidate

    @property
    def gazetteer_path(self) -> Path:
        """The gazetteer of place names: the instance's own, else the shipped one."""
        if self.register.gazetteer:
            return self.resolve(self.register.gazetteer)
        return shipped_gazetteer()

    @property
    def sources_path(self) -> Path:
        """This instance's sources file (it extends the shipped one)."""
        return self.resolve(self.settings.sources)

    @property
    def taxonomy_path(self) -> Path:
        """This instance's taxonomy file (it extends the shipped one)."""
        return self.resolve(self.settings.taxonomy)

    @property
    def sources_files(self) -> list[Path]:
        """The sources files, in the order they apply: shipped, then this instance's."""
        return _layers(
            shipped_sources() if self.settings.shipped_sources else None,
            self.sources_path,
            self.settings.sources != DEFAULTS.sources or not self.settings.shipped_sources,
            self,
            "sources",
        )

    @property
    def taxonomy_files(self) -> list[Path]:
        """The taxonomy files, in the order they apply: shipped, then this instance's."""
        return _layers(
            shipped_taxonomy() if self.settings.shipped_taxonomy else None,
            self.taxonomy_path,
            self.settings.taxonomy != DEFAULTS.taxonomy or not self.settings.shipped_taxonomy,
            self,
            "taxonomy",
        )

    @property
    def files(self) -> list[Path]:
        """Every file this config was read from (a change in one means: reload)."""
        return [self.path, *self.sources_files, *self.taxonomy_files]

    def taxonomy(self) -> Taxonomy:
        """The instance's taxonomy (shipped + its own), loaded and validated once."""
        if self._taxonomy is None:
            from classifiers.taxonomy import load_taxonomy

            self._taxonomy = load_taxonomy(*self.taxonomy_files)
        return self._taxonomy

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
        """The source called ``name``; its config error when its entry is broken; else an
        error listing the known ones."""
        for source in self.sources:
            if source.name == name:
                return source
        if name in self.broken:
            raise self.broken[name]
        raise UnknownSourceError(name, [s.name for s in self.sources] + list(self.broken))

    def subscription(self, name: str) -> Subscription:
        """The subscription called ``name``, or an error listing the known ones."""
        for sub in self.subscriptions:
            if sub.name == name:
                return sub
        raise UnknownNameError(
            "subscription",
            name,
            [s.name for s in self.subscriptions],
            f"[[subscriptions]] in {self.path}",
        )


DEFAULTS = Settings()


def _layers(
    shipped: Path | None, own: Path, required: bool, config: Config, key: str
) -> list[Path]:
    """[shipped, own], without ``own`` when it is the shipped file itself, or absent
    while ``required`` is off (the default name: an instance may have no file of its
    own). A path other than the default naming a missing file is an error: a typo."""
    layers = [shipped] if shipped is not None else []
    if own.exists():
        if shipped is None or not _same_file(own, shipped):
            layers.append(own)
    elif required:
        line = config.file.line(("leadwatch", key)) if config.file else None
        raise ConfigError(
            str(config.path),
            key,
            f"{own} does not exist",
            "create it (`leadwatch init` writes one) or correct the path",
            line=line,
            entry="[leadwatch]",
        )
    return layers


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:
        return False


def _tables(file: TomlFile) -> dict[str, Any]:
    """leadwatch.toml's tables, each validated on its own so an error names its table."""
    known = [*TABLES, "subscriptions"]
    for key in file.data:
        if key not in known:
            raise file.error(
                (key,),
                None,
                key,
                "unknown table",
                did_you_mean(key, known) or f"leadwatch.toml has {', '.join(known)}",
            )
    tables: dict[str, Any] = {}
    for name, model in TABLES.items():
        raw = file.data.get(name, {})
        if name == "schedule" and isinstance(raw, dict):
            tables[name] = _schedule(file, raw)
        else:
            tables[name] = file.validate(model, raw, (name,), f"[{name}]")
    tables["subscriptions"] = _subscriptions(file)
    return tables


def _schedule(file: TomlFile, raw: dict[str, Any]) -> ScheduleSettings:
    per_source = raw.get("sources", {})
    if not isinstance(per_source, dict):
        raise file.error(("schedule", "sources"), "[schedule]", "sources", "must be a table")
    own = {
        name: file.validate(
            SourceSchedule, value, ("schedule", "sources", name), f"[schedule.sources.{name}]"
        )
        for name, value in per_source.items()
    }
    rest = {k: v for k, v in raw.items() if k != "sources"}
    settings: ScheduleSettings = file.validate(ScheduleSettings, rest, ("schedule",), "[schedule]")
    settings.sources = own
    return settings


def _subscriptions(file: TomlFile) -> list[Subscription]:
    raw = file.data.get("subscriptions", [])
    if not isinstance(raw, list):
        raise file.error(
            ("subscriptions",), None, "subscriptions", "must be [[subscriptions]] tables"
        )
    subs: list[Subscription] = []
    first_at: dict[str, int] = {}
    for index, value in enumerate(raw):
        name = value.get("name") if isinstance(value, dict) else None
        label = (
            f'subscription "{name}"'
            if isinstance(name, str) and name
            else f"[[subscriptions]] #{index + 1}"
        )
        sub: Subscription = file.validate(Subscription, value, ("subscriptions", index), label)
        if sub.name in first_at:
            raise file.error(
                ("subscriptions", index, "name"),
                label,
                "name",
                "a second subscription with this name",
                f"rename one (the first is at line {file.line(('subscriptions', first_at[sub.name]))})",
            )
        first_at[sub.name] = index
        subs.append(sub)
    return subs


def _check_schedule_sources(config: Config) -> None:
    """Every ``[schedule.sources.NAME]`` names a source (a broken one counts)."""
    known = [s.name for s in config.sources] + list(config.broken)
    for name in config.schedule.sources:
        if name not in known:
            raise config.file.error(  # type: ignore[union-attr]
                ("schedule", "sources", name),
                f"[schedule.sources.{name}]",
                None,
                f'no source is named "{name}"',
                did_you_mean(name, known) or "use a name that `leadwatch sources list` shows",
            )


def _taxonomy_names(config: Config) -> tuple[list[str], set[str]] | None:
    """Sector ids and partner names/aliases of the instance's taxonomy, read cheaply
    (no validation); None when a taxonomy file cannot be read (the commands that use
    the taxonomy report that)."""
    from classifiers.layers import merge_layers

    try:
        layers = [tomllib.loads(p.read_text("utf-8")) for p in config.taxonomy_files]
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    data = merge_layers(layers).data
    sectors = [s for s in data.get("sectors", {}) if isinstance(s, str)]
    partners: set[str] = set()
    for partner in data.get("partners", []):
        if isinstance(partner, dict):
            partners.add(str(partner.get("name", "")))
            partners.update(str(a) for a in partner.get("aliases", []) or [])
    return sectors, partners


def _check_subscriptions(config: Config) -> None:
    """A subscription's sectors and partners exist in the taxonomy."""
    names = _taxonomy_names(config) if config.subscriptions else None
    if names is None:
        return
    sectors, partners = names
    file = config.file
    assert file is not None
    for index, sub in enumerate(config.subscriptions):
        label = f'subscription "{sub.name}"'
        for i, sector in enumerate(sub.sectors):
            if sector not in sectors:
                raise file.error(
                    ("subscriptions", index, "sectors"),
                    label,
                    f"sectors[{i}]",
                    f'unknown sector "{sector}"',
                    did_you_mean(sector, sectors) or f"known sectors: {', '.join(sectors)}",
                    needle=sector,
                )
        for i, partner in enumerate(sub.partners):
            if partner not in partners:
                raise file.error(
                    ("subscriptions", index, "partners"),
                    label,
                    f"partners[{i}]",
                    f'unknown partner "{partner}"',
                    did_you_mean(partner, sorted(partners))
                    or "use a partner's name or alias from the taxonomy",
                    needle=partner,
                )


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
            index = config.sources.index(source)
            source = config.sources[index] = source.model_copy(update={"stale_after_days": old})
            problem = (
                f"replaced by the source's stale_after_days in {config.sources_path}; "
                f"its value {_days(old)} is still used"
            )
        found.append(ConfigWarning(file, key, problem, fix))
    return found


def _attach_sources(config: Config) -> None:
    loaded = load_sources(config.sources_files)
    config.sources = loaded.sources
    config.broken = loaded.broken


def load_config(path: Path | str | None = None) -> Config:
    """Load the instance config (``path``: a file or an instance directory; default: see
    :func:`find_config`) and the sources it extends.

    A replaced key still in use is honoured and reported as a :class:`ConfigWarning`
    (issued through :mod:`warnings` and kept in ``Config.warnings``).
    """
    located = find_config(path)
    try:
        file = read_toml(located.path, "config")
    except ConfigError as exc:
        if exc.problem == "config file not found":
            raise _not_found(located) from None
        raise
    config = Config(located.path, file, _tables(file))
    _attach_sources(config)
    _check_schedule_sources(config)
    _check_subscriptions(config)
    config.warnings = _honour_expect_new_days(config)
    for warning in config.warnings:
        warnings.warn(warning, stacklevel=2)
    return config


def load_config_or_defaults(path: Path | str | None = None) -> Config:
    """Like :func:`load_config`, but no leadwatch.toml means "all defaults" (the shipped
    sources and taxonomy). For `scrapy list` / `scrapy crawl` before `leadwatch init`."""
    located = find_config(path)
    if located.path.exists():
        return load_config(located.path)
    tables = {name: model() for name, model in TABLES.items()}
    config = Config(located.path, None, tables)
    _attach_sources(config)
    return config
