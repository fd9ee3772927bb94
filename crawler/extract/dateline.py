"""Publish date and source (来源) lines of an article page.

Visible date candidates are scored: a label (发布时间, 发布日期, 发稿时间, 时间,
日期, 发文日期, 生成日期 …), a time of day, a 来源 on the same line, a short
line right below the title all count for; comment threads, related-news lists,
links, footers, body paragraphs, print-edition lines and CMS records
(``23937776 2017-03-10 09:58:03.0``) count against.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from crawler.extract.dates import DateMatch, date_from_url, find_dates, parse_meta_date
from crawler.extract.dom import Line

__all__ = [
    "DateCandidate",
    "best_visible_date",
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
}
_LABEL_RE = re.compile(
    r"(?:^|(?<=[\s|｜/】\]）)>·:：,，;；]))("
    + "|".join(sorted(_LABELS, key=len, reverse=True))
    + r")\s*[:：]?\s*$"
)
_LABEL_ONLY = re.compile(r"(" + "|".join(_LABELS) + r")\s*[:：]\s*$")
_CMS_RECORD_BEFORE = re.compile(r"\d{5,}\s*$")
_CMS_RECORD_AFTER = re.compile(r"^\.\d\b")
_PRINT_EDITION = re.compile(r"^\s*\d{0,3}\s*版\s*[）)]")
_SKIP_LINE = re.compile(r"页面生成时间|copyright|©|版权所有|备案|ICP", re.I)
_SOURCE_HINT = re.compile(r"来源|稿件|出处|作者|编辑")
_META_DATE_KEYS = (
    "pubdate",
    "publishdate",
    "firstpublishedtime",
    "article:published_time",
    "og:release_date",
    "apub:time",
    "publish_time",
    "publishtime",
    "weibo: article:create_at",
)
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


def _label_before(text: str, match: DateMatch, prev: Line | None) -> str | None:
    before = text[max(0, match.start - 12) : match.start]
    m = _LABEL_RE.search(before)
    if m:
        return m.group(1)
    if not text[: match.start].strip() and prev is not None:
        m2 = _LABEL_ONLY.search(prev.text[-8:])
        if m2 and not find_dates(prev.text):
            return m2.group(1)
    return None


def _score(line: Line, match: DateMatch, label: str | None, near_source: bool) -> float | None:
    """Score of a date on a line, before its position relative to the title counts."""
    text = line.text
    if _SKIP_LINE.search(text):
        return None
    if _CMS_RECORD_BEFORE.search(text[: match.start]) or _CMS_RECORD_AFTER.search(
        text[match.end :]
    ):
        return None
    score = _LABELS[label] if label else 0.0
    if match.has_time:
        score += 3.0
    if near_source:
        score += 3.0
    if len(text) <= 60:
        score += 2.0
    elif len(text) > 150 and not label:
        score -= 6.0
    if _PRINT_EDITION.search(text[match.end : match.end + 8]):
        score -= 8.0
    if line.noise:
        score -= 8.0
    if line.link_ratio > 0.5:
        score -= 7.0
    elif line.in_li and line.link_chars:
        score -= 5.0
    return score


def _apply_position(cands: list[DateCandidate], title_line: int | None) -> None:
    """The first plausible date line right below the title gets the bonus."""
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
        elif (gap > 60 and not c.label) or gap < -2:
            c.score -= 2.0


def best_visible_date(lines: list[Line], title_line: int | None) -> DateCandidate | None:
    """The best-scored visible date, or None when nothing reaches ``WEAK``."""
    cands: list[DateCandidate] = []
    prev: Line | None = None
    for line in lines:
        for match in find_dates(line.text):
            label = _label_before(line.text, match, prev)
            near_source = bool(_SOURCE_HINT.search(line.text))
            if not near_source and len(line.text) <= 40 and line.index + 1 < len(lines):
                near_source = bool(_SOURCE_HINT.search(lines[line.index + 1].text[:12]))
            score = _score(line, match, label, near_source)
            if score is not None:
                cands.append(DateCandidate(match.value, match.has_time, line.index, score, label))
        prev = line
    _apply_position(cands, title_line)
    best = max(cands, key=lambda c: c.score, default=None)  # first of equals wins
    if best is None or best.score < WEAK:
        return None
    return best


def meta_date(meta: dict[str, str]) -> tuple[str, datetime, bool] | None:
    """The first parseable publish date in meta tags: ``(name, datetime, has_time)``."""
    for key in _META_DATE_KEYS:
        parsed = parse_meta_date(meta.get(key))
        if parsed:
            return key, parsed[0], parsed[1]
    return None


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
        if visible.score >= STRONG or is_regen:
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
    if from_meta is not None:
        return from_meta[1], None
    guessed = date_from_url(url)
    if guessed is not None:
        warnings.append(f"no date on the page; using the date in the URL ({_fmt(guessed)})")
        return guessed, None
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
