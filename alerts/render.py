"""Render a digest as HTML (Jinja2, autoescaped, inline CSS) and plain text."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from alerts.select import Selection

EVENT_LABELS = {"signing": "签约", "landing": "落地", "visit": "考察/洽谈"}


def format_yuan(amount: int | None, currency: str = "CNY", text: str | None = None) -> str:
    """3亿元, 2.5万元, 800元; foreign currency keeps the original text."""
    if amount is None:
        return text or ""
    if currency and currency != "CNY":
        return text or f"{amount} {currency}"
    for unit, size in (("亿元", 10**8), ("万元", 10**4)):
        if amount >= size:
            value = Decimal(amount) / size
            return f"{value.normalize():f}{unit}"
    return f"{amount}元"


def safe_url(url: str) -> str:
    """Only http(s) links survive; anything else (javascript:, data:) becomes '#'."""
    return url if url.lower().startswith(("http://", "https://")) else "#"


@dataclass
class Rendered:
    subject: str
    html: str
    text: str


def _environment(tz: ZoneInfo) -> Environment:
    env = Environment(
        loader=PackageLoader("alerts", "templates"),
        autoescape=select_autoescape(["html", "j2.html"], default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["yuan"] = lambda lead: format_yuan(
        lead.amount_yuan, lead.currency, lead.amount_text
    )
    env.filters["local"] = lambda dt, fmt="%Y-%m-%d": dt.astimezone(tz).strftime(fmt) if dt else ""
    env.filters["safe_url"] = safe_url
    env.filters["event"] = lambda e: EVENT_LABELS.get(e, e)
    return env


def subject_for(day: str, lead_count: int) -> str:
    return f"【招商线索】{day} · {lead_count} 条新线索"


def render_digest(selection: Selection, day: str, tz: ZoneInfo, generated_at: datetime) -> Rendered:
    """Subject, HTML and text of one digest."""
    env = _environment(tz)
    context = {
        "selection": selection,
        "sections": selection.sections,
        "day": day,
        "generated_at": generated_at,
        "lead_count": selection.lead_count,
    }
    return Rendered(
        subject=subject_for(day, selection.lead_count),
        html=env.get_template("digest.html").render(context),
        text=env.get_template("digest.txt").render(context),
    )
