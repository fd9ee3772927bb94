"""Request parameters parsed into bounded types; anything else is a 400 with a short message.

Every value a view reads from the URL, the query string or a form goes through one of
these parsers, so a hostile value (``page=99999999999999999999``, ``until=9999-12-31``,
``date=y0000``, an id past SQLite's 64-bit integers, bytes that are not UTF-8, a NUL)
ends as :class:`BadParameter` (HTTP 400, rendered by the app's error page) and never
reaches the database as something it cannot hold.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from datetime import date, datetime, timedelta
from urllib.parse import parse_qsl

from flask import Flask, request
from werkzeug.exceptions import BadRequest

from crawler.timeutil import display_zone

MAX_ID = 2**63 - 1  # SQLite's INTEGER, PostgreSQL's BIGINT
MAX_PAGE = 10_000  # 30 results a page: 300,000 results deep is far past any analyst
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2999, 12, 31)
MAX_FIELDS = 100  # fields in one query string or form
TEXT_LIMIT = 200  # a facet value: a sector id, a partner name, a source name
QUERY_LIMIT = 500  # the search box
DATE_WINDOWS = ("7d", "30d", "90d", "365d")
_CONTROL_OK_IN_TEXT = frozenset("\t\n\r")


class BadParameter(BadRequest):
    """A request parameter that is not what the page accepts (HTTP 400); the message,
    in Chinese, names the parameter and what it may be."""

    def __init__(self, name: str, problem: str):
        self.parameter = name
        super().__init__(f"参数 {name}：{problem}")


def _has_control(value: str, allowed: Collection[str] = ()) -> bool:
    """True if ``value`` holds a C0/C1 control character (Unicode category Cc) not in
    ``allowed``."""
    return any((ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F) and ch not in allowed for ch in value)


def decoded_pairs(raw: bytes, where: str) -> list[tuple[str, str]]:
    """The fields of a query string or urlencoded form, decoded strictly as UTF-8.

    Werkzeug keeps undecodable bytes as ``%FF`` text; here they are refused, as are NUL
    and other control characters (tab and line breaks are left to the field's parser).
    """
    try:
        text = raw.decode("utf-8")
        pairs = parse_qsl(
            text,
            keep_blank_values=True,
            encoding="utf-8",
            errors="strict",
            max_num_fields=MAX_FIELDS,
        )
    except UnicodeDecodeError:
        raise BadRequest(f"{where}含有不是 UTF-8 编码的字节，已拒绝；请用 UTF-8 提交。") from None
    except ValueError:
        raise BadRequest(f"{where}的字段太多（最多 {MAX_FIELDS} 个）。") from None
    for name, value in pairs:
        if _has_control(name):
            raise BadRequest(f"{where}的字段名含有控制字符，已拒绝。")
        if _has_control(value, _CONTROL_OK_IN_TEXT):
            raise BadParameter(name, "含有控制字符（如 NUL），已拒绝")
    return pairs


def record_id(name: str, value: int) -> int:
    """An id from the URL (``/article/<id>``): a non-negative 64-bit integer."""
    if not 0 <= value <= MAX_ID:
        raise BadParameter(name, f"编号应为 0 至 {MAX_ID} 之间的整数")
    return value


def install(app: Flask) -> None:
    """Check every id in the URL (``<int:…>`` converters accept any length) before a
    view sees it. Register after the access guards."""

    @app.before_request
    def bounded_ids() -> None:
        for name, value in (request.view_args or {}).items():
            if isinstance(value, int):
                record_id(name, value)


def page(args: Mapping[str, str], name: str = "page") -> int:
    """The result page, 1 … :data:`MAX_PAGE`; absent or empty is 1."""
    value = args.get(name, "").strip()
    if not value:
        return 1
    if not value.isascii() or not value.isdigit() or len(value) > 6:
        raise BadParameter(name, f"页码应为 1 至 {MAX_PAGE} 之间的整数")
    number = int(value)
    if not 1 <= number <= MAX_PAGE:
        raise BadParameter(name, f"页码应为 1 至 {MAX_PAGE} 之间的整数")
    return number


def day(args: Mapping[str, str], name: str) -> date | None:
    """A calendar day ``YYYY-MM-DD`` between :data:`FIRST_DAY` and :data:`LAST_DAY`."""
    value = args.get(name, "").strip()
    if not value:
        return None
    accepted = f"日期应为 YYYY-MM-DD，在 {FIRST_DAY} 至 {LAST_DAY} 之间"
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value, flags=re.ASCII):
        raise BadParameter(name, accepted)
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        raise BadParameter(name, f"{value} 不是存在的日期") from None
    if not FIRST_DAY <= parsed <= LAST_DAY:
        raise BadParameter(name, accepted)
    return parsed


def day_start(value: date) -> datetime:
    """Midnight of ``value`` in the office's zone (the configured ``timezone``)."""
    return datetime(value.year, value.month, value.day, tzinfo=display_zone())


def day_range(args: Mapping[str, str]) -> tuple[datetime | None, datetime | None]:
    """``since`` … ``until`` (both days included) as aware datetimes."""
    since, until = day(args, "since"), day(args, "until")
    if since and until and since > until:
        raise BadParameter("since", f"起始日期 {since} 晚于结束日期 {until}")
    return (
        day_start(since) if since else None,
        day_start(until) + timedelta(days=1) if until else None,
    )


def date_key(args: Mapping[str, str], name: str = "date") -> str | None:
    """A date facet: ``7d``, ``30d``, ``90d``, ``365d`` or ``y`` and a year in range."""
    value = args.get(name, "").strip()
    if not value:
        return None
    accepted = (
        f"应为 {'、'.join(DATE_WINDOWS)} 或 y 加年份（y{FIRST_DAY.year} 至 y{LAST_DAY.year}）"
    )
    if value in DATE_WINDOWS:
        return value
    if re.fullmatch(r"y\d{4}", value, flags=re.ASCII) and (
        FIRST_DAY.year <= int(value[1:]) <= LAST_DAY.year
    ):
        return value
    raise BadParameter(name, accepted)


def choice(
    args: Mapping[str, str], name: str, allowed: Collection[str], default: str | None = None
) -> str | None:
    """One of ``allowed``; absent or empty is ``default``."""
    value = args.get(name, "").strip()
    if not value:
        return default
    if value not in allowed:
        raise BadParameter(name, f"应为 {'、'.join(allowed)} 之一")
    return value


def flag(args: Mapping[str, str], name: str) -> bool:
    """``1`` is true; absent, empty or ``0`` is false."""
    return choice(args, name, ("0", "1"), "0") == "1"


def text(
    args: Mapping[str, str], name: str, limit: int = TEXT_LIMIT, *, multiline: bool = False
) -> str:
    """Free text of at most ``limit`` characters, stripped; line breaks only if
    ``multiline`` (a note), never other control characters."""
    value = args.get(name, "").strip()
    if len(value) > limit:
        raise BadParameter(name, f"最多 {limit} 个字符（现有 {len(value)} 个）")
    if _has_control(value, _CONTROL_OK_IN_TEXT if multiline else ()):
        raise BadParameter(name, "含有控制字符或换行，已拒绝")
    return value


def month(args: Mapping[str, str], name: str = "month") -> tuple[int, int] | None:
    """A month ``YYYY-MM`` between :data:`FIRST_DAY` and :data:`LAST_DAY`: (year, month)."""
    value = args.get(name, "").strip()
    if not value:
        return None
    found = re.fullmatch(r"(\d{4})-(\d{2})", value, flags=re.ASCII)
    if (
        not found
        or not 1 <= int(found.group(2)) <= 12
        or not FIRST_DAY.year <= int(found.group(1)) <= LAST_DAY.year
    ):
        raise BadParameter(name, f"月份应为 YYYY-MM，在 {FIRST_DAY.year} 至 {LAST_DAY.year} 年之间")
    return int(found.group(1)), int(found.group(2))
