"""Typed errors that the CLI turns into one clear message and an exit status."""

from __future__ import annotations


class LeadwatchError(Exception):
    """Base class for errors a user can fix; the message says how."""

    exit_code = 2


class ConfigError(LeadwatchError):
    """A config file is missing or invalid: names the file, the key and the fix."""

    def __init__(self, file: str, key: str | None, problem: str, fix: str | None = None):
        self.file, self.key, self.problem, self.fix = file, key, problem, fix
        where = f"{file}: {key}" if key else file
        message = f"{where}: {problem}"
        if fix:
            message += f"\n  fix: {fix}"
        super().__init__(message)


class UnknownSourceError(LeadwatchError):
    """A source name that is not in sources.toml."""

    def __init__(self, name: str, known: list[str]):
        self.name, self.known = name, known
        super().__init__(f"unknown source {name!r}. Known sources: {', '.join(known) or '(none)'}")


class DatabaseBusy(LeadwatchError):
    """Another process kept the database locked longer than this command would wait.

    Nothing is wrong with the set-up or the input: run the command again. Its own exit
    status (75, EX_TEMPFAIL of sysexits.h: "try again later") tells scripts so."""

    exit_code = 75
