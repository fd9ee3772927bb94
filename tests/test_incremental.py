"""Incremental crawling on a site that changes between crawls."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from crawler.devserver import StaticSite
from tests.helpers.instance import demo_sources, write_instance
from tests.helpers.paths import DEMO_SITE

pytestmark = pytest.mark.integration  # real crawls, servers or processes

NEW_ARTICLE = """<!DOCTYPE html>
<html><head><meta charset="utf-8">
<meta name="ArticleTitle" content="宜兴经开区与某新材料企业签约 总投资5亿元">
<meta name="PubDate" content="2025-12-01 10:00">
<meta name="ContentSource" content="宜兴日报">
<title>宜兴经开区与某新材料企业签约 总投资5亿元-宜兴市人民政府</title></head>
<body><div class="g_show_title"><h1>宜兴经开区与某新材料企业签约 总投资5亿元</h1></div>
<div class="g_show_rq">发布时间：2025-12-01 10:00　来源：宜兴日报</div>
<div class="g_show_article"><div class="TRS_Editor">
<p>12月1日，宜兴经济技术开发区与江苏测试新材料有限公司签署项目投资协议，项目总投资5亿元，主要建设储能电池材料生产线。</p>
</div></div></body></html>
"""


def test_only_the_new_article_is_fetched(tmp_path: Path):
    site = tmp_path / "site"
    shutil.copytree(DEMO_SITE, site)
    with StaticSite(site) as server:
        inst = write_instance(tmp_path, demo_sources(server.url))
        inst.run("crawl", "demo-yixing")
        first = inst.runs()[0]

        article = site / "doc" / "2025" / "12" / "01" / "9999999.shtml"
        article.parent.mkdir(parents=True)
        article.write_text(NEW_ARTICLE, encoding="utf-8")
        index = site / "yxzx" / "index.html"
        html = index.read_text(encoding="utf-8")
        link = '<li><a href="/doc/2025/12/01/9999999.shtml">宜兴经开区与某新材料企业签约 总投资5亿元</a><span>2025-12-01</span></li>'
        html, n = re.subn(r"(<ul[^>]*class=\"list\"[^>]*>)", r"\1" + link, html, count=1)
        assert n == 1, "list markup of the demo site changed"
        index.write_text(html, encoding="utf-8")

        inst.run("crawl", "demo-yixing")
        second = inst.runs()[0]
    assert second["articles_fetched"] == 1
    assert second["articles_new"] == 1
    # list page 1 (has a new link), list page 2 (all known: stop paging), the new article
    assert second["pages_fetched"] == 3
    assert first["articles_new"] > 20
