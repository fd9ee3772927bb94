"""Title extraction: meta tags, the article's own heading, or ``<title>``.

The heading is chosen among ``h1``–``h6`` and elements whose class/id looks like
a title (``title``, ``art-title``, ``g_show_title``, ``content_sec``, ``dbt`` …),
scored by how well they match ``<title>``/``og:title``, by tag, and by sitting
just above the publish-date line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from lxml import etree

from crawler.extract.dates import find_dates
from crawler.extract.dom import HEADING_TAGS, Line, Rendering, fold_title, render_lines

__all__ = [
    "read_meta",
    "page_title",
    "strip_site_suffix",
    "TitleCandidate",
    "find_headings",
    "score_headings",
    "clean_heading",
    "is_column_name",
    "is_link_text",
    "two_line_title",
    "title_above",
]

_TITLE_CLASS = re.compile(
    r"title|tit\b|headline|biaoti|\bbt\b|\bdbt\b|content_sec|detail-h|article-h|news_h|art_h",
    re.I,
)
_SUBTITLE_CLASS = re.compile(r"sub|fu|vice|second", re.I)
# Separators between a title and a site/channel suffix in <title>.
_SEPARATORS = re.compile(
    r"\s*(?:_{1,2}|--+|\s[-－—–|｜]\s|[|｜]|(?<=[^\d\s])-(?=[^\d\s])|－|——\s*$)\s*"
)
_SITE_SUFFIX = re.compile(
    r"(网|网站|官网|门户|门户网站|政府|人民政府|频道|新闻中心|首页|客户端|日报|晚报|在线|"
    r"有限公司|有限责任公司|集团|中文网|\.cn|\.com|\.net)$"
)
# A heading that is the site's name (a logo in an <h1>).
_SITE_HEADING = re.compile(r"(网|网站|官网|门户|门户网站|人民政府|政府网|客户端)$")
# <title>s that name a column, not an article.
_COLUMN_NAMES = frozenset(
    str.split(
        """要闻 新闻 新闻中心 新闻动态 新闻资讯 资讯 动态 工作动态 通知公告 公告 通知 公告通知
    公司新闻 集团新闻 企业新闻 公司要闻 集团要闻 行业新闻 行业动态 媒体报道 媒体聚焦 图片新闻
    视频新闻 头条 正文 详情 详细内容 详细信息 内容 文章 文章详情 新闻详情 信息详情 内容页 首页
    信息公开 政务公开 政策法规 政策解读 党建工作 专题 国内 国际 财经 科技 社会 综合 本地 时政
    地方 基层动态 部门动态 县区动态 区县动态 今日关注 热点 最新消息 滚动新闻"""
    )
)
_META_IN_TITLE = re.compile(r"(?:来源|发布时间|发布日期|作者|浏览|点击)\s*[:：]")
# A date/source label inside a heading's own line: the heading ends before it.
_INLINE_META = re.compile(
    r"\s*(?:(?:信息|稿件|文章)?来源|发布时间|发布日期|发稿时间|时间|日期|作者|责任编辑|编辑|"
    r"浏览次数|浏览|点击数|点击|阅读)\s*[:：]"
)
_SIZES = r"(?:[大中小]|默认|超大|特大)"
_BUTTON = r"(?:打印本页|关闭窗口|打印|分享到|分享|收藏|关闭|纠错|返回)"
# Buttons a site puts inside its headline element: 字号 大 中 小, 【打印】, 分享 …
# (a button word needs a space or bracket before it: a title may end in 分享).
_UI_TAIL = re.compile(
    rf"(?:\s*[【\[(（]?\s*(?:字号|字体)\s*[:：]?(?:\s*{_SIZES})*\s*[】\])）]?"
    rf"|(?:\s+|\s*[【\[(（])\s*{_BUTTON}\s*[】\])）]?)+\s*$"
)
_UI_ONLY = re.compile(
    rf"^(?:\s*[【\[]?(?:字号|字体|{_BUTTON}|{_SIZES}|微信|微博|QQ空间|QQ|朋友圈|复制链接|二维码|"
    r"评论|点赞|举报|[:：|｜/])\s*[】\]]?)+$"
)
_NAV_WORDS = re.compile(r"当前位置|您的位置|所在位置|首页\s*[>-]|>>|正在浏览|上一篇|下一篇")


def read_meta(root: etree._Element) -> dict[str, str]:
    """All ``<meta name|property|itemprop=… content=…>`` values, keys lower-cased.

    The first non-empty value of a name wins; a name present only with an
    empty value maps to "".
    """
    out: dict[str, str] = {}
    for el in root.iter("meta"):
        key = el.get("name") or el.get("property") or el.get("itemprop")
        if not key:
            continue
        key = key.strip().lower()
        value = (el.get("content") or "").strip()
        if value and not out.get(key):
            out[key] = value
        else:
            out.setdefault(key, value)
    return out


def page_title(root: etree._Element) -> str:
    """The document's ``<title>`` text (the first non-empty one), folded."""
    for el in root.iter("title"):
        text = fold_title("".join(el.itertext()))
        if text:
            return text
    return ""


_LINK_WITH_TEXT = etree.XPath("boolean(//a[normalize-space(.) = $text])")


def is_link_text(root: etree._Element, text: str) -> bool:
    """True when some link of the page (a menu item, a breadcrumb) reads ``text``."""
    return bool(_LINK_WITH_TEXT(root, text=text))


def is_column_name(title: str, root: etree._Element, html: str | None = None) -> bool:
    """True when a (suffix-stripped) ``<title>`` only names a column: 要闻, 通知公告 …

    A known column word, or a short title that is also the text of a menu or
    breadcrumb link of the page (``html``, the page's text, lets a title that
    appears nowhere as ``>title<`` skip the search through its links).
    """
    title = fold_title(title)
    if not title:
        return False
    if title in _COLUMN_NAMES or re.sub(r"[\s>＞»/-]+", "", title) in _COLUMN_NAMES:
        return True
    if len(title) > 8 or (html is not None and f">{title}<" not in html):
        return False
    return is_link_text(root, title)


def _looks_like_site_name(part: str, names: set[str]) -> bool:
    if part in names or any(part and part in n for n in names):
        return True
    if _SITE_SUFFIX.search(part) and len(part) <= 16:
        return True
    return part.isascii() and len(part) <= 30


def strip_site_suffix(title: str, site_names: tuple[str, ...] = ()) -> str:
    """Remove site/channel names around a ``<title>``: ``X_中国政府网`` → ``X``.

    The title is split at separators (``_``, ``|``, `` - ``, ``--`` …, but not
    the hyphen in ``1-10月``); parts that look like site names (known names,
    ``…网``, ``…人民政府``, ASCII domains) are dropped and the first remaining
    part is kept, unless another one is more than twice as long.
    """
    title = fold_title(title)
    parts = [p.strip() for p in _SEPARATORS.split(title) if p and p.strip()]
    if len(parts) <= 1:
        return title
    names = {n for n in site_names if n}
    kept = [p for p in parts if not _looks_like_site_name(p, names)] or parts
    first, longest = kept[0], max(kept, key=len)
    return longest if len(longest) > 2 * len(first) else first


@dataclass
class TitleCandidate:
    """A heading-like element and its score."""

    element: etree._Element
    text: str
    line_index: int
    score: float = 0.0


def _matched_chars(a: str, b: str) -> int:
    sm = SequenceMatcher(None, a, b, autojunk=False)
    return sum(block.size for block in sm.get_matching_blocks())


def similarity(candidate: str, references: list[str]) -> float:
    """F-measure of in-order matching characters between candidate and best reference."""
    cand = re.sub(r"\s+", "", candidate)
    best = 0.0
    for ref in references:
        ref = re.sub(r"\s+", "", ref)
        if not cand or not ref:
            continue
        m = _matched_chars(cand, ref)
        best = max(best, 2 * m / (len(cand) + len(ref)))
    return best


# A heading is short: an inline title-like element with more text than this is not
# one (and is not rendered, so nested title-like elements cost no more than the page).
_HEADING_TEXT_MAX = 400
# Title-like elements looked at, in page order (a page has a few dozen at most).
_MAX_CANDIDATES = 300


def _joined(el: etree._Element) -> str:
    """The visible text of a small inline element, or "" when it holds too much text."""
    size = 0
    for piece in el.itertext():
        size += len(piece)
        if size > _HEADING_TEXT_MAX:
            return ""
    return fold_title(" ".join(ln.text for ln in render_lines(el)))


def _inline_line(el: etree._Element, text: str, rendering: Rendering) -> int | None:
    """Line index of an inline element (span.title): its block's line showing the text."""
    for anc in el.iterancestors():
        span = rendering.spans.get(id(anc))
        if span is not None:
            for ln in rendering.lines[span[1] : span[2]]:
                if text in ln.text:
                    return ln.index
            return None
    return None


def _is_meta_line(text: str) -> bool:
    return bool(_META_IN_TITLE.search(text) or find_dates(text) or _UI_ONLY.match(text))


def clean_heading(parts: list[str]) -> str:
    """A headline element's text without what sites put inside it besides the title.

    Lines after the first that are a date/source line or buttons are dropped; on
    the remaining text, a trailing ``字号 大 中 小`` / ``打印`` / ``分享`` run and an
    inline ``来源：…``/``时间：…`` tail are cut (when a title of 6+ characters stays).
    """
    kept = [p for i, p in enumerate(parts) if i == 0 or not _is_meta_line(p)]
    text = fold_title(" ".join(kept))
    m = _INLINE_META.search(text)
    if m and m.start() >= 6:
        text = text[: m.start()]
    tail = _UI_TAIL.search(text)
    if tail and tail.start() >= 6:
        text = text[: tail.start()]
    return text.strip(" |｜-—_")


def find_headings(rendering: Rendering) -> list[TitleCandidate]:
    """Heading-like, visible elements with their first line index."""
    out: list[TitleCandidate] = []
    for el in rendering.titles[:_MAX_CANDIDATES]:
        own = rendering.lines_of(el)
        if own is not None:
            if not own or len(own) > 4:
                continue
            text = clean_heading([ln.text for ln in own])
            idx = own[0].index
        else:
            text = clean_heading([_joined(el)])
            idx = _inline_line(el, text, rendering) if text else None
        if idx is None or not 4 <= len(text) <= 160:
            continue
        out.append(TitleCandidate(el, text, idx))
    return out


def score_headings(
    candidates: list[TitleCandidate],
    lines: list[Line],
    references: list[str],
    date_line: int | None,
) -> TitleCandidate | None:
    """Score candidates in place and return the best plausible one, or None.

    Plausible: close to a reference title (``<title>``, ``og:title``), or just above
    the date line, or, when no reference is usable or none matches, a strong
    heading (h1/h2 or a title class) that is not a link, a list item or a menu.
    """
    best: TitleCandidate | None = None
    fallback: TitleCandidate | None = None
    for cand in candidates:
        el = cand.element
        tag = el.tag if isinstance(el.tag, str) else ""
        sim = similarity(cand.text, references) if references else 0.0
        score = 10.0 * sim
        if tag in HEADING_TAGS:
            score += {"h1": 3.0, "h2": 2.5, "h3": 1.5}.get(tag, 1.0)
        attrs = f"{el.get('class') or ''} {el.get('id') or ''}"
        if _TITLE_CLASS.search(attrs):
            score += 2.0
            if _SUBTITLE_CLASS.search(attrs):
                score -= 1.5
        line = lines[cand.line_index]
        if line.link_ratio > 0.5:
            score -= 5.0
        if line.in_li:
            score -= 2.0
        nav = bool(_NAV_WORDS.search(cand.text))
        if nav:
            score -= 6.0
        site_name = len(cand.text) <= 16 and bool(_SITE_HEADING.search(cand.text))
        if site_name:
            score -= 4.0  # 示例市人民政府门户网站 in a logo heading
        if len(cand.text) < 6:
            score -= 2.0
        has_meta = bool(_META_IN_TITLE.search(cand.text) or find_dates(cand.text))
        if has_meta:
            score -= 8.0  # a container holding the title and the date/source line
        if date_line is not None:
            gap = date_line - cand.line_index
            if 0 < gap <= 4:
                score += 5.0
            elif 4 < gap <= 10:
                score += 2.0
        cand.score = score
        strong_tag = tag in ("h1", "h2") or bool(_TITLE_CLASS.search(attrs))
        plausible = (
            (sim >= 0.6 and not has_meta)
            or (not references and strong_tag)
            or (date_line is not None and 0 < date_line - cand.line_index <= 4)
        )
        if plausible and (best is None or score > best.score):
            best = cand
        standalone = (
            strong_tag
            and not has_meta
            and not nav
            and not site_name
            and len(cand.text) >= 8
            and line.link_ratio <= 0.5
            and not line.in_li
        )
        if standalone and (fallback is None or score > fallback.score):
            fallback = cand
    return best or fallback


def two_line_title(cand: TitleCandidate) -> str:
    """Join 引题 + 主题 when the heading sits in a small title container."""
    parent = cand.element.getparent()
    if parent is None:
        return cand.text
    attrs = f"{parent.get('class') or ''} {parent.get('id') or ''}"
    if not _TITLE_CLASS.search(attrs) or _SUBTITLE_CLASS.search(attrs):
        return cand.text
    parts = [ln.text for ln in render_lines(parent)]
    clean = all(len(p) <= 60 and not _META_IN_TITLE.search(p) and not find_dates(p) for p in parts)
    if 2 <= len(parts) <= 3 and clean:
        joined = fold_title(" ".join(parts))
        if cand.text in joined and len(joined) <= 2.5 * len(cand.text) + 10:
            return joined
    return cand.text


def title_above(lines: list[Line], date_line: int) -> str:
    """The line just above the date line when it reads like a headline, else ""."""
    for i in range(date_line - 1, max(-1, date_line - 4), -1):
        line = lines[i]
        text = clean_heading([line.text])
        if (
            6 <= len(text) <= 80
            and not line.noise
            and not line.in_li
            and line.link_ratio <= 0.5
            and not _is_meta_line(text)
            and not _NAV_WORDS.search(text)
            and not text.endswith(("。", "；", "，"))
        ):
            return text
    return ""
