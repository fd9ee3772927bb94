"""The web view: a small Flask app over the store (lists, search, leads, sources, digests).

Why Flask: the store layer is synchronous SQLAlchemy, and Flask is synchronous WSGI,
with form parsing, routing and Jinja2 (autoescaping every ``.html`` template) built in;
a Starlette app would add an async layer, uvicorn and python-multipart for no gain here,
and Datasette would show our tables but not a lead page with highlighted evidence nor a
form to mark leads. Waitress (pure Python) serves it.

Safety: crawled text is autoescaped everywhere; the Content-Security-Policy forbids all
scripts (the pages need none); forms carry a CSRF token; on loopback the Host header must
name loopback (no DNS rebinding); a configured access token is required on every request.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from flask import Flask, Response, abort, redirect, render_template, request, url_for
from markupsafe import Markup, escape

from alerts.deliveries import deliveries as recent_deliveries
from crawler.config import Config
from crawler.health import source_health
from crawler.present.amounts import lead_amounts
from crawler.present.labels import (
    EVENT_LABELS,
    HEALTH_LABELS,
    SOURCE_STATE_LABELS,
    STATUS_LABELS,
)
from crawler.present.links import safe_url
from crawler.present.records import amount_text, event_labels
from crawler.store import Database, search
from crawler.store.facets import date_range
from crawler.store.facets import facets as count_facets
from crawler.store.filters import BrowseFilter, conditions, list_articles
from crawler.store.models import LEAD_STATUSES, Article, Tag
from crawler.store.related import reprints
from crawler.store.status import get_lead_status, lead_statuses, set_lead_status
from crawler.timeutil import display_zone, local, zone_label

PAGE_SIZE = 30
TOKEN_COOKIE = "leadwatch_token"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)


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
    csrf = secrets.token_urlsafe(24)
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
        health_label=lambda h: HEALTH_LABELS.get(h, h),
        source_state=lambda s: SOURCE_STATE_LABELS.get(s, s),
    )
    app.jinja_env.globals.update(csrf=csrf, url_with=_url_with, zone_label=zone_label)

    @app.before_request
    def guard() -> Response | None:
        if loopback and _hostname(request.host) not in LOOPBACK_HOSTS:
            abort(400, "this server answers only to 127.0.0.1 / localhost")
        if token:
            given = (
                request.args.get("token")
                or request.cookies.get(TOKEN_COOKIE)
                or request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
            )
            if not given or not hmac.compare_digest(given.encode(), token.encode()):
                abort(401)
            if request.args.get("token") and request.method == "GET":
                args = {k: v for k, v in request.args.items(multi=True) if k != "token"}
                response = redirect(request.path + ("?" + urlencode(args) if args else ""))
                response.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="Strict")
                return response
        if request.method == "POST":
            sent = request.form.get("csrf", "")
            if not hmac.compare_digest(sent.encode(), csrf.encode()):
                abort(403, "the form is stale; reload the page and try again")
        return None

    @app.after_request
    def headers(response: Response) -> Response:
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Cache-Control"] = "no-store"
        return response

    @app.errorhandler(400)
    @app.errorhandler(401)
    @app.errorhandler(403)
    @app.errorhandler(404)
    def error(exc: Any) -> tuple[str, int]:
        hints = {
            401: "需要访问令牌：用 ?token=… 打开本页（令牌见服务器的 LEADWATCH_WEB_TOKEN）。",
            404: "没有这一页或这篇文章；回到列表重新查找。",
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
        page = max(request.args.get("page", 1, type=int) or 1, 1)
        sort = request.args.get("sort", "relevance")
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
                date_key=request.args.get("date", ""),
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
                status=get_lead_status(session, a.id),
                saved=request.args.get("saved") == "1",
            )

    @app.post("/article/<int:article_id>/status")
    def set_status(article_id: int) -> Response:
        status = request.form.get("status", "")
        note = request.form.get("note", "").strip()[:2000]
        if status not in (*LEAD_STATUSES, "clear"):
            abort(400, "status must be followed, dismissed or clear")
        with database.session() as session:
            if session.get(Article, article_id) is None:
                abort(404)
            set_lead_status(session, article_id, None if status == "clear" else status, note)
        return redirect(url_for("article", article_id=article_id, saved=1), code=303)

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
    """The list page's filters from the query string; bad values become messages."""
    args = request.args
    problems: list[str] = []

    def day(name: str) -> datetime | None:
        value = args.get(name, "").strip()
        if not value:
            return None
        try:
            return datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=display_zone())
        except ValueError:
            problems.append(f"日期 {value} 无法识别，请用 YYYY-MM-DD。")
            return None

    since, until = day("since"), day("until")
    if until is not None:
        until += timedelta(days=1)  # the day given is included
    if args.get("date"):
        since, until = date_range(args["date"])
    status = args.get("status") or None
    return (
        BrowseFilter(
            query=args.get("q", "").strip(),
            sector=args.get("sector") or None,
            partner=args.get("partner") or None,
            source=args.get("source") or None,
            event=args.get("event") or None,
            since=since,
            until=until,
            leads_only=args.get("leads") == "1",
            status=status if status in (*LEAD_STATUSES, "none") else None,
        ),
        problems,
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


def _hostname(host: str | None) -> str:
    """The name part of a Host header: 127.0.0.1:8600 -> 127.0.0.1, [::1]:80 -> [::1]."""
    host = (host or "").lower()
    if host.startswith("["):
        return host.split("]", 1)[0] + "]"
    return host.rsplit(":", 1)[0]
