"""Line numbers for keys and values of a TOML file (tomllib parses but keeps no positions).

:func:`index_lines` reads the file text once and records, for every table header and
every ``key = value``, the lines its value spans (inline tables and arrays may run over
several lines). :func:`locate` then finds the line of a key path such as
``("sectors", "silver", "keywords", "养老")`` or ``("partners", 3, "aliases", 0)``: the
deepest part of the path written in the file, narrowed to the line holding the quoted
term when one is given.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

Path = tuple[str | int, ...]

_BARE = re.compile(r"[A-Za-z0-9_-]+")


def _split_key(raw: str) -> list[str] | None:
    """``a."b c".d`` -> ``["a", "b c", "d"]``; None when it is not a key."""
    parts: list[str] = []
    i, n = 0, len(raw)
    while i < n:
        while i < n and raw[i] in " \t":
            i += 1
        if i >= n:
            return None
        if raw[i] in "\"'":
            quote = raw[i]
            j = raw.find(quote, i + 1)
            if j < 0:
                return None
            parts.append(raw[i + 1 : j])
            i = j + 1
        else:
            m = _BARE.match(raw, i)
            if not m:
                return None
            parts.append(m.group())
            i = m.end()
        while i < n and raw[i] in " \t":
            i += 1
        if i < n:
            if raw[i] != ".":
                return None
            i += 1
    return parts or None


def _key_and_value(line: str) -> tuple[str, str] | None:
    """Split ``key = value`` at the first ``=`` outside quotes."""
    quote = ""
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == "=":
            return line[:i], line[i + 1 :]
        elif ch == "#":
            return None
    return None


def _depth_change(text: str) -> int:
    """Net ``[``/``{`` opened minus closed in ``text``, ignoring strings and comments."""
    depth = 0
    quote = ""
    escaped = False
    for ch in text:
        if quote:
            if escaped:
                escaped = False
            elif ch == "\\" and quote == '"':
                escaped = True
            elif ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == "#":
            break
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
    return depth


def _resolve(keys: list[str], counts: dict[Path, int]) -> Path:
    """A header's key path with the current index of every array of tables it is inside:
    after ``[[sources]]`` (the 4th), ``[sources.selectors]`` is ``("sources", 3,
    "selectors")``."""
    out: list[str | int] = []
    for key in keys:
        out.append(key)
        at = counts.get(tuple(out))
        if at is not None:
            out.append(at)
    return tuple(out)


def index_lines(text: str) -> dict[Path, tuple[int, int]]:
    """Every table and key of ``text`` -> (first line, last line) of it, 1-based.

    An entry of an array of tables is ``(name, i)``; a table or array nested in one
    (``[sources.selectors]``, ``[[subscriptions.webhooks]]``) is under that entry."""
    index: dict[Path, tuple[int, int]] = {}
    counts: dict[Path, int] = {}
    table: Path = ()
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        number = i + 1
        i += 1
        if not line or line.startswith("#"):
            continue
        if line.startswith("[["):
            keys = _split_key(line[2 : line.find("]]")]) if "]]" in line else None
            if keys:
                base = (*_resolve(keys[:-1], counts), keys[-1])
                counts[base] = counts.get(base, -1) + 1
                table = (*base, counts[base])
                index[table] = (number, number)
                index.setdefault(base, (number, number))
            continue
        if line.startswith("["):
            keys = _split_key(line[1 : line.find("]")]) if "]" in line else None
            if keys:
                table = (*_resolve(keys[:-1], counts), keys[-1])
                index[table] = (number, number)
            continue
        split = _key_and_value(line)
        if split is None:
            continue
        keys = _split_key(split[0])
        if not keys:
            continue
        depth = _depth_change(split[1])
        last = number
        while depth > 0 and i < len(lines):
            depth += _depth_change(lines[i])
            i += 1
            last = i
        index[(*table, *keys)] = (number, last)
    return index


def locate(
    text: str,
    loc: Sequence[str | int],
    needle: str | None = None,
    index: dict[Path, tuple[int, int]] | None = None,
) -> int | None:
    """The 1-based line of ``loc`` in ``text`` (None when nothing of it is found).

    ``needle`` is the term the problem is about (a keyword, an alias): the line within
    the key's value that holds it quoted is returned, so a long inline table still
    points at the right line.
    """
    index = index_lines(text) if index is None else index
    path = tuple(loc)
    for size in range(len(path), 0, -1):
        span = index.get(path[:size])
        if span is None:
            continue
        first, last = span
        if needle is None and size < len(path) and isinstance(path[size], str):
            needle = path[size]
        if needle is not None:
            lines = text.splitlines()
            for number in range(first, last + 1):
                if f'"{needle}"' in lines[number - 1] or f"'{needle}'" in lines[number - 1]:
                    return number
        return first
    return None
