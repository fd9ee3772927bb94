"""Finding a list page's next page: "下一页" links, TRS script pagers, numbered links.

Pure functions of the page's URL, its parsed links and its HTML; the Hanweb datastore
pager, which needs requests of its own, lives in :mod:`spiders.hanweb`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from parsel import Selector
from w3lib.url import canonicalize_url

from spiders import heuristics


def page_links(sel: Selector) -> list[tuple[str, str]]:
    """(href, text-or-title) of every followable <a> on the page, in page order."""
    links = []
    for link in sel.css("a[href]"):
        href = link.attrib.get("href", "").strip()
        if not href or href.startswith(("javascript:", "#", "mailto:")):
            continue
        text = "".join(link.css("::text").getall()).strip() or link.attrib.get("title", "")
        links.append((href, text))
    return links


def next_by_text(base_url: str, links: Iterable[tuple[str, str]]) -> str | None:
    """The target of the first "下一页" / "next" / "›" link, unless it is this page."""
    for href, text in links:
        if heuristics.is_next_text(text):
            url = urljoin(base_url, href)
            if url.split("#", 1)[0] != base_url.split("#", 1)[0]:
                return url
    return None


def _trs_number(html: str, token: str) -> int | None:
    if token.isdigit():
        return int(token)
    match = re.search(heuristics.TRS_VAR.format(name=re.escape(token)), html)
    return int(match[1]) if match else None


def trs_next(current_url: str, html: str) -> str | None:
    """The next TRS page (index_N.html) computed from countPage / createPageHTML, if any."""
    path = urlsplit(current_url).path
    name = path.rsplit("/", 1)[-1]
    ext = name.rsplit(".", 1)[-1] if "." in name else "html"
    stem = "index"
    match = heuristics.TRS_CREATE_PAGE.search(html)
    count = current = None
    if match:
        count, current = _trs_number(html, match[1]), _trs_number(html, match[2])
        stem, ext = match[3], match[4]
    if count is None:
        count_match = heuristics.TRS_COUNT_PAGE.search(html)
        if not count_match:
            return None
        count = int(count_match[1])
    if current is None:
        current_match = heuristics.TRS_CURRENT_PAGE.search(html)
        current = int(current_match[1]) if current_match else 0
    if current + 1 >= count:
        return None
    base = current_url.split("?", 1)[0].rsplit("/", 1)[0]
    return f"{base}/{stem}_{current + 1}.{ext}"


def numbered_candidates(url: str) -> list[str]:
    """URLs that would be the page after ``url`` under the common numbering schemes."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    names = [k for k, _ in query]
    candidates: list[str] = []
    for param in heuristics.PAGE_PARAMS:
        if param in names:
            value = dict(query)[param]
            if not value.isdigit():
                continue
            new = [(k, str(int(v) + 1) if k == param else v) for k, v in query]
            candidates.append(urlunsplit(parts._replace(query=urlencode(new), fragment="")))
            return candidates  # the page's own parameter decides
    for param in heuristics.PAGE_PARAMS:
        new_query = urlencode([*query, (param, "2")])
        candidates.append(urlunsplit(parts._replace(query=new_query, fragment="")))
    directory, _, name = parts.path.rpartition("/")
    match = heuristics.NUMBERED_PAGE.match(name)
    if match:
        stem, ext = match["stem"], match["ext"]
        if match["n"] is not None:
            names_next = [f"{stem}{match['sep']}{int(match['n']) + 1}.{ext}"]
        else:
            names_next = [f"{stem}_1.{ext}", f"{stem}_2.{ext}", f"{stem}-2.{ext}"]
        for next_name in names_next:
            path = f"{directory}/{next_name}"
            candidates.append(urlunsplit(parts._replace(path=path, query="", fragment="")))
    return candidates


def numbered_next(current_url: str, links: Iterable[tuple[str, str]]) -> str | None:
    """The page after this one when the pager only shows page numbers (1 2 3 …)."""
    on_page: dict[str, str] = {}
    for href, _ in links:
        url = urljoin(current_url, href)
        on_page.setdefault(canonicalize_url(url), url)
    for candidate in numbered_candidates(current_url):
        found = on_page.get(canonicalize_url(candidate))
        if found:
            return found
    return None


def find_next_page(current_url: str, sel: Selector, html: str) -> str | None:
    """The next list page by "下一页" link, TRS pager script, or numbered pager link."""
    links = page_links(sel)
    return (
        next_by_text(current_url, links)
        or trs_next(current_url, html)
        or numbered_next(current_url, links)
    )
