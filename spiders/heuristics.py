"""Site heuristics as data: article URL shapes and pager conventions of common CMSs.

Everything here is a constant or a pure function of a URL or a string, so a new CMS
family is usually one more pattern, not more code.
"""

from __future__ import annotations

import re

# Article URL shapes of the CMS families Chinese government and SOE sites run on (TRS WCM
# t<date>_<id>.html, Hanweb art_<column>_<id>.html, 开普 32-hex ids, the Wuxi/Yixing
# /doc/YYYY/MM/DD/N.shtml; docs/configuration.md has the table); a link matching one of
# these on a list page is an article unless the source configures its own selector or
# pattern.
ARTICLE_URL_PATTERNS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p)
    for p in (
        r"/doc/\d{4}/\d{2}/\d{2}/\d+\.s?html?$",  # Wuxi / Yixing
        r"/t\d{8}_\d+\.s?html?$",  # TRS WCM
        r"/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html$",  # Hanweb JCMS
        r"/\d{6}/[0-9a-f]{32}\.s?html?$",  # Kaipu 集约化平台
        r"/content_\d+\.s?html?$",  # news sites
        r"/\d{4}-\d{2}/\d{2}/[^/]+\.s?html?$",
        r"/\d{8}/[0-9a-f]{32}/c\.html$",  # news.cn
        r"/html/[a-z]+/\d{4}/[A-Z]{8}_\d{4}/\d+\.html$",  # Changzhou family
    )
)

# Link texts (arrows stripped, see NEXT_PAGE_ARROWS) and titles of a "next page" link.
NEXT_PAGE_TEXTS: frozenset[str] = frozenset(
    {"下一页", "下页", "后页", "下一頁", "next", "nextpage"}
)
# A link whose whole text is one of these is a "next" arrow.
NEXT_PAGE_ARROWS: frozenset[str] = frozenset({">", "›", "»", ">>", "〉", "＞"})

# Query parameters that number list pages (?page=2, Jiangxi Hanweb ?uid=…&pageNum=2, …).
PAGE_PARAMS: tuple[str, ...] = (
    "page",
    "pageNum",
    "pagenum",
    "pageNo",
    "pageno",
    "pageIndex",
    "pageindex",
    "curPage",
    "currentPage",
    "pn",
    "p",
)
# File names of numbered list pages: index.html, index_1.html, list_2.shtml, list-3.htm.
NUMBERED_PAGE = re.compile(
    r"^(?P<stem>index|list|default|more|news)(?:(?P<sep>[_-])(?P<n>\d+))?"
    r"\.(?P<ext>s?html?|jsp|aspx?|php)$",
    re.I,
)

# TRS pagers are written by script: `var countPage = 56; … createPageHTML(56, 0, "index",
# "html")`, or the same call with variable names as arguments.
TRS_COUNT_PAGE = re.compile(r"\bcountPage\s*=\s*(\d+)")
TRS_CURRENT_PAGE = re.compile(r"\bcurrentPage\s*=\s*(\d+)")
TRS_CREATE_PAGE = re.compile(
    r"createPageHTML\(\s*(\w+)\s*,\s*(\w+)\s*,\s*[\"'](\w+)[\"']\s*,\s*[\"'](\w+)[\"']"
)
TRS_VAR = r"\bvar\s+{name}\s*=\s*(\d+)"

# Hanweb lists live in <datastore><recordset><record><![CDATA[ … ]]></record>; the next
# group's URL (jpage/dataproxy.jsp) sits in <nextgroup><![CDATA[<a href=…>]]>, and the
# jpage call carries totalRecord and perPage.
HANWEB_DATASTORE = re.compile(r"<datastore\b", re.I)
HANWEB_RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S)
HANWEB_NEXTGROUP = re.compile(r"<nextgroup>\s*<!\[CDATA\[(.*?)\]\]>", re.S)
HANWEB_HREF = re.compile(r"""href\s*=\s*["']([^"']+)["']""")
HANWEB_TOTAL = re.compile(r"""(?:totalRecord|totalrecord)["']?\s*[:=>]\s*["']?(\d+)""")
HANWEB_PERPAGE = re.compile(r"""\bperPage["']?\s*[:=]\s*["']?(\d+)""", re.I)
# Form fields the jpage script posts with every dataproxy request (besides the column's own).
HANWEB_FORM_DEFAULTS: dict[str, str] = {"col": "1", "appid": "1", "sourceContentType": "1"}
# Records per dataproxy request when the page does not say (jpage's own default).
HANWEB_DEFAULT_PERPAGE = 15


def looks_like_article(url: str) -> bool:
    """True when ``url`` has the shape of an article page of a known CMS family."""
    path = url.split("?", 1)[0].split("#", 1)[0]
    return any(p.search(path) for p in ARTICLE_URL_PATTERNS)


def is_next_text(text: str) -> bool:
    """True for a link text (or title) that means "next page"."""
    folded = "".join(text.split())
    if folded in NEXT_PAGE_ARROWS:
        return True
    return folded.rstrip(">›»〉＞").lower() in NEXT_PAGE_TEXTS
