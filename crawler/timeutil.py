"""Time helpers: parse `--since`, show times in the office's zone.

Times are stored in UTC. Every surface (CLI tables and JSON, the web view, exports, the
digest) shows them in the zone of ``[leadwatch] timezone``: the CLI and the web server
call :func:`use_zone` once the instance config is loaded, and :func:`local`, :func:`iso`
and :func:`parse_since` use that zone unless given another. Before any config is loaded
(or in a library call without one) it is Asia/Shanghai, leadwatch's default.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

DEFAULT_ZONE = "Asia/Shanghai"
# The default zone itself, for data written in it (labelled sets, fixtures).
SHANGHAI = ZoneInfo(DEFAULT_ZONE)
_RELATIVE = re.compile(r"^(\d+)([dhw])$")
_zone = ZoneInfo(DEFAULT_ZONE)


def use_zone(name: str) -> None:
    """Show times in ``name`` (an IANA zone, checked when the config loaded) from now on."""
    global _zone
    _zone = ZoneInfo(name)


def display_zone() -> ZoneInfo:
    """The zone times are shown in (see :func:`use_zone`)."""
    return _zone


def zone_label(tz: ZoneInfo | None = None) -> str:
    """How the zone is named next to a time: 北京时间 for Asia/Shanghai, else its key."""
    key = (tz or _zone).key
    return "北京时间" if key == DEFAULT_ZONE else key


def parse_since(value: str, now: datetime | None = None, tz: ZoneInfo | None = None) -> datetime:
    """`7d`, `12h`, `2w` or a day (`YYYY-MM-DD`, `YYYY/MM/DD`, `YYYY年M月D日`; midnight in
    ``tz``, default the display zone) -> aware datetime."""
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
            return datetime.strptime(text, fmt).replace(tzinfo=tz or _zone)
        except ValueError:
            continue
    raise ValueError(f"--since {value!r}: use 7d, 12h, 2w or YYYY-MM-DD")


def local(dt: datetime | None, tz: ZoneInfo | None = None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """An aware datetime shown in ``tz`` (default: the display zone); '' for None."""
    return dt.astimezone(tz or _zone).strftime(fmt) if dt else ""


def iso(dt: datetime | None, tz: ZoneInfo | None = None) -> str | None:
    """ISO 8601 with the offset of ``tz`` (default: the display zone); None stays None."""
    return dt.astimezone(tz or _zone).isoformat() if dt else None
