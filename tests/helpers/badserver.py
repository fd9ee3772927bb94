"""A loopback HTTP server for crawl tests: fixture files, bad cases and a request log.

``BadServer(root)`` serves the files under ``root`` (a fixture site) on 127.0.0.1 at a
random port, plus dynamic routes that a static server cannot play:

* ``/robots.txt`` — the site's own file, else one that disallows ``/private/``;
* ``/module/web/jpage/dataproxy.jsp`` — Hanweb's paging proxy, slicing
  ``<root>/_records/col<columnid>.xml`` by ``startrecord``/``endrecord`` (GET or POST);
* ``/bad/…`` — the bad cases: ``status/<code>``, ``sleep/<s>``, a redirect loop, a 20 MB
  page streamed in chunks (with and without Content-Length), an endless calendar pager,
  and a generated article per day; ``/bad/index.html`` links them all;
* ``/slow/<n>.shtml`` — an article that takes ``slow_s`` to serve; ``max_inflight`` is
  the most such requests the server was holding at once (concurrency tests);
* ``/grow/…`` — a column whose size the test sets (``grow_total``), for killed crawls.

A query string selects the file ``<path>@<query>`` when it exists (``list.html?page=2``
is ``list.html@page=2``). In ``.xml`` files ``{{BASE}}`` becomes this server's URL and
``{{OFFSITE}}`` the same server under the name ``localhost``, which the crawler must treat
as another site. Every request is logged (method, path, query, headers, body, time);
``gate(prefix)`` holds requests under a path until the test opens it. All waits are
bounded and end when the server stops.
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

CHUNK = 64 * 1024
HUGE_BYTES = 20 * 1024 * 1024
MAX_WAIT_S = 30.0  # no handler waits longer than this, whatever a test asks for
CONTENT_TYPES = {
    ".html": "text/html",
    ".htm": "text/html",
    ".shtml": "text/html",
    ".xml": "application/xml",
    ".txt": "text/plain",
    ".css": "text/css",
}
DEFAULT_ROBOTS = "User-agent: *\nDisallow: /private/\n"


@dataclass
class Hit:
    """One request the server received."""

    method: str
    path: str
    query: str
    headers: Message
    body: bytes
    at: float = field(default_factory=time.monotonic)


def article_html(title: str, day: str, body: str, source: str = "宜兴日报") -> str:
    """A small Yixing-style article page."""
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8">
<meta name="ArticleTitle" content="{title}">
<meta name="PubDate" content="{day} 09:00">
<meta name="ContentSource" content="{source}">
<title>{title}-宜兴市人民政府</title></head>
<body><div class="g_show_title"><h1>{title}</h1></div>
<div class="g_show_rq">发布时间：{day} 09:00　来源：{source}</div>
<div class="g_show_article"><div class="TRS_Editor"><p>{body}</p></div></div>
</body></html>
"""


def list_html(title: str, links: list[tuple[str, str]], next_href: str | None) -> str:
    """A list page with ``ul.list`` entries and an optional 下一页 link."""
    items = "\n".join(f'<li><a href="{href}">{text}</a><span></span></li>' for href, text in links)
    nxt = f'<a href="{next_href}">下一页</a>' if next_href else "<span>下一页</span>"
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{title}</title></head>
<body><ul class="list">
{items}
</ul><div class="page">{nxt}</div></body></html>
"""


class _Server(ThreadingHTTPServer):
    # A crawler may open many connections at once; with the default backlog of 5 the
    # kernel drops SYNs and the client's 1 s connect timeout fires for no bad reason.
    request_queue_size = 128


class BadServer:
    """See the module docstring. Use as a context manager."""

    def __init__(self, root: Path | None = None, *, slow_s: float = 0.4):
        self.root = root
        self.slow_s = slow_s
        self.grow_total = 0
        self.grow_per_page = 20
        self.hits: list[Hit] = []
        self.inflight = 0
        self.max_inflight = 0
        self._lock = threading.Lock()
        self._gates: dict[str, threading.Event] = {}
        self.stopping = threading.Event()
        handler = type("Handler", (_Handler,), {"bad": self})
        self.server = _Server(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def offsite_url(self) -> str:
        """This server under another host name: a different site to the crawler."""
        return f"http://localhost:{self.port}"

    def __enter__(self) -> BadServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        for gate in self._gates.values():
            gate.set()
        self.server.shutdown()
        self.server.server_close()

    # --- what the tests look at -------------------------------------------------------

    def requests(self, prefix: str = "") -> list[Hit]:
        """Logged requests whose path starts with ``prefix``."""
        with self._lock:
            return [h for h in self.hits if h.path.startswith(prefix)]

    def paths(self, prefix: str = "") -> list[str]:
        return [h.path + (f"?{h.query}" if h.query else "") for h in self.requests(prefix)]

    def gate(self, prefix: str) -> threading.Event:
        """Hold requests under ``prefix`` until the returned event is set."""
        event = threading.Event()
        self._gates[prefix] = event
        return event

    def _record(self, hit: Hit) -> None:
        with self._lock:
            self.hits.append(hit)

    def _enter(self) -> None:
        with self._lock:
            self.inflight += 1
            self.max_inflight = max(self.max_inflight, self.inflight)

    def _leave(self) -> None:
        with self._lock:
            self.inflight -= 1

    def wait(self, seconds: float) -> None:
        """Sleep up to ``seconds`` (at most MAX_WAIT_S), returning early on shutdown."""
        self.stopping.wait(min(seconds, MAX_WAIT_S))


class _Handler(BaseHTTPRequestHandler):
    bad: BadServer
    server_version = "badserver/1.0"

    def log_message(self, format: str, *args: object) -> None:
        return None

    def do_GET(self) -> None:  # noqa: N802 - http.server API
        self._serve(b"")

    def do_POST(self) -> None:  # noqa: N802 - http.server API
        length = int(self.headers.get("Content-Length") or 0)
        self._serve(self.rfile.read(length) if length else b"")

    def _serve(self, body: bytes) -> None:
        parts = urlsplit(self.path)
        path, query = unquote(parts.path), parts.query
        self.bad._record(Hit(self.command, path, query, self.headers, body))
        for prefix, gate in list(self.bad._gates.items()):
            if path.startswith(prefix):
                gate.wait(MAX_WAIT_S)
        # BrokenPipe / ConnectionReset: the crawler gave up on the response (size, timeout)
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self._route(path, query, body)

    # --- responses --------------------------------------------------------------------

    def _send(
        self, status: int, text: str | bytes, content_type: str = "text/html", **headers: str
    ) -> None:
        data = text.encode("utf-8") if isinstance(text, str) else text
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        # http.server answers HTTP/1.0 and closes the connection, but says nothing; Twisted
        # then keeps the connection for the next request, and a POST sent on it as the
        # close arrives fails with "Connection was closed cleanly" (a GET is retried).
        self.send_header("Connection", "close")
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _route(self, path: str, query: str, body: bytes) -> None:
        if path == "/robots.txt":
            robots = self.bad.root / "robots.txt" if self.bad.root else None
            text = robots.read_text("utf-8") if robots and robots.exists() else DEFAULT_ROBOTS
            return self._send(200, text, "text/plain")
        if path == "/module/web/jpage/dataproxy.jsp":
            return self._dataproxy(query, body)
        if path.startswith("/bad/"):
            return self._bad(path[len("/bad/") :])
        if path.startswith("/slow/"):
            # Counted while waiting, before a byte is sent: the client cannot have finished
            # this request, so overlapping waits are truly concurrent requests.
            self.bad._enter()
            self.bad.wait(self.bad.slow_s)
            self.bad._leave()
            n = path.rsplit("/", 1)[-1].split(".")[0]
            return self._send(
                200, article_html(f"慢速页面测试文章{n}", "2025-05-01", "正文。" * 20)
            )
        if path.startswith("/grow/"):
            return self._grow(path[len("/grow/") :])
        return self._static(path, query)

    def _static(self, path: str, query: str) -> None:
        if self.bad.root is None:
            return self._send(404, "<h1>404</h1>")
        target = (self.bad.root / path.lstrip("/")).resolve()
        if not str(target).startswith(str(self.bad.root.resolve())):
            return self._send(403, "<h1>403</h1>")
        if target.is_dir():
            target = target / "index.html"
        if query and target.with_name(f"{target.name}@{query}").is_file():
            target = target.with_name(f"{target.name}@{query}")
        if not target.is_file():
            return self._send(404, "<h1>404 页面不存在</h1>")
        data = target.read_bytes()
        suffix = target.name.split("@")[0]
        suffix = suffix[suffix.rfind(".") :] if "." in suffix else ""
        if suffix == ".xml":
            data = data.replace(b"{{BASE}}", self.bad.url.encode()).replace(
                b"{{OFFSITE}}", self.bad.offsite_url.encode()
            )
        self._send(200, data, CONTENT_TYPES.get(suffix, "application/octet-stream"))

    def _dataproxy(self, query: str, body: bytes) -> None:
        params = dict(parse_qsl(query, keep_blank_values=True))
        params.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        column = params.get("columnid", "")
        source = self.bad.root / "_records" / f"col{column}.xml" if self.bad.root else None
        if not column.isdigit() or source is None or not source.exists():
            return self._send(400, "<h1>unknown column</h1>")
        records = re.findall(r"<record>.*?</record>", source.read_text("utf-8"), re.S)
        per_page = int(params.get("perpage") or 15)
        if params.get("startrecord"):
            start = int(params["startrecord"])
            end = int(params.get("endrecord") or start + per_page - 1)
        else:
            page = int(params.get("page") or 1)
            start, end = (page - 1) * per_page + 1, page * per_page
        chosen = records[start - 1 : end]
        next_page = int(params.get("page") or 1) + 1
        xml = (
            '<?xml version="1.0" encoding="UTF-8"?>\n<datastore>\n'
            f'<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page={next_page}'
            f'&columnid={column}&unitid={params.get("unitid", "")}"></a>]]></nextgroup>\n'
            "<recordset>\n" + "\n".join(chosen) + "\n</recordset>\n</datastore>\n"
        )
        self._send(200, xml, "text/xml;charset=UTF-8")

    def _bad(self, rest: str) -> None:
        if rest == "index.html":
            return self._send(200, self._bad_index())
        if m := re.fullmatch(r"status/(\d{3})\.shtml", rest):
            status = int(m[1])
            return self._send(status, f"<h1>{status}</h1>")
        if m := re.fullmatch(r"sleep/(\d+(?:\.\d+)?)\.shtml", rest):
            self.bad.wait(float(m[1]))
            return self._send(200, article_html("迟到的页面", "2025-01-01", "超时后才返回的正文。"))
        if m := re.fullmatch(r"loop/([ab])\.shtml", rest):
            other = "b" if m[1] == "a" else "a"
            return self._send(302, "", Location=f"/bad/loop/{other}.shtml")
        if rest == "huge.shtml":
            return self._huge(with_length=True)
        if rest == "huge-stream.shtml":
            return self._huge(with_length=False)
        if m := re.fullmatch(r"calendar/(\d{4}-\d{2}-\d{2})\.html", rest):
            day = date.fromisoformat(m[1])
            nxt = day + timedelta(days=1)
            links = [(f"/bad/day/{day}.shtml", f"{day:%Y年%m月%d日}工作动态")]
            return self._send(200, list_html(f"日历 {day}", links, f"/bad/calendar/{nxt}.html"))
        if m := re.fullmatch(r"day/(\d{4}-\d{2}-\d{2})\.shtml", rest):
            day = date.fromisoformat(m[1])
            title = f"{day:%Y年%m月%d日}工作动态"
            text = f"{day.month}月{day.day}日，市政府召开专题会议，研究部署重点项目推进和招商引资工作。"
            return self._send(200, article_html(title, str(day), text * 2))
        return self._send(404, "<h1>404</h1>")

    def _bad_index(self) -> str:
        links = [
            ("/bad/status/404.shtml", "已删除的文章"),
            ("/bad/status/500.shtml", "服务器出错的文章"),
            ("/bad/sleep/3.shtml", "响应很慢的文章"),
            ("/bad/loop/a.shtml", "重定向循环的文章"),
            ("/bad/huge.shtml", "二十兆的页面"),
            ("/bad/huge-stream.shtml", "二十兆的流式页面"),
            ("/private/secret.shtml", "robots.txt 禁止抓取的文章"),
            (f"{self.bad.offsite_url}/bad/day/2025-02-01.shtml", "外站文章"),
            ("/bad/day/2025-01-01.shtml", "2025年01月01日工作动态"),
        ]
        return list_html("坏情况列表", links, "/bad/calendar/2025-01-02.html")

    def _huge(self, *, with_length: bool) -> None:
        """20 MB of HTML written in 64 KB chunks; never held in memory at once."""
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        if with_length:
            self.send_header("Content-Length", str(HUGE_BYTES))
        else:
            self.close_connection = True
        self.end_headers()
        filler = ("<p>" + "宜兴" * 10 + "</p>\n").encode("utf-8")
        chunk = (filler * (CHUNK // len(filler) + 1))[:CHUNK]
        sent = 0
        while sent < HUGE_BYTES and not self.bad.stopping.is_set():
            self.wfile.write(chunk[: HUGE_BYTES - sent])
            sent += len(chunk)

    def _grow(self, rest: str) -> None:
        """A column of ``grow_total`` articles, newest first, ``grow_per_page`` a page."""
        total, per = self.bad.grow_total, self.bad.grow_per_page
        if m := re.fullmatch(r"(?:index|list_(\d+))\.html", rest):
            page = int(m[1] or 1)
            newest = total - (page - 1) * per
            ids = range(newest, max(newest - per, 0), -1)
            links = [(f"/grow/doc/{n}.shtml", f"第{n}号动态") for n in ids]
            more = newest - per > 0
            return self._send(
                200, list_html("动态", links, f"list_{page + 1}.html" if more else None)
            )
        if m := re.fullmatch(r"doc/(\d+)\.shtml", rest):
            n = int(m[1])
            if not 1 <= n <= total:
                return self._send(404, "<h1>404</h1>")
            day = date(2024, 1, 1) + timedelta(days=n)
            return self._send(
                200, article_html(f"第{n}号动态", str(day), f"第{n}号动态的正文。" * 3)
            )
        return self._send(404, "<h1>404</h1>")


# --- helpers for the crawl tests that use this server ---------------------------------


def set_crawl_options(config: Path, **options: object) -> None:
    """Set keys of the ``[crawl]`` table in a test's leadwatch.toml (strings are quoted)."""
    text = config.read_text("utf-8")
    head, sep, rest = text.partition("[crawl]\n")
    assert sep, f"{config} has no [crawl] table"
    for key, value in options.items():
        line = f"{key} = {json.dumps(value)}"  # TOML's strings, numbers and booleans
        rest, n = re.subn(rf"(?m)^{key} = .*$", line.replace("\\", "\\\\"), rest, count=1)
        if not n:
            rest = line + "\n" + rest
    config.write_text(head + sep + rest, encoding="utf-8")


def crawl_stats(log_text: str) -> dict[str, float]:
    """The numeric Scrapy stats a crawl's log ends with ("Dumping Scrapy stats")."""
    dump = log_text.rsplit("Dumping Scrapy stats:", 1)[-1]
    return {k: float(v) for k, v in re.findall(r"'([\w/. -]+)': (\d+(?:\.\d+)?)[,}]", dump)}
