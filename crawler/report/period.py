"""A report's period: a calendar week (Monday to Sunday) or month, in the office's zone."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from crawler.errors import LeadwatchError

KINDS = ("week", "month")


@dataclass(frozen=True, order=True)
class Period:
    """Days ``start`` … ``end`` - 1 of one week or month."""

    start: date
    end: date  # the day after the last
    kind: str  # week | month

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def key(self) -> str:
        """``2025-W07`` or ``2025-02``: in file names and delivery periods."""
        if self.kind == "week":
            year, week, _ = self.start.isocalendar()
            return f"{year}-W{week:02d}"
        return f"{self.start.year}-{self.start.month:02d}"

    @property
    def label(self) -> str:
        """``2025年第7周（2月10日—2月16日）`` or ``2025年2月``."""
        if self.kind == "week":
            year, week, _ = self.start.isocalendar()
            last = self.last_day
            return (
                f"{year}年第{week}周（{self.start.month}月{self.start.day}日—"
                f"{last.month}月{last.day}日）"
            )
        return f"{self.start.year}年{self.start.month}月"

    @property
    def short(self) -> str:
        """A chart's tick: ``2/10`` (a week, by its Monday) or ``25-02`` (a month)."""
        if self.kind == "week":
            return f"{self.start.month}/{self.start.day}"
        return f"{self.start.year % 100:02d}-{self.start.month:02d}"

    @property
    def name(self) -> str:
        """周报 or 月报."""
        return "周报" if self.kind == "week" else "月报"

    @property
    def unit(self) -> str:
        """周 or 月 (本周, 上月 …)."""
        return "周" if self.kind == "week" else "月"

    def previous(self) -> Period:
        return period_of(self.kind, self.start - timedelta(days=1))

    def following(self) -> Period:
        return period_of(self.kind, self.end)

    def bounds(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        """The period as aware datetimes [start, end) at midnight in ``tz``."""
        return (
            datetime(self.start.year, self.start.month, self.start.day, tzinfo=tz),
            datetime(self.end.year, self.end.month, self.end.day, tzinfo=tz),
        )

    def contains(self, day: date) -> bool:
        return self.start <= day < self.end


def week_of(day: date) -> Period:
    monday = day - timedelta(days=day.weekday())
    return Period(monday, monday + timedelta(days=7), "week")


def month_of(year: int, month: int) -> Period:
    start = date(year, month, 1)
    end = date(year + month // 12, month % 12 + 1, 1)
    return Period(start, end, "month")


def period_of(kind: str, day: date) -> Period:
    """The week or month holding ``day``."""
    if kind not in KINDS:
        raise ValueError(f"kind must be week or month, not {kind!r}")
    return week_of(day) if kind == "week" else month_of(day.year, day.month)


def last_complete(kind: str, today: date) -> Period:
    """The latest week or month that has ended by ``today``."""
    return period_of(kind, today).previous()


def window(period: Period, count: int) -> list[Period]:
    """``count`` periods of ``period``'s kind, oldest first, ending with ``period``."""
    periods = [period]
    while len(periods) < count:
        periods.insert(0, periods[0].previous())
    return periods


def parse_week(text: str | None, today: date) -> Period:
    """``--week [YYYY-MM-DD]``: the week holding that day; none: the last complete week."""
    if not text:
        return last_complete("week", today)
    try:
        return week_of(date.fromisoformat(text.strip()))
    except ValueError:
        raise LeadwatchError(
            f"--week {text!r}: give a day as YYYY-MM-DD (the report covers its Monday to "
            "Sunday), or no day for last week"
        ) from None


def parse_month(text: str | None, today: date) -> Period:
    """``--month [YYYY-MM]``; none: the last complete month."""
    if not text:
        return last_complete("month", today)
    found = re.fullmatch(r"(\d{4})-(\d{1,2})", text.strip(), flags=re.ASCII)
    if not found or not 1 <= int(found.group(2)) <= 12 or int(found.group(1)) < 1900:
        raise LeadwatchError(f"--month {text!r}: give a month as YYYY-MM, or none for last month")
    return month_of(int(found.group(1)), int(found.group(2)))


def from_key(kind: str, key: str) -> Period:
    """The period whose :attr:`Period.key` is ``key`` (``2025-W07``, ``2025-02``)."""
    if kind == "week":
        year, _, week = key.partition("-W")
        return week_of(date.fromisocalendar(int(year), int(week), 1))
    year, _, month = key.partition("-")
    return month_of(int(year), int(month))
