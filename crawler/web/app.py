"""The web view: a small Flask app over the store (lists, search, leads, sources, digests).

Why Flask: the store layer is synchronous SQLAlchemy, and Flask is synchronous WSGI,
with form parsing, routing and Jinja2 (autoescaping every ``.html`` template) built in;
a Starlette app would add an async layer, uvicorn and python-multipart for no gain here,
and Datasette would show our tables but not a lead page with highlighted evidence nor a
form to mark leads. Waitress (pure Python) serves it.

Safety: crawled text is autoescaped everywhere; the Content-Security-Policy forbids all
scripts (the pages need none); the Host, access-token and form (Origin + per-session
CSRF token) guards are in :mod:`crawler.web.security`; every request parameter is parsed
into a bounded type by :mod:`crawler.web.params` (a bad one is a 400, never a 500).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Flask, abort, render_template, request, url_for
from markupsafe import Markup, escape

from alerts.deliveries import deliveries as recent_deliveries
from alerts.scrub import scrub
from crawler.config import Config
from crawler.health import run_message, source_health
from crawler.present.amounts import lead_amounts
from crawler.present.labels import (
    DELIVERY_STATUS_LABELS,
    EVENT_LABELS,
    HEALTH_LABELS,
    RUN_STATUS_LABELS,
    SOURCE_KIND_LABELS,
    SOURCE_STATE_LABELS,
    STATUS_LABELS,
    label,
    outlet_name,
)
from crawler.present.links import safe_url
from crawler.present.records import amount_text, counterpart_names, event_labels
from crawler.store import Database, search
from crawler.store.facets import date_range
from crawler.store.facets import facets as count_facets
from crawler.store.filters import BrowseFilter, conditions, list_articles
from crawler.store.models import LEAD_STATUSES, Article, Tag
from crawler.store.related import reprints
from crawler.store.status import lead_marks, lead_statuses
from crawler.timeutil import local, zone_label
from crawler.web import params, security
from crawler.web.exports import add_export_views
from crawler.web.register_views import add_register_views, event_filter
from crawler.web.trends import add_trend_views

PAGE_SIZE = 30


def _segments(segs: search.Segments) -> Markup:
    """Highlighted pieces as HTML: every piece escaped, matches in <mark>."""
    return Markup("").join(
        Markup("<mark>{}</mark>").format(p) if hit else escape(p) for p, hit in segs
    )


def _marked(text: str, terms: list[str]) -> Markup:
    return _segments(search.highlight(text, search.highlight_pattern(terms)))


def _evidence_terms(tag: Tag) -> list[str]:
    evidence = tag.evidence if isinstance(tag.evidence, dict) else {}
    return [str(t) for t in evidence.get("terms", {}) or {}]


def create_app(
    config: Config, database: Database, token: str | None = None, *, loopback: bool = True
) -> Flask:
    """The web app for ``database``. With ``token`` every request must present it
    (``?token=`` once, then a cookie; or ``Authorization: Bearer``)."""
    app = Flask(__name__)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    search_ok = database.engine.dialect.name == "sqlite"

    app.jinja_env.filters.update(
        local=lambda dt, fmt="%Y-%m-%d %H:%M": local(dt, fmt=fmt),
        safe_url=safe_url,
        event=lambda e: EVENT_LABELS.get(e, e),
        yuan=lead_amounts,
        segments=_segments,
        marked=_marked,
        status_label=lambda s: STATUS_LABELS.get(s, s),
        events=event_labels,
        amount=amount_text,
        counterparts=lambda a: counterpart_names(a, limit=5),
        health_label=lambda h: HEALTH_LABELS.get(h, h),
        scrubbed=lambda text: scrub(text or "", config.smtp.user, config.smtp.password),
        source_state=lambda s: SOURCE_STATE_LABELS.get(s, s),
        source_kind=lambda k: label(SOURCE_KIND_LABELS, k),
        run_status=lambda s: label(RUN_STATUS_LABELS, s),
        run_message=run_message,
        delivery_status=lambda s: label(DELIVERY_STATUS_LABELS, s),
        outlet=lambda a: outlet_name(
            a.publisher, a.source, {s.name: s.label for s in config.sources}
        ),
    )
    app.jinja_env.globals.update(url_with=_url_with, zone_label=zone_label)
    security.install(app, token, loopback=loopback)
    params.install(app)

    @app.errorhandler(400)
    @app.errorhandler(401)
    @app.errorhandler(403)
    @app.errorhandler(404)
    @app.errorhandler(405)
    @app.errorhandler(413)
    @app.errorhandler(415)
    @app.errorhandler(500)
    @app.errorhandler(503)
    def error(exc: Any) -> tuple[str, int]:
        hints = {
            401: "需要访问令牌：用 ?token=… 打开本页（令牌见服务器的 LEADWATCH_WEB_TOKEN）。",
            404: "没有这一页或这篇文章；回到列表重新查找。",
            405: "这个地址不接受这种请求方式。",
            413: "提交的内容太大。",
            500: "服务器内部错误；请稍后重试，或把服务器日志交给管理员。",
            503: None,
        }
        return (
            render_template(
                "error.html",
                code=exc.code,
                message=hints.get(exc.code) or exc.description,
            ),
            exc.code,
        )

    @app.get("/")
    def index() -> str:
        flt, problems = _filter_from_request(config)
        page = params.page(request.args)
        sort = params.choice(request.args, "sort", ("relevance", "date"), "relevance")
        parsed = None
        if flt.query:
            if not search_ok:
                problems.append(
                    "全文检索需要 SQLite 数据库（FTS5）；当前数据库不支持，已忽略检索词。"
                )
            else:
                try:
                    parsed = search.parse_query(flt.query)
                except search.EmptyQuery:
                    problems.append("检索词里没有可检索的词语，请换用其他词。")
        if parsed is not None:
            search.sync_index(database.session)
        with database.session() as session:
            hits: list[search.Hit] = []
            if parsed is not None:
                results = search.search(
                    session,
                    parsed,
                    conditions(flt),
                    limit=PAGE_SIZE,
                    offset=(page - 1) * PAGE_SIZE,
                    order="date" if sort == "date" else "relevance",
                )
                hits, more = results.hits, results.more
            else:
                articles, more = list_articles(
                    session, flt, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
                )
                hits = [search.Hit(a, 0.0, [(a.title, False)], []) for a in articles]
            facets = count_facets(session, flt, parsed, event_labels=EVENT_LABELS)
            statuses = lead_statuses(session, [h.article.id for h in hits])
            return render_template(
                "list.html",
                flt=flt,
                hits=hits,
                more=more,
                page=page,
                sort=sort,
                facets=facets,
                statuses=statuses,
                problems=problems,
                searching=parsed is not None,
                date_key=params.date_key(request.args) or "",
                sector_labels=_sector_labels(config),
            )

    @app.get("/article/<int:article_id>")
    def article(article_id: int) -> str:
        with database.session() as session:
            a = session.get(Article, article_id)
            if a is None:
                abort(404)
            sector_tags = sorted((t for t in a.tags if t.kind == "sector"), key=lambda t: -t.score)
            partner_tags = sorted(
                (t for t in a.tags if t.kind == "partner"), key=lambda t: -t.score
            )
            terms = [t for tag in a.tags for t in _evidence_terms(tag)]
            lead_terms = [
                x for lead in a.leads for x in [lead.amount_text or "", *lead.counterparts] if x
            ]
            return render_template(
                "article.html",
                a=a,
                sector_tags=sector_tags,
                partner_tags=partner_tags,
                evidence_terms=_evidence_terms,
                body=_marked(a.body, terms + lead_terms),
                reprints=reprints(session, a) if search_ok else [],
                marks=lead_marks(session, [lead.id for lead in a.leads]),
            )

    add_register_views(app, config, database)
    add_trend_views(app, config, database)
    add_export_views(app, config, database, lambda: _filter_from_request(config), event_filter)

    @app.get("/sources")
    def sources() -> str:
        with database.session() as session:
            return render_template("sources.html", sources=source_health(session, config))

    @app.get("/deliveries")
    def deliveries() -> str:
        with database.session() as session:
            return render_template(
                "deliveries.html",
                subscriptions=recent_deliveries(session, config.subscriptions),
            )

    return app


def _sector_labels(config: Config) -> dict[str, str]:
    try:
        return dict(config.taxonomy().sectors)
    except Exception:  # the page still works with ids when the taxonomy is broken
        return {}


def _filter_from_request(config: Config) -> tuple[BrowseFilter, list[str]]:
    """The list page's filters from the query string (each parsed by
    :mod:`crawler.web.params`: a bad value is a 400); ``problems`` are notes for the page."""
    args = request.args
    since, until = params.day_range(args)
    key = params.date_key(args)
    if key:
        since, until = date_range(key)
    return (
        BrowseFilter(
            query=params.text(args, "q", params.QUERY_LIMIT),
            sector=params.text(args, "sector") or None,
            partner=params.text(args, "partner") or None,
            source=params.text(args, "source") or None,
            event=params.text(args, "event") or None,
            since=since,
            until=until,
            leads_only=params.flag(args, "leads"),
            status=params.choice(args, "status", (*LEAD_STATUSES, "none")),
        ),
        [],
    )


def _url_with(**changes: Any) -> str:
    """The current list URL with some parameters changed (None or '' removes one)."""
    params = {k: v for k, v in request.args.items() if k not in ("page", "token")}
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = str(value)
    return url_for("index") + ("?" + urlencode(params) if params else "")
