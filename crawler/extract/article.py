"""Article extraction: page -> title, publish time, source, body, warnings.

Order of evidence for each field:

* title: configured selector → ``ArticleTitle`` meta → the article's own
  heading (best match to ``<title>``, just above the date line) → ``<title>``
  without the site suffix;
* published_at: configured selector → the visible date line weighed against
  meta ``PubDate``/``publishdate``/``firstpublishedtime``/… (the visible date
  wins a disagreement: ``PubDate`` is sometimes the page regeneration time) →
  a date in the URL;
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
from crawler.extract.dateline import choose_published, find_source
from crawler.extract.dates import date_from_url, parse_meta_date
from crawler.extract.dom import fold, fold_title, parse_document, render, render_lines
from crawler.extract.encoding import decode_html
from crawler.extract.title import (
    find_headings,
    page_title,
    read_meta,
    score_headings,
    strip_site_suffix,
    two_line_title,
)
from crawler.selectors import select

__all__ = ["ArticleSelectors", "Extracted", "extract_article"]


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
    text = decode_html(html, content_type) if isinstance(html, bytes) else html
    sel = selectors or ArticleSelectors()
    warnings: list[str] = []
    root = parse_document(text)
    if root is None:
        guessed = date_from_url(url)
        return Extracted("", guessed, "", "", ["empty or unparseable page"])

    meta = read_meta(root)
    rendering = render(root, drop_noise=True)
    lines = rendering.lines
    doc_title = page_title(root)
    site_names = tuple(meta.get(k, "") for k in ("sitename", "og:site_name", "columnname"))
    stripped = strip_site_suffix(doc_title, site_names) if doc_title else ""
    references = [r for r in (meta.get("articletitle"), meta.get("og:title"), doc_title) if r]
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
        published, date_line = choose_published(meta, lines, title_line, url, warnings)

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
    if not title and stripped:
        title = stripped
        warnings.append("no article heading; used <title> without the site suffix")
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
    body = body_text(container, title, rendering)
    if container is not None and not body:
        warnings.append("body container is empty")

    return Extracted(
        title=title, published_at=published, source=source, body=body, warnings=warnings
    )
