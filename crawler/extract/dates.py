"""Find and parse publish dates as Chinese news and government pages write them.

All datetimes returned are timezone-aware in Asia/Shanghai; a date without a
time becomes 00:00.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

__all__ = [
    "SHANGHAI",
    "DateMatch",
    "find_dates",
    "parse_date",
    "parse_meta_date",
    "date_from_url",
]

SHANGHAI = ZoneInfo("Asia/Shanghai")
_MIN_YEAR = 1990

_TIME = (
    r"(?:\s*(?:[T\-]\s*)?(?P<H>[01]?\d|2[0-3])\s*[:：时]\s*(?P<M>[0-5]\d)"
    r"(?:\s*[:：分]\s*(?P<S>[0-5]\d))?)?"
)
# 2025-02-26, 2025/02/26, 2025.2.26, 2025年2月26日, 2024 05/09 and 2023 11 / 17,
# each optionally followed by a time (also glued on: 2019-09-3007:42).
_DATE_RE = re.compile(
    r"(?<![\d.])(?P<y>(?:19|20)\d{2})\s*"
    r"(?:(?P<sep>[-/.])\s*(?P<m1>\d{1,2})\s*(?P=sep)\s*(?P<d1>\d{1,2})"
    r"|年\s*(?P<m2>\d{1,2})\s*月\s*(?P<d2>\d{1,2})\s*日?"
    r"|\s(?P<m3>\d{1,2})\s*/\s*(?P<d3>\d{1,2}))"
    r"(?!\d{3})" + _TIME
)
_ISO_RE = re.compile(
    r"^\s*\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2})\s*$"
)
_URL_PATTERNS = (
    re.compile(r"/t((?:19|20)\d{2})(\d{2})(\d{2})_"),
    re.compile(r"/((?:19|20)\d{2})[/-](\d{1,2})[/-](\d{1,2})/"),
    re.compile(r"/((?:19|20)\d{2})-?(\d{2})/(\d{2})/"),
    re.compile(r"/((?:19|20)\d{2})/(\d{2})(\d{2})/"),
    re.compile(r"/((?:19|20)\d{2})(\d{2})(\d{2})/"),
    re.compile(r"[/_-]((?:19|20)\d{2})(\d{2})(\d{2})[_-]"),
    re.compile(r"/((?:19|20)\d{2})(\d{2})/"),
    re.compile(r"/((?:19|20)\d{2})-(\d{2})/"),
)


@dataclass(frozen=True)
class DateMatch:
    """A date found in a piece of text."""

    value: datetime
    has_time: bool
    start: int
    end: int


def _build(y: int, mo: int, d: int, hh: int = 0, mi: int = 0, ss: int = 0) -> datetime | None:
    if y < _MIN_YEAR or y > datetime.now(SHANGHAI).year + 1:
        return None
    try:
        return datetime(y, mo, d, hh, mi, ss, tzinfo=SHANGHAI)
    except ValueError:
        return None


def find_dates(text: str) -> list[DateMatch]:
    """Return every valid date (with time when written) in ``text``."""
    out: list[DateMatch] = []
    for m in _DATE_RE.finditer(text):
        g = m.groupdict()
        mo = g["m1"] or g["m2"] or g["m3"]
        day = g["d1"] or g["d2"] or g["d3"]
        has_time = g["H"] is not None
        dt = _build(
            int(g["y"]),
            int(mo),
            int(day),
            int(g["H"] or 0),
            int(g["M"] or 0),
            int(g["S"] or 0),
        )
        if dt is None and has_time:
            dt, has_time = _build(int(g["y"]), int(mo), int(day)), False
        if dt is not None:
            out.append(DateMatch(dt, has_time, m.start(), m.end()))
    return out


def parse_date(text: str | None) -> datetime | None:
    """Parse the first date in ``text`` (Asia/Shanghai), or None."""
    if not text:
        return None
    found = find_dates(text)
    return found[0].value if found else None


def parse_meta_date(text: str | None) -> tuple[datetime, bool] | None:
    """Parse a meta-tag date: ISO 8601 with offset, or any form ``find_dates`` knows.

    Returns ``(datetime, has_time)`` or None.
    """
    if not text or not text.strip():
        return None
    if _ISO_RE.match(text):
        try:
            value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
        except ValueError:
            value = None
        if value is not None:
            return value.astimezone(SHANGHAI), True
    found = find_dates(text)
    if not found:
        return None
    return found[0].value, found[0].has_time


def date_from_url(url: str) -> datetime | None:
    """Guess a date from an article URL (``/t20250226_``, ``/2025/02/26/``, ``/202502/``)."""
    if not url:
        return None
    path = re.sub(r"^[a-z]+://[^/]+", "", url, flags=re.I)
    for pattern in _URL_PATTERNS:
        m = pattern.search(path)
        if m:
            parts = [int(p) for p in m.groups()]
            if len(parts) == 2:
                parts.append(1)
            dt = _build(*parts)
            if dt is not None:
                return dt
    return None
