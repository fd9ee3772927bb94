"""Article body: known CMS containers first, then a text-density fallback.

The chosen container is rendered to paragraphs (one per line) with scripts,
styles, hidden parts, share bars, related-news blocks, comment zones and pasted
Word markup removed.
"""

from __future__ import annotations

import re

from lxml import etree

from crawler.extract.dates import find_dates, find_yearless
from crawler.extract.dom import Line, Rendering, parse_fragment, render_lines

__all__ = ["find_body", "hanweb_fragment", "body_text"]

_HANWEB_BEGIN = "<!--ZJEG_RSS.content.begin-->"
_HANWEB_END = "<!--ZJEG_RSS.content.end-->"

_MIN_CHARS = 40
# A date line among a container's first _HEAD_LINES lines ends its headline block.
_HEAD_LINES = 6
_GENERIC_RANK = 15
# A line that starts a trailing block of page furniture inside the body.
_CUTOFF = re.compile(
    r"^\s*[【\[]?\s*(相关新闻|相关链接|相关阅读|相关文章|相关稿件|延伸阅读|推荐阅读|热点推荐|"
    r"相关搜索|精华推荐)\s*[】\]]?\s*[:：]?\s*$"
    r"|^\s*(版权声明|版权与免责声明|免责声明|正文已结束|您此时的心情|转载请注明|"
    r"上一篇[:：]|下一篇[:：]|我要评论|我要跟帖|发表评论|网友评论|评论[（(]\d+[)）]\s*$|"
    r"特别声明|声明[:：])"
)
_DROP_LINE = re.compile(
    r"^\s*(分享到|分享|打印本页|【打印本页】|【关闭窗口】|关闭窗口|扫一扫在手机打开当前页|"
    r"【?字号[：:]?.{0,12}$|返回顶部|【返回顶部】)"
)
_PROSE = re.compile(r"[，。；！？、]")
_LEAD_META = re.compile(
    r"来源|发布|时间|日期|作者|编辑|浏览|阅读|字号|字体|打印|分享|当前位置|所在位置|首页\s*>|>>|"
    r"链接已复制|关注|收藏"
)
_UI_WORDS = frozenset(
    [
        "打印",
        "微博",
        "微信",
        "更多",
        "QQ空间",
        "QQ",
        "X",
        "关注",
        "分享",
        "分享到",
        "收藏",
        "字号",
        "大",
        "中",
        "小",
        "默认",
        "超大",
        "评论",
        "举报",
        "【纠错】",
        "纠错",
        "+1",
        "图集",
        "赞",
        "赏",
        "0",
        "点赞",
        "返回顶部",
    ]
)
_TRAILING_FURNITURE = re.compile(r"[【\[](打印本页|关闭窗口|打印|关闭|返回顶部|收藏|纠错)[】\]]")


def hanweb_fragment(html: str) -> etree._Element | None:
    """The part between Hanweb's ``ZJEG_RSS.content.begin``/``end`` markers."""
    start = html.find(_HANWEB_BEGIN)
    if start < 0:
        return None
    end = html.find(_HANWEB_END, start)
    if end < 0:
        return None
    inner = html[start + len(_HANWEB_BEGIN) : end]
    if not inner.strip():
        return None
    return parse_fragment(inner)


def _known_container(rendering: Rendering) -> etree._Element | None:
    """The most specific known container with enough text (the largest of a kind)."""
    by_rank: dict[int, list[etree._Element]] = {}
    for rank, el in rendering.containers:
        by_rank.setdefault(rank, []).append(el)
    for rank in sorted(by_rank):
        best, best_chars = None, 0
        for el in by_rank[rank]:
            chars = sum(len(ln.text) for ln in rendering.lines_of(el) or ())
            if chars > best_chars:
                best, best_chars = el, chars
        # Specific CMS containers may hold a one-line notice; a generic
        # ".content"/"#content" needs real text to be believed.
        if best is not None and best_chars >= (1 if rank < _GENERIC_RANK else _MIN_CHARS):
            return best
    return None


def _density_container(lines: list[Line]) -> etree._Element | None:
    """The element collecting the most non-link paragraph text (parent gets half)."""
    scores: dict[int, float] = {}
    elements: dict[int, etree._Element] = {}
    for line in lines:
        if line.noise or line.link_ratio > 0.3 or len(line.text) < 12:
            continue
        # Prose (with Chinese punctuation) counts fully; date-stamped lines
        # (comment headers, lists) do not count.
        weight = float(len(line.text))
        if not _PROSE.search(line.text):
            weight *= 0.4
        dates = find_dates(line.text)
        if dates and dates[0].has_time:
            continue
        node = line.block
        for factor in (1.0, 1.0, 0.5):
            node = node.getparent()
            if node is None or not isinstance(node.tag, str) or node.tag in ("body", "html"):
                break
            scores[id(node)] = scores.get(id(node), 0.0) + weight * factor
            elements[id(node)] = node
    if not scores:
        return None
    return elements[max(scores, key=scores.__getitem__)]


def find_body(html: str, rendering: Rendering) -> tuple[etree._Element | None, str]:
    """Return ``(container, how)`` where how is "hanweb", "known", "density" or ""."""
    frag = hanweb_fragment(html)
    if frag is not None and render_lines(frag):
        return frag, "hanweb"
    known = _known_container(rendering)
    if known is not None:
        return known, "known"
    dense = _density_container(rendering.lines)
    if dense is not None:
        return dense, "density"
    return None, ""


def _is_lead_furniture(line: Line, title: str) -> bool:
    """Title, date/source line, breadcrumbs or share buttons before the body proper."""
    text = line.text
    if (
        title
        and len(text) >= 6
        and (text in title or (title in text and len(text) <= len(title) + 12))
    ):
        return True
    if len(text) <= 80:
        found = find_dates(text)
        if found and (
            found[0].has_time
            or _LEAD_META.search(text)
            or found[0].end - found[0].start >= len(text) // 2
        ):
            return True
        if len(text) <= 40 and any(m.has_time for m in find_yearless(text)):
            return True
    if len(text) <= 40 and _LEAD_META.search(text) and not text.endswith(("。", "！", "？")):
        return True
    if len(text) <= 20 and line.link_ratio > 0.5:
        return True
    return all(word in _UI_WORDS for word in text.split())


def body_text(
    container: etree._Element | None,
    title: str = "",
    rendering: Rendering | None = None,
    date_line: int | None = None,
) -> str:
    """Render a body container to paragraphs separated by "\\n".

    Lines already rendered for the whole page are reused when available; when the
    page's date line (an index into them) is among the container's first lines,
    the body starts after it (what comes before is the headline block).
    """
    if container is None:
        return ""
    lines = rendering.lines_of(container) if rendering is not None else None
    if lines is None:
        lines = render_lines(container, drop_noise=True)
    elif date_line is not None and lines:
        head = date_line - lines[0].index
        if 0 <= head < min(_HEAD_LINES, len(lines) - 1):
            lines = lines[head + 1 :]
    out: list[str] = []
    lead = True
    for line in lines:
        if lead and _is_lead_furniture(line, title):
            continue
        lead = False
        text = line.text
        if _CUTOFF.match(text):
            break
        if _DROP_LINE.match(text) or (line.link_ratio >= 0.95 and len(text) < 50):
            continue  # share/print furniture, or a whole-line link (related item)
        if all(word in _UI_WORDS for word in text.split()):
            continue
        text = _TRAILING_FURNITURE.sub("", text).strip()
        if not text:
            continue
        out.append(text)
    return "\n".join(out)
