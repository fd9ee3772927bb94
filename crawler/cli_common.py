"""What every `leadwatch` command module shares: consoles, config and database access."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from typing import TYPE_CHECKING

from rich.console import Console

from crawler.config import Config, load_config
from crawler.errors import LeadwatchError

if TYPE_CHECKING:  # the store is imported lazily to keep `classify` light
    from crawler.store import Database

# Piped output (tests, logs) gets a wide console so tables of Chinese titles stay readable.
_WIDTH = None if sys.stdout.isatty() else 200
console = Console(highlight=False, soft_wrap=True, width=_WIDTH)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)


def config_from_args(args: argparse.Namespace) -> Config:
    """The instance config named by --config."""
    return load_config(args.config)


def open_database(config: Config) -> Database:
    """The store, migrated to the current schema."""
    from crawler.store import Database

    return Database(config.database_url)


def sector_id(config: Config, value: str | None) -> str | None:
    """A sector id from an id or a label; an unknown one is an error listing the known."""
    if not value:
        return None
    from classifiers import load_taxonomy  # lazily: jieba is heavy

    sectors = load_taxonomy(config.taxonomy_path).sectors
    if value in sectors:
        return value
    by_label = {label: sid for sid, label in sectors.items()}
    if value in by_label:
        return by_label[value]
    known = ", ".join(f"{sid} ({label})" for sid, label in sectors.items())
    raise LeadwatchError(f"unknown sector {value!r}; use one of: {known}")


def partner_name(config: Config, value: str | None) -> str | None:
    if not value:
        return None
    from classifiers import load_taxonomy  # lazily: jieba is heavy

    return load_taxonomy(config.taxonomy_path).canonical_partner(value) or value


def time_option(option: str, value: str | None) -> datetime | None:
    """A `--since`/`--until` value (7d, 12h, 2w or YYYY-MM-DD) as an aware datetime."""
    from crawler.timeutil import parse_since

    if not value:
        return None
    try:
        return parse_since(value)
    except ValueError:
        raise LeadwatchError(f"{option} {value!r}: use 7d, 12h, 2w or YYYY-MM-DD") from None
