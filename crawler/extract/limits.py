"""Bounds on the work one page can cause: its size, attributes per tag, nesting, text.

Each function takes a page (bytes or text) and returns it, reduced where it is over a
bound, with a warning for :attr:`crawler.extract.Extracted.warnings` saying what was cut.
Every step here is linear in the size of the page, so a hostile page costs about as
much as an ordinary one of the same size:

* :func:`cap_bytes` / :func:`cap_text`: the page is cut to :data:`MAX_PAGE_BYTES`
  (scripts and styles removed first, so the article's text goes further), because
  parsing a dense page takes ~15 times its size in memory; :func:`cap_tags` cuts it
  after :data:`MAX_TAGS` tags, as every element costs time to render;
* :func:`trim_attributes`: libxml2 checks each new attribute of a tag against all the
  earlier ones (time grows with the square of their number: 250,000 attributes took
  minutes), so a tag keeps its first :data:`MAX_ATTRIBUTES`;
* :func:`flatten_deep`: libxml2 stops at 2,048 nested elements and drops the rest of
  the page, so elements nested deeper than :data:`FLATTEN_DEPTH` are unwrapped (their
  text stays, in their ancestor);
* the renderer cuts a single text node at :data:`MAX_TEXT_CHARS`.

The warning texts start with the constants below, so the crawl can count them.
"""

from __future__ import annotations

import re
from typing import AnyStr

__all__ = [
    "PAGE_CUT",
    "ATTRIBUTES_CUT",
    "NESTING_FLATTENED",
    "TEXT_CUT",
    "MAX_PAGE_BYTES",
    "MAX_TAGS",
    "MAX_ATTRIBUTES",
    "FLATTEN_DEPTH",
    "MAX_TEXT_CHARS",
    "cap_bytes",
    "cap_text",
    "cap_tags",
    "trim_attributes",
    "flatten_deep",
]

# Warning prefixes, stable so the crawl can count them.
PAGE_CUT = "page cut"
ATTRIBUTES_CUT = "attributes cut"
NESTING_FLATTENED = "nesting flattened"
TEXT_CUT = "text cut"

MAX_PAGE_BYTES = 4 * 1024 * 1024
# Real article pages have a few thousand tags (the largest saved one, 6,663).
MAX_TAGS = 60_000
MAX_ATTRIBUTES = 100
FLATTEN_DEPTH = 200
MAX_TEXT_CHARS = 1_000_000

# How close to the cut a "<" is looked for, so the cut falls between tags (and never
# inside a GBK/Big5/UTF-8 character: "<" is never part of a multi-byte one).
_CUT_SEARCH = 64 * 1024

_SCRIPT_OPEN = re.compile(r"<(script|style)\b([^<>]*+)>", re.I)
_SCRIPT_OPEN_B = re.compile(rb"<(script|style)\b([^<>]*+)>", re.I)
_KEEP_SCRIPT = re.compile(r"ld\+json", re.I)
_KEEP_SCRIPT_B = re.compile(rb"ld\+json", re.I)
_CLOSERS = {n: re.compile(f"</{n}", re.I) for n in ("script", "style")}
_CLOSERS_B = {n.encode(): re.compile(f"</{n}".encode(), re.I) for n in ("script", "style")}

# One attribute as libxml2 reads it: a name, then maybe "=" and a quoted or bare
# value. Possessive quantifiers: no backtracking, so a match costs its length.
_ATTR = r"""[\s/]*+[^\s/>=]++(?:\s*+=\s*+(?:"[^"]*+"|'[^']*+'|[^\s>]*+))?+"""
_TAG_START = r"<[A-Za-z][^\s/>]*+"
_MANY = rf"{_TAG_START}(?:{_ATTR}){{{MAX_ATTRIBUTES + 1},}}+"
_FIRST = rf"{_TAG_START}(?:{_ATTR}){{{MAX_ATTRIBUTES}}}+"
# (pattern for str, pattern for bytes): attributes are trimmed in the bytes of a page
# that is over the size bound before it is cut, so a tag of many attributes cannot push
# the article's text past the cut.
_MANY_ATTRS = (re.compile(_MANY), re.compile(_MANY.encode()))
_FIRST_ATTRS = (re.compile(_FIRST), re.compile(_FIRST.encode()))
_ANY_ATTR = (re.compile(_ATTR), re.compile(_ATTR.encode()))
_TAG_NAME = (re.compile(_TAG_START), re.compile(_TAG_START.encode()))

_TAG = re.compile(r"<(/?)([A-Za-z][\w:-]*)([^<>]*+)>")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_VOID = _words(
    "area base basefont br col embed frame hr img input keygen link meta param source track wbr"
)
_BLOCKS = _words(
    "p div li ul ol table tr td th section article header footer aside nav dl dt dd "
    "blockquote pre form center main figure h1 h2 h3 h4 h5 h6"
)
# How far down the stack a closing tag looks for its opening tag.
_CLOSE_SEARCH = 64


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB"


def _without_scripts(text, opener: re.Pattern, keep: re.Pattern, closers: dict):
    """``text`` with the contents of <script>/<style> removed (JSON-LD kept).

    Linear: each opening tag is found once and its end searched from there; an
    unclosed one ends the search.
    """
    out = []
    pos = 0
    while (m := opener.search(text, pos)) is not None:
        if keep.search(m.group(2)):
            out.append(text[pos : m.end()])
            pos = m.end()
            continue
        end = closers[m.group(1).lower()].search(text, m.end())
        if end is None:
            break
        out.append(text[pos : m.end()])
        pos = end.start()
    out.append(text[pos:])
    return text[:0].join(out)


def _cut_at_tag(text, limit: int, lt):
    """``text[:limit]``, moved back to just before a ``<`` when one is near."""
    if len(text) <= limit:
        return text
    at = text.rfind(lt, max(0, limit - _CUT_SEARCH), limit)
    return text[: at if at > 0 else limit]


def cap_bytes(
    body: bytes, limit: int = MAX_PAGE_BYTES, *, unit: int = 1
) -> tuple[bytes, list[str]]:
    """Cut a page's bytes to ``limit`` (scripts and styles dropped first when over it).

    ``unit`` is the code unit of a UTF-16 (2) or UTF-32 (4) page: such a page is
    cut at a multiple of it, as it is (its scripts cannot be found as bytes).
    """
    if len(body) <= limit:
        return body, []
    if unit > 1:
        cut = body[: limit - limit % unit]
        return cut, [f"{PAGE_CUT}: {_mb(len(body))} page cut to its first {_mb(len(cut))}"]
    size = len(body)
    body, trimmed = trim_attributes(body)
    # Only the first part can survive the cut, so only that is looked at.
    window = _without_scripts(body[: 2 * limit], _SCRIPT_OPEN_B, _KEEP_SCRIPT_B, _CLOSERS_B)
    cut = _cut_at_tag(window, limit, b"<")
    if len(cut) == len(window) and len(body) <= 2 * limit:
        return cut, trimmed  # it fits once its scripts and extra attributes are gone
    return cut, [*trimmed, f"{PAGE_CUT}: {_mb(size)} page cut to its first {_mb(len(cut))}"]


def cap_text(html: str, limit: int = MAX_PAGE_BYTES) -> tuple[str, list[str]]:
    """Like :func:`cap_bytes` for a page given as text (``limit`` in characters)."""
    if len(html) <= limit:
        return html, []
    window = _without_scripts(html[: 2 * limit], _SCRIPT_OPEN, _KEEP_SCRIPT, _CLOSERS)
    cut = _cut_at_tag(window, limit, "<")
    if len(cut) == len(window) and len(html) <= 2 * limit:
        return cut, []
    return cut, [f"{PAGE_CUT}: page of {len(html):,} characters cut to its first {len(cut):,}"]


def cap_tags(html: str, limit: int = MAX_TAGS) -> tuple[str, list[str]]:
    """Cut a page after its first ``limit`` tags (each element costs time to render)."""
    if len(html) <= limit:
        return html, []  # fewer characters than that cannot hold more tags
    total = html.count("<")
    if total <= limit:
        return html, []
    at = -1
    for _ in range(limit + 1):
        at = html.find("<", at + 1)
    return html[:at], [f"{PAGE_CUT}: page of {total:,} tags cut after its first {limit:,}"]


def trim_attributes(html: AnyStr) -> tuple[AnyStr, list[str]]:
    """Keep the first :data:`MAX_ATTRIBUTES` attributes of every tag (text or bytes)."""
    kind = isinstance(html, bytes)
    most = 0

    def trim(m: re.Match) -> AnyStr:
        nonlocal most
        tag = m.group(0)
        name_end = _TAG_NAME[kind].match(tag)
        attrs = _ANY_ATTR[kind].findall(tag, name_end.end() if name_end else 0)
        most = max(most, len(attrs))
        first = _FIRST_ATTRS[kind].match(tag)
        return first.group(0) if first else tag

    out = _MANY_ATTRS[kind].sub(trim, html)
    if not most:
        return html, []
    return out, [
        f"{ATTRIBUTES_CUT}: a tag with {most:,} attributes kept its first {MAX_ATTRIBUTES}"
    ]


def flatten_deep(html: str, depth: int = FLATTEN_DEPTH) -> tuple[str, list[str]]:
    """Unwrap elements nested more than ``depth`` deep; their text stays in place.

    Nesting is followed approximately (void elements and ``/>`` do not nest; a
    closing tag closes its nearest open namesake), which is enough: this only runs
    on a page the parser gave up on. A dropped block tag becomes ``<br>`` so its
    text still starts a line.
    """
    stack: list[tuple[str, bool]] = []
    out: list[str] = []
    pos = dropped = 0
    for m in _TAG.finditer(html):
        closing, name, rest = m.group(1), m.group(2).lower(), m.group(3)
        keep = True
        if not closing:
            if name not in _VOID and not rest.endswith("/"):
                keep = len(stack) < depth
                stack.append((name, keep))
        else:
            for i in range(len(stack) - 1, max(-1, len(stack) - 1 - _CLOSE_SEARCH), -1):
                if stack[i][0] == name:
                    keep = stack[i][1]
                    del stack[i:]
                    break
        if not keep:
            out.append(html[pos : m.start()])
            out.append("<br>" if name in _BLOCKS else "")
            pos = m.end()
            dropped += 1
    if not dropped:
        return html, []
    out.append(html[pos:])
    return "".join(out), [
        f"{NESTING_FLATTENED}: {dropped:,} tags nested deeper than {depth} unwrapped"
    ]
