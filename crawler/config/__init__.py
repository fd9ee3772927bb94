"""The instance configuration: leadwatch.toml, and the sources and taxonomy it extends.

``from crawler.config import load_config, Config, Source, …`` is the interface; the
package splits the work: :mod:`.models` (the schema, every value checked),
:mod:`.files` (reading a file, naming file, line, entry and key of a problem),
:mod:`.sources` (shipped + instance sources), :mod:`.loader` (the whole instance),
:mod:`.instance` (`leadwatch init`), :mod:`.live` (reload on change).
"""

from crawler.config.loader import (
    CONFIG_NAME,
    DATABASE_ENV,
    DEFAULT_CONFIG,
    HOME_ENV,
    Config,
    ConfigWarning,
    Located,
    find_config,
    load_config,
    load_config_or_defaults,
)
from crawler.config.models import (
    DEFAULT_DATABASE_URL,
    SMTP_PASSWORD_ENV,
    CrawlSettings,
    ScheduleSettings,
    Selectors,
    Settings,
    SmtpSettings,
    Source,
    SourceSchedule,
    Subscription,
    Webhook,
)
from crawler.config.sources import load_sources

__all__ = [
    "CONFIG_NAME",
    "DATABASE_ENV",
    "DEFAULT_CONFIG",
    "DEFAULT_DATABASE_URL",
    "HOME_ENV",
    "SMTP_PASSWORD_ENV",
    "Config",
    "ConfigWarning",
    "CrawlSettings",
    "Located",
    "ScheduleSettings",
    "Selectors",
    "Settings",
    "SmtpSettings",
    "Source",
    "SourceSchedule",
    "Subscription",
    "Webhook",
    "find_config",
    "load_config",
    "load_config_or_defaults",
    "load_sources",
]
