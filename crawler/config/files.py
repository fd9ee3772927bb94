"""Reading a config file and naming what is wrong in it: file, line, entry, key, fix.

:func:`read_toml` turns a missing, binary, GBK-encoded or malformed file into a
:class:`ConfigError` with the line; :class:`TomlFile` validates a table of it against a
model and reports the first problem with the line of the key (found by
:mod:`classifiers.tomllines`), the entry's name (``source "yixing-gov"``,
``subscription "office"``, ``[crawl]``) and, for an unknown key, the closest known one.
"""

from __future__ import annotations

import re
import tomllib
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from classifiers.tomllines import index_lines, locate
from crawler.errors import ConfigError, did_you_mean

Loc = tuple[str | int, ...]
DOCS = "docs/configuration.md"


@dataclass
class TomlFile:
    """A parsed TOML file with what is needed to point at its lines."""

    path: Path
    text: str
    data: dict[str, Any]
    _index: dict[Loc, tuple[int, int]] | None = field(default=None, repr=False)

    def line(self, loc: Loc, needle: str | None = None) -> int | None:
        """The line of the key at ``loc`` (or of the deepest part of it written); with
        ``needle``, the line of the value holding that quoted string."""
        if self._index is None:
            self._index = index_lines(self.text)
        return locate(self.text, loc, needle, self._index)

    def error(
        self,
        loc: Loc,
        entry: str | None,
        key: str | None,
        problem: str,
        fix: str | None = None,
        *,
        needle: str | None = None,
    ) -> ConfigError:
        """A :class:`ConfigError` at the line of ``loc``."""
        line = self.line(loc, needle)
        return ConfigError(str(self.path), key, problem, fix, line=line, entry=entry)

    def validate(self, model: type[BaseModel], value: Any, loc: Loc, entry: str | None) -> Any:
        """``value`` (found at ``loc``) as ``model``, or the first problem as a ConfigError
        naming ``entry`` and the key inside it."""
        if not isinstance(value, dict):
            raise self.error(loc, entry, None, f"must be a table, not {_shown(value)}")
        try:
            return model.model_validate(value)
        except ValidationError as exc:
            # an unknown key first: a misspelt one also shows as the right one missing
            errors = sorted(exc.errors(), key=lambda e: e["type"] != "extra_forbidden")
            first = errors[0]
            rel = tuple(first["loc"])
            problem, fix = describe(model, first)
            if len(errors) > 1:
                fix = (fix + "; " if fix else "") + f"{len(errors) - 1} more problem(s) after it"
            raise self.error((*loc, *rel), entry, key_text(rel), problem, fix) from None


def read_toml(path: Path, what: str) -> TomlFile:
    """Parse the TOML file at ``path``; ``what`` names it in errors ("config", "sources")."""
    shown = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(shown, None, f"{what} file not found") from None
    except IsADirectoryError:
        raise ConfigError(
            shown, None, "is a directory", f"give the {what} file inside it"
        ) from None
    except OSError as exc:
        raise ConfigError(shown, None, f"cannot read it ({exc.strerror})") from None
    text = _decode(shown, raw)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        at = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        problem = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise ConfigError(
            shown,
            None,
            f"not valid TOML: {problem}",
            "fix the syntax on that line (a key written twice in one table is reported here too)",
            line=int(at.group(1)) if at else None,
        ) from None
    return TomlFile(path, text, data)


def _decode(shown: str, raw: bytes) -> str:
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        raise ConfigError(
            shown,
            None,
            "not a text file (it holds binary data)",
            "give the TOML text file, saved as UTF-8",
            line=line,
        )
    try:
        return raw.removeprefix(b"\xef\xbb\xbf").decode("utf-8")  # Notepad writes a BOM
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        try:
            raw.decode("gb18030")
        except UnicodeDecodeError:
            problem = "not UTF-8 text"
        else:
            problem = "saved as GBK/GB18030, not UTF-8"
        raise ConfigError(
            shown, None, problem, "save the file as UTF-8 (编码：UTF-8)", line=line
        ) from None


def key_text(loc: Loc) -> str:
    """``("selectors", "list_link")`` -> ``selectors.list_link``; ``("recipients", 0)``
    -> ``recipients[0]``."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _shown(value: Any) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return repr(value)


_TYPES = {
    "bool_type": "must be true or false (without quotes)",
    "int_type": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_type": "must be a number",
    "string_type": "must be a quoted string",
    "list_type": 'must be a list, e.g. ["…"]',
    "dict_type": "must be a table",
    "model_type": "must be a table",
    "model_attributes_type": "must be a table",
}
_BOUNDS = {"gt": "more than", "ge": "at least", "lt": "less than", "le": "at most"}


def describe(model: type[BaseModel], err: dict[str, Any]) -> tuple[str, str]:
    """(problem, fix) in words for one pydantic error of ``model``."""
    kind = err["type"]
    loc = tuple(err["loc"])
    ctx = err.get("ctx") or {}
    value = err.get("input")
    if kind == "extra_forbidden":
        known = _fields_at(model, loc[:-1])
        hint = did_you_mean(str(loc[-1]), known)
        return "unknown key", hint or f"known keys here: {', '.join(known)}"
    if kind == "missing":
        return "required key is missing", f"add it (see {DOCS})"
    if kind == "value_error":
        return str(err["msg"]).removeprefix("Value error, "), ""
    if kind == "literal_error":
        return f"{_shown(value)} is not allowed", f"use one of {ctx.get('expected', '')}"
    if kind == "string_pattern_mismatch":
        return (
            f"{_shown(value)} is not a name leadwatch can use",
            'use lower-case letters, digits, - and _, e.g. "yixing-gov"',
        )
    if kind == "too_short":
        return "is empty", "give at least one"
    if kind in _TYPES:
        bounds = _bounds(model, loc)
        return f"{_TYPES[kind]}{' ' + bounds if bounds else ''}, not {_shown(value)}", ""
    op = next((op for op in _BOUNDS if op in ctx), None)
    if op is not None:
        return f"{_shown(value)} is out of range", f"use a value {_bounds(model, loc)}"
    return str(err["msg"]), f"see {DOCS}"


def _annotation_at(model: type[BaseModel], loc: Loc) -> Any:
    """The type annotation of the field at ``loc`` (list indexes and dict keys followed)."""
    current: Any = model
    for part in loc:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            info = current.model_fields.get(str(part))
            if info is None:
                return None
            current = info.annotation
        elif typing.get_origin(current) in (list, dict):
            current = typing.get_args(current)[-1]
        else:
            return None
    return current


def _unwrap(annotation: Any) -> Any:
    """``X | None`` -> ``X``."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return args[0] if len(args) == 1 else annotation
    return annotation


def _fields_at(model: type[BaseModel], loc: Loc) -> list[str]:
    target = _unwrap(_annotation_at(model, loc) if loc else model)
    if isinstance(target, type) and issubclass(target, BaseModel):
        return list(target.model_fields)
    return []


def _bounds(model: type[BaseModel], loc: Loc) -> str:
    """``from 10 to 86400`` (or ``at least 1`` …) for the numeric field at ``loc``."""
    if not loc:
        return ""
    parent = _unwrap(_annotation_at(model, loc[:-1]) if len(loc) > 1 else model)
    if not (isinstance(parent, type) and issubclass(parent, BaseModel)):
        return ""
    info = parent.model_fields.get(str(loc[-1]))
    if info is None:
        return ""
    limits = {op: getattr(m, op) for m in info.metadata for op in _BOUNDS if hasattr(m, op)}
    low = next(((op, limits[op]) for op in ("ge", "gt") if op in limits), None)
    high = next(((op, limits[op]) for op in ("le", "lt") if op in limits), None)
    if low and high and low[0] == "ge" and high[0] == "le":
        return f"from {low[1]:g} to {high[1]:g}"
    return " and ".join(f"{_BOUNDS[pair[0]]} {pair[1]:g}" for pair in (low, high) if pair)
