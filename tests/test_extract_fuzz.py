"""Seeded fuzzing of extract_article: generated and mutated pages never break it.

A few thousand pages: our fixture pages and generated articles, cut short, with
random attributes (and one tag with thousands), nested thousands deep, in odd or
lying encodings, with huge text nodes, flipped bytes and random tag soup. Every
page must give an :class:`Extracted` of the right types without an exception, and
no page may take more than :data:`PAGE_SECONDS` (an ordinary page takes about a
millisecond; the bound catches work that grows with the square of the input,
which took minutes before, not ordinary slowness; speed itself is measured by
``python -m benchmarks extract``).
"""

from __future__ import annotations

import codecs
import random
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from crawler.extract import Extracted, extract_article
from crawler.extract.dates import SHANGHAI

PAGES = Path(__file__).parent / "data" / "pages"
SEED = 20240513
PAGES_PER_SEED = 1_100
PAGE_SECONDS = 2.0

WORDS = [
    "示例",
    "市",
    "签约",
    "项目",
    "总投资",
    "亿元",
    "新能源",
    "产业园",
    "开工",
    "来源",
    "发布时间",
    "日期",
    "字号",
    "打印",
    "Example",
    "signs",
    "deal",
    "2024-05-13",
    "10:20",
    "05-13",
    "Apr",
    "22,",
    "2025",
    "2009年11月09日13:48",
    "格林尼治标准时间",
    "更新时间",
    "|",
    "：",
    "【",
    "】",
    "&",
    "&amp;",
    "&#x4e00;",
    "&#99999999;",
    "<",
    ">",
    '"',
    "'",
    "=",
    "/",
    "\\",
    "\x00",
    "\x0b",
    "\ufeff",
    "\u3000",
    "𠀀",
]
TAGS = [
    "div",
    "p",
    "span",
    "a",
    "h1",
    "h2",
    "ul",
    "li",
    "table",
    "tr",
    "td",
    "br",
    "time",
    "script",
    "style",
    "meta",
    "title",
    "b",
    "i",
]
ATTRS = [
    "class",
    "id",
    "style",
    "href",
    "content",
    "name",
    "property",
    "itemprop",
    "datetime",
    "charset",
    "hidden",
]
CLASSES = [
    "title",
    "content",
    "info",
    "time",
    "date",
    "source",
    "article-title",
    "zoom",
    "detail",
    "related",
    "hot",
    "nav",
]


def fixture_pages() -> list[bytes]:
    return [path.read_bytes() for path in sorted(PAGES.glob("*.html"))]


def generated_article(rnd: random.Random) -> str:
    title = "".join(rnd.choice(WORDS) for _ in range(rnd.randint(1, 12)))
    body = "".join(f"<p>{''.join(rnd.choices(WORDS, k=rnd.randint(3, 40)))}</p>" for _ in range(5))
    date = rnd.choice(["2024-05-13 10:20", "05-13 10:20", "Apr 22, 2025", "", "2024年5月13日"])
    meta = rnd.choice(
        [
            "",
            f'<meta name="publishdate " content="{date}">',
            '<meta property="article:published_time" content="2024-06-15T12:00:00Z">',
            '<script type="application/ld+json">{"datePublished": [1, {"x": null}]}</script>',
            '<script type="application/ld+json">{"datePublished": </script>',
        ]
    )
    return (
        f"<html><head><title>{title}_示例网</title>{meta}</head><body>"
        f"<div class='{rnd.choice(CLASSES)}'><h1>{title}</h1><span>{date}</span></div>"
        f"<div class='{rnd.choice(CLASSES)}'>{body}</div></body></html>"
    )


def random_attributes(rnd: random.Random, n: int) -> str:
    out = []
    for i in range(n):
        name = rnd.choice(ATTRS) if rnd.random() < 0.5 else f"a{i}"
        value = "".join(rnd.choices(WORDS, k=rnd.randint(0, 3)))
        quote = rnd.choice(['"', "'", ""])
        out.append(f"{name}={quote}{value}{quote}" if rnd.random() < 0.9 else name)
    return " ".join(out)


def tag_soup(rnd: random.Random, n: int) -> str:
    parts = []
    for _ in range(n):
        kind = rnd.random()
        tag = rnd.choice(TAGS)
        if kind < 0.35:
            parts.append(f"<{tag} {random_attributes(rnd, rnd.randint(0, 4))}>")
        elif kind < 0.6:
            parts.append(f"</{tag}>")
        elif kind < 0.65:
            parts.append(rnd.choice(["<!--", "-->", "<![CDATA[", "]]>", "<?xml ?>", "<!DOCTYPE"]))
        else:
            parts.append("".join(rnd.choices(WORDS, k=rnd.randint(1, 6))))
    return "".join(parts)


def encode(rnd: random.Random, html: str) -> bytes:
    codec = rnd.choice(["utf-8", "gb18030", "big5", "utf-16-le", "utf-16-be", "cp1252"])
    raw = html.encode(codec, errors="replace")
    if rnd.random() < 0.3:
        bom = {
            "utf-8": codecs.BOM_UTF8,
            "utf-16-le": codecs.BOM_UTF16_LE,
            "utf-16-be": codecs.BOM_UTF16_BE,
        }.get(codec, b"")
        raw = bom + raw
    return raw


def mutate(rnd: random.Random, raw: bytes) -> bytes:
    """One or two random damages of a page's bytes."""
    for _ in range(rnd.randint(1, 2)):
        kind = rnd.randrange(8)
        if kind == 0 and raw:  # cut short anywhere
            raw = raw[: rnd.randrange(len(raw))]
        elif kind == 1 and raw:  # flip bytes
            data = bytearray(raw)
            for _ in range(rnd.randint(1, 20)):
                data[rnd.randrange(len(data))] = rnd.randrange(256)
            raw = bytes(data)
        elif kind == 2:  # insert tag soup
            at = rnd.randrange(len(raw) + 1)
            raw = raw[:at] + tag_soup(rnd, rnd.randint(5, 200)).encode() + raw[at:]
        elif kind == 3:  # a lying charset declaration
            label = rnd.choice(["utf-8", "gbk", "big5", "utf-16", "klingon", "iso-8859-1"])
            raw = f'<meta charset="{label}">'.encode() + raw
        elif kind == 4:  # GBK bytes inside the page
            raw += "示例標題，格林尼治標準時間".encode(
                rnd.choice(["gbk", "big5"]), errors="replace"
            )
        elif kind == 5:  # random bytes
            raw += rnd.randbytes(rnd.randint(1, 4000))
        elif kind == 6:  # duplicate a chunk many times
            if raw:
                start = rnd.randrange(len(raw))
                raw += raw[start : start + 200] * rnd.randint(2, 50)
        else:  # unclosed script/comment/attribute quote
            raw += rnd.choice([b"<script>var a = '", b"<!-- ", b'<div class="', b"<style>"])
    return raw


def hostile(rnd: random.Random) -> bytes:
    """A page built to be expensive: many attributes, deep nesting, a huge text node."""
    kind = rnd.randrange(4)
    if kind == 0:
        attrs = random_attributes(rnd, rnd.randint(2_000, 20_000))
        return f"<html><body><h1>示例标题</h1><div {attrs}><p>正文。</p></div>".encode()
    if kind == 1:
        depth = rnd.randint(200, 4_000)
        tag = rnd.choice(["div", "span", "b", "table", "li"])
        nested = f"<{tag}>" * depth + "<p>正文。</p>" + f"</{tag}>" * depth
        return f"<html><body><h1>示例标题</h1>{nested}".encode()
    if kind == 2:
        text = "".join(rnd.choices(WORDS[:20], k=rnd.randint(10_000, 200_000)))
        return f"<html><body><h1>示例标题</h1><div class='content'><p>{text}</p></div>".encode()
    return ("<html><body>" + tag_soup(rnd, rnd.randint(2_000, 20_000))).encode()


def page_maker(rnd: random.Random, fixtures: list[bytes]) -> Callable[[], bytes]:
    def make() -> bytes:
        roll = rnd.random()
        if roll < 0.01:
            return hostile(rnd)
        if roll < 0.4:
            return mutate(rnd, rnd.choice(fixtures))
        if roll < 0.8:
            return mutate(rnd, encode(rnd, generated_article(rnd)))
        return encode(rnd, generated_article(rnd) if roll < 0.9 else tag_soup(rnd, 300))

    return make


def check(result: Extracted) -> None:
    assert isinstance(result, Extracted)
    assert isinstance(result.title, str) and "\n" not in result.title
    assert isinstance(result.source, str)
    assert isinstance(result.body, str)
    assert isinstance(result.warnings, list)
    assert all(isinstance(w, str) and w for w in result.warnings)
    when = result.published_at
    assert when is None or (
        isinstance(when, datetime)
        and when.tzinfo is SHANGHAI
        and when.year >= 1990
        and when <= datetime.now(SHANGHAI) + timedelta(days=400)
    )


@pytest.mark.parametrize("seed", [SEED, SEED + 1])
@pytest.mark.integration
def test_fuzzed_pages_never_break_extraction(seed: int) -> None:
    rnd = random.Random(seed)
    make = page_maker(rnd, fixture_pages())
    slowest = (0.0, b"")
    for _ in range(PAGES_PER_SEED):
        raw = make()
        content_type = rnd.choice(
            [None, "text/html", "text/html; charset=gbk", "text/html; charset=utf-8"]
        )
        started = time.perf_counter()
        result = extract_article(
            raw, "https://example.com/a/20240513/1.html", content_type=content_type
        )
        elapsed = time.perf_counter() - started
        check(result)
        slowest = max(slowest, (elapsed, raw[:200]))
    assert slowest[0] < PAGE_SECONDS, f"{slowest[0]:.2f} s for a page starting {slowest[1]!r}"


def test_text_input_is_fuzzed_too() -> None:
    rnd = random.Random(SEED + 2)
    for _ in range(300):
        html = mutate(rnd, generated_article(rnd).encode()).decode("utf-8", errors="replace")
        check(extract_article(html))
