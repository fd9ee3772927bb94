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

__all__ = ["read_meta", "page_title", "strip_site_suffix", "TitleCandidate", "find_headings"]

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
    r"\.cn|\.com|\.net)$"
)
_META_IN_TITLE = re.compile(r"(?:来源|发布时间|发布日期|作者|浏览|点击)\s*[:：]")
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


def _joined(el: etree._Element) -> str:
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


def find_headings(rendering: Rendering) -> list[TitleCandidate]:
    """Heading-like, visible elements with their first line index."""
    out: list[TitleCandidate] = []
    for el in rendering.titles:
        own = rendering.lines_of(el)
        if own is not None:
            if not own or len(own) > 4:
                continue
            text = fold_title(" ".join(ln.text for ln in own))
            idx = own[0].index
        else:
            text = _joined(el)
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
    """Score candidates in place and return the best plausible one, or None."""
    best: TitleCandidate | None = None
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
        if _NAV_WORDS.search(cand.text):
            score -= 6.0
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
    return best


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
