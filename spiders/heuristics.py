"""Site heuristics as data: article URL shapes and pager conventions of common CMSs."""

from __future__ import annotations

import re

# Article URL shapes of the CMS families in GOV-PAGES.md; a link matching one of these on
# a list page is an article unless the source configures its own selector or pattern.
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
    )
)

NEXT_PAGE_TEXTS: tuple[str, ...] = (
    "下一页",
    "下页",
    "后页",
    "下一頁",
    "next",
    "Next",
    ">",
    "›",
    "»",
)

# TRS pagers are written by script: `var countPage = 56; … createPageHTML(56, 0, "index", "html")`
TRS_COUNT_PAGE = re.compile(r"countPage\s*=\s*(\d+)")
TRS_CREATE_PAGE = re.compile(
    r"createPageHTML\(\s*(\d+)\s*,\s*(\d+)\s*,\s*[\"'](\w+)[\"']\s*,\s*[\"'](\w+)[\"']"
)

# Hanweb lists live in <datastore><recordset><record><![CDATA[ … ]]></record>
HANWEB_RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S)
HANWEB_NEXTGROUP = re.compile(r"<nextgroup>\s*<!\[CDATA\[(.*?)\]\]>", re.S)


def looks_like_article(url: str) -> bool:
    """True when ``url`` has the shape of an article page of a known CMS family."""
    path = url.split("?", 1)[0].split("#", 1)[0]
    return any(p.search(path) for p in ARTICLE_URL_PATTERNS)


def trs_page_url(current_url: str, html: str) -> str | None:
    """The next TRS page (index_N.html) computed from countPage/createPageHTML, if any."""
    match = TRS_CREATE_PAGE.search(html)
    if match:
        count, current, stem, ext = int(match[1]), int(match[2]), match[3], match[4]
    else:
        count_match = TRS_COUNT_PAGE.search(html)
        if not count_match:
            return None
        count, stem, ext = int(count_match[1]), "index", "html"
        current_match = re.search(r"currentPage\s*=\s*(\d+)", html)
        current = int(current_match[1]) if current_match else 0
    if current + 1 >= count:
        return None
    base = current_url.rsplit("/", 1)[0]
    return f"{base}/{stem}_{current + 1}.{ext}"
