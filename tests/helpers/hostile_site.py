"""A hostile news site on 127.0.0.1 and a second server that records every hit.

``HostileSite`` serves, on one port, three sources' worth of pages that try to send the
crawl to the ``Recorder`` on another port of the same host (or nowhere): direct and
upper-case ``HTTP://`` links, ``x.127.0.0.1`` and port-0 links, a list page with a
``<base href>`` on the other port (so its relative links and its pager go there), a 302,
meta refreshes to the other port and to port 0, a refresh quoted as text in an article
and one inside a ``<textarea>``, a sitemap index with a child sitemap there, a Hanweb
column whose dataproxy is there, and an article with one tag of 250,000 attributes
among ordinary articles. The recorder answers everything with an article page, so a
request that got through would also show as a stored article.

All text is written here for the tests.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ORDINARY = 30  # ordinary articles on the first list page
ATTRIBUTES = 250_000


def article(title: str, day: str, text: str, head: str = "") -> str:
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{title}</title>
<meta name="ArticleTitle" content="{title}"><meta name="PubDate" content="{day} 09:00">{head}
</head><body><div class="g_show_title"><h1>{title}</h1></div>
<div class="g_show_rq">发布时间：{day} 09:00　来源：测试日报</div>
<div class="g_show_article"><div class="TRS_Editor"><p>{text}</p></div></div>
</body></html>
"""


def ordinary_text(n: int) -> str:
    return f"第{n}号测试动态：开发区召开重点项目推进会，研究部署下一阶段招商引资工作。" * 3


def list_page(links: list[str], next_href: str | None, head: str = "") -> str:
    items = "\n".join(f'<li><a href="{href}">动态{i}</a></li>' for i, href in enumerate(links))
    pager = f'<a href="{next_href}">下一页</a>' if next_href else ""
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>测试栏目</title>{head}</head>
<body><ul class="list">
{items}
</ul><div class="page">{pager}</div></body></html>
"""


@dataclass
class Hit:
    method: str
    path: str
    host: str


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128


class _Handler(BaseHTTPRequestHandler):
    owner: _Site

    def log_message(self, format: str, *args: object) -> None:
        return None

    def do_GET(self) -> None:  # noqa: N802 - http.server API
        self.owner.answer(self)

    def do_POST(self) -> None:  # noqa: N802 - http.server API
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self.owner.answer(self)


class _Site:
    def __init__(self) -> None:
        handler = type("Handler", (_Handler,), {"owner": self})
        self.server = _Server(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.hits: list[Hit] = []
        self.lock = threading.Lock()

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def answer(self, request: BaseHTTPRequestHandler) -> None:
        with self.lock:
            self.hits.append(Hit(request.command, request.path, request.headers["Host"] or ""))
        status, headers, body = self.route(request.path.split("?", 1)[0])
        data = body.encode("utf-8")
        request.send_response(status)
        for name, value in {"Content-Type": "text/html; charset=utf-8", **headers}.items():
            request.send_header(name, value)
        request.send_header("Content-Length", str(len(data)))
        request.send_header("Connection", "close")
        request.end_headers()
        request.wfile.write(data)

    def route(self, path: str) -> tuple[int, dict[str, str], str]:
        raise NotImplementedError

    def __enter__(self) -> _Site:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


class Recorder(_Site):
    """The other port: records every request and answers each with an article."""

    def route(self, path: str) -> tuple[int, dict[str, str], str]:
        if path.endswith(".xml"):
            return 200, {"Content-Type": "application/xml"}, "<urlset></urlset>"
        return (
            200,
            {},
            article("不该抓到的页面", "2025-03-01", "这个页面属于另一个端口上的服务。" * 5),
        )


@dataclass
class HostileSite(_Site):
    """The site under test; ``other`` is the recorder's base URL."""

    other: str = ""
    pages: dict[str, tuple[int, dict[str, str], str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__init__()

    def route(self, path: str) -> tuple[int, dict[str, str], str]:
        if not self.pages:
            self.pages = self.build()
        return self.pages.get(path, (404, {}, "<h1>404</h1>"))

    # --- what is served -----------------------------------------------------------------

    @property
    def ordinary_paths(self) -> list[str]:
        """Articles that must be stored: ordinary ones and the harmless tricks."""
        own = [f"/doc/2025/01/01/{n}.shtml" for n in range(1, ORDINARY + 1)]
        own += [f"/doc/2025/01/05/{n}.shtml" for n in (1, 2)]  # absolute, on the <base> page
        own += [f"/doc/2025/02/01/{n}.shtml" for n in (1, 2, 3)]  # from the sitemap
        own += ["/art/2025/3/1/art_7_1.html", "/art/2025/3/1/art_7_2.html"]  # Hanweb records
        own += ["/doc/2025/01/03/escaped.shtml", "/doc/2025/01/03/textarea.shtml"]
        own += ["/doc/2025/01/03/moved-here.shtml"]  # where a same-site refresh leads
        return own

    def build(self) -> dict[str, tuple[int, dict[str, str], str]]:
        me, other = self.url, self.other
        pages: dict[str, tuple[int, dict[str, str], str]] = {}

        def html(path: str, body: str, **headers: str) -> None:
            pages[path] = (200, headers, body)

        html(
            "/robots.txt", "User-agent: *\nDisallow: /private/\n", **{"Content-Type": "text/plain"}
        )
        for n in range(1, ORDINARY + 1):
            html(
                f"/doc/2025/01/01/{n}.shtml",
                article(f"测试动态{n}", "2025-01-01", ordinary_text(n)),
            )
        links = [f"/doc/2025/01/01/{n}.shtml" for n in range(1, ORDINARY + 1)]
        # hostile links (the spider drops them: offsite_links)
        links += [
            f"{other}/doc/2025/01/02/1.shtml",  # another port of this host
            f"HTTP://127.0.0.1:{other.rsplit(':', 1)[1]}/doc/2025/01/02/2.shtml",  # upper case
            f"http://x.127.0.0.1:{self.port}/doc/2025/01/02/3.shtml",  # not a subdomain
            "http://127.0.0.1:0/doc/2025/01/02/4.shtml",  # port 0
        ]
        # hostile pages on this site
        attrs = " ".join(f'data-a{i}="{i}"' for i in range(ATTRIBUTES))
        html(
            "/doc/2025/01/03/attrs.shtml",
            article(
                "属性极多的页面", "2025-01-03", f"<span {attrs}>正文开头</span>" + ordinary_text(0)
            ),
        )
        pages["/doc/2025/01/03/redirect.shtml"] = (
            302,
            {"Location": f"{other}/doc/2025/01/03/redirected.shtml"},
            "",
        )
        refresh = '<meta http-equiv="refresh" content="0; url={}">'
        html(
            "/doc/2025/01/03/refresh.shtml",
            article(
                "跳转页面", "2025-01-03", "页面已迁移。", refresh.format(f"{other}/doc/x.shtml")
            ),
        )
        html(
            "/doc/2025/01/03/refresh-port0.shtml",
            article(
                "跳转到零端口", "2025-01-03", "页面已迁移。", refresh.format("http://127.0.0.1:0/x")
            ),
        )
        quoted = (
            refresh.format(f"{other}/doc/quoted.shtml").replace("<", "&lt;").replace(">", "&gt;")
        )
        html(
            "/doc/2025/01/03/escaped.shtml",
            article("网页跳转标记的写法", "2025-01-03", "示例代码：" + quoted + ordinary_text(1)),
        )
        html(
            "/doc/2025/01/03/textarea.shtml",
            article(
                "表单里的示例",
                "2025-01-03",
                "<textarea>"
                + refresh.format(f"{other}/doc/textarea.shtml")
                + "</textarea>"
                + ordinary_text(2),
            ),
        )
        html(
            "/doc/2025/01/03/moved.shtml",
            article(
                "旧地址",
                "2025-01-03",
                "已迁移。",
                refresh.format("/doc/2025/01/03/moved-here.shtml"),
            ),
        )
        html(
            "/doc/2025/01/03/moved-here.shtml",
            article("迁移后的文章", "2025-01-03", ordinary_text(3)),
        )
        links += [
            f"/doc/2025/01/03/{name}.shtml"
            for name in (
                "attrs",
                "redirect",
                "refresh",
                "refresh-port0",
                "escaped",
                "textarea",
                "moved",
            )
        ]
        html("/news/index.html", list_page(links, "/news/list_2.html"))
        # page 2: its <base> is the other port, so its relative links go there; its pager
        # names the other port outright
        base_links = ["doc/2025/01/04/1.shtml", "doc/2025/01/04/2.shtml"]
        base_links += [f"{me}/doc/2025/01/05/{n}.shtml" for n in (1, 2)]
        for n in (1, 2):
            html(
                f"/doc/2025/01/05/{n}.shtml",
                article(f"绝对地址动态{n}", "2025-01-05", ordinary_text(40 + n)),
            )
        html(
            "/news/list_2.html",
            list_page(base_links, f"{other}/news/list_3.html", head=f'<base href="{other}/news/">'),
        )
        # a sitemap index whose second child sitemap is on the other port
        loc = "<sitemap><loc>{}</loc></sitemap>"
        html(
            "/sitemap_index.xml",
            '<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            + loc.format(f"{me}/sitemap1.xml")
            + loc.format(f"{other}/sitemap2.xml")
            + "</sitemapindex>",
            **{"Content-Type": "application/xml"},
        )
        url = "<url><loc>{}</loc></url>"
        urls = [f"{me}/doc/2025/02/01/{n}.shtml" for n in (1, 2, 3)] + [
            f"{other}/doc/2025/02/01/9.shtml"
        ]
        html(
            "/sitemap1.xml",
            '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            + "".join(url.format(u) for u in urls)
            + "</urlset>",
            **{"Content-Type": "application/xml"},
        )
        for n in (1, 2, 3):
            html(
                f"/doc/2025/02/01/{n}.shtml",
                article(f"站点地图动态{n}", "2025-02-01", ordinary_text(50 + n)),
            )
        # a Hanweb column whose paging proxy is on the other port
        record = '<record><![CDATA[<li><a href="{}" target="_blank">汉维动态</a></li>]]></record>'
        html(
            "/col/col7/index.html",
            '<html><head><meta charset="utf-8"><title>汉维栏目</title></head><body>'
            '<script type="text/xml"><datastore>'
            f'<nextgroup><![CDATA[<a href="{other}/module/web/jpage/dataproxy.jsp?columnid=7&unitid=1"></a>]]></nextgroup>'
            "<recordset>"
            + record.format("/art/2025/3/1/art_7_1.html")
            + record.format("/art/2025/3/1/art_7_2.html")
            + "</recordset></datastore></script>"
            "<script>new jpage({totalRecord: 40, perPage: 2});</script></body></html>",
        )
        for n in (1, 2):
            html(
                f"/art/2025/3/1/art_7_{n}.html",
                article(f"汉维动态{n}", "2025-03-01", ordinary_text(60 + n)),
            )
        return pages


SOURCES = """
[[sources]]
name = "hostile"
kind = "municipal"
start_urls = ["{url}/news/index.html"]
max_pages = 5
download_delay = 0
[sources.selectors]
list_links = "ul.list li a"

[[sources]]
name = "hostile-sitemap"
kind = "municipal"
type = "feed"
start_urls = ["{url}/sitemap_index.xml"]
max_pages = 5
download_delay = 0

[[sources]]
name = "hostile-hanweb"
kind = "municipal"
start_urls = ["{url}/col/col7/index.html"]
max_pages = 5
download_delay = 0
"""
