"""The register's pages: events, projects, organisations (with the watchlist), the
rival-city watch, and follow-up per event and per project with its history.

Every page first links leads stored since the last look (cheap when there are none),
so what it shows is what the store holds. Marks are written by POST forms (CSRF-checked by
the app's guard) and answered with a redirect, as everywhere in the web view.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import Flask, Response, abort, redirect, render_template, request, url_for

from crawler.config import Config
from crawler.present.amounts import format_yuan
from crawler.present.labels import (
    ALIAS_ORIGIN_LABELS,
    ORG_KIND_LABELS,
    SCOPE_LABELS,
    STAGE_LABELS,
)
from crawler.present.register import parties, stage_path
from crawler.register import queries
from crawler.register.context import register_context
from crawler.register.followups import set_follow_up
from crawler.register.steps import link
from crawler.register.watch import follow, review_alias
from crawler.store import Database
from crawler.store.models import LEAD_STATUSES, Article, Organisation

ANALYST_COOKIE = "leadwatch_analyst"
PAGE_SIZE = 50
STAGES = tuple(STAGE_LABELS)


def _day(name: str, problems: list[str]) -> date | None:
    value = request.args.get(name, "").strip()
    if not value:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        problems.append(f"日期 {value} 无法识别，请用 YYYY-MM-DD。")
        return None


def _who() -> str:
    """Who marks: the form's 经办人, remembered in a cookie for the next form."""
    return request.form.get("who", "").strip()[:100] or "web"


def _remember(response: Response, who: str) -> Response:
    if who and who != "web":
        response.set_cookie(ANALYST_COOKIE, who, httponly=True, samesite="Strict")
    return response


def add_register_views(app: Flask, config: Config, database: Database) -> None:
    """Add the register's pages to the web app."""
    context: dict[str, Any] = {}

    def ctx() -> Any:
        if "register" not in context:
            context["register"] = register_context(config)
        return context["register"]

    app.jinja_env.filters.update(
        stage=lambda s: STAGE_LABELS.get(s, s),
        scope=lambda s: SCOPE_LABELS.get(s, s),
        org_kind=lambda k: ORG_KIND_LABELS.get(k, k),
        alias_origin=lambda o: ALIAS_ORIGIN_LABELS.get(o, o),
        stage_path=stage_path,
        parties=parties,
        money=lambda v: format_yuan(v, "CNY", None) if v else "",
    )
    app.jinja_env.globals.update(analyst=lambda: request.cookies.get(ANALYST_COOKIE, ""))

    @app.before_request
    def link_new_leads() -> None:
        if request.method == "GET" and request.endpoint not in (None, "static"):
            link(config, database)

    def mark(subject: str, target: int, endpoint: str) -> Response:
        status = request.form.get("status", "")
        note = request.form.get("note", "").strip()[:2000]
        if status not in (*LEAD_STATUSES, "clear"):
            abort(400, "status must be followed, dismissed or clear")
        who = _who()
        with database.session() as session:
            try:
                set_follow_up(
                    session, subject, target, None if status == "clear" else status, note, who
                )
            except LookupError:
                abort(404)
        response = redirect(url_for(endpoint, **{f"{subject}_id": target}, saved=1), code=303)
        return _remember(response, who)

    # --------------------------------------------------------------- events

    @app.get("/events")
    def events() -> str:
        problems: list[str] = []
        scope = request.args.get("scope") or None
        stage = request.args.get("stage") or None
        status = request.args.get("status") or None
        flt = queries.EventFilter(
            scope=scope if scope in queries.SCOPES else None,
            stage=stage if stage in STAGES else None,
            status=status if status in (*LEAD_STATUSES, "none") else None,
            org_id=request.args.get("org", type=int),
            since=_day("since", problems),
            until=_day("until", problems),
        )
        page = max(request.args.get("page", 1, type=int) or 1, 1)
        with database.session() as session:
            found, more = queries.list_events(
                session, flt, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
            )
            return render_template(
                "events.html", events=found, more=more, page=page, flt=flt, problems=problems
            )

    @app.get("/event/<int:event_id>")
    def event(event_id: int) -> str:
        with database.session() as session:
            view = queries.event_view(session, event_id)
            if view is None:
                abort(404)
            project = (
                queries.project_view(session, view.event.project_id)
                if view.event.project_id
                else None
            )
            return render_template(
                "event.html",
                view=view,
                e=view.event,
                project=project,
                saved=request.args.get("saved") == "1",
            )

    @app.post("/event/<int:event_id>/status")
    def set_event_status(event_id: int) -> Response:
        return mark("event", event_id, "event")

    @app.get("/lead/<int:article_id>/<key>")
    def lead(article_id: int, key: str) -> Response:
        """The durable link of a digest: the event holding this lead now."""
        with database.session() as session:
            found = queries.event_for_anchor(session, article_id, key[:16])
            if found is not None:
                return redirect(url_for("event", event_id=found.id))
            if session.get(Article, article_id) is None:
                abort(404)
        return redirect(url_for("article", article_id=article_id))

    # --------------------------------------------------------------- projects

    @app.get("/projects")
    def projects() -> str:
        min_events = max(request.args.get("min", 1, type=int) or 1, 1)
        status = request.args.get("status") or None
        page = max(request.args.get("page", 1, type=int) or 1, 1)
        with database.session() as session:
            found, more = queries.list_projects(
                session,
                min_events=min_events,
                status=status if status in (*LEAD_STATUSES, "none") else None,
                limit=PAGE_SIZE,
                offset=(page - 1) * PAGE_SIZE,
            )
            return render_template(
                "projects.html", projects=found, more=more, page=page, min_events=min_events
            )

    @app.get("/project/<int:project_id>")
    def project(project_id: int) -> str:
        with database.session() as session:
            view = queries.project_view(session, project_id)
            if view is None:
                abort(404)
            return render_template(
                "project.html", view=view, p=view.project, saved=request.args.get("saved") == "1"
            )

    @app.post("/project/<int:project_id>/status")
    def set_project_status(project_id: int) -> Response:
        return mark("project", project_id, "project")

    # --------------------------------------------------------------- organisations

    @app.get("/orgs")
    def orgs() -> str:
        followed_only = request.args.get("followed") == "1"
        query = request.args.get("q", "").strip()
        with database.session() as session:
            if query:
                rows = [(o, None, None) for o in queries.find_orgs(session, query, limit=50)]
            else:
                rows = queries.list_orgs(session, followed=followed_only, limit=200)
            return render_template("orgs.html", rows=rows, followed_only=followed_only, query=query)

    @app.get("/org/<int:org_id>")
    def org(org_id: int) -> str:
        with database.session() as session:
            view = queries.org_view(session, org_id)
            if view is None:
                abort(404)
            return render_template(
                "org.html", view=view, o=view.org, saved=request.args.get("saved", "")
            )

    @app.post("/org/<int:org_id>/follow")
    def follow_org(org_id: int) -> Response:
        on = request.form.get("follow") == "1"
        who = _who()
        with database.session() as session:
            try:
                follow(session, org_id, who, on=on)
            except LookupError:
                abort(404)
        saved = "followed" if on else "unfollowed"
        return _remember(redirect(url_for("org", org_id=org_id, saved=saved), code=303), who)

    @app.post("/org/<int:org_id>/alias")
    def alias(org_id: int) -> Response:
        verdict = request.form.get("verdict", "")
        if verdict not in ("confirm", "reject"):
            abort(400, "verdict must be confirm or reject")
        who = _who()
        with database.session() as session:
            if session.get(Organisation, org_id) is None:
                abort(404)
            try:
                review_alias(
                    session, org_id, request.form.get("alias", ""), verdict == "confirm", who
                )
            except ValueError as exc:
                abort(400, str(exc))
        return _remember(redirect(url_for("org", org_id=org_id, saved="alias"), code=303), who)

    # --------------------------------------------------------------- rival cities

    @app.get("/peers")
    def peers() -> str:
        """Which rival signed whom, for how much: events in the peer places, by place."""
        rivals = ctx().peers
        with database.session() as session:
            found, _ = queries.list_events(session, queries.EventFilter(scope="peer"), limit=500)
            groups: dict[str, list] = {peer.name: [] for peer in rivals}
            for e in found:
                peer = ctx().peer_of(ctx().gazetteer.places.get(e.place))
                groups.setdefault(peer.name if peer else (e.place or "—"), []).append(e)
            return render_template("peers.html", groups=list(groups.items()))
