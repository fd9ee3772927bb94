"""Tests for crawler.extract.dates and the <title> suffix rules."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crawler.extract import extract_article
from crawler.extract.dates import (
    SHANGHAI,
    date_from_url,
    find_dates,
    find_yearless,
    parse_date,
    parse_meta_date,
    url_date,
)
from crawler.extract.dom import fold, fold_title
from crawler.extract.title import strip_site_suffix


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("text", "expected", "has_time"),
    [
        ("2025年2月26日", at(2025, 2, 26), False),
        ("2025-02-26 09:30", at(2025, 2, 26, 9, 30), True),
        ("2025/02/26", at(2025, 2, 26), False),
        ("2020.10.04", at(2020, 10, 4), False),
        ("2024 05/09 22:27:02", at(2024, 5, 9, 22, 27, 2), True),
        ("2023 11 / 17 20:52:15", at(2023, 11, 17, 20, 52, 15), True),
        ("2019-09-3007:42", at(2019, 9, 30, 7, 42), True),
        ("2024年05月10日06:58", at(2024, 5, 10, 6, 58), True),
        ("2007-08-20-23:59:59", at(2007, 8, 20, 23, 59, 59), True),
        ("2019年10月31日 23:00", at(2019, 10, 31, 23, 0), True),
        ("发布时间:2024-04-09 16:40:00来源", at(2024, 4, 9, 16, 40), True),
    ],
)
def test_find_dates_shapes(text: str, expected: datetime, has_time: bool) -> None:
    found = find_dates(text)
    assert [(d.value, d.has_time) for d in found] == [(expected, has_time)]


@pytest.mark.parametrize(
    "text", ["1997-2019", "2019-2022年", "2024-13-01", "2023-02-30", "1-10月", "0.2024.05.01"]
)
def test_not_dates(text: str) -> None:
    assert find_dates(text) == []


def test_times_are_shanghai() -> None:
    value = parse_date("2025-02-26")
    assert value is not None
    assert value.tzinfo is SHANGHAI
    assert (value.hour, value.minute) == (0, 0)


def test_meta_iso_with_offset_converted() -> None:
    assert parse_meta_date("2024-05-09T14:27:02Z") == (at(2024, 5, 9, 22, 27, 2), True)
    assert parse_meta_date("2024-05-09T22:27:02+08:00") == (at(2024, 5, 9, 22, 27, 2), True)
    assert parse_meta_date(" 2024-05-13") == (at(2024, 5, 13), False)
    assert parse_meta_date("") is None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://www.example.gov.cn/col/202502/t20250226_15249693.shtml", at(2025, 2, 26)),
        ("http://www.example.gov.cn/doc/2023/01/05/1108880.shtml", at(2023, 1, 5)),
        ("http://example.com.cn/2024-05/13/content_117184963.shtml", at(2024, 5, 13)),
        ("http://example.cn/n1/2024/0510/c1004-40232587.html", at(2024, 5, 10)),
        ("http://www.example.cn/20240515/d59c39d4160a4fe4/c.html", at(2024, 5, 15)),
        ("http://www.example.gov.cn/site/tjgb/202502/0123456789abcdef.shtml", at(2025, 2, 1)),
        ("http://www.example.gov.cn/about.html", None),
        ("", None),
    ],
)
def test_date_from_url(url: str, expected: datetime | None) -> None:
    assert date_from_url(url) == expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("示例市签约三个项目_中国政府网", "示例市签约三个项目"),
        ("示例市签约三个项目-宜兴市人民政府", "示例市签约三个项目"),
        ("示例县人民政府 | 示例县2015年统计公报", "示例县2015年统计公报"),
        ("示例县2022年统计公报 |\n\t\t\t中国宜春", "示例县2022年统计公报"),
        ("示例标题在这里_新华网", "示例标题在这里"),
        ("1-10月示例县投资结构趋稳", "1-10月示例县投资结构趋稳"),
        ("示例标题 后果很严重 _探索者 _光明网", "示例标题 后果很严重"),
        ("关于批准示例事项的决议__2007年第23号国务院公报_中国政府网", "关于批准示例事项的决议"),
        ("棱镜|示例行业大整顿：数据公司集中整改_财经_示例网", "示例行业大整顿：数据公司集中整改"),
        ("定了！示例港即将开通..._政务_澎湃新闻-The Paper", "定了！示例港即将开通..."),
    ],
)
def test_strip_site_suffix(title: str, expected: str) -> None:
    assert strip_site_suffix(title) == expected


def test_folding() -> None:
    assert fold(" 示例\u3000标题\xa0\t\n测试 ") == "示例 标题 测试"
    assert fold_title("调整2007\u3000年末国债") == "调整2007年末国债"
    assert fold_title("2024 中国示例博览会") == "2024 中国示例博览会"


# --- zones: an explicit offset or Z is honoured, none means Shanghai ----------------


@pytest.mark.parametrize(
    ("text", "utc_hour"),
    [
        ("2024-06-15T12:00:00Z", 12),
        ("2024-06-15T12:00:00.000Z", 12),
        ("2024-06-15 12:00:00+00:00", 12),
        ("2024-06-15T12:00:00+0800", 4),
        ("2024-06-15T12:00:00-05:00", 17),
        ("2024-06-15 12:00 UTC", 12),
        ("2024-06-15 12:00 GMT+8", 4),
        ("2024年6月15日, 星期六 - 格林尼治标准时间 12:00", 12),
        ("2024-06-15 12:00", 4),  # no zone: Shanghai time
    ],
)
def test_explicit_zones_are_honoured(text: str, utc_hour: int) -> None:
    for parse in (parse_date, lambda t: (parse_meta_date(t) or (None,))[0]):
        value = parse(text)
        assert value is not None
        assert value.astimezone(UTC) == datetime(2024, 6, 15, utc_hour, tzinfo=UTC)
        assert value.tzinfo is SHANGHAI


def test_time_range_is_not_a_zone() -> None:
    assert parse_date("2024-05-13 10:30-11:30") == at(2024, 5, 13, 10, 30)


def test_zoned_meta_date_is_stored_right_through_extraction() -> None:
    html = (
        '<html><head><meta property="article:published_time" content="2024-06-15T12:00:00Z">'
        "</head><body><h1>示例标题测试</h1><p>正文。</p></body></html>"
    )
    value = extract_article(html).published_at
    assert value is not None and value.astimezone(UTC) == datetime(2024, 6, 15, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected", "has_time"),
    [
        ("Apr 22, 2025", at(2025, 4, 22), False),
        ("April 22nd, 2025", at(2025, 4, 22), False),
        ("22 April 2025", at(2025, 4, 22), False),
        ("22-Apr-2025 09:15", at(2025, 4, 22, 9, 15), True),
        ("Sept. 3, 2024 10:30 PM", at(2024, 9, 3, 22, 30), True),
        ("2024年5月13日 星期一 10:30", at(2024, 5, 13, 10, 30), True),
        ("２０２４年５月１３日", at(2024, 5, 13), False),
    ],
)
def test_more_shapes(text: str, expected: datetime, has_time: bool) -> None:
    assert [(d.value, d.has_time) for d in find_dates(text)] == [(expected, has_time)]


@pytest.mark.parametrize("text", ["Mayor 5, 2024", "the 22 Aprils of 2025", "13 05 2024"])
def test_not_english_dates(text: str) -> None:
    assert find_dates(text) == []


@pytest.mark.parametrize(
    ("text", "month_day_hour"),
    [
        ("05-13 10:20", (5, 13, 10)),
        ("5月13日", (5, 13, None)),
        ("发布于 05/13 09:00", (5, 13, 9)),
    ],
)
def test_yearless(text: str, month_day_hour: tuple[int, int, int | None]) -> None:
    [m] = find_yearless(text)
    assert (m.month, m.day, m.hour) == month_day_hour
    assert m.with_year(2024) == at(2024, m.month, m.day, m.hour or 0, m.minute)


@pytest.mark.parametrize("text", ["1-10月", "2024-05-13", "2024年5月13日", "3.5", "13/45"])
def test_not_yearless(text: str) -> None:
    assert find_yearless(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1715566800", (at(2024, 5, 13, 10, 20), True)),
        ("1715566800000", (at(2024, 5, 13, 10, 20), True)),
        ("20240513", (at(2024, 5, 13), False)),
        ("20240513102000", (at(2024, 5, 13, 10, 20), True)),
        ("0000000000", None),
    ],
)
def test_machine_dates(text: str, expected: tuple[datetime, bool] | None) -> None:
    assert parse_meta_date(text) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://new.example.com/rain/a/20240513A01XYZ00", (at(2024, 5, 13), True)),
        (
            "http://www.example.gov.cn/site/tjgb/202502/0123456789abcdef.shtml",
            (at(2025, 2, 1), False),
        ),
        ("https://example.com/2024/05/some-slug.html", (at(2024, 5, 1), False)),
        ("https://example.com/2099/05/13/a.html", None),  # the future is not a date
    ],
)
def test_url_date_says_whether_it_names_the_day(url: str, expected: object) -> None:
    assert url_date(url) == expected


def test_month_only_url_is_not_used_as_a_date() -> None:
    html = (
        "<html><body><h1>示例标题测试</h1><div id='zoom'><p>正文没有日期。</p></div></body></html>"
    )
    r = extract_article(html, "http://www.example.gov.cn/col/202502/abcdef0123.shtml")
    assert r.published_at is None
    assert "no date found" in r.warnings
