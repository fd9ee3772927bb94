"""Hostile pages: huge tags, deep nesting, huge text nodes, huge pages.

Each keeps what an ordinary page of the same article would give (title, body)
and says in ``Extracted.warnings`` what was cut. How long they take is measured
by ``python -m benchmarks extract``, not here.
"""

from __future__ import annotations

from lxml import etree

from crawler.extract import WARNING_KINDS, extract_article, warning_kind
from crawler.extract.dom import parse_page
from crawler.extract.limits import (
    ATTRIBUTES_CUT,
    FLATTEN_DEPTH,
    MAX_ATTRIBUTES,
    MAX_PAGE_BYTES,
    MAX_TEXT_CHARS,
    NESTING_FLATTENED,
    PAGE_CUT,
    TEXT_CUT,
    cap_bytes,
    cap_text,
    flatten_deep,
    trim_attributes,
)

TITLE = "示例市签约智能装备产业园项目"
PARAGRAPH = "示例市今天签约智能装备产业园项目，总投资二十亿元，预计明年年底投产。"


def article(inner: str, head: str = "") -> str:
    return (
        f"<html><head><title>{TITLE}_示例网</title>{head}</head><body><h1>{TITLE}</h1>"
        f"<div class='info'>发布时间：2024-05-13 10:20</div>{inner}</body></html>"
    )


def kinds(warnings: list[str]) -> set[str]:
    return {w.split(":", 1)[0] for w in warnings}


def test_a_tag_with_250000_attributes_keeps_its_first_ones_and_the_page() -> None:
    attrs = " ".join(f'data-a{i}="v"' for i in range(250_000))
    html = article(f"<div class='content' {attrs}><p>{PARAGRAPH}</p></div><p>{PARAGRAPH}</p>")
    r = extract_article(html.encode())
    assert r.title == TITLE
    assert PARAGRAPH in r.body
    assert f"{ATTRIBUTES_CUT}: a tag with 250,001 attributes kept its first {MAX_ATTRIBUTES}" in (
        r.warnings
    )


def test_trimmed_tag_keeps_class_and_closes() -> None:
    tag = "<div class='content' " + " ".join(f"a{i}='{i}'" for i in range(500)) + ">"
    out, warnings = trim_attributes(f"<body>{tag}text</div></body>")
    root = etree.fromstring(out, etree.HTMLParser())
    div = root.find(".//div")
    assert div is not None
    assert div.get("class") == "content"
    assert len(div.attrib) == MAX_ATTRIBUTES
    assert div.text == "text"
    assert warnings


def test_ordinary_tags_are_untouched() -> None:
    html = article(f"<div class='content' id='c' data-x='1'><p>{PARAGRAPH}</p></div>")
    assert trim_attributes(html) == (html, [])


def test_quoted_values_with_brackets_are_counted_as_libxml2_reads_them() -> None:
    attrs = " ".join(f'a{i}="x>y<z"' for i in range(1_000))
    out, warnings = trim_attributes(f"<p {attrs}>text</p>")
    assert warnings
    assert out.count("=") == MAX_ATTRIBUTES


def test_1000_nested_divs_keep_the_body() -> None:
    html = article("<div>" * 1_000 + f"<p>{PARAGRAPH}</p>" * 3 + "</div>" * 1_000)
    r = extract_article(html)
    assert r.title == TITLE
    assert r.body.split("\n") == [PARAGRAPH] * 3


def test_nesting_past_the_parser_limit_is_unwrapped_not_lost() -> None:
    deep = "<div class='x'><span>" * 3_000 + f"<p>{PARAGRAPH}</p>" + "</span></div>" * 3_000
    html = article(deep + f"<div class='after'><p>{PARAGRAPH}后记</p></div>")
    r = extract_article(html.encode())
    assert PARAGRAPH in r.body
    assert NESTING_FLATTENED in kinds(r.warnings)
    assert r.published_at is not None


def test_flatten_deep_keeps_text_and_shallow_markup() -> None:
    html = "<body>" + "<div>" * 10 + "deep" + "</div>" * 10 + "<p>after</p></body>"
    out, warnings = flatten_deep(html, depth=4)
    root, _ = parse_page(out)
    assert root is not None
    text = "".join(root.itertext())
    assert "deep" in text and "after" in text
    assert warnings == [f"{NESTING_FLATTENED}: 14 tags nested deeper than 4 unwrapped"]
    assert flatten_deep("<div><p>x</p></div>") == ("<div><p>x</p></div>", [])
    assert FLATTEN_DEPTH < 2048  # libxml2's own limit with huge_tree


def test_a_text_node_over_10_mb_is_cut_not_dropped() -> None:
    text = PARAGRAPH * (11 * 1024 * 1024 // len(PARAGRAPH))
    html = article(f"<div class='content'><p>{text}</p></div>")
    r = extract_article(html)
    assert r.title == TITLE
    assert len(r.body) == MAX_TEXT_CHARS
    assert r.body.startswith(PARAGRAPH * 3)
    assert {PAGE_CUT, TEXT_CUT} <= kinds(r.warnings)


def test_a_one_line_page_over_the_cap_is_cut_with_a_warning() -> None:
    line = f"<p>{PARAGRAPH}</p>" * (12 * 1024 * 1024 // len(f"<p>{PARAGRAPH}</p>".encode()))
    raw = article(f"<div class='content'>{line}</div>").encode()
    r = extract_article(raw)
    assert r.title == TITLE
    assert r.body.startswith(PARAGRAPH)
    assert len(r.body.encode()) < MAX_PAGE_BYTES
    cut = [w for w in r.warnings if w.startswith(PAGE_CUT)]
    assert f"{PAGE_CUT}: 12.0 MB page cut to its first 4.0 MB" in cut


def test_scripts_go_before_the_article_is_cut() -> None:
    script = "<script>var x = '" + "a" * (MAX_PAGE_BYTES + 1024) + "';</script>"
    ld = (
        '<script type="application/ld+json">{"datePublished": "2024-05-13T10:20:00+08:00"}</script>'
    )
    raw = article(f"<div class='content'><p>{PARAGRAPH}</p></div>", head=script + ld).encode()
    body, warnings = cap_bytes(raw)
    assert warnings == []  # it fits once the script's text is gone
    assert b"ld+json" in body and PARAGRAPH.encode() in body
    r = extract_article(raw)
    assert r.body == PARAGRAPH
    assert PAGE_CUT not in kinds(r.warnings)


def test_cut_falls_between_tags_and_characters() -> None:
    raw = ("<p>" + "示例" * 100 + "</p>").encode("gbk") * 1_000
    body, warnings = cap_bytes(raw, limit=10_000)
    assert len(body) <= 10_000 and body.endswith(b"</p>")
    body.decode("gbk")  # no half character at the end
    assert warnings
    text, text_warnings = cap_text(raw.decode("gbk"), limit=10_000)
    assert text.endswith("</p>") and text_warnings


def test_warning_kinds_name_every_bound_and_encoding_warning() -> None:
    attrs = " ".join(f"a{i}='v'" for i in range(300))
    deep = "<div>" * 3_000 + "<p>x</p>" + "</div>" * 3_000
    html = article(f"<div {attrs}>{deep}</div>")
    raw = b'<meta charset="utf-8">' + html.encode("gbk") + b"\xff"
    r = extract_article(raw)
    counted = {warning_kind(w) for w in r.warnings} - {None}
    assert {"charset_mismatch", "attributes_cut", "nesting_flattened"} <= counted
    assert warning_kind("no date found") is None
    assert set(WARNING_KINDS.values()) == {
        "charset_mismatch",
        "undecodable_bytes",
        "page_cut",
        "attributes_cut",
        "nesting_flattened",
        "text_cut",
    }


def test_a_tag_of_many_attributes_does_not_push_the_text_past_the_size_cut() -> None:
    """5 MB of attributes in one tag before the article: the attributes are trimmed in
    the bytes first, so the size cut keeps the text."""
    attrs = " ".join(f'data-a{i}="{i}"' for i in range(250_000))
    page = (
        '<html><head><meta charset="utf-8"><title>属性极多的页面</title></head><body>'
        f'<h1>属性极多的页面</h1><div class="article"><span {attrs}>正文开头</span>'
        + "<p>宜兴经开区与某新材料企业签署投资协议，项目总投资5亿元。</p>" * 20
        + "</div></body></html>"
    ).encode()
    assert len(page) > 4 * 1024 * 1024
    result = extract_article(page)
    assert "项目总投资5亿元" in result.body
    assert any(w.startswith("attributes cut") for w in result.warnings)
