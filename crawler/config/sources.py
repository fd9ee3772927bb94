"""The sources of an instance: the shipped file, then the instance's own file.

An instance entry whose name is a shipped source's replaces that source as a whole; an
entry with only ``name`` and ``enabled``/``verified`` switches a shipped source on or off
and keeps its definition; any other name adds a source. Each entry is validated on its
own: a broken one is left out and reported (:attr:`LoadedSources.broken`), so the other
sources, and commands that do not need it, keep working.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crawler.config.files import TomlFile, read_toml
from crawler.config.models import Source
from crawler.errors import ConfigError, did_you_mean

SWITCHES = frozenset({"name", "enabled", "verified"})


@dataclass
class LoadedSources:
    """Valid sources in order, and the broken entries by source name."""

    sources: list[Source] = field(default_factory=list)
    broken: dict[str, ConfigError] = field(default_factory=dict)


def entry_label(raw: Any, index: int) -> str:
    """``source "NAME"``, or ``[[sources]] #N`` for an entry without a usable name."""
    name = raw.get("name") if isinstance(raw, dict) else None
    return f'source "{name}"' if isinstance(name, str) and name else f"[[sources]] #{index + 1}"


def _entries(file: TomlFile) -> list[Any]:
    for key in file.data:
        if key != "sources":
            hint = did_you_mean(key, ["sources"])
            raise file.error(
                (key,), None, key, "unknown key", hint or "a sources file holds [[sources]] only"
            )
    entries = file.data.get("sources", [])
    if not isinstance(entries, list):
        raise file.error(("sources",), None, "sources", "must be [[sources]] tables")
    return entries


def load_sources(paths: list[Path]) -> LoadedSources:
    """Read the sources files ``paths`` (shipped first), merged by the rules above.

    A file that cannot be read or parsed raises :class:`ConfigError`; an entry that does
    not validate is recorded in ``broken`` under its name."""
    loaded = LoadedSources()
    slots: dict[str, Source | ConfigError] = {}  # in order of first appearance
    for layer, path in enumerate(paths):
        file = read_toml(path, "sources")
        seen: dict[str, int] = {}
        for index, raw in enumerate(_entries(file)):
            label = entry_label(raw, index)
            name = raw.get("name") if isinstance(raw, dict) else None
            key = name if isinstance(name, str) and name else f"#{index + 1} in {path}"
            if isinstance(name, str) and name in seen:
                first = file.line(("sources", seen[name]))
                slots[key] = file.error(
                    ("sources", index, "name"),
                    label,
                    "name",
                    "a second source with this name",
                    f"rename one of them (the first is at line {first})",
                )
                continue
            if isinstance(name, str):
                seen[name] = index
            earlier = slots.get(key) if layer else None
            if layer and isinstance(raw, dict) and set(raw) <= SWITCHES:
                slots[key] = _switch(file, index, label, raw, earlier, list(slots))
            else:
                slots[key] = _validated(file, index, label, raw)
    for key, slot in slots.items():
        if isinstance(slot, Source):
            loaded.sources.append(slot)
        else:
            loaded.broken[key] = slot
    return loaded


def _validated(file: TomlFile, index: int, label: str, raw: Any) -> Source | ConfigError:
    try:
        source: Source = file.validate(Source, raw, ("sources", index), label)
    except ConfigError as exc:
        return exc
    return source


def _switch(
    file: TomlFile,
    index: int,
    label: str,
    raw: dict[str, Any],
    earlier: Source | ConfigError | None,
    known: list[str],
) -> Source | ConfigError:
    """``name`` + ``enabled``/``verified`` only: switch an earlier (shipped) source."""
    if earlier is None:
        return file.error(
            ("sources", index),
            label,
            None,
            "no shipped source has this name, and a new source needs kind and start_urls",
            did_you_mean(str(raw.get("name")), known) or "add them (see docs/configuration.md)",
        )
    if isinstance(earlier, ConfigError):
        return earlier
    flags = {k: v for k, v in raw.items() if k != "name"}
    for key, value in flags.items():
        if not isinstance(value, bool):
            return file.error(
                ("sources", index, key),
                label,
                key,
                f"must be true or false (without quotes), not {value!r}",
            )
    return earlier.model_copy(update=flags)
