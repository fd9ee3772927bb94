"""Typed errors that the CLI turns into one clear message and an exit status."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class LeadwatchError(Exception):
    """Base class for errors a user can fix; the message says how."""

    exit_code = 2


def did_you_mean(value: str, known: Iterable[str], n: int = 1) -> str:
    """``"did you mean x?"`` (``"x or y"`` for ``n=2``) for the names closest to
    ``value``; '' when none is close."""
    close = difflib.get_close_matches(value, list(known), n=n, cutoff=0.6)
    return f"did you mean {' or '.join(close)}?" if close else ""


class ConfigError(LeadwatchError):
    """A config file is missing or invalid, in one line:
    ``FILE:LINE: ENTRY: KEY: PROBLEM; FIX`` (line, entry and key where they apply), e.g.
    ``sources.toml:42: source "yixing-gov": selectors.list_link: unknown key; did you mean
    list_links?``"""

    def __init__(
        self,
        file: str,
        key: str | None,
        problem: str,
        fix: str | None = None,
        *,
        line: int | None = None,
        entry: str | None = None,
    ):
        self.file, self.key, self.problem, self.fix = file, key, problem, fix
        self.line, self.entry = line, entry
        parts = [f"{file}:{line}" if line else file]
        parts += [p for p in (entry, key) if p]
        message = ": ".join(parts) + f": {problem}"
        if fix:
            message += f"; {fix}"
        super().__init__(message)


class UnknownNameError(LeadwatchError):
    """A name (source, subscription, sector …) that is not configured: says which are,
    the close ones first, and where they are listed."""

    def __init__(self, kind: str, name: str, known: list[str], listed_by: str = ""):
        self.kind, self.name, self.known = kind, name, known
        hint = did_you_mean(name, known)
        listed = f" (see `{listed_by}`)" if listed_by else ""
        super().__init__(
            f"unknown {kind} {name!r}; {hint + ' ' if hint else ''}"
            f"known: {', '.join(known) or '(none)'}{listed}"
        )


class UnknownSourceError(UnknownNameError):
    """A source name that is in no sources file."""

    def __init__(self, name: str, known: list[str]):
        super().__init__("source", name, known, "leadwatch sources list")


class DatabaseBusy(LeadwatchError):
    """Another process kept the database locked longer than this command would wait.

    Nothing is wrong with the set-up or the input: run the command again. Its own exit
    status (75, EX_TEMPFAIL of sysexits.h: "try again later") tells scripts so."""

    exit_code = 75
