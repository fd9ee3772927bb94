"""Article extraction: page -> title, publish time, source, body, warnings.

Before parsing, a page is bounded (:mod:`crawler.extract.limits`): cut to 4 MB and
60,000 tags, tags to 100 attributes, nesting unwrapped past what the parser takes;
it is decoded by what its bytes are (:mod:`crawler.extract.encoding`). What was cut
or mis-declared is said in ``warnings``; :func:`warning_kind` names the kind, for
counting.

Order of evidence for each field:

* title: configured selector → ``ArticleTitle`` meta → the article's own
  heading (best match to ``<title>``/``og:title``, just above the date line; a
  strong h1/h2/title-class heading when no reference matches; buttons and date
  lines inside it left out) → ``<title>`` without the site suffix, unless it only
  names a column (要闻, 通知公告) → the line above the date line → that ``<title>``;
* published_at: configured selector → the visible date line weighed against
  meta ``PubDate``/``publishdate``/``article:published_time``/``og:time``/JSON-LD/
  ``<time datetime>``/… (the visible date wins a disagreement when strong:
  ``PubDate`` is sometimes the page regeneration time) → a date shown without a
  year, completed from the meta or the URL → a date in page scripts → a date in
  the URL (only one that names the day); an explicit zone is honoured, none means
  Asia/Shanghai;
* source: ``ContentSource`` meta and the visible 来源 line (the visible one
  wins when longer or more specific);
* body: configured selector → known CMS containers → text-density fallback.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from lxml import etree
from parsel import Selector

from crawler.extract.body import body_text, find_body
from crawler.extract.dateline import choose_published, find_source, structured_dates
from crawler.extract.dates import parse_meta_date, url_date
from crawler.extract.dom import fold, fold_title, parse_page, render, render_lines
from crawler.extract.encoding import CHARSET_MISMATCH, UNDECODABLE, byte_order, decode_page
from crawler.extract.limits import (
    ATTRIBUTES_CUT,
    NESTING_FLATTENED,
    PAGE_CUT,
    TEXT_CUT,
    cap_bytes,
    cap_tags,
    cap_text,
    trim_attributes,
)
from crawler.extract.title import (
    find_headings,
    is_column_name,
    page_title,
    read_meta,
    score_headings,
    strip_site_suffix,
    title_above,
    two_line_title,
)
from crawler.selectors import select

__all__ = ["ArticleSelectors", "Extracted", "extract_article", "warning_kind", "WARNING_KINDS"]

# Warnings worth counting in a crawl, by their stable prefix -> counter name.
WARNING_KINDS = {
    CHARSET_MISMATCH: "charset_mismatch",
    UNDECODABLE: "undecodable_bytes",
    PAGE_CUT: "page_cut",
    ATTRIBUTES_CUT: "attributes_cut",
    NESTING_FLATTENED: "nesting_flattened",
    TEXT_CUT: "text_cut",
}


def warning_kind(warning: str) -> str | None:
    """The counter name of an extraction warning (``"page_cut"`` …), or None."""
    prefix = warning.split(":", 1)[0]
    return WARNING_KINDS.get(prefix)


@dataclass
class ArticleSelectors:
    """Per-source selectors; CSS, or XPath when starting with "/" or "("."""

    title: str | None = None
    date: str | None = None
    source: str | None = None
    body: str | None = None


@dataclass
class Extracted:
    """What :func:`extract_article` found on a page."""

    title: str
    published_at: datetime | None
    source: str
    body: str
    warnings: list[str] = field(default_factory=list)


def _select(root: etree._Element, query: str | None) -> list[etree._Element | str]:
    """The configured selector's matches (an invalid one raises :class:`InvalidSelector`:
    the config loader checks every selector, so only a hand-built one can be)."""
    if not query:
        return []
    return [r.root for r in select(Selector(root=root, type="html"), query)]


def _selected_text(items: list[etree._Element | str]) -> str:
    parts: list[str] = []
    for item in items:
        if isinstance(item, str):
            parts.append(item)
        elif isinstance(item.tag, str):
            parts.append(" ".join(ln.text for ln in render_lines(item)))
    return fold(" ".join(parts))


def _clean_meta_source(value: str) -> str:
    value = fold(value)
    for prefix in ("来源：", "来源:", "来源"):
        if value.startswith(prefix):
            value = value[len(prefix) :].strip()
    return value


def _page_text(html: str | bytes, content_type: str | None) -> tuple[str, list[str]]:
    """The page as text, within the size and attribute bounds, and what was done to it."""
    if isinstance(html, bytes):
        wide = byte_order(html)
        unit = 4 if wide and "32" in wide else 2 if wide else 1
        body, warnings = cap_bytes(html, unit=unit)
        decoded = decode_page(body, content_type)
        text = decoded.text
        warnings += decoded.warnings
    else:
        text, warnings = cap_text(html or "")
    text, cut = cap_tags(text)
    text, trimmed = trim_attributes(text)
    return text, warnings + cut + trimmed


def extract_article(
    html: str | bytes,
    url: str = "",
    *,
    content_type: str | None = None,
    selectors: ArticleSelectors | None = None,
) -> Extracted:
    """Extract title, publish time (Asia/Shanghai), source, body and warnings.

    ``html`` may be bytes (decoded with :func:`crawler.extract.encoding.decode_html`,
    using ``content_type`` when given).  Never raises on malformed pages; what
    could not be found is empty and explained in ``warnings``.
    """
    text, warnings = _page_text(html, content_type)
    sel = selectors or ArticleSelectors()
    root, parse_warnings = parse_page(text)
    warnings += parse_warnings
    if root is None:
        guessed = url_date(url)
        day = guessed[0] if guessed and guessed[1] else None
        return Extracted("", day, "", "", [*warnings, "empty or unparseable page"])

    meta = read_meta(root)
    rendering = render(root, drop_noise=True)
    warnings += rendering.warnings
    lines = rendering.lines
    doc_title = page_title(root)
    site_names = tuple(meta.get(k, "") for k in ("sitename", "og:site_name", "columnname"))
    stripped = strip_site_suffix(doc_title, site_names) if doc_title else ""
    column_title = bool(stripped) and is_column_name(stripped, root, text)
    references = [meta["articletitle"]] if meta.get("articletitle") else []
    og_title = meta.get("og:title")
    if og_title and not is_column_name(strip_site_suffix(og_title, site_names), root, text):
        references.append(og_title)
    if doc_title and not column_title:
        references.append(doc_title)
    headings = find_headings(rendering)

    # Title, pass 1 (no date known yet) gives the anchor for date scoring.
    anchor = score_headings(headings, lines, references, None)
    title_line = anchor.line_index if anchor else None

    # Publish time.
    published: datetime | None = None
    date_line: int | None = None
    if sel.date:
        raw = _selected_text(_select(root, sel.date))
        parsed = parse_meta_date(raw)
        published = parsed[0] if parsed else None
        if published is None:
            warnings.append(f"date selector {sel.date!r} matched no date")
    if published is None:
        dated = {**meta, **structured_dates(root, text)}
        published, date_line = choose_published(dated, lines, title_line, url, warnings)

    # Title, pass 2.
    title = ""
    if sel.title:
        title = fold_title(_selected_text(_select(root, sel.title)))
        if not title:
            warnings.append(f"title selector {sel.title!r} matched nothing")
    if not title:
        title = fold_title(meta.get("articletitle"))
    if not title:
        best = score_headings(headings, lines, references, date_line)
        if best is not None:
            title = two_line_title(best)
            title_line = best.line_index
    if not title and stripped and not column_title:
        title = stripped
        warnings.append("no article heading; used <title> without the site suffix")
    if not title and date_line is not None:
        title = title_above(lines, date_line)
        if title:
            warnings.append("no article heading; used the line above the date")
    if not title and stripped:
        title = stripped
        warnings.append("no article heading; used <title>, which names a column")
    if not title:
        warnings.append("no title found")

    # Source.
    source = ""
    if sel.source:
        source = _selected_text(_select(root, sel.source))
    if not source:
        meta_source = _clean_meta_source(
            meta.get("contentsource") or meta.get("source") or meta.get("og:source") or ""
        )
        visible = find_source(lines, date_line if date_line is not None else title_line)
        if visible and (
            not meta_source or len(visible) > len(meta_source) or meta_source in visible
        ):
            source = visible
        else:
            source = meta_source

    # Body.
    container = None
    if sel.body:
        found = [x for x in _select(root, sel.body) if not isinstance(x, str)]
        container = found[0] if found else None
        if container is None:
            warnings.append(f"body selector {sel.body!r} matched nothing")
    if container is None:
        container, how = find_body(text, rendering)
        if how == "density":
            warnings.append("no body container; used text-density fallback")
        elif not how:
            warnings.append("no body found")
    body = body_text(container, title, rendering, date_line)
    if container is not None and not body:
        warnings.append("body container is empty")

    return Extracted(
        title=title, published_at=published, source=source, body=body, warnings=warnings
    )
