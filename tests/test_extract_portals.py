"""Dates and titles the way news portals and company (SOE) sites write them.

The pages in tests/data/pages/ used here are our own, each modelled on a markup
pattern seen on real portals (a date inside a link, meta names with a stray
space, dates glued to their time, English months, 格林尼治标准时间 update lines,
dates without a year, labels and dates in separate elements, headline elements
holding buttons or the date line, <title>s that only name a column).
"""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawler.extract import Extracted, extract_article
from crawler.extract.dates import SHANGHAI

ROOT = Path(__file__).resolve().parents[1]
PAGES = Path(__file__).parent / "data" / "pages"
BODY = (
    "<p>示例市今天与一家企业签约新能源项目，总投资二十亿元，预计明年投产。</p>"
    "<p>项目建成后年产值将超过五十亿元，带动就业两千人。</p>"
)
TITLE = "示例市签约新能源项目 总投资20亿元"


def load(name: str, url: str = "") -> Extracted:
    return extract_article((PAGES / name).read_bytes(), url)


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=SHANGHAI)


def page(head: str = "", body: str = "", title: str = f"{TITLE}_示例网") -> str:
    return f"<html><head><title>{title}</title>{head}</head><body>{body}</body></html>"


# --- dates ---------------------------------------------------------------------


def test_date_inside_a_link() -> None:
    r = load("portal_date_in_link.html")
    assert r.published_at == at(2024, 5, 13, 10, 20)
    assert r.title == "示例港新开两条远洋航线 外贸集装箱量首季增长18%"  # not the short og:title
    assert r.source == "示例晚报"
    assert r.body.startswith("记者从示例港集团获悉")


def test_meta_names_with_a_stray_space() -> None:
    r = load("portal_meta_stray_space.html")
    # "publishdate " gives the day, "og:time " the time of that day.
    assert r.published_at == at(2024, 5, 13, 10, 20, 30)
    assert r.title == "示例县签约智能制造产业园项目 总投资35亿元"


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        ('<meta property="article:published_time" content="2024-05-13T10:20:00+08:00">', 10),
        ('<meta property="og:release_date" content="2024-05-13 10:20">', 10),
        ('<meta name="pubdate" content="2024-05-13 10:20:00">', 10),
        ('<meta name="PubDate" content="2024-05-13 10:20">', 10),
        ('<meta name="publishdate" content="2024-05-13">', 0),
        ('<meta name="firstpublishedtime" content="2024-05-13-10:20:00">', 10),
        ('<meta itemprop="datePublished" content="2024-05-13 10:20">', 10),
        ('<meta name="og:time " content="2024-05-13 10:20:30">', 10),
        (
            '<script type="application/ld+json">{"@context": "https://schema.org", '
            '"@type": "NewsArticle", "headline": "x", "datePublished": "2024-05-13T10:20:00+08:00"}'
            "</script>",
            10,
        ),
        (
            '<script type="application/ld+json">{"@graph": [{"@type": "WebPage"}, '
            '{"@type": "NewsArticle", "datePublished": "2024-05-13T02:20:00Z"}]}</script>',
            10,
        ),
    ],
)
def test_common_news_metas(head: str, expected: int) -> None:
    html = page(head, f"<h1>{TITLE}</h1><div class='content'>{BODY}</div>")
    r = extract_article(html)
    assert r.published_at is not None
    assert (r.published_at.date(), r.published_at.hour) == (at(2024, 5, 13).date(), expected)


@pytest.mark.parametrize(
    "markup",
    [
        "<span itemprop='datePublished' content='2024-05-13T10:20:00+08:00'>5月13日</span>",
        "<time datetime='2024-05-13T10:20:00+08:00'>今天上午</time>",
        "<time pubdate datetime='2024-05-13T10:20'>今天</time>",
    ],
)
def test_visible_elements_carrying_a_machine_date(markup: str) -> None:
    html = page(
        "", f"<h1>{TITLE}</h1><div class='info'>{markup}</div><div class='content'>{BODY}</div>"
    )
    assert extract_article(html).published_at == at(2024, 5, 13, 10, 20)


def test_time_elements_of_a_related_list_are_not_the_date() -> None:
    related = "".join(
        f"<li><a href='/{d}'>示例新闻{d}</a><time datetime='2024-05-0{d}'>5月{d}日</time></li>"
        for d in (1, 2)
    )
    html = page("", f"<h1>{TITLE}</h1><div class='content'>{BODY}</div><ul>{related}</ul>")
    r = extract_article(html)
    assert r.published_at is None  # two days, no way to tell: none rather than a wrong one
    assert "no date found" in r.warnings


def test_date_glued_to_its_time() -> None:
    r = load("portal_glued_time.html")
    assert r.published_at == at(2009, 11, 9, 13, 48)
    assert r.title == "示例区出台支持外资研发中心十条措施"
    html = page("", f"<h1>{TITLE}</h1><div class='info'>2024-05-1310:30 示例网</div>{BODY}")
    assert extract_article(html).published_at == at(2024, 5, 13, 10, 30)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Apr 22, 2025", at(2025, 4, 22)),
        ("22 April 2025", at(2025, 4, 22)),
        ("April 22, 2025 10:30", at(2025, 4, 22, 10, 30)),
        ("Published: Apr. 22, 2025 3:05 PM", at(2025, 4, 22, 15, 5)),
        ("Updated: 2025-04-22 10:30", at(2025, 4, 22, 10, 30)),
    ],
)
def test_english_month_formats(line: str, expected: datetime) -> None:
    html = (
        "<html><head><title>Example signs a deal - Example Daily</title></head><body>"
        f"<h1>Example signs a green hydrogen deal</h1><p class='byline'>{line}</p>"
        "<div class='article'><p>Example signed a framework agreement on a hydrogen project"
        " worth 1.2 billion US dollars on Monday.</p></div></body></html>"
    )
    assert extract_article(html).published_at == expected


def test_english_page_fixture() -> None:
    r = load("english_month_dates.html")
    assert r.title == "Example Group signs green hydrogen deal with a Gulf partner"
    assert r.published_at == at(2025, 4, 22)  # not the related item's March 3
    assert r.body.startswith("Example Group signed a framework agreement")


def test_gmt_update_line_is_the_only_date() -> None:
    r = load("gmt_update_line.html")
    # 13:48 GMT is 21:48 in Shanghai; the footer's 网站更新时间 is not the article's.
    assert r.published_at == datetime(2009, 11, 9, 13, 48, tzinfo=UTC)
    assert r.published_at.tzinfo is SHANGHAI
    assert r.title == "示例国与邻国签署港口合作协议"


def test_year_from_the_url() -> None:
    r = load("yearless_date_url.html", "https://new.example.com/rain/a/20240513A01XYZ00")
    assert r.published_at == at(2024, 5, 13, 10, 20)
    assert not any("URL" in w for w in r.warnings)  # the page shows the day and time
    assert r.body.startswith("示例集团与示例市政府签署投资协议")


def test_year_from_a_meta_tag() -> None:
    r = load("yearless_date_meta.html")
    assert r.published_at == at(2024, 5, 13, 9, 36)
    assert r.body.startswith("示例市今天举行重大项目集中开工活动")


def test_yearless_date_without_a_year_anywhere_gives_no_date() -> None:
    html = page("", f"<h1>{TITLE}</h1><div class='info'>05-13 10:20</div>{BODY}")
    r = extract_article(html, "https://example.com/a/123.html")
    assert r.published_at is None


def test_yearless_date_with_disagreeing_years_gives_no_date() -> None:
    head = '<meta name="create_time" content="2023">'
    html = page(head, f"<h1>{TITLE}</h1><div class='info'>05-13 10:20</div>{BODY}")
    assert extract_article(html, "https://example.com/2024/05/a.html").published_at is None


def test_source_and_date_in_separate_elements() -> None:
    r = load("label_date_separate.html")
    assert r.published_at == at(2024, 5, 13)
    assert r.source == "示例能源集团"
    assert r.title == "示例能源集团与示例省签署海上风电开发协议"  # not <title> 要闻
    assert r.body.startswith("5月12日，示例能源集团")


def test_site_name_pipe_date_in_separate_blocks() -> None:
    r = load("sitename_pipe_date.html")
    assert r.published_at == at(2020, 4, 18)
    assert r.title == "示例高新区获批国家级科技企业孵化器"  # not <title> 新闻中心
    assert r.body.startswith("日前，示例高新区")


def test_date_in_a_page_script_when_nothing_is_visible() -> None:
    head = '<script>window.DATA = {"id": "1", "pubtime": "2024-05-13 10:20:30"};</script>'
    html = page(head, f"<h1>{TITLE}</h1><div class='content-article'>{BODY}</div>")
    assert extract_article(html).published_at == at(2024, 5, 13, 10, 20, 30)


def test_script_date_loses_to_a_visible_date() -> None:
    head = '<script>var conf = {pubtime: "2021-01-01 08:00"};</script>'
    body = f"<h1>{TITLE}</h1><div class='info'>发布时间：2024-05-13</div>{BODY}"
    assert extract_article(page(head, body)).published_at == at(2024, 5, 13)


def test_epoch_in_a_hidden_field() -> None:
    body = (
        f"<textarea class='article-time'>1715566800000</textarea><h3 class='tit'>{TITLE}</h3>"
        f"<p class='time'><span></span></p><article>{BODY}</article>"
    )
    assert extract_article(page("", body)).published_at == at(2024, 5, 13, 10, 20)


def test_news_list_item_is_never_the_date() -> None:
    related = (
        "<div class='box'><h3>猜你喜欢</h3><ul>"
        "<li><a href='/1'>示例新闻一</a><span>2024-05-01 08:00</span></li>"
        "<li><a href='/2'>示例新闻二</a><span>2024-04-30 09:00</span></li></ul></div>"
    )
    r = extract_article(page("", f"<h1>{TITLE}</h1><div class='content'>{BODY}</div>{related}"))
    assert r.published_at is None
    assert r.body.startswith("示例市今天与一家企业签约新能源项目")


def test_date_just_above_the_title() -> None:
    body = (
        "<div class='news-top'><span class='news-date'>2024.05.13</span></div>"
        f"<h2 class='news-tit'>{TITLE}</h2><div class='news-body'>{BODY}</div>"
    )
    assert extract_article(page("", body, title=TITLE)).published_at == at(2024, 5, 13)


# --- titles --------------------------------------------------------------------


def test_buttons_inside_the_headline_are_left_out() -> None:
    r = load("headline_with_tools.html")
    assert r.title == "示例区召开招商引资工作推进会"
    assert r.published_at == at(2024, 5, 13, 16, 5)
    assert r.source == "区投资促进局"


@pytest.mark.parametrize(
    "inside",
    [
        "<span class='fs'>【字号 大 中 小】</span>",
        " <a href='#'>【打印】</a><a href='#'>【关闭】</a>",
        "<div class='share'>分享到： <a>微信</a> <a>微博</a></div>",
        "<span>字体：<a>大</a><a>中</a><a>小</a></span> <a>收藏</a>",
    ],
)
def test_headline_element_with_inline_buttons(inside: str) -> None:
    body = f"<h1>{TITLE}{inside}</h1><div class='info'>2024-05-13 来源：示例网</div>{BODY}"
    assert extract_article(page("", body)).title == TITLE


def test_date_line_inside_the_headline_element() -> None:
    r = load("headline_with_dateline.html")
    assert r.title == "关于示例高速公路改扩建工程施工招标的公告"  # not 通知公告
    assert r.published_at == at(2024, 5, 13)
    assert r.source == "工程建设部"


def test_visible_headline_beats_a_different_og_title() -> None:
    head = '<meta property="og:title" content="示例市签约一批项目">'
    body = f"<div class='hd'><h1>{TITLE}</h1></div><p class='date'>2024-05-13</p>{BODY}"
    assert extract_article(page(head, body, title="示例市签约一批项目-示例网")).title == TITLE


@pytest.mark.parametrize(
    "column", ["要闻", "新闻中心", "通知公告-示例集团有限公司", "公司新闻 | 示例集团"]
)
def test_column_name_title_never_wins_over_a_heading(column: str) -> None:
    body = f"<div class='nav'><a>首页</a><a>{column[:4]}</a></div><h2>{TITLE}</h2>{BODY}"
    r = extract_article(page("", body, title=column))
    assert r.title == TITLE


def test_column_that_is_a_menu_link() -> None:
    body = (
        "<div class='menu'><a href='/'>首页</a><a href='/jt/'>基层风采</a></div>"
        f"<div class='artTitle'>{TITLE}</div><div class='time'>2024-05-13</div>{BODY}"
    )
    assert extract_article(page("", body, title="基层风采")).title == TITLE


def test_column_title_used_only_when_nothing_else() -> None:
    r = extract_article(page("", f"<div>{BODY}</div>", title="要闻"))
    assert r.title == "要闻"
    assert "no article heading; used <title>, which names a column" in r.warnings


# --- the evaluation tool on a labelled set ------------------------------------------


@pytest.mark.integration
def test_eval_tool_measures_a_labelled_page_set(tmp_path: Path) -> None:
    labels = tmp_path / "labels.tsv"
    labels.write_text(
        "# file\ttitle\tdate\turl\n"
        "portal_glued_time.html\t示例区出台支持外资研发中心十条措施\t2009-11-09\n"
        "yearless_date_url.html\t示例集团在示例市投资建设新能源电池基地\t2024-05-13"
        "\thttps://new.example.com/rain/a/20240513A01XYZ00\n"
        "sitename_pipe_date.html\t错误的标题 || 示例高新区获批国家级科技企业孵化器\t2020-04-18\n"
        "headline_with_tools.html\t示例区召开招商引资工作推进会\t2024-05-14\n",
        encoding="utf-8",
    )
    run = subprocess.run(
        [sys.executable, "tools/eval_realpages.py", "--pages", str(PAGES), "--labels", str(labels)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 1, run.stderr  # the last label's date is deliberately wrong
    assert "titles 4/4  dates 3/4 (wrong 1, missing 0)" in run.stdout
    assert "FAIL Td headline_with_tools.html" in run.stdout


# --- dates and titles that must not be taken ------------------------------------------


@pytest.mark.parametrize(
    "header",
    ["<div class='top'>2024年5月20日 星期一</div>", "<div class='top'>今天是：2024年5月20日</div>"],
)
def test_todays_date_in_the_site_header_is_not_the_date(header: str) -> None:
    r = extract_article(page("", f"{header}<h1>{TITLE}</h1><div class='content'>{BODY}</div>"))
    assert r.published_at is None


def test_header_date_loses_to_the_date_line() -> None:
    body = (
        f"<div class='top'><span class='date'>2024年5月20日 星期一</span></div><h1>{TITLE}</h1>"
        f"<div class='info'>来源：示例网 2024-05-13 09:00</div><div class='content'>{BODY}</div>"
    )
    assert extract_article(page("", body)).published_at == at(2024, 5, 13, 9)


def test_site_name_heading_is_not_the_title() -> None:
    body = (
        "<h1>示例市人民政府门户网站</h1><div class='nav'><a>首页</a><a>要闻</a></div>"
        f"<div class='main'><h2>{TITLE}</h2><div class='text'>{BODY}</div></div>"
    )
    assert extract_article(page("", body, title="要闻")).title == TITLE


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("【发布时间：2024-05-13】", at(2024, 5, 13)),
        ("（发布日期：2024-05-13）", at(2024, 5, 13)),
        ("Posted on 2024-05-13 by admin", at(2024, 5, 13)),
        ("2024-05-13", at(2024, 5, 13)),  # the page's only date, below the headline
    ],
)
def test_date_line_without_a_recognisable_headline(line: str, expected: datetime) -> None:
    body = (
        "<div class='nav'><a>要闻</a></div><div class='w'>"
        f"<div>示例市签约新能源项目总投资20亿元</div><div>{line}</div>{BODY}</div>"
    )
    r = extract_article(page("", body, title="要闻"))
    assert r.published_at == expected
    assert r.title == "示例市签约新能源项目总投资20亿元"  # the line above the date, not 要闻
