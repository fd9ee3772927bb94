"""Write `verified = true` for a source into the instance's sources file.

Why the file and not the database: verification is a statement about one definition of
a source (its URLs and selectors), and the file is where that definition, and the flag
the scheduler reads with it, already live: visible in review, copied with the instance,
and read by `schedule list` and `crawl` without a database. A shipped source is copied
whole into the instance's file, so what was verified stays pinned there even when a
later leadwatch ships a different definition.

tomlkit keeps the file's comments and layout; the shipped file is never written.
"""

from __future__ import annotations

import copy
import os
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.items import AoT, Table

from crawler.config.files import read_toml
from crawler.config.loader import Config
from crawler.errors import ConfigError, LeadwatchError
from crawler.shipped import instance_template, shipped_sources


def mark_verified(config: Config, name: str) -> tuple[Path, int | None]:
    """Set ``verified = true`` for source ``name`` in the instance's sources file (copying a
    shipped source there first); returns the file and the line of the entry."""
    path = config.sources_path
    shipped = shipped_sources()
    if path.exists() and path.resolve() == shipped.resolve():
        raise LeadwatchError(
            f"{path} is the shipped sources file, which is never edited; point `sources` "
            f'in {config.path} at a file of this instance (e.g. sources = "sources.toml")'
        )
    text = (
        path.read_text(encoding="utf-8")
        if path.exists()
        else instance_template("sources.toml").read_text(encoding="utf-8")
    )
    doc = tomlkit.parse(text)
    entries = _entries(doc, path)
    index = next((i for i, e in enumerate(entries) if e.get("name") == name), None)
    if index is not None:
        entries[index]["verified"] = True
    else:
        entries.append(_copy_shipped(shipped, name))
        index = len(entries) - 1
    _write(path, tomlkit.dumps(doc))
    return path, read_toml(path, "sources").line(("sources", index))


def _entries(doc: tomlkit.TOMLDocument, path: Path) -> AoT:
    if "sources" not in doc:
        if not doc.as_string().endswith("\n\n"):
            doc.add(tomlkit.nl())
        doc.append("sources", tomlkit.aot())
    entries: Any = doc["sources"]
    if not isinstance(entries, AoT):
        raise ConfigError(str(path), "sources", "must be [[sources]] tables")
    return entries


def _copy_shipped(shipped: Path, name: str) -> Table:
    for entry in tomlkit.parse(shipped.read_text(encoding="utf-8"))["sources"]:  # type: ignore[union-attr]
        if entry.get("name") == name:
            table: Table = copy.deepcopy(entry)
            table["verified"] = True
            table.item("verified").comment(
                f"copied from the shipped sources, checked {date.today().isoformat()}"
            )
            table.trivia.indent = "\n"  # a blank line before it, as between the others
            return table
    raise LeadwatchError(f"source {name!r} is in neither the instance's nor the shipped file")


def _write(path: Path, text: str) -> None:
    """Replace ``path`` in one step: a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
