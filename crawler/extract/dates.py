"""Find and parse publish dates as Chinese news and government pages write them.

All datetimes returned are timezone-aware in Asia/Shanghai. A date written without
a zone is Shanghai time (a date without a time becomes 00:00); one written with an
explicit zone (``Z``, ``+00:00``, ``+0800``, ``UTC``, ``GMT``, 格林尼治标准时间) is
that instant, shown in Shanghai time.

Shapes: ``2025-02-26``, ``2025/02/26``, ``2025.2.26``, ``2025年2月26日``,
``2024 05/09``, a time after it (also glued on: ``2019-09-3007:42``, or after a
weekday: ``2009年11月9日, 星期一 - 格林尼治标准时间 13:48``), English months
(``Apr 22, 2025``, ``22 April 2025``, ``April 22, 2025 10:30 AM``); dates without a
year (``05-13 10:20``, ``5月13日``) are found by :func:`find_yearless` only, to be
completed with a year from elsewhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

__all__ = [
    "SHANGHAI",
    "DateMatch",
    "YearlessMatch",
    "find_dates",
    "find_yearless",
    "parse_date",
    "parse_meta_date",
    "date_from_url",
    "url_date",
    "years_in",
]

SHANGHAI = ZoneInfo("Asia/Shanghai")
_MIN_YEAR = 1990

# Full-width digits and colon, as some pages write dates.
_FULLWIDTH = str.maketrans("０１２３４５６７８９：", "0123456789:")

_WEEKDAY = r"(?:星期|礼拜|周)[一二三四五六日天]"
_ZONE_WORD = r"格林尼治标准时间|格林威治标准时间|格林尼治时间|北京时间"
# Between the date and its time: nothing, "T", "-", a weekday, a zone word.
_GAP = (
    rf"(?:\s*[,，]?\s*{_WEEKDAY})?"
    rf"(?:\s*[,，]?\s*[-—]?\s*(?P<zw>{_ZONE_WORD}))?"
    r"\s*(?:[T\-]\s*)?"
)
# After the time: fractions of a second, then a zone.
_ZONE = (
    r"(?:\.\d{1,6})?"
    r"(?:\s*(?P<tz>Z(?![A-Za-z])|(?:UTC|GMT)(?:\s*[+-]\s*\d{1,2}(?::?\d{2})?)?(?![A-Za-z])"
    r"|[+-]\d{2}:?\d{2}(?![\d:])))?"
)
_TIME = (
    rf"(?:{_GAP}(?P<H>[01]?\d|2[0-3])\s*[:：时]\s*(?P<M>[0-5]\d)"
    rf"(?:\s*[:：分]\s*(?P<S>[0-5]\d))?{_ZONE})?"
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
_MONTHS = {
    name: i
    for i, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<mon>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")(?![a-z])\.?"
_HAS_FULLWIDTH = re.compile("[０-９]")
_HAS_DIGIT = re.compile("[0-9０-９]")
_HAS_LETTERS = re.compile(r"[A-Za-z]{3}")  # a cheap test before the English-month pattern
_EN_TIME = (
    r"(?:\s*[,，]?\s*(?:at\s+)?(?P<H>[01]?\d|2[0-3])\s*[:.]\s*(?P<M>[0-5]\d)"
    r"(?:\s*:\s*(?P<S>[0-5]\d))?(?:\s*(?P<ampm>[ap])\.?\s*m\b\.?)?" + _ZONE + ")?"
)
# Apr 22, 2025 / April 22nd 2025 / 22 April 2025 / 22-Apr-2025, then maybe a time.
_EN_DATE_RE = re.compile(
    r"(?<![a-z])(?:"
    rf"{_MONTH}\s*(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s*,?\s*(?P<y1>(?:19|20)\d{{2}})"
    rf"|(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?[\s-]*{_MONTH.replace('mon', 'mon2')}\s*[,-]?\s*"
    r"(?P<y2>(?:19|20)\d{2})"
    r")(?!\d)" + _EN_TIME,
    re.I,
)
# 05-13 10:20, 05/13, 5月13日 (no year); not 1-10月, 10-12岁, 3.5 or part of a date.
_YEARLESS_RE = re.compile(
    r"(?<![\d.\-/年])(?:(?P<m1>[01]?\d)\s*[-/]\s*(?P<d1>[0-3]?\d)(?![\d\-/.月日号%])"
    r"|(?P<m2>[01]?\d)\s*月\s*(?P<d2>[0-3]?\d)\s*[日号])" + _TIME
)
_ISO_RE = re.compile(
    r"^\s*\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2})\s*$"
)
_COMPACT_RE = re.compile(r"^\s*((?:19|20)\d{2})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2})?)?\s*$")
_EPOCH_RE = re.compile(r"^\s*(\d{10})(\d{3})?\s*$")
_YEAR_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_URL_PATTERNS = (
    re.compile(r"/t((?:19|20)\d{2})(\d{2})(\d{2})_"),
    re.compile(r"/((?:19|20)\d{2})[/-](\d{1,2})[/-](\d{1,2})/"),
    re.compile(r"/((?:19|20)\d{2})-?(\d{2})/(\d{2})/"),
    re.compile(r"/((?:19|20)\d{2})/(\d{2})(\d{2})/"),
    re.compile(r"/((?:19|20)\d{2})(\d{2})(\d{2})/"),
    re.compile(r"[/_-]((?:19|20)\d{2})(\d{2})(\d{2})[_-]"),
    # /a/20240513A01XYZ00, /20240513V0ABCD (portal article ids)
    re.compile(r"/((?:19|20)\d{2})(\d{2})(\d{2})[A-Z]\w{4,}"),
    re.compile(r"/((?:19|20)\d{2})(\d{2})/"),
    re.compile(r"/((?:19|20)\d{2})-(\d{2})/"),
    re.compile(r"/((?:19|20)\d{2})/(\d{2})/"),
)


@dataclass(frozen=True)
class DateMatch:
    """A date found in a piece of text."""

    value: datetime
    has_time: bool
    start: int
    end: int


@dataclass(frozen=True)
class YearlessMatch:
    """A month and day (and maybe a time) written without a year."""

    month: int
    day: int
    hour: int | None
    minute: int
    second: int
    start: int
    end: int

    @property
    def has_time(self) -> bool:
        """True when a time of day was written."""
        return self.hour is not None

    def with_year(self, year: int) -> datetime | None:
        """The date in ``year`` (Asia/Shanghai), or None if it does not exist."""
        return _build(year, self.month, self.day, self.hour or 0, self.minute, self.second)


def _latest_year() -> int:
    return datetime.now(SHANGHAI).year + 1


def _build(y: int, mo: int, d: int, hh: int = 0, mi: int = 0, ss: int = 0) -> datetime | None:
    if y < _MIN_YEAR or y > _latest_year():
        return None
    try:
        return datetime(y, mo, d, hh, mi, ss, tzinfo=SHANGHAI)
    except ValueError:
        return None


def _zone(tz: str | None, word: str | None) -> timezone | None:
    """The fixed zone a date names, or None for Shanghai time."""
    if word and word.startswith("格林"):
        return UTC
    if not tz:
        return None
    tz = tz.replace(" ", "").upper()
    if tz == "Z":
        return UTC
    if tz.startswith(("UTC", "GMT")):
        tz = tz[3:]
        if not tz:
            return UTC
        sign, rest = tz[0], tz[1:].replace(":", "")
        hours, minutes = (int(rest[:-2]), int(rest[-2:])) if len(rest) > 2 else (int(rest), 0)
    else:
        sign, rest = tz[0], tz[1:].replace(":", "")
        hours, minutes = int(rest[:2]), int(rest[2:])
    if hours > 14 or minutes > 59:
        return None
    offset = timedelta(hours=hours, minutes=minutes)
    return timezone(-offset if sign == "-" else offset)


def _timed(day: datetime, g: dict[str, str | None], has_time: bool) -> datetime:
    """``day`` at the matched time, read in the matched zone, shown in Shanghai time."""
    if not has_time:
        return day
    zone = _zone(g.get("tz"), g.get("zw"))
    if zone is None:
        return day
    return day.replace(tzinfo=zone).astimezone(SHANGHAI)


def _numeric_dates(text: str) -> list[DateMatch]:
    out: list[DateMatch] = []
    for m in _DATE_RE.finditer(text):
        g = m.groupdict()
        mo = g["m1"] or g["m2"] or g["m3"]
        day = g["d1"] or g["d2"] or g["d3"]
        has_time = g["H"] is not None
        if has_time and g["tz"] and g["tz"][0] == "-" and "T" not in m.group(0):
            g["tz"] = None  # 10:00-11:30 is a range of times, not a zone
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
            out.append(DateMatch(_timed(dt, g, has_time), has_time, m.start(), m.end()))
    return out


def _english_dates(text: str) -> list[DateMatch]:
    out: list[DateMatch] = []
    for m in _EN_DATE_RE.finditer(text):
        g = m.groupdict()
        month = _MONTHS[(g["mon"] or g["mon2"]).lower()]
        day, year = int(g["d1"] or g["d2"]), int(g["y1"] or g["y2"])
        has_time = g["H"] is not None
        hour = int(g["H"] or 0)
        if g["ampm"]:
            if hour > 12:
                has_time = False
            else:
                hour = hour % 12 + (12 if g["ampm"].lower() == "p" else 0)
        dt = _build(year, month, day, hour, int(g["M"] or 0), int(g["S"] or 0))
        if dt is None or not has_time:
            dt, has_time = _build(year, month, day), False
        if dt is not None:
            out.append(DateMatch(_timed(dt, g, has_time), has_time, m.start(), m.end()))
    return out


def find_dates(text: str) -> list[DateMatch]:
    """Return every valid date (with time when written) in ``text``, in order."""
    if not _HAS_DIGIT.search(text):
        return []
    if _HAS_FULLWIDTH.search(text):
        text = text.translate(_FULLWIDTH)
    found = _numeric_dates(text)
    if _HAS_LETTERS.search(text):
        english = _english_dates(text)
        if english:
            taken = [(d.start, d.end) for d in found]
            found += [d for d in english if all(d.end <= s or d.start >= e for s, e in taken)]
            found.sort(key=lambda d: d.start)
    return found


def find_yearless(text: str) -> list[YearlessMatch]:
    """Month-day dates without a year (``05-13 10:20``, ``5月13日``) that are not part of a full date."""
    if _HAS_FULLWIDTH.search(text):
        text = text.translate(_FULLWIDTH)
    full = [(d.start, d.end) for d in find_dates(text)]
    out: list[YearlessMatch] = []
    k = 0
    for m in _YEARLESS_RE.finditer(text):
        while k < len(full) and full[k][1] <= m.start():
            k += 1
        if k < len(full) and full[k][0] <= m.start():
            continue  # inside a full date
        g = m.groupdict()
        month, day = int(g["m1"] or g["m2"]), int(g["d1"] or g["d2"])
        if not (1 <= month <= 12 and 1 <= day <= 31):
            continue
        hour = int(g["H"]) if g["H"] is not None else None
        out.append(
            YearlessMatch(month, day, hour, int(g["M"] or 0), int(g["S"] or 0), m.start(), m.end())
        )
    return out


def years_in(text: str | None) -> list[int]:
    """Plausible years (1990 … next year) written in ``text``."""
    if not text:
        return []
    return [y for y in map(int, _YEAR_RE.findall(text)) if _MIN_YEAR <= y <= _latest_year()]


def parse_date(text: str | None) -> datetime | None:
    """Parse the first date in ``text`` (Asia/Shanghai), or None."""
    if not text:
        return None
    found = find_dates(text)
    return found[0].value if found else None


def _from_epoch(seconds: int) -> datetime | None:
    value = datetime.fromtimestamp(seconds, UTC).astimezone(SHANGHAI)
    return value if _MIN_YEAR <= value.year <= _latest_year() else None


def parse_meta_date(text: str | None) -> tuple[datetime, bool] | None:
    """Parse a machine-written date (meta tag, JSON-LD, ``<time datetime>``).

    ISO 8601 with or without offset, ``20240513`` / ``20240513102000``, Unix time
    in seconds or milliseconds, or any form :func:`find_dates` knows.  Returns
    ``(datetime, has_time)`` or None.
    """
    if not text or not text.strip():
        return None
    text = text.strip()
    if _ISO_RE.match(text):
        try:
            value = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            value = None
        if value is not None:
            return value.astimezone(SHANGHAI), True
    compact = _COMPACT_RE.match(text)
    if compact:
        parts = [int(p) for p in compact.groups() if p is not None]
        built = _build(*parts)
        if built is not None:
            return built, len(parts) > 3
    epoch = _EPOCH_RE.match(text)
    if epoch:
        value = _from_epoch(int(epoch.group(1)))
        return (value, True) if value is not None else None
    found = find_dates(text)
    if not found:
        return None
    return found[0].value, found[0].has_time


def url_date(url: str) -> tuple[datetime, bool] | None:
    """A date in an article URL and whether it names the day: ``(datetime, has_day)``.

    ``/t20250226_``, ``/2025/02/26/``, ``/20240513A01XYZ00`` name the day;
    ``/202502/`` and ``/2025/02/`` only the month (the datetime is then its 1st).
    Dates after tomorrow are not dates.
    """
    if not url:
        return None
    path = re.sub(r"^[a-z]+://[^/]+", "", url, flags=re.I)
    now = datetime.now(SHANGHAI)
    for pattern in _URL_PATTERNS:
        m = pattern.search(path)
        if m:
            parts = [int(p) for p in m.groups()]
            has_day = len(parts) == 3
            if not has_day:
                parts.append(1)
            dt = _build(*parts)
            if dt is not None and dt <= now + timedelta(days=1):
                return dt, has_day
    return None


def date_from_url(url: str) -> datetime | None:
    """Guess a date from an article URL (``/t20250226_``, ``/2025/02/26/``, ``/202502/``).

    A URL naming only the month gives its 1st; see :func:`url_date` to tell.
    """
    found = url_date(url)
    return found[0] if found else None
