"""Tests for crawler.extract.extract_article on pages written for these tests.

The pages in tests/data/pages/ are our own, modelled on the CMS families seen
on Chinese government and news sites (TRS WCM, Hanweb JCMS, 开普 information
tables, the Wuxi/Yixing family, news portals).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from crawler.extract import ArticleSelectors, Extracted, extract_article
from crawler.extract.dates import SHANGHAI

PAGES = Path(__file__).parent / "data" / "pages"


def load(name: str, url: str = "") -> Extracted:
    return extract_article((PAGES / name).read_bytes(), url)


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=SHANGHAI)


# --- CMS families -----------------------------------------------------------


def test_trs_article() -> None:
    r = load("trs_article.html", "http://www.example.gov.cn/yw/202502/t20250226_123.shtml")
    assert r.title == "示例市签约三个新能源项目 总投资86亿元"
    assert r.published_at == at(2025, 2, 26, 9, 30)
    assert r.source == "示例日报"
    assert r.body.split("\n") == [
        "2月25日，示例市与三家企业集中签约新能源项目，总投资86亿元。",
        "项目涵盖储能电池、光伏组件和氢能装备，预计明年年底前全部投产。",
        "市投资促进局负责人表示，将为项目落地提供全流程服务。",
    ]
    assert r.warnings == []


def test_hanweb_markers_bound_the_body() -> None:
    r = load("hanweb_article.html")
    assert r.title == "1-6月示例县工业投资稳中有进"  # the 1-6 hyphen is not a separator
    assert r.published_at == at(2016, 7, 18, 10, 5)  # visible day, meta adds the time
    assert r.source == "县发改局"
    assert r.body == (
        "1-6月，全县工业投资完成58.2亿元，同比增长12.4%。\n"
        "其中技术改造投资完成31.7亿元，占工业投资的54.5%。"
    )


def test_kaipu_info_table_beats_regenerated_pubdate() -> None:
    r = load("kaipu_info_table.html")
    assert r.title == "示例县2024年国民经济和社会发展统计公报"
    # 发文日期 in the table, not PubDate (= 页面生成时间), not the related
    # 图文解读 date, not the 成文 date in the body.
    assert r.published_at == at(2025, 4, 8)
    assert r.source == "示例县统计局"
    assert any("PubDate 2025-06-30 disagrees" in w for w in r.warnings)
    assert r.body.startswith("示例县统计局\n（2025年3月28日）\n2024年，全县地区生产总值")


def test_yixing_two_line_title_and_date_line() -> None:
    r = load("yixing_two_line.html", "http://www.yixing.gov.cn/doc/2023/01/05/1108880.shtml")
    assert r.title == "再添招商引资新动能 总投资120亿元的智能装备产业园开工"
    assert r.published_at == at(2023, 1, 5, 8, 56, 50)
    assert r.source == ""
    assert r.body.startswith("1月4日上午，智能装备产业园项目在经济开发区开工。")
    assert "主办单位" not in r.body


def test_regeneration_pubdate_loses_to_visible_date() -> None:
    r = load("regen_pubdate.html")
    assert r.title == "示例县2015年统计公报"
    assert r.published_at == at(2017, 5, 15, 10, 49)
    assert r.source == ""  # empty 来源, and ContentSource is empty too
    assert (
        "PubDate 2022-04-24 disagrees with the visible date 2017-05-15; using the visible date"
        in r.warnings
    )


# --- date traps ---------------------------------------------------------------


def test_source_before_date_comments_and_related_are_ignored() -> None:
    r = load("news_comments_related.html")
    assert r.title == "低空经济产业基金在示例市设立 首期规模20亿元"
    assert r.published_at == at(2024, 5, 20, 3, 15)
    assert r.source == "示例网-《示例日报》"
    assert "期待落地" not in r.body
    assert "低空经济发展规划" not in r.body


def test_empty_source_and_hidden_cms_record() -> None:
    r = load("empty_source_bottom.html")
    assert r.title == "关于开展2018年度招商引资项目申报工作的通知"
    assert r.published_at == at(2018, 5, 17)
    assert r.source == ""
    assert "申报截止时间为2018年6月30日。" in r.body


def test_date_line_at_the_bottom_and_source_in_comment_markers() -> None:
    r = load("date_at_bottom.html")
    assert r.title == "示例区与邻市开展产业合作对接"
    assert r.published_at == at(2019, 3, 6)
    assert r.source == "东区办事处"
    assert "打印本页" not in r.body
    assert r.body.startswith("2019年2月27日下午")


def test_pasted_word_markup_is_removed() -> None:
    r = load("word_paste.html")
    assert r.title == "示例监管分局行政处罚信息公开表（示罚决字〔2024〕7号）"
    assert r.source == "示例监管分局"  # visible and more specific than meta "示例"
    assert "MicrosoftInternetExplorer4" not in r.body
    assert "Administrator" not in r.body
    assert "false" not in r.body
    assert r.body.split("\n")[:2] == ["行政处罚决定书文号", "示罚决字〔2024〕7号"]


def test_visible_cms_record_is_not_a_date() -> None:
    html = (
        "<html><body><div>23937776 2017-03-10 09:58:03.0</div>"
        "<h1>示例新闻标题在这里</h1><p>正文第一段内容比较长，用来构成正文。</p></body></html>"
    )
    r = extract_article(html)
    assert r.published_at is None
    assert "no date found" in r.warnings


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("2024 05/09 22:27:02 来源：示例网", at(2024, 5, 9, 22, 27, 2)),
        ("2023 11 / 17 20:52:15 来源：示例社", at(2023, 11, 17, 20, 52, 15)),
        ("2024年05月10日06:58 | 来源：示例网－示例日报", at(2024, 5, 10, 6, 58)),
        ("发布时间:2024-04-09 16:40:00来源: 示例網-江蘇頻道", at(2024, 4, 9, 16, 40)),
        ("示例网河北频道 ( 2012-06-04 09:20:26 ) 稿件来源： 示例日报", at(2012, 6, 4, 9, 20, 26)),
        ("本文来源于 示例统计局 2024-05-11 09:36:26", at(2024, 5, 11, 9, 36, 26)),
        ("发布日期：2025/02/26", at(2025, 2, 26)),
        ("日期:2025年2月26日", at(2025, 2, 26)),
    ],
)
def test_visible_date_line_shapes(line: str, expected: datetime) -> None:
    html = (
        "<html><head><title>示例标题测试一下_示例网</title></head><body>"
        f"<h1>示例标题测试一下</h1><div class='info'>{line}</div>"
        "<div class='content'><p>示例正文第一段，内容足够长，可以当作正文来使用。</p></div>"
        "</body></html>"
    )
    r = extract_article(html)
    assert r.published_at == expected
    assert r.published_at.tzinfo is SHANGHAI


@pytest.mark.parametrize(
    ("line", "source"),
    [
        ("2024年05月10日06:58 | 来源：示例网－示例日报", "示例网－示例日报"),
        ("示例网河北频道 ( 2012-06-04 09:20:26 ) 稿件来源： 示例日报", "示例日报"),
        ("本文来源于 示例统计局 2024-05-11 09:36:26", "示例统计局"),
        ("时间： 2019-09-18 06:23 来源： 示例日报", "示例日报"),
        ("来源：本站原创 作者：某支部 时间：2019年10月31日 23:00", "本站原创"),
    ],
)
def test_source_line_shapes(line: str, source: str) -> None:
    html = (
        "<html><body><h1>示例标题测试一下</h1>"
        f"<div class='info'>{line}</div><div id='zoom'><p>正文。</p></div></body></html>"
    )
    assert extract_article(html).source == source


def test_meta_pubdate_used_when_nothing_visible() -> None:
    html = (
        '<html><head><meta name="firstpublishedtime" content="2007-08-20-23:59:59">'
        "<title>关于示例事项的决议__2007年第23号公报_中国政府网</title></head>"
        "<body><div id='UCAP-CONTENT'><p>会议决定：批准示例事项。</p></div></body></html>"
    )
    r = extract_article(html)
    assert r.published_at == at(2007, 8, 20, 23, 59, 59)
    assert r.title == "关于示例事项的决议"
    assert r.body == "会议决定：批准示例事项。"


def test_article_published_time_iso_with_offset() -> None:
    html = (
        '<html><head><meta property="article:published_time" content="2024-05-09T14:27:02Z">'
        "</head><body><h1>示例标题测试</h1><p>正文。</p></body></html>"
    )
    assert extract_article(html).published_at == at(2024, 5, 9, 22, 27, 2)


def test_url_date_is_the_last_resort() -> None:
    html = (
        "<html><body><h1>示例标题测试</h1><div id='zoom'><p>正文没有日期。</p></div></body></html>"
    )
    r = extract_article(html, "http://www.example.gov.cn/col/202502/t20250226_7.shtml")
    assert r.published_at == at(2025, 2, 26)
    assert any("URL" in w for w in r.warnings)


# --- titles -------------------------------------------------------------------


def test_title_suffix_removed_and_whitespace_folded() -> None:
    html = (
        "<html><head><title>示例市2007\u3000年末\n\t债务限额的决议_中国政府网</title></head>"
        "<body><p>正文。</p></body></html>"
    )
    r = extract_article(html)
    assert r.title == "示例市2007年末 债务限额的决议"
    assert "no article heading; used <title> without the site suffix" in r.warnings


def test_title_with_pipe_comes_from_the_heading() -> None:
    html = (
        "<html><head><title>棱镜|示例行业大整顿：数据公司集中整改_财经_示例网</title></head><body>"
        "<h1>棱镜|示例行业大整顿：数据公司集中整改</h1>"
        "<div class='a-src'>示例栏目 2019-09-23 07:48</div><p>正文。</p></body></html>"
    )
    r = extract_article(html)
    assert r.title == "棱镜|示例行业大整顿：数据公司集中整改"
    assert r.published_at == at(2019, 9, 23, 7, 48)


def test_heading_near_date_line_when_title_tag_is_generic() -> None:
    html = (
        "<html><head><title>新闻动态--示例学会官网</title></head><body>"
        "<h3>首页 - 新闻动态</h3><h3>友情链接</h3>"
        "<div class='news'><h5>2019年示例学术年会在示例大学成功举行！</h5>"
        "<div class='ly'><b>发布时间：2019-05-18</b> <i>来源：示例学会</i></div>"
        "<div class='detailCon'><p>5月10-12日，年会在示例大学举行，来自全国的专家学者参加了会议。</p>"
        "</div></div></body></html>"
    )
    r = extract_article(html)
    assert r.title == "2019年示例学术年会在示例大学成功举行！"
    assert r.source == "示例学会"


# --- selectors, input forms, robustness --------------------------------------


def test_configured_selectors_win() -> None:
    html = (
        "<html><head><meta name='ArticleTitle' content='元数据标题'></head><body>"
        "<h1>页面标题</h1><div class='rq'>发布时间：2020-01-01</div>"
        "<span id='when'>2021-03-04 05:06</span><em class='ly'>配置来源</em>"
        "<div class='zw'><p>选中的正文。</p></div><div id='zoom'><p>另一个正文。</p></div>"
        "</body></html>"
    )
    sel = ArticleSelectors(
        title="h1", date="//span[@id='when']", source="em.ly", body="(//div[@class='zw'])[1]"
    )
    r = extract_article(html, selectors=sel)
    assert r.title == "页面标题"
    assert r.published_at == at(2021, 3, 4, 5, 6)
    assert r.source == "配置来源"
    assert r.body == "选中的正文。"


def test_selector_matching_nothing_falls_back_with_warning() -> None:
    html = "<html><body><h1>示例标题测试</h1><div id='zoom'><p>正文。</p></div></body></html>"
    r = extract_article(html, selectors=ArticleSelectors(body="div.nothing-here"))
    assert r.body == "正文。"
    assert any("body selector" in w for w in r.warnings)


def test_gbk_bytes_with_content_type() -> None:
    html = "<html><body><h1>示例市外资项目落地</h1><div id='zoom'><p>正文内容。</p></div></body></html>"
    r = extract_article(html.encode("gbk"), content_type="text/html; charset=GBK")
    assert r.title == "示例市外资项目落地"
    assert r.body == "正文内容。"


def test_density_fallback_warns() -> None:
    paragraph = "示例市今年新签约亿元以上项目，涵盖新能源、新材料和生物医药等产业。"
    html = (
        "<html><body><div class='menu'><a href='/'>首页</a></div><h1>示例标题测试</h1>"
        f"<div class='wrap'><div class='txt'><p>{paragraph}</p><p>{paragraph}</p></div></div>"
        "</body></html>"
    )
    r = extract_article(html)
    assert r.body == f"{paragraph}\n{paragraph}"
    assert "no body container; used text-density fallback" in r.warnings


def test_stray_early_html_close_tag() -> None:
    html = (
        "<html><head><title>示例决议_中国政府网</title></head><body><div>页头</div></body></html>"
        "<div class='content'><div id='UCAP-CONTENT'><p>决议正文第一段。</p></div></div>"
    )
    assert extract_article(html).body == "决议正文第一段。"


@pytest.mark.parametrize("html", ["", b"", "   ", b"\xff\xfe\x00", "<html></html>", "<<<>>>"])
def test_garbage_never_raises(html: str | bytes) -> None:
    r = extract_article(html)
    assert isinstance(r, Extracted)
    assert r.published_at is None
    assert r.warnings


def test_unmarked_comment_and_related_lists_lose_to_the_date_line() -> None:
    # No class names give the comment thread or the related list away here.
    html = (
        "<html><head><title>示例市新增两条国际航线_示例网</title></head><body>"
        "<ul><li><a href='/a/1.html'>示例机场旅客吞吐量创新高</a><span>2024-05-21 08:00</span></li>"
        "<li><a href='/a/2.html'>示例市发布航空物流新政</a><span>2024-05-19 18:30</span></li></ul>"
        "<h1>示例市新增两条国际航线</h1>"
        "<div>来源：示例网 2024-05-20 03:15</div>"
        "<div><p>示例市今天新开通两条国际货运航线，每周往返各三班。</p>"
        "<p>新航线将服务跨境电商和生物医药企业。</p></div>"
        "<div><div>网友A 发表时间：2024-05-22 10:12:33</div><p>期待！</p>"
        "<div>网友B 发表时间：2024-05-22 11:40:02</div><p>好消息。</p></div>"
        "</body></html>"
    )
    r = extract_article(html)
    assert r.published_at == at(2024, 5, 20, 3, 15)
    assert r.source == "示例网"
    assert (
        r.body
        == "示例市今天新开通两条国际货运航线，每周往返各三班。\n新航线将服务跨境电商和生物医药企业。"
    )


def test_article_title_meta_beats_the_heading() -> None:
    html = (
        "<html><head><meta name='articletitle' content='示例市\u3000招商大会\n开幕'>"
        "<title>页面标题_示例网</title></head><body><h1>页面上的标题文字</h1>"
        "<div id='zoom'><p>正文。</p></div></body></html>"
    )
    assert extract_article(html).title == "示例市 招商大会 开幕"


def test_source_label_right_after_a_date_in_adjacent_spans():
    html = (
        "<html><head><title>某集团召开年度工作会议_某集团</title></head><body>"
        "<div class='article'><h2 class='art-title'>某集团召开年度工作会议</h2>"
        "<div class='art-info'><span>2025年01月10日</span><span>来源：国投集团</span></div>"
        "<div class='art-content'><p>会议总结了上一年度工作，部署了新一年的重点任务和改革举措。</p>"
        "<p>会议要求各单位坚持稳中求进，抓好安全生产，推动高质量发展再上新台阶。</p></div>"
        "</div></body></html>"
    )
    extracted = extract_article(html)
    assert extracted.source == "国投集团"
    assert extracted.published_at is not None and extracted.published_at.day == 10
