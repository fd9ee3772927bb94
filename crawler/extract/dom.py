"""DOM helpers for the article extractor: parsing, visibility, and "lines".

A page is rendered once into a list of :class:`Line` objects, roughly what a
reader sees as separate lines: block elements (``p``, ``div``, ``li``, ``tr``,
``br`` …) break lines, inline elements do not, table cells in one row share a
line.  Each line remembers its block element and whether it sits in a link, a
list item, or a zone such as comments, related news, navigation or footer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from crawler.extract.limits import MAX_TEXT_CHARS, TEXT_CUT, flatten_deep

__all__ = [
    "Line",
    "Rendering",
    "render",
    "parse_document",
    "parse_page",
    "parse_fragment",
    "fold",
    "fold_title",
    "is_hidden",
    "is_noise_zone",
    "render_lines",
]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


BLOCK_TAGS = _words(
    "p div li ul ol h1 h2 h3 h4 h5 h6 tr table tbody thead tfoot section article "
    "header footer aside nav dl dt dd blockquote pre form center main figure "
    "figcaption address hr fieldset caption details summary"
)
CELL_TAGS = frozenset(("td", "th"))
SKIP_TAGS = _words(
    "script style noscript template head title select option textarea button iframe "
    "svg canvas object embed audio video map xml input meta link"
)
HEADING_TAGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))

# Whitespace, zero-width characters and stray control characters all fold to a space.
_WS = re.compile(r"[\s\u00a0\u3000\u200b\u200c\u200d\ufeff\x00-\x08\x7f\ufffe]+")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_HIDDEN_CLASSES = frozenset(("ng-hide", "hidden", "hide-all", "sr-only"))
_TOKEN_SPLIT = re.compile(r"[\s_\-]+")
# class/id tokens (prefix match) marking page furniture rather than the article.
_NOISE_PREFIXES = (
    "comment",
    "related",
    "relate",
    "xgxw",
    "xgwz",
    "xglj",
    "xgyd",
    "recommend",
    "tuijian",
    "hot",
    "rank",
    "footer",
    "foot",
    "copyright",
    "sidebar",
    "side",
    "aside",
    "breadcrumb",
    "crumb",
    "nav",
    "menu",
    "login",
    "banner",
    "tie",
    "reply",
    "pinglun",
    "advert",
    "gotop",
    "weixin",
    "qrcode",
    "ewm",
)
_NOISE_EXACT = frozenset(("ad", "ads", "pl", "xg", "fx", "wx"))
# Pasted Word markup that leaks into page text.
_WORD_JUNK = re.compile(
    r"(?:\b(?:Administrator|Normal|aaa)\b[\s\S]{0,400}?)?"
    r"\bMicrosoftInternetExplorer4\b[\s\S]{0,300}?(?=[\u4e00-\u9fff]{4}|$)"
)
_HIDDEN_CLASS_HINT = re.compile(r"hid|sr-only")
_CONTAINER_HINT = re.compile(r"trs_editor|ucap|show_|content|zoom|detail|rm_txt|left_zw")
_TITLE_ATTRS = re.compile(r"tit|biaoti|headline|content_sec|(?:^|\s)d?bt(?:\s|$)")
# class/id of an element holding a date: pubtime, news-date, publish_time, fbsj (发布时间), rq …
_DATE_HINT = re.compile(
    r"time|date|publish|fbsj|fbrq|riqi|shijian|(?:^|[\s_-])(?:rq|sj|pub)(?:$|[\s_-])"
)
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_DIGIT_GAP = re.compile(rf"(?<=\d)[\u3000\r\n][\s\u3000]*(?=[{_CJK}])")


# huge_tree lifts libxml2's 10 MB text-node limit (past it the node, and the body,
# was dropped) and its 256-level nesting limit (2,048 instead); page size is bounded
# before parsing (crawler.extract.limits), so nothing here can grow without bound.
_PARSER = etree.HTMLParser(
    remove_comments=False, no_network=True, default_doctype=False, huge_tree=True
)


def parse_fragment(html: str) -> etree._Element | None:
    """Parse an HTML fragment into a ``<div>`` holding it (comments dropped)."""
    try:
        doc = etree.fromstring(f"<html><body><div>{html}</div></body></html>", _PARSER)
    except (etree.ParserError, ValueError):
        return None
    if doc is None:
        return None
    etree.strip_tags(doc, etree.Comment, etree.ProcessingInstruction)
    return doc.find("body/div")


@dataclass(slots=True)
class Line:
    """One visible line of the page."""

    text: str
    block: etree._Element
    index: int
    link_chars: int = 0
    noise: bool = False
    in_li: bool = False
    # Some text of the line sits in an element marked as a date (class/id "time",
    # "date", "publish" …, a <time>, itemprop=datePublished).
    date_hint: bool = False

    @property
    def link_ratio(self) -> float:
        """Share of the line's characters that are link text."""
        return self.link_chars / max(1, len(self.text))


def fold(text: str | None) -> str:
    """Collapse all whitespace (incl. ``\\u3000``, ``&nbsp;``, tabs, newlines) to one space."""
    if not text:
        return ""
    return _WS.sub(" ", text).strip()


def fold_title(text: str | None) -> str:
    """Fold a title: like :func:`fold`, but ``2007\\u3000年末`` becomes ``2007年末``."""
    if not text:
        return ""
    return fold(_DIGIT_GAP.sub("", text))


def parse_document(html: str) -> etree._Element | None:
    """Parse HTML text into an lxml tree; None if there is nothing to parse."""
    html = _XML_DECL.sub("", html or "", count=1)
    if not html.strip():
        return None
    try:
        # Plain lxml elements (not lxml.html's HtmlElement classes): the proxies
        # are cheaper to create, and nothing here needs the HtmlElement API.
        root = etree.fromstring(html, _PARSER)
    except (etree.ParserError, ValueError):
        return None
    if root is None:
        return None
    # A stray early "</html>" makes libxml2 start a second top-level <html>
    # (seen on www.gov.cn); fold such siblings back into the first one's body.
    extra = [s for s in root.itersiblings() if isinstance(s.tag, str)]
    if extra:
        body = root.find("body")
        target = body if body is not None else root
        for sib in extra:
            for child in list(sib):
                target.append(child)
    # Comments would hide their tail text from the walker (Hanweb wraps values
    # in <!-- 文章来源 begin --> … markers); drop them, keeping the text.
    etree.strip_tags(root, etree.Comment, etree.ProcessingInstruction)
    return root


def _too_deep() -> bool:
    """True when the last parse stopped at libxml2's nesting limit (a fatal, last error)."""
    last = _PARSER.error_log.last_error
    return last is not None and last.type_name == "ERR_RESOURCE_LIMIT" and "depth" in last.message


def parse_page(html: str) -> tuple[etree._Element | None, list[str]]:
    """Parse a whole page, unwrapping nesting the parser cannot take; ``(root, warnings)``.

    libxml2 gives up at 2,048 nested elements and drops the rest of the page; then
    the page is parsed again with elements deeper than
    :data:`crawler.extract.limits.FLATTEN_DEPTH` unwrapped (their text kept).
    """
    root = parse_document(html)
    if root is None or not _too_deep():
        return root, []
    flat, warnings = flatten_deep(html)
    if warnings:
        again = parse_document(flat)
        if again is not None:
            root = again
    return root, warnings


def is_hidden(el: etree._Element) -> bool:
    """True if the element is hidden by inline style, ``hidden`` or a hiding class."""
    style = el.get("style")
    if style and _HIDDEN_STYLE.search(style):
        return True
    if el.get("hidden") is not None:
        return True
    cls = el.get("class")
    return bool(cls) and any(c in _HIDDEN_CLASSES for c in cls.lower().split())


def _noise_attrs(attrs: str) -> bool:
    for tok in _TOKEN_SPLIT.split(attrs):
        if tok and (tok in _NOISE_EXACT or tok.startswith(_NOISE_PREFIXES)):
            return True
    return False


def is_noise_zone(el: etree._Element) -> bool:
    """True if class/id mark comments, related news, navigation, footer, sharing …"""
    return _noise_attrs(f"{el.get('class') or ''} {el.get('id') or ''}".lower())


def _container_rank(tag: str, cls: str, ident: str) -> int | None:
    """Rank of a known CMS body container (lower is more specific), or None."""
    if "trs_editor" in cls:
        return 0
    if ident == "ucap-content" or tag == "ucapcontent":
        return 1
    for rank, key in enumerate(
        ("g_show_article", "show_content", "art-content", "article-content"), start=2
    ):
        if key in cls or key == ident:
            return rank
    if ident == "article_content":
        return 6
    if ident == "zoom":
        return 7
    if ident in ("detailcontent", "detail"):
        return 8
    for rank, key in enumerate(
        (
            "article_content",
            "articlecontent",
            "detailcon",
            "detail-content",
            "rm_txt_con",
            "left_zw",
        ),
        start=9,
    ):
        if key in cls:
            return rank
    if ident == "content":
        return 15
    if "content" in cls.split():
        return 16
    return None


def _is_title_like(tag: str, attrs: str) -> bool:
    if tag in HEADING_TAGS:
        return True
    if tag in ("a", "body", "html") or not attrs.strip():
        return False
    return bool(_TITLE_ATTRS.search(attrs))


@dataclass
class Rendering:
    """Lines of a subtree plus what was noticed on the way."""

    lines: list[Line]
    # id(element) -> (element, first line index, end line index) for block elements
    spans: dict[int, tuple[etree._Element, int, int]]
    titles: list[etree._Element]
    containers: list[tuple[int, etree._Element]]
    warnings: list[str] = field(default_factory=list)

    def lines_of(self, el: etree._Element) -> list[Line] | None:
        """The lines of a block element seen during this rendering, or None."""
        span = self.spans.get(id(el))
        return None if span is None else self.lines[span[1] : span[2]]


def render(root: etree._Element, *, drop_noise: bool = False) -> Rendering:
    """Render ``root`` into visible lines.

    Skips scripts, styles, form controls, comments, hidden elements and Word
    ``o:p``-style tags.  With ``drop_noise`` the subtrees of noise zones (see
    :func:`is_noise_zone`) below ``root`` are skipped too; otherwise their lines
    are kept and flagged.  Title-like elements and known body containers met on
    the way are collected.
    """
    lines: list[Line] = []
    spans: dict[int, tuple[etree._Element, int, int]] = {}
    titles: list[etree._Element] = []
    containers: list[tuple[int, etree._Element]] = []
    pieces: list[str] = []
    cut: list[int] = []  # lengths of text nodes cut to MAX_TEXT_CHARS
    state: dict = {
        "link": 0,
        "block": root,
        "has_text": False,
        "noise": False,
        "li": False,
        "hint": False,
    }
    # Stack entries: (element, is_block, noise, in_link, in_li, first line, date hint,
    # innermost block element open).
    base = (root, True, False, False, False, 0, False, root)
    stack: list[tuple[etree._Element, bool, bool, bool, bool, int, bool, etree._Element]] = []

    def flush() -> None:
        if not pieces:
            return
        text = fold("".join(pieces))
        if "MicrosoftInternetExplorer4" in text:
            text = fold(_WORD_JUNK.sub(" ", text))
        if text:
            lines.append(
                Line(
                    text=text,
                    block=state["block"],
                    index=len(lines),
                    link_chars=min(state["link"], len(text)),
                    noise=state["noise"],
                    in_li=state["li"],
                    date_hint=state["hint"],
                )
            )
        pieces.clear()
        state["link"] = 0
        state["has_text"] = False
        state["hint"] = False

    def add(text: str | None, entry: tuple) -> None:
        if not text:
            return
        if len(text) > MAX_TEXT_CHARS:
            cut.append(len(text))
            text = text[:MAX_TEXT_CHARS]
        if not state["has_text"] and not text.isspace():
            # The line's owner is the innermost block open when text starts.
            state["block"] = entry[7]
            state["has_text"] = True
            state["noise"], state["li"] = entry[2], entry[4]
        pieces.append(text)
        if entry[6] and not text.isspace():
            state["hint"] = True
        if entry[3]:
            state["link"] += len(text.strip())

    walker = etree.iterwalk(root, events=("start", "end"))
    for event, el in walker:
        tag = el.tag
        if event == "start":
            parent = stack[-1] if stack else base
            if not isinstance(tag, str) or tag in SKIP_TAGS or ":" in tag:
                walker.skip_subtree()
                stack.append((el, False, *parent[2:5], -1, *parent[6:8]))
                continue
            cls = el.get("class")
            ident = el.get("id")
            style = el.get("style")
            noise = parent[2]
            hint = parent[6] or tag == "time" or el.get("itemprop") == "datePublished"
            if cls or ident or style or el.get("hidden") is not None:
                lcls = cls.lower() if cls else ""
                if (
                    (style and _HIDDEN_STYLE.search(style))
                    or el.get("hidden") is not None
                    or (lcls and _HIDDEN_CLASS_HINT.search(lcls) and is_hidden(el))
                ):
                    walker.skip_subtree()
                    stack.append((el, False, *parent[2:5], -1, *parent[6:8]))
                    continue
                lid = ident.lower() if ident else ""
                attrs = f"{lcls} {lid}"
                if el is not root and not noise and (lcls or lid):
                    noise = _noise_attrs(attrs)
                    if drop_noise and noise:
                        walker.skip_subtree()
                        stack.append((el, False, noise, *parent[3:5], -1, *parent[6:8]))
                        continue
                if not noise and (lcls or lid):
                    if _CONTAINER_HINT.search(attrs):
                        rank = _container_rank(tag, lcls, lid)
                        if rank is not None:
                            containers.append((rank, el))
                    if _is_title_like(tag, attrs):
                        titles.append(el)
                    if not hint and _DATE_HINT.search(attrs):
                        hint = True
                elif not noise and tag in HEADING_TAGS:
                    titles.append(el)
            elif tag in HEADING_TAGS and not noise:
                titles.append(el)
            elif tag == "ucapcontent":
                containers.append((1, el))
            is_block = tag in BLOCK_TAGS
            if is_block or tag == "br":
                flush()
            elif tag in CELL_TAGS:
                pieces.append(" ")
            entry = (
                el,
                is_block,
                noise,
                parent[3] or tag == "a",
                parent[4] or tag == "li",
                len(lines),
                hint,
                el if is_block else parent[7],
            )
            stack.append(entry)
            if tag == "br":
                continue
            add(el.text, entry)
        else:
            entry = stack[-1]
            if entry[1]:
                flush()
                spans[id(el)] = (el, entry[5], len(lines))
            stack.pop()
            if el is not root:
                add(el.tail, stack[-1] if stack else base)
    flush()
    warnings = [
        f"{TEXT_CUT}: a text node of {n:,} characters cut to {MAX_TEXT_CHARS:,}" for n in cut[:3]
    ]
    return Rendering(lines, spans, titles, containers, warnings)


def render_lines(root: etree._Element, *, drop_noise: bool = False) -> list[Line]:
    """The visible lines of ``root`` (see :func:`render`)."""
    return render(root, drop_noise=drop_noise).lines
