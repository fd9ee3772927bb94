"""The taxonomy: sectors, partners, places and lead signals, loaded from TOML and validated.

Every problem is reported as ``<file>:<line>: <key>: <what is wrong> (fix: <how>)`` where
the key is written like ``sectors.silver.keywords["养老"]`` or ``partners[3].aliases[0]``
and the line is the one to edit. A taxonomy may be given as layers (the shipped file,
then an instance's additions, see :mod:`classifiers.layers`): a problem then names the
file that wrote the key.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .layers import Merged, merge_layers
from .schema import (
    EVENTS,
    PARTNER_KINDS,
    AmountsConfig,
    EventConfig,
    EventsConfig,
    LeadsConfig,
    LeadScoreConfig,
    MatchingConfig,
    PartnerConfig,
    PartnerScoring,
    PlaceConfig,
    SectorConfig,
    TaxonomyFile,
)
from .tomllines import index_lines, locate
from .validation import Problem, cross_check, describe, key_path, lint

__all__ = [
    "EVENTS",
    "PARTNER_KINDS",
    "AmountsConfig",
    "EventConfig",
    "EventsConfig",
    "LeadScoreConfig",
    "LeadsConfig",
    "MatchingConfig",
    "PartnerConfig",
    "PartnerScoring",
    "PlaceConfig",
    "Problem",
    "SectorConfig",
    "Taxonomy",
    "TaxonomyError",
    "TaxonomyFile",
    "check_taxonomy",
    "key_path",
    "load_taxonomy",
    "taxonomy_from_dict",
]


class TaxonomyError(ValueError):
    """The taxonomy file is missing, unreadable or invalid.

    ``str(err)`` names the file, the line, the offending key and how to fix it (one line
    per problem); ``err.problems`` holds the :class:`Problem` entries.
    """

    def __init__(self, path: str, problems: list[Problem]) -> None:
        self.path = path
        self.problems = problems
        super().__init__("\n".join(format_problem(path, p) for p in problems))


def format_problem(path: str, problem: Problem) -> str:
    """``<file>:<line>: <key>: <message> (fix: <fix>)``."""
    path = problem.file or path
    where = f"{path}:{problem.line}" if problem.line else path
    what = f"{problem.key}: {problem.message}" if problem.key else problem.message
    return f"{where}: {what} (fix: {problem.fix})"


@dataclass(frozen=True)
class Taxonomy:
    """A validated taxonomy.

    ``sectors`` maps sector id to label (file order), ``partners`` lists canonical
    partner names; ``config`` is the full validated model.
    """

    path: str
    config: TaxonomyFile
    sectors: dict[str, str] = field(default_factory=dict)
    partners: list[str] = field(default_factory=list)

    @property
    def sector_configs(self) -> dict[str, SectorConfig]:
        """Sector id -> full sector settings."""
        return dict(self.config.sectors)

    @property
    def partner_configs(self) -> dict[str, PartnerConfig]:
        """Canonical partner name -> full partner settings."""
        return {p.name: p for p in self.config.partners}

    def canonical_partner(self, name: str) -> str | None:
        """The canonical name for a partner name or alias (国投 -> 国家开发投资集团)."""
        wanted = name.strip().lower()
        for partner in self.config.partners:
            if wanted in (n.lower() for n in [partner.name, *partner.aliases]):
                return partner.name
        return None


def _read(path: str | Path) -> tuple[str, str]:
    shown = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        raise TaxonomyError(
            shown, [Problem("", f"cannot read the taxonomy file ({reason})", "check the path")]
        ) from exc
    try:
        return shown, raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise TaxonomyError(
            shown, [Problem("", f"not UTF-8 text ({exc.reason})", "save the file as UTF-8")]
        ) from exc


def _parse(shown: str, text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        at = re.search(r"at line (\d+)", str(exc))
        raise TaxonomyError(
            shown,
            [
                Problem(
                    "",
                    f"invalid TOML: {exc}",
                    "correct the TOML syntax at that line (a key written twice in "
                    "one table is reported here too)",
                    line=int(at.group(1)) if at else None,
                )
            ],
        ) from exc


def _with_lines(problems: list[Problem], text: str | None) -> list[Problem]:
    if text is None:
        return problems
    index = index_lines(text)
    return [p._replace(line=locate(text, p.loc, p.needle, index)) if p.loc else p for p in problems]


def load_taxonomy(path: str | Path = "config/taxonomy.toml", *overrides: str | Path) -> Taxonomy:
    """Load and validate the taxonomy TOML file at ``path``, with ``overrides`` (files of
    additions and replacements, applied in order, see :mod:`classifiers.layers`).

    Raises :class:`TaxonomyError` naming the file, the line, the key and the fix when
    a file is missing, is not valid TOML, or the result is not a usable taxonomy.
    """
    if not overrides:
        shown, text = _read(path)
        return taxonomy_from_dict(_parse(shown, text), shown, text)
    files = [_read(p) for p in (path, *overrides)]
    merged = merge_layers([_parse(shown, text) for shown, text in files])
    try:
        config = TaxonomyFile.model_validate(merged.data)
    except ValidationError as exc:
        problems = [describe(e) for e in exc.errors()]
        raise TaxonomyError(files[0][0], _placed(problems, files, merged)) from exc
    problems = cross_check(config)
    if problems:
        raise TaxonomyError(files[0][0], _placed(problems, files, merged))
    return _taxonomy(files[0][0], config)


def _placed(problems: list[Problem], files: list[tuple[str, str]], merged: Merged) -> list[Problem]:
    """Problems of a merged taxonomy, each at the file, key and line that wrote it."""
    indexes = [index_lines(text) for _shown, text in files]
    placed = []
    for p in problems:
        if not p.loc:
            placed.append(p)
            continue
        layer, loc = merged.origin(p.loc)
        shown, text = files[layer]
        line = locate(text, loc, p.needle, indexes[layer])
        placed.append(p._replace(key=key_path(loc), loc=loc, line=line, file=shown))
    return placed


def taxonomy_from_dict(
    data: dict[str, Any], path: str = "<taxonomy>", text: str | None = None
) -> Taxonomy:
    """Validate an already parsed taxonomy mapping; ``path`` (and the file ``text``, for
    line numbers) are used in error messages."""
    try:
        config = TaxonomyFile.model_validate(data)
    except ValidationError as exc:
        raise TaxonomyError(path, _with_lines([describe(e) for e in exc.errors()], text)) from exc
    problems = cross_check(config)
    if problems:
        raise TaxonomyError(path, _with_lines(problems, text))
    return _taxonomy(path, config)


def _taxonomy(path: str, config: TaxonomyFile) -> Taxonomy:
    return Taxonomy(
        path=path,
        config=config,
        sectors={sid: s.label for sid, s in config.sectors.items()},
        partners=[p.name for p in config.partners],
    )


def check_taxonomy(path: str | Path, *overrides: str | Path) -> list[Problem]:
    """Every problem of the taxonomy file at ``path`` (with ``overrides``, as
    :func:`load_taxonomy`), errors first, each with its file and line; an empty list when
    it is clean. Never raises for a bad file."""
    try:
        if not overrides:
            shown, text = _read(path)
            taxonomy = taxonomy_from_dict(_parse(shown, text), shown, text)
            return _with_lines(lint(taxonomy.config), text)
        taxonomy = load_taxonomy(path, *overrides)
    except TaxonomyError as exc:
        return list(exc.problems)
    files = [_read(p) for p in (path, *overrides)]
    merged = merge_layers([_parse(shown, text) for shown, text in files])
    return _placed(lint(taxonomy.config), files, merged)
