"""Pure parts of the spiders: pager heuristics, Hanweb datastores, page notes, feeds,
failure kinds and retry delays (no network; the crawl tests cover the wiring)."""

from __future__ import annotations

from parsel import Selector
from scrapy import Request
from scrapy.exceptions import DownloadCancelledError, DownloadTimeoutError, IgnoreRequest
from scrapy.http import HtmlResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler.crawl.retry import backoff_delay
from spiders import hanweb, heuristics, pagers
from spiders.failures import RedirectLoop, classify_failure
from spiders.feed import feed_urls, parse_sitemap
from spiders.quality import CHARSET_MISMATCH, LEGACY_ENCODING, TRUNCATED, page_notes

BASE = "http://www.example.gov.cn"


def _next(url: str, html: str) -> str | None:
    return pagers.find_next_page(url, Selector(text=html), html)


# --- "下一页" links ---------------------------------------------------------------------


def test_next_link_by_text_title_and_arrow():
    assert _next(f"{BASE}/a/list.html", '<a href="p2.html">下一页 ›</a>') == f"{BASE}/a/p2.html"
    assert _next(f"{BASE}/a/", '<a href="?p=2" title="下一页"><img src="n.gif"></a>') == (
        f"{BASE}/a/?p=2"
    )
    assert _next(f"{BASE}/a/x.html", '<a href="y.html">»</a>') == f"{BASE}/a/y.html"


def test_dead_next_links_are_not_followed():
    html = (
        '<a href="javascript:void(0);">下一页</a> <a href="#">下页</a> <a href="x.html">下一页</a>'
    )
    assert _next(f"{BASE}/x.html", html) is None  # the only live one points at this page
    assert not heuristics.is_next_text("上一页")
    assert not heuristics.is_next_text("下一篇")  # next *article*, not next page


# --- TRS script pagers ------------------------------------------------------------------


def test_trs_create_page_html_with_numbers():
    html = '<script>createPageHTML(3, 0, "index", "html");</script>'
    assert _next(f"{BASE}/xwzx/index.html", html) == f"{BASE}/xwzx/index_1.html"
    html = '<script>createPageHTML(3, 2, "index", "html");</script>'
    assert _next(f"{BASE}/xwzx/index_2.html", html) is None  # the last page


def test_trs_create_page_html_with_variables_and_shtml():
    html = (
        "<script>var countPage = 5; var currentPage = 1;"
        ' createPageHTML(countPage, currentPage, "index", "shtml");</script>'
    )
    assert _next(f"{BASE}/gzdt/index_1.shtml", html) == f"{BASE}/gzdt/index_2.shtml"


def test_trs_count_page_variant_takes_the_extension_of_the_page():
    html = "<script>\nvar countPage = 56//共多少页\nvar currentPage = 0;\n</script>"
    assert _next(f"{BASE}/hjzl/index.shtml", html) == f"{BASE}/hjzl/index_1.shtml"
    one_page = "<script>var countPage = 1; var currentPage = 0;</script>"
    assert _next(f"{BASE}/hjzl/index.shtml", one_page) is None


# --- numbered pagers -------------------------------------------------------------------


def test_page_number_links():
    html = '<a href="?page=1">1</a> <a href="?page=2">2</a> <a href="?page=3">3</a>'
    assert _next(f"{BASE}/news/list.html", html) == f"{BASE}/news/list.html?page=2"
    assert _next(f"{BASE}/news/list.html?page=2", html) == f"{BASE}/news/list.html?page=3"
    assert _next(f"{BASE}/news/list.html?page=3", html) is None


def test_jiangxi_page_num_keeps_the_other_parameters():
    url = f"{BASE}/col/col380/index.html?uid=380055&pageNum=2"
    html = '<a href="index.html?uid=380055&amp;pageNum=3">3</a>'
    assert _next(url, html) == f"{BASE}/col/col380/index.html?uid=380055&pageNum=3"


def test_kaipu_and_trs_numbered_files():
    html = '<a href="list_2.shtml">2</a><a href="list_3.shtml">3</a>'
    assert _next(f"{BASE}/x/list.shtml", html) == f"{BASE}/x/list_2.shtml"
    assert _next(f"{BASE}/x/list_2.shtml", html) == f"{BASE}/x/list_3.shtml"
    html = '<a href="index_1.html">2</a><a href="index_2.html">3</a>'
    assert _next(f"{BASE}/x/index.html", html) == f"{BASE}/x/index_1.html"


# --- Hanweb ----------------------------------------------------------------------------

COLUMN = """<div id="4521"><script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&amp;webid=12&amp;path=/&amp;columnid=3301&amp;unitid=4521&amp;permissiontype=0"></a>]]></nextgroup>
<recordset>
<record><![CDATA[<li><a href="/art/2025/6/17/art_3301_1.html">甲</a><span>2025-06-17</span></li>]]></record>
<record><![CDATA[<li><a href="/art/2025/6/13/art_3301_2.html">乙</a><span>2025-06-13</span></li>]]></record>
</recordset></datastore></script></div>
<script>$('#4521').jpage({ perPage: 2, totalRecord: 5 });</script>"""


def test_hanweb_datastore_records_and_proxy():
    store = hanweb.parse_datastore(COLUMN, f"{BASE}/col/col3301/index.html")
    assert store is not None
    assert len(store.records) == 2 and store.total == 5 and store.per_page == 2
    assert store.proxy_href.startswith(f"{BASE}/module/web/jpage/dataproxy.jsp?page=1&webid=12")
    page2 = hanweb.next_proxy_page(store, 1, 2)
    assert page2 is not None and (page2.start, page2.end) == (3, 4)
    assert "page=2" in page2.url and "startrecord=3&endrecord=4&perpage=2" in page2.url
    assert page2.formdata["columnid"] == "3301" and page2.formdata["webid"] == "12"
    assert page2.formdata["col"] == "1" and "page" not in page2.formdata
    links = Selector(text=hanweb.records_html(store.records)).css("a::attr(href)").getall()
    assert links == ["/art/2025/6/17/art_3301_1.html", "/art/2025/6/13/art_3301_2.html"]


def test_hanweb_paging_stops_at_the_total_and_on_a_short_answer():
    store = hanweb.parse_datastore(COLUMN, f"{BASE}/col/col3301/index.html")
    page3 = hanweb.next_proxy_page(store, 2, 4, hanweb.next_proxy_page(store, 1, 2))
    assert page3 is not None and (page3.start, page3.end) == (5, 6)
    answer = hanweb.parse_datastore("<datastore><recordset><record><![CDATA[x]]></record>", BASE)
    assert hanweb.next_proxy_page(answer, 3, 5, page3) is None  # 1 of 2 records: the last
    assert hanweb.proxy_page(page3.url, 4, 6, 2, total=5) is None  # past totalRecord


def test_not_a_hanweb_page():
    assert hanweb.parse_datastore("<ul><li><a href='/a'>a</a></li></ul>", BASE) is None


# --- page notes -------------------------------------------------------------------------


def test_page_notes():
    utf8_as_gb = '<meta charset="gb2312"><p>宜兴</p></html>'.encode()
    assert page_notes(utf8_as_gb) == [CHARSET_MISMATCH]
    gbk = '<meta charset="gbk"><p>宜兴昇</p></html>'.encode("gb18030")
    assert page_notes(gbk) == [LEGACY_ENCODING]
    gbk_said_utf8 = "<p>宜兴</p></html>".encode("gb18030")
    assert page_notes(gbk_said_utf8, "text/html; charset=utf-8") == [
        LEGACY_ENCODING,
        CHARSET_MISMATCH,
    ]
    assert page_notes('<meta charset="utf-8"><p>宜兴</p>'.encode()) == [TRUNCATED]
    assert page_notes(b"") == []
    assert page_notes('<meta charset="utf-8"><p>宜兴</p></body></html>\n'.encode()) == []


# --- feeds ------------------------------------------------------------------------------


def test_rss_atom_and_sitemaps():
    rss = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
<item><title>a</title><link>http://x/1.html</link></item>
<item><title>b</title><link>http://x/2.html</link></item></channel></rss>"""
    assert feed_urls(rss) == ["http://x/1.html", "http://x/2.html"]
    atom = b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>
<entry><title>a</title><link rel="alternate" href="http://x/3.html"/><id>1</id></entry></feed>"""
    assert feed_urls(atom) == ["http://x/3.html"]
    urlset = b"""<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc> http://x/4.html </loc></url></urlset>"""
    assert parse_sitemap(urlset) == ("urlset", ["http://x/4.html"])
    index = b"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>http://x/s1.xml</loc></sitemap></sitemapindex>"""
    assert parse_sitemap(index) == ("sitemapindex", ["http://x/s1.xml"])
    assert parse_sitemap(rss) is None
    assert parse_sitemap(b"<html><body>not xml</body></html>") is None


# --- failures and retries ---------------------------------------------------------------


def _failure(exc: Exception) -> Failure:
    try:
        raise exc
    except Exception:
        return Failure()


def test_failure_kinds():
    request = Request(f"{BASE}/a.html")
    response = HtmlResponse(request.url, status=404, request=request)
    assert classify_failure(_failure(HttpError(response))).name == "http_404"
    robots = classify_failure(_failure(IgnoreRequest("Forbidden by robots.txt")))
    assert (robots.name, robots.is_error) == ("robots_forbidden", False)
    loop = classify_failure(_failure(RedirectLoop("redirect loop: a -> b -> a")))
    assert (loop.name, loop.is_error) == ("redirect_loop", True)
    assert classify_failure(_failure(IgnoreRequest("max redirections reached"))).is_error
    assert classify_failure(_failure(DownloadTimeoutError("took longer"))).name == "timeout"
    assert classify_failure(_failure(DownloadCancelledError("larger than"))).name == "too_large"
    other = classify_failure(_failure(ValueError("boom")))
    assert other.is_error and other.name == "fetch_failed" and "ValueError" in other.message


def test_backoff_delays_double_up_to_the_cap():
    assert [backoff_delay(n, 1.0, 60.0) for n in (1, 2, 3, 4)] == [1.0, 2.0, 4.0, 8.0]
    assert backoff_delay(10, 1.0, 60.0) == 60.0
    assert backoff_delay(1, 1.0, 60.0, retry_after=30.0) == 30.0  # the server asked for more
