"""Highlight matched words in untrusted crawled text: escape first, then mark."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from markupsafe import Markup, escape

from crawler.store.models import Article, Lead

MARK = '<mark style="background:#fff3b0;color:inherit;padding:0 1px;">'


def highlight(text: str, terms: Iterable[str]) -> Markup:
    """``text`` HTML-escaped, with every occurrence of ``terms`` wrapped in ``<mark>``.

    The pieces are escaped one by one and only our own ``<mark>`` tags are added, so a
    term or a text holding markup can never inject any (longest term wins at a position).
    """
    words = sorted({t.strip() for t in terms if t and t.strip()}, key=len, reverse=True)
    if not words:
        return escape(text)
    pattern = re.compile("|".join(re.escape(w) for w in words))
    out: list[str] = []
    pos = 0
    for match in pattern.finditer(text):
        out.append(str(escape(text[pos : match.start()])))
        out.append(f"{MARK}{escape(match.group())}</mark>")
        pos = match.end()
    out.append(str(escape(text[pos:])))
    return Markup("".join(out))


def evidence_terms(
    article: Article, leads: Sequence[Lead], signals: dict[str, list[str]] | None = None
) -> list[str]:
    """The words that made this article a lead: sector and partner terms, the lead's
    signal words, amount, counterparts and place."""
    terms: list[str] = []
    for tag in article.tags:
        terms.extend((tag.evidence or {}).get("terms", {}).keys())
    for lead in leads:
        terms.extend(lead.counterparts or [])
        terms.extend(t for t in (lead.amount_text, lead.place) if t)
        terms.extend(a["text"] for a in lead.amounts or [] if a.get("text"))
        terms.extend((signals or {}).get(lead.event, []))
    return terms
