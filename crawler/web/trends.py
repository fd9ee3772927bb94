"""The 趋势 page (charts of events, amounts and stages per sector per week or month, the
busiest counterparts; filters: sector, place, period) and the report download
(``/report?period=week&date=…&format=docx``): the same data and charts as
`leadwatch report`, the charts inline as SVG (no script, no inline style: see
:mod:`crawler.report.charts`)."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from flask import Flask, Response, abort, render_template, request, url_for
from markupsafe import Markup

from crawler.config import Config
from crawler.report.data import Scope
from crawler.report.fonts import MISSING_HINT, FontMissing, cjk_fonts
from crawler.report.period import KINDS, Period, last_complete, month_of, period_of
from crawler.store import Database
from crawler.web import params

PLACE_LIMIT = 50


def _sectors(config: Config) -> dict[str, str]:
    from classifiers import load_taxonomy

    try:
        return dict(load_taxonomy(config.taxonomy_path).sectors)
    except Exception:  # the page still works without the taxonomy's labels
        return {}


def _report_period(kind: str, today: datetime, tz: ZoneInfo) -> Period:
    """The report a download gives: the period holding ``date``/``month`` if given,
    else the last complete week or month."""
    if kind == "month":
        chosen = params.month(request.args)
        if chosen:
            return month_of(*chosen)
    day = params.day(request.args, "date")
    if day:
        return period_of(kind, day)
    return last_complete(kind, today.astimezone(tz).date())


def add_trend_views(app: Flask, config: Config, database: Database) -> None:
    """Add ``/trends`` and ``/report`` to the web app."""
    from crawler.report.document import figure_rows
    from crawler.report.render import FORMATS, MEDIA_TYPES, file_name, report_data, write_report

    app.jinja_env.globals.update(figure_rows=figure_rows)

    tz = ZoneInfo(config.settings.timezone)
    sector_labels = _sectors(config)
    kept: dict[str, Any] = {}

    def context() -> Any:
        """The register's context, loaded once per app (the taxonomy and gazetteer)."""
        if "register" not in kept:
            from crawler.register.context import register_context

            kept["register"] = register_context(config)
        return kept["register"]

    def scope() -> Scope:
        sector = params.choice(request.args, "sector", tuple(sector_labels))
        place = params.text(request.args, "place", PLACE_LIMIT)
        return Scope(frozenset([sector]) if sector else frozenset(), (), place)

    @app.get("/trends")
    def trends() -> str:
        from crawler.report.charts import render

        kind = params.choice(request.args, "period", KINDS, "month") or "month"
        now = datetime.now(UTC)
        end = params.day(request.args, "end") or now.astimezone(tz).date()
        period = period_of(kind, end)
        data = report_data(config, database, period, scope=scope(), now=now, context=context())
        charts = render(data.trend, png=False, svg=True)
        explicit = params.day(request.args, "end")
        report = period if explicit else _report_period(kind, now, tz)
        downloads = {
            fmt: url_for(
                "report_file",
                period=kind,
                date=report.start.isoformat(),
                format=fmt,
                sector=request.args.get("sector") or None,
                place=request.args.get("place") or None,
            )
            for fmt in FORMATS
        }
        return render_template(
            "trends.html",
            data=data,
            charts=[(c, Markup(c.svg)) for c in charts],
            fonts_missing=None if cjk_fonts().found else MISSING_HINT,
            kind=kind,
            end=end,
            sector=request.args.get("sector", ""),
            place=request.args.get("place", ""),
            sector_labels=sector_labels,
            report=report,
            downloads=downloads,
        )

    @app.get("/report")
    def report_file() -> Response:
        kind = params.choice(request.args, "period", KINDS, "week") or "week"
        fmt = params.choice(request.args, "format", FORMATS, "docx") or "docx"
        now = datetime.now(UTC)
        period = _report_period(kind, now, tz)
        data = report_data(config, database, period, scope=scope(), now=now, context=context())
        with tempfile.TemporaryDirectory(prefix="leadwatch-web-report-") as tmp:
            path = Path(tmp, f"report.{fmt}")
            try:
                write_report(path, data, fmt)
            except FontMissing as exc:
                abort(503, str(exc))
            body = path.read_bytes()
        response = Response(body, mimetype=MEDIA_TYPES[fmt])
        name = file_name(data, fmt)
        response.headers["Content-Disposition"] = (
            f'attachment; filename="report-{period.key}.{fmt}"; '
            f"filename*=UTF-8''{quote(name, safe='')}"
        )
        return response
