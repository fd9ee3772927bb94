"""`leadwatch init`: a new instance directory.

::

    DIR/leadwatch.toml   every key with its default (the template is package data)
    DIR/sources.toml     this instance's sources: added to the shipped ones, or replacing
                         one of them by name (commented examples, no entry yet)
    DIR/taxonomy.toml    additions to the shipped taxonomy (commented examples)
    DIR/data/            the SQLite store, crawl logs, digest previews

The shipped sources and taxonomy stay inside the installed package and are never
copied or edited: an upgrade brings their new defaults, the instance keeps its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from crawler.shipped import instance_template

INSTANCE_FILES = ("sources.toml", "taxonomy.toml")


@dataclass
class InitResult:
    """What `init` wrote and what it left as it was."""

    config: Path
    written: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)

    @property
    def created(self) -> bool:
        """False when the config existed and ``force`` was off: nothing was written."""
        return self.config in self.written


def init_instance(config: Path, *, force: bool = False) -> InitResult:
    """Write the instance whose leadwatch.toml is ``config``.

    An existing leadwatch.toml is replaced only with ``force``; existing sources.toml
    and taxonomy.toml are never overwritten (they hold the office's own work)."""
    directory = config.parent
    result = InitResult(config)
    if config.exists() and not force:
        result.kept.append(config)
        return result
    directory.mkdir(parents=True, exist_ok=True)
    config.write_bytes(instance_template("leadwatch.toml").read_bytes())
    result.written.append(config)
    for name in INSTANCE_FILES:
        target = directory / name
        if target.exists():
            result.kept.append(target)
        else:
            target.write_bytes(instance_template(name).read_bytes())
            result.written.append(target)
    (directory / "data").mkdir(exist_ok=True)
    return result
