"""The register's pages: events, projects, organisations (with the watchlist), the
rival-city watch, and follow-up per event and per project with its history.

Every page first links leads stored since the last look (cheap when there are none),
so what it shows is what the store holds. Marks are written by POST forms (CSRF-checked by
the app's guard) and answered with a redirect, as everywhere in the web view.
"""

from __future__ import annotations

from datetime import timedelta
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
from crawler.present.register import event_amount, parties, stage_path
from crawler.register import queries
from crawler.register.context import register_context
from crawler.register.followups import set_follow_up
from crawler.register.steps import link
from crawler.register.watch import follow, review_alias
from crawler.store import Database
from crawler.store.models import LEAD_STATUSES, Article, Organisation
from crawler.web import params

ANALYST_COOKIE = "leadwatch_analyst"
PAGE_SIZE = 50
NOTE_LIMIT = 2000
STAGES = tuple(STAGE_LABELS)


def _who() -> str:
    """Who marks: the form's 经办人, remembered in a cookie for the next form."""
    return params.text(request.form, "who", 100) or "web"


def _remember(response: Response, who: str) -> Response:
    if who and who != "web":
        response.set_cookie(ANALYST_COOKIE, who, httponly=True, samesite="Strict")
    return response


def event_filter() -> queries.EventFilter:
    """The events list's filters from the query string (each through :mod:`params`)."""
    since, until = params.day_range(request.args)
    org = params.text(request.args, "org")
    if org and not org.isdigit():
        abort(400, "参数 org：应为机构编号")
    return queries.EventFilter(
        scope=params.choice(request.args, "scope", queries.SCOPES),
        stage=params.choice(request.args, "stage", STAGES),
        status=params.choice(request.args, "status", (*LEAD_STATUSES, "none")),
        org_id=params.record_id("org", int(org)) if org else None,
        since=since.date() if since else None,
        until=(until.date() - timedelta(days=1)) if until else None,
    )


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
        event_amount=event_amount,
    )
    app.jinja_env.globals.update(analyst=lambda: request.cookies.get(ANALYST_COOKIE, ""))

    @app.before_request
    def link_new_leads() -> None:
        if request.method == "GET" and request.endpoint not in (None, "static"):
            link(config, database)

    def mark(subject: str, target: int, endpoint: str) -> Response:
        status = params.choice(request.form, "status", (*LEAD_STATUSES, "clear"))
        note = params.text(request.form, "note", NOTE_LIMIT, multiline=True)
        if status is None:
            abort(400, "参数 status：应为 followed、dismissed 或 clear 之一")
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
        flt = event_filter()
        page = params.page(request.args)
        with database.session() as session:
            found, more = queries.list_events(
                session, flt, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
            )
            return render_template("events.html", events=found, more=more, page=page, flt=flt)

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
                saved=params.flag(request.args, "saved"),
            )

    @app.post("/event/<int:event_id>/status")
    def set_event_status(event_id: int) -> Response:
        return mark("event", event_id, "event")

    @app.get("/lead/<int:article_id>/<key>")
    def lead(article_id: int, key: str) -> Response:
        """The durable link of a digest: the event holding this lead now."""
        with database.session() as session:
            found = queries.event_for_anchor(
                session, article_id, params.text({"key": key}, "key", 64)
            )
            if found is not None:
                return redirect(url_for("event", event_id=found.id))
            if session.get(Article, article_id) is None:
                abort(404)
        return redirect(url_for("article", article_id=article_id))

    # --------------------------------------------------------------- projects

    @app.get("/projects")
    def projects() -> str:
        min_events = params.page(request.args, "min")
        status = params.choice(request.args, "status", (*LEAD_STATUSES, "none"))
        page = params.page(request.args)
        with database.session() as session:
            found, more = queries.list_projects(
                session,
                min_events=min_events,
                status=status,
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
                "project.html", view=view, p=view.project, saved=params.flag(request.args, "saved")
            )

    @app.post("/project/<int:project_id>/status")
    def set_project_status(project_id: int) -> Response:
        return mark("project", project_id, "project")

    # --------------------------------------------------------------- organisations

    @app.get("/orgs")
    def orgs() -> str:
        followed_only = params.flag(request.args, "followed")
        query = params.text(request.args, "q")
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
                "org.html",
                view=view,
                o=view.org,
                saved=params.choice(request.args, "saved", ("followed", "unfollowed", "alias"), ""),
            )

    @app.post("/org/<int:org_id>/follow")
    def follow_org(org_id: int) -> Response:
        on = params.flag(request.form, "follow")
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
        verdict = params.choice(request.form, "verdict", ("confirm", "reject"))
        if verdict is None:
            abort(400, "参数 verdict：应为 confirm 或 reject")
        who = _who()
        with database.session() as session:
            if session.get(Organisation, org_id) is None:
                abort(404)
            try:
                review_alias(
                    session, org_id, params.text(request.form, "alias"), verdict == "confirm", who
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
