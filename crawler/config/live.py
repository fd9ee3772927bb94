"""A config that follows its files: `leadwatch serve` shows a source added to sources.toml
without a restart.

:class:`LiveConfig` stands in for a :class:`Config` (attribute access is forwarded to
the current one). At most once per ``interval`` it compares the files' modification
times and sizes with those it loaded; on a change it loads them again. A change that
does not load keeps the last good config and is reported once through ``on_error``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from crawler.config.loader import Config, load_config
from crawler.errors import LeadwatchError

Fingerprint = tuple[tuple[str, int, int], ...]


def fingerprint(paths: list[Path]) -> Fingerprint:
    """(path, mtime in ns, size) of each file; a missing one counts as (path, 0, -1)."""
    out = []
    for path in paths:
        try:
            stat = path.stat()
            out.append((str(path), stat.st_mtime_ns, stat.st_size))
        except OSError:
            out.append((str(path), 0, -1))
    return tuple(out)


def _watched(config: Config) -> list[Path]:
    own = [config.path, config.sources_path, config.taxonomy_path]
    return list(dict.fromkeys([*own, *config.files]))


class LiveConfig:
    """The current :class:`Config` of an instance, reloaded when its files change."""

    def __init__(
        self,
        config: Config,
        *,
        interval: float = 1.0,
        on_reload: Callable[[Config], None] | None = None,
        on_error: Callable[[LeadwatchError], None] | None = None,
    ):
        self._config = config
        self._seen = fingerprint(_watched(config))
        self._checked = time.monotonic()
        self._interval = interval
        self._lock = threading.Lock()
        self._on_reload = on_reload
        self._on_error = on_error

    def current(self) -> Config:
        """The config as its files are now (checked at most once per ``interval``)."""
        now = time.monotonic()
        if now - self._checked < self._interval:
            return self._config
        with self._lock:
            self._checked = now
            seen = fingerprint(_watched(self._config))
            if seen != self._seen:
                self._seen = seen
                self._reload()
            return self._config

    def _reload(self) -> None:
        try:
            config = load_config(self._config.path)
        except LeadwatchError as exc:
            if self._on_error:
                self._on_error(exc)
            return
        self._config = config
        self._seen = fingerprint(_watched(config))
        if self._on_reload:
            self._on_reload(config)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.current(), name)
