"""When an event happened, from its sentence: 1月15日, 3月10日至11日, 2025年6月5日.

A report published on the 16th tells of a signing "1月15日"; two outlets reporting one
event on different days name the same day. Without a day in the sentence the event is
dated by the report's publication (inexact: 近日, 日前 or nothing).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

_DAY = re.compile(
    r"(?:(?P<year>20\d{2})\s*年\s*)?(?P<month>\d{1,2})\s*月\s*(?P<day>\d{1,2})\s*日"
    r"(?:\s*(?:至|到|-|—|－|~)\s*(?:(?P<month2>\d{1,2})\s*月\s*)?(?P<day2>\d{1,2})\s*日)?"
)
FUTURE_SLACK = timedelta(days=2)  # a date this far after publication is last year's


@dataclass(frozen=True)
class When:
    """An event's day (first and last for a multi-day visit) and whether the text gave it."""

    start: date
    end: date
    exact: bool


def event_when(sentence: str, published: date) -> When:
    """The first day named in ``sentence`` (year from the text or the publication), else
    the publication day, inexact."""
    match = _DAY.search(sentence or "")
    if match is None:
        return When(published, published, False)
    try:
        month, day = int(match["month"]), int(match["day"])
        year = int(match["year"]) if match["year"] else published.year
        start = date(year, month, day)
        if not match["year"] and start > published + FUTURE_SLACK:
            start = date(year - 1, month, day)
        end = start
        if match["day2"]:
            month2 = int(match["month2"]) if match["month2"] else month
            end = date(start.year + (month2 < month), month2, int(match["day2"]))
    except ValueError:  # 2月30日: a typo in the news
        return When(published, published, False)
    if end < start or (end - start).days > 31:
        end = start
    return When(start, end, True)
