"""Publish date and source (来源) lines of an article page.

Visible date candidates are scored: a label (发布时间, 发布日期, 发稿时间, 时间,
日期, 发文日期, 生成日期, Published …), a time of day, a 来源 on the same or a
neighbouring line, an element marked as a date (class/id ``time``, ``date``,
``publish``, a ``<time>``), a short line right below the title all count for;
comment threads, related-news lists (and anything under a 相关/推荐 heading),
links, footers, body paragraphs, print-edition lines, today's date in a site
header and CMS records (``23937776 2017-03-10 09:58:03.0``) count against.

Machine-written dates come from meta tags (stray spaces in names are ignored),
JSON-LD, ``itemprop``, ``<time datetime>``, and, weaker, page scripts and hidden
fields (:func:`structured_dates`). A visible date without a year takes its year
from those or from the URL. When nothing is certain, no date is better than a
wrong one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from lxml import etree

from crawler.extract.dates import (
    DateMatch,
    YearlessMatch,
    find_dates,
    find_yearless,
    parse_meta_date,
    url_date,
    years_in,
)
from crawler.extract.dom import Line, is_noise_zone

__all__ = [
    "DateCandidate",
    "YearlessCandidate",
    "best_visible_date",
    "best_yearless_date",
    "structured_dates",
    "choose_published",
    "meta_date",
    "find_source",
    "STRONG",
    "WEAK",
]

# Score thresholds: STRONG beats a disagreeing meta date, WEAK only fills a gap.
STRONG = 9.0
WEAK = 5.0

_LABELS = {
    "发布时间": 10.0,
    "发布日期": 10.0,
    "发稿时间": 10.0,
    # Also what forums and comment threads print before every reply.
    "发表时间": 6.0,
    "发表日期": 6.0,
    "发文日期": 8.5,
    "时间": 8.0,
    "日期": 8.0,
    "生成日期": 7.0,
    "产生日期": 7.0,
    "成文日期": 6.0,
    "更新时间": 4.0,
    "更新日期": 4.0,
    "发布": 6.0,
    "发布于": 8.0,
    "Published": 8.0,
    "Published on": 8.0,
    "Updated": 6.0,
    "Updated on": 6.0,
    "Posted": 8.0,
    "Posted on": 8.0,
    "Date": 6.0,
    "Time": 4.0,
}
_LABEL_RE = re.compile(
    r"(?:^|(?<=[\s|｜/【\[（(】\]）)>·:：,，;；]))("
    + "|".join(sorted(_LABELS, key=len, reverse=True))
    + r")\s*[:：]?\s*$"
)
# Dates are looked for in the first _DATE_SCAN characters of a line, at most
# _DATES_PER_LINE of them (a date line is short; a huge line must stay cheap).
_DATE_SCAN = 400
_DATES_PER_LINE = 8
_LABEL_ONLY = re.compile(r"(" + "|".join(_LABELS) + r")\s*[:：]\s*$")
_CMS_RECORD_BEFORE = re.compile(r"\d{5,}\s*$")
_CMS_RECORD_AFTER = re.compile(r"\.\d\b")  # used with .match at the date's end
_PRINT_EDITION = re.compile(r"^\s*\d{0,3}\s*版\s*[）)]")
_SKIP_LINE = re.compile(
    r"页面生成时间|网站更新|页面更新|最后更新|今天是|今日是|欢迎|copyright|©|版权所有|备案|ICP",
    re.I,
)
_WEEKDAY = re.compile(r"(?:星期|礼拜|周)[一二三四五六日天]")
_RELATED_HEADING = re.compile(
    r"^\s*[【\[]?\s*(?:相关|延伸|推荐|热门|热点|猜你|为你推荐|更多|最新|往期|精彩|今日|排行)"
    r".{0,6}$"
)
_SOURCE_HINT = re.compile(r"来源|稿件|出处|作者|编辑")
# Meta names (lower-cased, stray spaces stripped) and the structured dates read by
# structured_dates(), in order of trust.
_META_DATE_KEYS = (
    "pubdate",
    "publishdate",
    "firstpublishedtime",
    "article:published_time",
    "og:release_date",
    "datepublished",
    "ld:datepublished",
    "og:published_time",
    "og:time",
    "og:pubdate",
    "apub:time",
    "publish_time",
    "publishtime",
    "publishedtime",
    "publish-date",
    "published-date",
    "publication_date",
    "pubtime",
    "_pubtime",
    "rnews:datepublished",
    "dc.date.issued",
    "dcterms.issued",
    "dcterms.created",
    "dc.date",
    "parsely-pub-date",
    "sailthru.date",
    "date_published",
    "published_at",
    "originalpublicationdate",
    "article_date_original",
    "bt:pubdate",
    "weibo: article:create_at",
    "weibo:article:create_at",
    "itemprop:datepublished",
    "time:datetime",
    "ld:datecreated",
    "script:pubtime",
    "hidden:date",
)
# Structured dates too indirect to outweigh a visible date that disagrees.
_INDIRECT_KEYS = frozenset(("script:pubtime", "hidden:date"))
# Meta names whose value may carry the year of a date shown without one.
_YEAR_KEY = re.compile(r"date|time|pub|creat", re.I)
_SOURCE_LABEL = re.compile(
    r"(?:本文来源于|(?:^|(?<=[\s|｜/】\]）)>·:：,，;；\d日]))"
    r"(?:稿件来源|信息来源|文章来源|新闻来源|来源于|来源))\s*[:：]?\s*"
)
_SOURCE_STOP = re.compile(
    r"\s|[|｜]|作者|编辑|责编|发布|时间|日期|浏览|访问|点击|阅读|字号|分享|打印|【|\d{4}\s*[-年/.]"
)


@dataclass
class DateCandidate:
    """A visible date with its line and score."""

    value: datetime
    has_time: bool
    line_index: int
    score: float
    label: str | None
    weekday: bool = False  # 2024年5月20日 星期一: how site headers show today's date


def _label_before(text: str, match: DateMatch | YearlessMatch, prev: Line | None) -> str | None:
    before = text[max(0, match.start - 12) : match.start]
    m = _LABEL_RE.search(before)
    if m:
        return m.group(1)
    if match.start <= 12 and not before.strip() and prev is not None:
        m2 = _LABEL_ONLY.search(prev.text[-8:])
        if m2 and not find_dates(prev.text[-_DATE_SCAN:]):
            return m2.group(1)
    return None


def _score(
    line: Line, match: DateMatch | YearlessMatch, label: str | None, near_source: bool
) -> float | None:
    """Score of a date on a line, before its position relative to the title counts.

    Only the first :data:`_DATE_SCAN` characters of a line are looked at: a date
    line is short, and a huge line must not cost more per date it holds.
    """
    full = len(line.text)
    text = line.text[:_DATE_SCAN]
    if _SKIP_LINE.search(text):
        return None
    if _CMS_RECORD_BEFORE.search(text, max(0, match.start - 40), match.start) or (
        _CMS_RECORD_AFTER.match(text, match.end)
    ):
        return None
    score = _LABELS[label] if label else 0.0
    if match.has_time:
        score += 3.0
    if near_source:
        score += 3.0
    if line.date_hint:
        score += 3.0  # class/id "time", "date", "publish" …, or a <time>
    if full <= 60:
        score += 2.0
    elif full > 150 and not label:
        score -= 6.0
    if _PRINT_EDITION.search(text[match.end : match.end + 8]):
        score -= 8.0
    if line.noise:
        score -= 8.0
    if line.link_ratio > 0.5:
        # A related-news item is a link with a date; a date line that is itself a
        # link (to the day's archive) is short and holds little besides the date.
        short = full - (match.end - match.start) <= 12 and not line.in_li
        score -= 2.0 if short else 7.0
    elif line.in_li and line.link_chars:
        score -= 8.0  # an item of a news list
    return score


def _apply_position(
    cands: list[DateCandidate] | list[YearlessCandidate],
    title_line: int | None,
    lines: list[Line] | None = None,
) -> None:
    """The first plausible date line right below the title gets the bonus.

    Dates below a 相关新闻/猜你喜欢/推荐阅读 heading are a list of other articles.
    """
    if lines is not None and cands:
        start = title_line if title_line is not None else 0
        related = next(
            (
                ln.index
                for ln in lines[start : max(c.line_index for c in cands)]
                if len(ln.text) <= 12 and _RELATED_HEADING.match(ln.text)
            ),
            None,
        )
        if related is not None:
            for c in cands:
                if c.line_index > related:
                    c.score -= 6.0
    if title_line is None:
        return
    first_after = next(
        (c.line_index for c in cands if 0 < c.line_index - title_line <= 8 and c.score >= 0),
        None,
    )
    for c in cands:
        gap = c.line_index - title_line
        if c.line_index == first_after:
            c.score += 5.0
        elif 0 < gap <= 6:
            c.score += 1.0
        elif (gap > 60 and not c.label) or (gap < -4 and not c.label) or gap < -8:
            c.score -= 2.0  # far below the title, or above it (a date just above is fine)
        if gap < 0 and not c.label and c.weekday:
            c.score -= 4.0  # today's date in the site header


def _near_source(lines: list[Line], line: Line) -> bool:
    """A 来源/作者 on the line, or on a short neighbouring line (separate elements)."""
    if _SOURCE_HINT.search(line.text, 0, _DATE_SCAN):
        return True
    if len(line.text) > 40:
        return False
    i = line.index
    after = i + 1 < len(lines) and bool(_SOURCE_HINT.search(lines[i + 1].text[:12]))
    before = i > 0 and len(lines[i - 1].text) <= 40 and bool(_SOURCE_HINT.search(lines[i - 1].text))
    return after or before


def best_visible_date(lines: list[Line], title_line: int | None) -> DateCandidate | None:
    """The best-scored visible date, or None when nothing reaches ``WEAK``."""
    cands: list[DateCandidate] = []
    prev: Line | None = None
    for line in lines:
        matches = find_dates(line.text[:_DATE_SCAN])[:_DATES_PER_LINE]
        near_source = bool(matches) and _near_source(lines, line)
        for match in matches:
            label = _label_before(line.text, match, prev)
            score = _score(line, match, label, near_source)
            if score is not None:
                weekday = bool(_WEEKDAY.search(line.text, match.start, match.end + 8))
                cands.append(
                    DateCandidate(match.value, match.has_time, line.index, score, label, weekday)
                )
        prev = line
    _apply_position(cands, title_line, lines)
    best = max(cands, key=lambda c: c.score, default=None)  # first of equals wins
    if best is None or best.score < WEAK:
        return _only_date(cands, lines, title_line)
    return best


def _only_date(
    cands: list[DateCandidate], lines: list[Line], title_line: int | None
) -> DateCandidate | None:
    """The page's one date, when every date it shows on a short line is the same day.

    A page that shows a single date (once, or repeated at the top and bottom) shows
    its publish date, even with no label or title next to it; dates in body
    paragraphs, lists, links and page furniture do not count, nor an unlabelled
    date above the title (a site header's date of today).
    """
    shown = [
        c
        for c in cands
        if c.score >= 2.0  # a short line with nothing against it (not far below the title)
        and (c.label or title_line is None or c.line_index > title_line)
        and len(lines[c.line_index].text) <= 60
        and lines[c.line_index].link_ratio <= 0.5
        and not lines[c.line_index].in_li
    ]
    if not shown or len(shown) > 3 or len({c.value.date() for c in shown}) != 1:
        return None
    return max(shown, key=lambda c: (c.has_time, c.score))


@dataclass
class YearlessCandidate:
    """A visible month-day date (``05-13 10:20``) with its line and score."""

    match: YearlessMatch
    line_index: int
    score: float
    label: str | None = None
    weekday: bool = False


def best_yearless_date(lines: list[Line], title_line: int | None) -> YearlessCandidate | None:
    """The best visible date written without a year, on a short date-like line near the title.

    Without a year a date is easily something else (10-12岁, 3/4), so only short
    lines count, and a time, a label or a date class/id must back it up.
    """
    if title_line is None:
        return None
    cands: list[YearlessCandidate] = []
    lo, hi = max(0, title_line - 4), min(len(lines), title_line + 9)
    for line in lines[lo:hi]:
        if len(line.text) > 60 or line.noise or line.in_li:
            continue
        for match in find_yearless(line.text):
            prev = lines[line.index - 1] if line.index else None
            label = _label_before(line.text, match, prev)
            backed = match.has_time or label or line.date_hint
            score = _score(line, match, label, _near_source(lines, line))
            if score is None or not backed:
                continue
            cands.append(YearlessCandidate(match, line.index, score, label))
    _apply_position(cands, title_line, lines)
    best = max(cands, key=lambda c: c.score, default=None)
    if best is None or best.score < WEAK:
        return None
    return best


def meta_date(meta: dict[str, str]) -> tuple[str, datetime, bool] | None:
    """The first parseable publish date in meta tags: ``(name, datetime, has_time)``.

    When it has no time of day and a later one names the same day with a time
    (``publishdate`` 2024-05-13 and ``og:time`` 2024-05-13 10:20), the time is taken.
    """
    found: list[tuple[str, datetime, bool]] = []
    for key in _META_DATE_KEYS:
        parsed = parse_meta_date(meta.get(key))
        if parsed:
            found.append((key, parsed[0], parsed[1]))
    if not found:
        return None
    key, first, has_time = found[0]
    if not has_time:
        for _, other, other_has_time in found[1:]:
            if other_has_time and other.date() == first.date():
                return key, other, True
    return found[0]


def structured_dates(root: etree._Element, html: str | None = None) -> dict[str, str]:
    """Publish dates given as data rather than text, keyed like meta names.

    ``ld:datepublished`` / ``ld:datecreated`` from JSON-LD, ``itemprop:datepublished``
    from an element's ``content``/``datetime``/text, and ``time:datetime`` when the
    ``<time datetime>`` elements outside comment/related zones name one day (or one
    is marked ``pubdate``); weaker, used only when nothing is visible:
    ``script:pubtime`` (``pubtime: "…"`` in a page script) and ``hidden:date`` (a
    hidden input or textarea named for a date, filled in by script).
    """
    out: dict[str, str] = {}
    for script in root.iter("script"):
        if not script.text:
            continue
        if "ld+json" not in (script.get("type") or "").lower():
            text = script.text
            if "script:pubtime" not in out and _mentions_pubtime(text):
                m = _SCRIPT_DATE.search(text)
                if m:
                    out["script:pubtime"] = m.group(1)
            continue
        for key in ("datePublished", "dateCreated"):
            value = _json_ld_value(script.text, key)
            if value and f"ld:{key.lower()}" not in out:
                out[f"ld:{key.lower()}"] = value

    hidden: list[etree._Element] = []
    times: list[etree._Element] = []
    for el in root.iter("input", "textarea", "time"):
        if el.tag == "time":
            if el.get("datetime") is not None and len(times) < _MAX_ELEMENTS:
                times.append(el)
        elif (el.tag == "textarea" or (el.get("type") or "").lower() == "hidden") and len(
            hidden
        ) < _MAX_ELEMENTS:
            hidden.append(el)
    for el in hidden:
        names = f"{el.get('name') or ''} {el.get('id') or ''} {el.get('class') or ''}".lower()
        value = el.get("value") if el.tag == "input" else el.text
        if value and _DATE_NAME.search(names) and parse_meta_date(value[:40]):
            out["hidden:date"] = value[:40]
            break
    itemprops = _ITEMPROP_DATE(root) if html is None or "datePublished" in html else []
    for el in itemprops[:_MAX_ELEMENTS]:
        value = el.get("content") or el.get("datetime") or "".join(el.itertext())
        if value.strip() and not _in_noise(el):
            out.setdefault("itemprop:datepublished", value.strip())
            break
    days: dict[str, str] = {}
    for el in times:
        if _in_noise(el):
            continue
        value = el.get("datetime") or ""
        if el.get("pubdate") is not None:
            days = {"pubdate": value}
            break
        parsed = parse_meta_date(value)
        if parsed:
            days.setdefault(str(parsed[0].date()), value)
    if len(days) == 1:
        out["time:datetime"] = next(iter(days.values()))
    return out


# How many <time>, hidden-input or itemprop elements are looked at.
_MAX_ELEMENTS = 50
_ITEMPROP_DATE = etree.XPath(
    f'(//*[@itemprop="datePublished"][not(self::meta)])[position() <= {_MAX_ELEMENTS}]'
)
# "pubtime": "2024-05-13 10:20:30", publish_time = 1715566800 … in a page script.
_SCRIPT_DATE = re.compile(
    r"""(?:pub_?time|publish_?time|publish_?date|pub_?date|ptime|published_?time)["']?"""
    r"""\s*[:=]\s*["']?\s*((?:19|20)\d{2}[-/年.]\d{1,2}[-/月.]\d{1,2}[^"'\n,;}<]{0,16}|\d{10}(?:\d{3})?)""",
    re.I,
)
_DATE_NAME = re.compile(r"pub|time|date|fbsj|fbrq")


def _mentions_pubtime(text: str) -> bool:
    """A cheap test before :data:`_SCRIPT_DATE` (which is slow on long scripts)."""
    return any(word in text for word in ("pub", "Pub", "PUB", "ptime", "PTIME"))


def _in_noise(el: etree._Element) -> bool:
    return any(is_noise_zone(a) for a in el.iterancestors()) or is_noise_zone(el)


_JSON_LD_MAX = 200_000
_JSON_LD_KEY = {
    key: re.compile(rf'"{key}"\s*:\s*"([^"]{{4,60}})"') for key in ("datePublished", "dateCreated")
}


def _json_ld_value(text: str, key: str) -> str | None:
    """The first string value of ``key`` in a JSON-LD script, or None.

    Read with a pattern, not a JSON parser: sites often ship JSON-LD that is not
    valid JSON (trailing commas, raw newlines), and a parser can be made to
    recurse without end.
    """
    m = _JSON_LD_KEY[key].search(text, 0, _JSON_LD_MAX)
    return m.group(1).strip() if m else None


def _year_for(match: YearlessMatch, meta: dict[str, str], url: str) -> int | None:
    """The one year the page's metadata or URL gives a month-day date, or None.

    A URL date must name the same month (and day, when it has one); meta values
    of date-like names (``weibo:article:create_at`` = ``13 05 2024 09:36:26``)
    give their years. Disagreeing years give none.
    """
    years: set[int] = set()
    from_url = url_date(url)
    if from_url is not None and from_url[0].month == match.month:
        years.add(from_url[0].year)
    for key, value in meta.items():
        if _YEAR_KEY.search(key):
            years.update(years_in(value))
    if len(years) != 1:
        return None
    return years.pop()


def _fmt(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%d %H:%M") if (dt.hour or dt.minute) else dt.strftime("%Y-%m-%d")


def choose_published(
    meta: dict[str, str],
    lines: list[Line],
    title_line: int | None,
    url: str,
    warnings: list[str],
) -> tuple[datetime | None, int | None]:
    """Weigh the visible date against meta dates; returns ``(date, date line index)``.

    The visible date wins a disagreement when it is strong (labelled, next to
    the title, with a 来源) or when the meta date equals the page regeneration
    time (``others`` = 页面生成时间).  A meta time is used when both agree on
    the day and only the meta has a time.  The URL is the last resort.
    Explanations are appended to ``warnings``.
    """
    visible = best_visible_date(lines, title_line)
    from_meta = meta_date(meta)
    regenerated = parse_meta_date((meta.get("others") or "").replace("页面生成时间", ""))
    if visible is not None and from_meta is not None:
        key, mdt, m_has_time = from_meta
        is_regen = regenerated is not None and regenerated[0] == mdt
        if mdt.date() == visible.value.date():
            if m_has_time and not visible.has_time and not is_regen:
                return mdt, visible.line_index
            return visible.value, visible.line_index
        if visible.score >= STRONG or is_regen or key in _INDIRECT_KEYS:
            name = {"pubdate": "PubDate"}.get(key, key)
            warnings.append(
                f"{name} {mdt.date()} disagrees with the visible date "
                f"{visible.value.date()}; using the visible date"
            )
            return visible.value, visible.line_index
        warnings.append(
            f"weak visible date {visible.value.date()} disagrees with {key} {mdt.date()}; "
            f"using {key}"
        )
        return mdt, None
    if visible is not None:
        return visible.value, visible.line_index
    yearless = best_yearless_date(lines, title_line)
    if yearless is not None:
        match = yearless.match
        if from_meta is not None and (from_meta[1].month, from_meta[1].day) == (
            match.month,
            match.day,
        ):
            # Same day: the visible time wins when the meta has none.
            year_value = match.with_year(from_meta[1].year)
            if year_value is not None and match.has_time and not from_meta[2]:
                return year_value, yearless.line_index
            return from_meta[1], yearless.line_index
        year = _year_for(match, meta, url) if from_meta is None else None
        value = match.with_year(year) if year is not None else None
        if value is not None:
            return value, yearless.line_index
    if from_meta is not None:
        return from_meta[1], None
    guessed = url_date(url)
    if guessed is not None and guessed[1]:
        warnings.append(f"no date on the page; using the date in the URL ({_fmt(guessed[0])})")
        return guessed[0], None
    if guessed is not None:
        # Only the month: its 1st would be a wrong date, which is worse than none.
        warnings.append("no date found")
        warnings.append(f"the URL names only the month {guessed[0]:%Y-%m}; not used as a date")
        return None, None
    warnings.append("no date found")
    return None, None


def _source_value(text: str, start: int) -> str:
    rest = text[start:].lstrip()
    stop = _SOURCE_STOP.search(rest)
    value = rest[: stop.start()] if stop else rest
    if re.match(r"^[^:：]{1,6}[:：]", value):
        return ""  # the next label (访问量：199), so this one was empty
    return value.strip(" :：,，;；、-—|")[:40]


def find_source(lines: list[Line], around: int | None) -> str | None:
    """The visible 来源 value, searching near line ``around`` first.

    Returns "" for an empty label (``来源:  | 发布时间 …``) and None when no
    label is visible at all.
    """
    order: list[int] = []
    if around is not None:
        order += [i for i in range(around - 3, around + 4) if 0 <= i < len(lines)]
    order += [i for i in range(len(lines)) if i not in order]
    for i in order:
        line = lines[i]
        if line.noise or len(line.text) > 120:
            continue
        m = _SOURCE_LABEL.search(line.text)
        if not m:
            continue
        value = _source_value(line.text, m.end())
        if not value and not line.text[m.end() :].strip() and i + 1 < len(lines):
            nxt = lines[i + 1].text
            if len(nxt) <= 20 and not find_dates(nxt) and not re.search(r"[:：|｜]", nxt):
                value = _source_value(nxt, 0)
        return value
    return None
