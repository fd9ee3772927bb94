"""Hanweb (大汉 JCMS) column lists: <datastore> records and jpage/dataproxy.jsp paging.

A Hanweb column page carries its first records inside
``<script type="text/xml"><datastore>``, the URL of the paging proxy in ``<nextgroup>``
and ``totalRecord`` / ``perPage`` in the jpage call. Later records come from
``/module/web/jpage/dataproxy.jsp``: a POST of the column's identity (webid, columnid,
unitid, …) with ``startrecord``, ``endrecord`` and ``perpage`` in the query string. The
proxy answers with another ``<datastore>``. Pure functions; the spider makes the requests.
"""

from __future__ import annotations

import html as html_lib
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from spiders import heuristics

# Query keys that select the slice of records; everything else identifies the column.
_SLICE_KEYS = {"page", "startrecord", "endrecord", "perpage"}


@dataclass(frozen=True)
class Datastore:
    """What a Hanweb list page (or a dataproxy answer) says about its records."""

    records: list[str]  # the HTML fragment of each record, in list order
    proxy_href: str | None  # <nextgroup> href, absolute
    total: int | None  # totalRecord, when the page gives it
    per_page: int | None


@dataclass(frozen=True)
class ProxyPage:
    """One dataproxy request: records ``start``..``end`` (1-based, inclusive)."""

    url: str
    formdata: dict[str, str]
    start: int
    end: int
    total: int | None
    per_page: int


def parse_datastore(html: str, base_url: str) -> Datastore | None:
    """The datastore of a Hanweb page or dataproxy answer, or None when there is none."""
    if not heuristics.HANWEB_DATASTORE.search(html):
        return None
    records = heuristics.HANWEB_RECORD.findall(html)
    href = None
    group = heuristics.HANWEB_NEXTGROUP.search(html)
    if group:
        href_match = heuristics.HANWEB_HREF.search(group[1])
        if href_match:
            href = urljoin(base_url, html_lib.unescape(href_match[1].strip()))
    total = heuristics.HANWEB_TOTAL.search(html)
    per_page = heuristics.HANWEB_PERPAGE.search(html)
    return Datastore(
        records=records,
        proxy_href=href,
        total=int(total[1]) if total else None,
        per_page=int(per_page[1]) if per_page else None,
    )


def records_html(records: list[str]) -> str:
    """The records as one HTML document, so selectors and link finding work on them."""
    return "<html><body><ul>" + "".join(records) + "</ul></body></html>"


def proxy_page(
    proxy_href: str, page: int, start: int, per_page: int, total: int | None
) -> ProxyPage | None:
    """The dataproxy request for list page ``page`` starting at record ``start``."""
    if total is not None and start > total:
        return None
    end = start + per_page - 1
    parts = urlsplit(proxy_href)
    column = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    query = [("page", str(page))] + [(k, v) for k, v in column if k not in _SLICE_KEYS]
    query += [("startrecord", str(start)), ("endrecord", str(end)), ("perpage", str(per_page))]
    form = dict(heuristics.HANWEB_FORM_DEFAULTS)
    form.update({k: v for k, v in column if k not in _SLICE_KEYS})
    url = urlunsplit(parts._replace(query=urlencode(query, safe="/"), fragment=""))
    return ProxyPage(url, form, start, end, total, per_page)


def next_proxy_page(
    store: Datastore, page: int, fetched_until: int, previous: ProxyPage | None = None
) -> ProxyPage | None:
    """The request for the page after ``page``, whose last record was ``fetched_until``.

    ``previous`` is the dataproxy request that produced ``store`` (None for the column
    page itself); its total and page size carry over when the proxy's answer omits them.
    """
    # The column page's own proxy link names the column fully (webid, path, webname …);
    # later answers may shorten it, so it stays the template for every page.
    href = previous.url if previous else store.proxy_href
    if href is None:
        return None
    total = store.total if store.total is not None else (previous.total if previous else None)
    per_page = store.per_page or (previous.per_page if previous else None)
    per_page = per_page or heuristics.HANWEB_DEFAULT_PERPAGE
    if previous is not None and len(store.records) < previous.end - previous.start + 1:
        return None  # a short answer is the last one
    if not store.records:
        return None
    return proxy_page(href, page + 1, fetched_until + 1, per_page, total)
