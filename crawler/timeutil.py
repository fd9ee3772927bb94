"""Time helpers: parse `--since`, show times in the office's zone."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
_RELATIVE = re.compile(r"^(\d+)([dhw])$")


def parse_since(value: str, now: datetime | None = None, tz: ZoneInfo = SHANGHAI) -> datetime:
    """`7d`, `12h`, `2w` or a day (`YYYY-MM-DD`, `YYYY/MM/DD`, `YYYY年M月D日`; midnight in
    ``tz``) -> aware datetime."""
    now = now or datetime.now(UTC)
    match = _RELATIVE.match(value.strip())
    if match:
        n, unit = int(match[1]), match[2]
        return (
            now - {"d": timedelta(days=n), "h": timedelta(hours=n), "w": timedelta(weeks=n)}[unit]
        )
    text = value.strip()
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日"):  # the forms government pages use
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=tz)
        except ValueError:
            continue
    raise ValueError(f"--since {value!r}: use 7d, 12h, 2w or YYYY-MM-DD")


def local(dt: datetime | None, tz: ZoneInfo = SHANGHAI, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """An aware datetime shown in the office's zone ('' for None)."""
    return dt.astimezone(tz).strftime(fmt) if dt else ""


def iso(dt: datetime | None, tz: ZoneInfo = SHANGHAI) -> str | None:
    """ISO 8601 with offset in ``tz`` (None stays None)."""
    return dt.astimezone(tz).isoformat() if dt else None
