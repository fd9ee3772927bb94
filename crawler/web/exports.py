"""Every list of the web view as a file: ``/export/<list>?<the list's filters>&format=``
(xlsx, csv or json), written by :mod:`crawler.present.export` (formulas neutralised,
atomic) and sent as a download. Each list page links here with its current filters.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from flask import Flask, Response, abort, request, url_for

from crawler.config import Config
from crawler.health import source_health
from crawler.present.export import FORMATS, describe, export, write_table
from crawler.present.labels import (
    HEALTH_LABELS,
    ORG_KIND_LABELS,
    SCOPE_LABELS,
    STAGE_LABELS,
    STATUS_LABELS,
    label,
)
from crawler.present.register import amount, parties, stage_path
from crawler.register import queries
from crawler.store import Database
from crawler.store.filters import BrowseFilter, list_articles
from crawler.store.status import lead_marks, lead_statuses
from crawler.timeutil import local
from crawler.web import params

EXPORT_LIMIT = 20_000  # rows in one download: far past a list anyone reads
LISTS = ("articles", "events", "projects", "orgs", "peers", "sources")
NAMES = {
    "articles": "文章与线索",
    "events": "事件",
    "projects": "项目",
    "orgs": "组织",
    "peers": "周边城市动态",
    "sources": "采集来源",
}
MEDIA = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}


def export_url(name: str, fmt: str) -> str:
    """The export of list ``name`` with the current page's filters."""
    args = {k: v for k, v in request.args.items() if k not in ("page", "token", "format")}
    args["format"] = fmt
    return url_for("export_list", name=name) + "?" + urlencode(args)


def _send(fmt: str, stem: str, write: Callable[[Path], None]) -> Response:
    with tempfile.TemporaryDirectory(prefix="leadwatch-web-export-") as tmp:
        path = Path(tmp, f"export.{fmt}")
        write(path)
        data = path.read_bytes()
    stamp = datetime.now(UTC).astimezone().strftime("%Y%m%d-%H%M")
    response = Response(data, mimetype=MEDIA[fmt])
    filename = f"{stem}-{stamp}.{fmt}"
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"export-{stamp}.{fmt}\"; filename*=UTF-8''" + _quote(filename)
    )
    return response


def _quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text, safe="")


def _event_rows(events: list[Any]) -> list[list[Any]]:
    return [
        [
            e.id,
            e.day.isoformat(),
            label(STAGE_LABELS, e.stage),
            e.title,
            "、".join(parties(e)),
            e.place_label or e.place,
            label(SCOPE_LABELS, e.scope),
            amount(e.amount_yuan),
            e.reports,
            e.project.name if e.project else "",
            label(STATUS_LABELS, e.status),
            e.note,
        ]
        for e in events
    ]


EVENT_HEADER = [
    "编号",
    "日期",
    "阶段",
    "事件（首发标题）",
    "合作方",
    "地点",
    "范围",
    "金额",
    "报道数",
    "项目",
    "跟进",
    "备注",
]


def add_export_views(
    app: Flask,
    config: Config,
    database: Database,
    article_filter: Callable[[], tuple[BrowseFilter, list[str]]],
    event_filter: Callable[[], queries.EventFilter],
) -> None:
    """Add ``/export/<list>`` and the ``export_url`` template helper."""
    app.jinja_env.globals.update(export_url=export_url, export_formats=FORMATS)

    @app.get("/export/<name>")
    def export_list(name: str) -> Response:
        if name not in LISTS:
            abort(404)
        fmt = params.choice(request.args, "format", FORMATS, "xlsx") or "xlsx"
        now = datetime.now(UTC)
        about = {"列表": NAMES[name], "导出时间": local(now) + "（北京时间）"}
        with database.session() as session:
            if name == "articles":
                flt, _ = article_filter()
                flt.query = ""  # full-text order needs the search page; the filters stay
                articles, _ = list_articles(session, flt, limit=EXPORT_LIMIT)
                statuses = lead_statuses(session, [a.id for a in articles])
                marks = lead_marks(session, [lead.id for a in articles for lead in a.leads])
                filters = {k: v for k, v in request.args.items() if k not in ("format", "token")}
                about = describe(filters, len(articles), now)
                return _send(
                    fmt,
                    NAMES[name],
                    lambda path: export(path, fmt, articles, statuses, about, marks),
                )
            if name in ("events", "peers"):
                flt = event_filter() if name == "events" else queries.EventFilter(scope="peer")
                events, _ = queries.list_events(session, flt, limit=EXPORT_LIMIT)
                header, rows = EVENT_HEADER, _event_rows(events)
            elif name == "projects":
                found, _ = queries.list_projects(
                    session,
                    min_events=params.page(request.args, "min"),
                    status=params.choice(request.args, "status", ("followed", "dismissed", "none")),
                    limit=EXPORT_LIMIT,
                )
                header = [
                    "编号",
                    "项目",
                    "当前阶段",
                    "进展",
                    "地点",
                    "范围",
                    "金额",
                    "跟进",
                    "备注",
                ]
                rows = [
                    [
                        p.id,
                        p.name,
                        label(STAGE_LABELS, p.stage),
                        stage_path(p.events),
                        p.place,
                        label(SCOPE_LABELS, p.scope),
                        amount(p.amount_yuan),
                        label(STATUS_LABELS, p.status),
                        p.note,
                    ]
                    for p in found
                ]
            elif name == "orgs":
                query = params.text(request.args, "q")
                if query:
                    found_orgs = [(o, None, None) for o in queries.find_orgs(session, query, 200)]
                else:
                    found_orgs = queries.list_orgs(
                        session, followed=params.flag(request.args, "followed"), limit=EXPORT_LIMIT
                    )
                header = ["编号", "组织", "类型", "事件数", "最近事件", "关注"]
                rows = [
                    [
                        o.id,
                        o.name,
                        label(ORG_KIND_LABELS, o.kind),
                        n,
                        last.isoformat() if last else "",
                        "关注中" if o.followed_at else "",
                    ]
                    for o, n, last in found_orgs
                ]
            else:
                header = ["信息源", "名称", "状态", "说明", "文章数", "最近运行"]
                rows = [
                    [
                        s.name,
                        s.label,
                        label(HEALTH_LABELS, s.health),
                        s.verdict.reason_zh if s.verdict else "",
                        s.articles,
                        local(s.last.started_at) if s.last else "",
                    ]
                    for s in source_health(session, config)
                ]
        return _send(
            fmt,
            NAMES[name],
            lambda path: write_table(path, fmt, header, rows, about, sheet=NAMES[name]),
        )
