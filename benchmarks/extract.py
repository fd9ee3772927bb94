"""Extraction time and memory on hostile pages, as a ratio to an ordinary article page.

``python -m benchmarks extract`` prints, for each page: its size, the best of a few
runs of :func:`crawler.extract.extract_article` on its bytes, that time as a ratio to
the ordinary page, and the warnings it gave. The pages:

* ordinary: a generated news article (navigation, headline, date line, 20 paragraphs,
  a related list, footer; ~25 KB);
* a tag with 250,000 attributes (libxml2's duplicate-attribute check made this take
  minutes: time grew with the square of the attribute count);
* 1,000 nested ``<div>``s around the body (the body was lost from ~255 on);
* a 10 MB text node (the body came out empty);
* a 50 MB page on one line (dense paragraphs; peaked at 852 MB RSS);
* the same attribute, nesting and text-node pages at 5,000 nesting / 50 MB sizes.

Then the peak RSS of a fresh process extracting the 50 MB page, against the same
process's RSS after reading the page's bytes (the bytes themselves are 50 MB).

Nothing here touches the network.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from crawler.extract import extract_article

REPO = Path(__file__).resolve().parents[1]
RUNS = int(os.environ.get("LEADWATCH_BENCH_EXTRACT_RUNS", "3"))
ORDINARY_RUNS = 200
PARAGRAPH = "示例市今天与一家新能源企业签约建设电池材料项目，总投资二十亿元，预计明年年底投产。"


def ordinary_page() -> bytes:
    """A typical news article page of ~70 KB (the saved real pages are 20–470 KB)."""
    nav = "".join(f"<li><a href='/c{i}/' class='nav-item'>栏目{i}</a></li>" for i in range(80))
    body = "".join(f"<p>{PARAGRAPH}第{i}段。</p>" for i in range(30))
    related = "".join(
        f"<li><a href='/a/{i}.html'>示例相关新闻标题第{i}条</a><span>2024-05-0{i % 9 + 1}</span></li>"
        for i in range(40)
    )
    script = "var conf = {channel: 'news', id: 12345, items: [" + "1, " * 8_000 + "]};"
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        "<title>示例市签约电池材料项目 总投资20亿元_示例新闻网</title>"
        "<meta name='publishdate' content='2024-05-13'>"
        f"<script>{script}</script></head><body>"
        f"<div class='header'><ul class='nav'>{nav}</ul></div>"
        "<div class='main'><h1>示例市签约电池材料项目 总投资20亿元</h1>"
        "<div class='info'>2024-05-13 10:20 来源：示例日报</div>"
        f"<div class='article-content'>{body}</div>"
        f"<div class='related'><h3>相关新闻</h3><ul>{related}</ul></div></div>"
        "<div class='footer'>示例新闻网 版权所有 ICP备00000000号</div></body></html>"
    ).encode()


def _shell(inner: str) -> bytes:
    return (
        "<html><head><title>示例标题_示例网</title></head><body><h1>示例市签约电池材料项目</h1>"
        f"<div class='info'>发布时间：2024-05-13 10:20</div>{inner}</body></html>"
    ).encode()


def many_attributes(n: int) -> bytes:
    attrs = " ".join(f'data-a{i}="v"' for i in range(n))
    return _shell(f"<div class='content' {attrs}><p>{PARAGRAPH}</p></div>")


def nested(depth: int) -> bytes:
    return _shell("<div>" * depth + f"<p>{PARAGRAPH}</p>" * 5 + "</div>" * depth)


def text_node(mb: int) -> bytes:
    text = PARAGRAPH * (mb * 1024 * 1024 // len(PARAGRAPH.encode()))
    return _shell(f"<div class='content'><p>{text}</p></div>")


def one_line(mb: int) -> bytes:
    unit = f"<p>{PARAGRAPH}</p>"
    return _shell(
        "<div class='content'>" + unit * (mb * 1024 * 1024 // len(unit.encode())) + "</div>"
    )


PAGES: list[tuple[str, Callable[[], bytes]]] = [
    ("250,000 attributes in one tag", lambda: many_attributes(250_000)),
    ("1,000 nested <div>s", lambda: nested(1_000)),
    ("5,000 nested <div>s", lambda: nested(5_000)),
    ("10 MB text node", lambda: text_node(10)),
    ("50 MB page on one line", lambda: one_line(50)),
]


def best_time(raw: bytes, runs: int) -> tuple[float, list[str]]:
    """Best wall time of ``runs`` extractions, and the warnings of the last one."""
    best = float("inf")
    warnings: list[str] = []
    for _ in range(runs):
        started = time.perf_counter()
        result = extract_article(raw, "https://news.example.com/a/1.html")
        best = min(best, time.perf_counter() - started)
        warnings = result.warnings
    return best, warnings


# VmHWM (peak RSS) from /proc: unlike getrusage's ru_maxrss, it starts afresh at
# exec, so the parent's memory at fork does not count.
_RSS_CHILD = """
import json, sys, time
def status(key):
    for line in open("/proc/self/status"):
        if line.startswith(key + ":"):
            return int(line.split()[1])
from crawler.extract import extract_article
raw = open(sys.argv[1], "rb").read()
before = status("VmHWM")
started = time.perf_counter()
result = extract_article(raw)
seconds = time.perf_counter() - started
print(json.dumps({"before_kb": before, "peak_kb": status("VmHWM"), "seconds": seconds,
                  "body_chars": len(result.body)}))
"""


def peak_rss(raw: bytes) -> dict[str, float]:
    """Peak RSS of a fresh process that reads ``raw`` from a file and extracts it."""
    with tempfile.NamedTemporaryFile(suffix=".html") as page:
        page.write(raw)
        page.flush()
        out = subprocess.run(
            [sys.executable, "-c", _RSS_CHILD, page.name],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        )
    return json.loads(out.stdout)


def main() -> None:
    """Print the table of times and ratios, then the 50 MB page's peak RSS."""
    ordinary = ordinary_page()
    base, base_warnings = best_time(ordinary, ORDINARY_RUNS)
    print(
        f"ordinary page: {len(ordinary) / 1024:.0f} KB, {base * 1000:.2f} ms (best of {ORDINARY_RUNS})"
    )
    if base_warnings:
        print(f"  warnings: {base_warnings}")
    print(f"\n{'page':<32} {'size':>9} {'time':>10} {'x ordinary':>11}  warnings")
    for name, make in PAGES:
        raw = make()
        seconds, warnings = best_time(raw, RUNS)
        size = f"{len(raw) / (1024 * 1024):.1f} MB"
        shown = "; ".join(warnings) or "-"
        print(f"{name:<32} {size:>9} {seconds:>8.3f} s {seconds / base:>10.0f}x  {shown}")
        del raw
    rss = peak_rss(one_line(50))
    before, peak = rss["before_kb"] / 1024, rss["peak_kb"] / 1024
    print(
        f"\n50 MB one-line page in a fresh process: peak RSS {peak:.0f} MB "
        f"({before:.0f} MB after reading the page's bytes, +{peak - before:.0f} MB to "
        f"extract it in {rss['seconds']:.2f} s; body {rss['body_chars']:,} characters)"
    )


if __name__ == "__main__":
    main()
