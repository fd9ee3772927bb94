"""Render a digest as HTML (Jinja2, autoescaped, inline CSS), plain text and Markdown.

Crawled text is untrusted: the HTML template is autoescaped, links pass :func:`safe_url`,
evidence is escaped before it is highlighted, and the Markdown for chat webhooks escapes
Markdown syntax.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from alerts.health import SourceProblem
from alerts.highlight import evidence_terms, highlight
from alerts.highlights import RULE
from alerts.select import Entry, Selection
from crawler.present.amounts import format_yuan, lead_amounts
from crawler.present.labels import (
    EVENT_LABELS,
    SCOPE_LABELS,
    STAGE_LABELS,
    STATUS_LABELS,
    outlet_name,
)
from crawler.present.links import safe_url
from crawler.present.register import event_amount
from crawler.store.models import Lead
from crawler.timeutil import zone_label

_MD_SPECIAL = re.compile(r"([\\`*_\[\]()#|<>~])")  # inline only: we emit no line starts
_SPACE = re.compile(r"\s+")


def md_escape(text: str) -> str:
    """Text for a Markdown chat message: one line, Markdown syntax backslash-escaped."""
    return _MD_SPECIAL.sub(r"\\\1", _SPACE.sub(" ", text or "").strip())


def md_url(url: str) -> str:
    """A safe link target for Markdown: http(s) only, no spaces or parentheses."""
    return quote(safe_url(url), safe=":/?#[]@!$&'*+,;=%~.-_")


@dataclass
class Rendered:
    subject: str
    html: str
    text: str
    markdown: str = ""


def web_link(base_url: str, entry: Entry) -> str:
    """The entry's page in the web view, where it is marked: a durable address (its
    credited lead), which still finds the event after the register is rebuilt."""
    if not base_url or entry.event is None:
        return ""
    return f"{base_url}lead/{entry.event.article_id}/{entry.event.anchor_key}"


def _environment(
    tz: ZoneInfo, signals: dict[str, list[str]], base_url: str, source_labels: dict[str, str]
) -> Environment:
    env = Environment(
        loader=PackageLoader("alerts", "templates"),
        autoescape=select_autoescape(["html"], default_for_string=False, default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )

    def evidence(lead: Lead, entry: Entry) -> Markup:
        article = entry.lead_article or entry.article
        return highlight(lead.sentence, evidence_terms(article, [lead], signals))

    env.filters["yuan"] = lead_amounts
    env.filters["local"] = lambda dt, fmt="%Y-%m-%d": dt.astimezone(tz).strftime(fmt) if dt else ""
    env.filters["safe_url"] = safe_url
    env.filters["md"] = md_escape
    env.filters["md_url"] = md_url
    env.filters["status"] = lambda st: STATUS_LABELS.get(st, st)
    env.filters["event"] = lambda e: EVENT_LABELS.get(e, e)
    env.filters["stage"] = lambda s: STAGE_LABELS.get(s, s)
    env.filters["scope"] = lambda s: SCOPE_LABELS.get(s, s)
    env.filters["money"] = lambda v: format_yuan(v, "CNY", None) if v else ""
    env.filters["event_amount"] = event_amount
    env.filters["outlet"] = lambda a: outlet_name(a.publisher, a.source, source_labels)
    env.globals["evidence"] = evidence
    env.globals["link"] = lambda entry: web_link(base_url, entry)
    env.globals["rule"] = RULE
    env.globals["zone"] = zone_label(tz)  # 北京时间, or the configured zone's name
    return env


def subject_for(day: str, lead_count: int, news_count: int = 0) -> str:
    """Leads (events) and news counted apart; a mail of news only does not announce
    "0 条新线索" (an empty scheduled digest still does: that is all it says)."""
    parts = [f"{lead_count} 条新线索"] if lead_count or not news_count else []
    if news_count:
        parts.append(f"{news_count} 条行业动态")
    return f"【招商线索】{day} · " + " · ".join(parts)


def render_digest(
    selection: Selection,
    day: str,
    tz: ZoneInfo,
    generated_at: datetime,
    *,
    health: Sequence[SourceProblem] = (),
    signals: dict[str, list[str]] | None = None,
    base_url: str = "",
    source_labels: dict[str, str] | None = None,
) -> Rendered:
    """Subject, HTML, text and Markdown of one digest; ``base_url`` (``[web] base_url``)
    links every lead to its page in the web view; ``source_labels`` (source name → its
    configured label) name the outlet of an article without a 来源 line."""
    env = _environment(tz, signals or {}, base_url, source_labels or {})
    context = {
        "selection": selection,
        "sections": selection.sections,
        "news": selection.news,
        "peers": selection.peers,
        "highlights": selection.highlights,
        "health": list(health),
        "day": day,
        "generated_at": generated_at,
        "lead_count": selection.lead_count,
        "news_count": selection.news_count,
        "since": selection.since,
        "until": selection.until or generated_at,
        "title": selection.subscription.title,
    }
    return Rendered(
        subject=subject_for(day, selection.lead_count, selection.news_count),
        html=env.get_template("digest.html").render(context),
        text=env.get_template("digest.txt").render(context),
        markdown=env.get_template("digest.md").render(context),
    )
