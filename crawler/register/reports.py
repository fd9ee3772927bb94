"""One stored lead as the register sees it: a report of an event, with the facts that
tell events apart (stage, day, organisations, amounts, place, project names).

Pure: built from plain values (:class:`LeadInput`, :class:`ArticleInput`), so the
labelled benchmark and the store build the very same reports.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from crawler.register.dates import When, event_when
from crawler.register.names import clean, project_names
from crawler.register.orgs import OrgIndex
from crawler.register.places import Gazetteer, Place
from crawler.register.stages import stage_of
from crawler.timeutil import display_zone

_HEADQUARTERS = re.compile(r"(?:总部位于|总部在|总部设在|来自|注册于|位于)$")
_NOISE = re.compile(r"[\s\W_]+")


@dataclass(frozen=True)
class LeadInput:
    """A stored lead's values."""

    lead_id: int
    article_id: int
    event: str
    sentence: str
    counterparts: tuple[str, ...] = ()
    amount_yuan: int | None = None
    amounts: tuple[dict[str, Any], ...] = ()
    place: str | None = None
    score: float = 0.0


@dataclass(frozen=True)
class ArticleInput:
    """A stored article's values the register uses."""

    article_id: int
    title: str
    published_at: datetime | None
    first_seen_at: datetime
    publisher: str = ""
    source: str = ""


@dataclass(frozen=True)
class Report:
    """One lead of one article, reporting one event."""

    lead_id: int
    article_id: int
    key: str  # stable across re-classification while the sentence stays the same
    event: str
    stage: str
    when: When
    published: date
    seen: datetime  # when the article was first stored
    outlet: str
    source: str
    orgs: frozenset[str]  # organisations that are not public bodies
    government: frozenset[str]  # the public bodies named (the office's side, mostly)
    ancestors: dict[str, tuple[str, ...]] = field(hash=False, compare=False)
    amounts: frozenset[int] = frozenset()  # the project's total(s)
    partial: frozenset[int] = frozenset()  # one phase's (一期投资5亿元)
    place: Place | None = None
    projects: tuple[str, ...] = ()
    title: str = ""
    sentence: str = ""
    score: float = 0.0

    @property
    def family(self) -> frozenset[str]:
        """The organisations with their parents (国投研究院 brings 国投)."""
        return self.orgs | {a for o in self.orgs for a in self.ancestors.get(o, ())}


def lead_key(event: str, sentence: str) -> str:
    """A lead's identity inside its article: its event and sentence (punctuation and
    spaces ignored). Analysts' marks are anchored to it, so they survive re-tagging."""
    text = _NOISE.sub("", sentence or "")
    return hashlib.sha1(f"{event}|{text}".encode()).hexdigest()[:16]


def local_date(moment: datetime | None) -> date | None:
    return moment.astimezone(display_zone()).date() if moment else None


_PHASE = re.compile(r"(?:一|二|三|首)期")
PHASE_BEFORE = 8  # characters before an amount searched for 一期/首期


def _is_phase(amount: dict[str, Any], sentence: str) -> bool:
    """Whether an amount is one phase's (一期投资5亿元), not the project's total: the
    classifier's qualifier says so, or a phase word stands just before it."""
    if _PHASE.search(str(amount.get("qualifier") or "")):
        return True
    text = str(amount.get("text") or "")
    at = sentence.find(text) if text else -1
    return at >= 0 and bool(_PHASE.search(sentence[max(0, at - PHASE_BEFORE) : at]))


def amounts_of(lead: LeadInput) -> tuple[frozenset[int], frozenset[int]]:
    """The lead's investment amounts in yuan: (totals, one phase's). CNY only: other
    currencies are not compared."""
    totals: set[int] = set()
    phases: set[int] = set()
    listed = [a for a in lead.amounts if a.get("currency", "CNY") == "CNY" and a.get("value")]
    for amount in listed:
        (phases if _is_phase(amount, lead.sentence) else totals).add(int(amount["value"]))
    if lead.amount_yuan and int(lead.amount_yuan) not in phases:
        totals.add(int(lead.amount_yuan))
    return frozenset(totals), frozenset(phases - totals)


def _org_spans(text: str, names: tuple[str, ...]) -> list[tuple[int, int]]:
    spans = []
    for name in names:
        start = text.find(name)
        while start >= 0:
            spans.append((start, start + len(name)))
            start = text.find(name, start + 1)
    return spans


def place_of(
    gazetteer: Gazetteer, sentence: str, title: str, counterparts: tuple[str, ...], hint: str | None
) -> Place | None:
    """Where the event happened: the places its sentence names outside organisation names
    (not a firm's seat: 总部位于常州), else the classifier's place, else the title's."""
    for text in (sentence, None, title):
        if text is None:
            found = gazetteer.lookup(hint)
            if found is not None:
                return found
            continue
        spans = gazetteer.spans(text, skip=_org_spans(text, counterparts))
        places = [p for _, _, p in spans]
        kept = [p for s, _, p in spans if not _HEADQUARTERS.search(text[max(0, s - 6) : s])]
        chosen = gazetteer.most_specific(kept or places)
        if chosen is not None:
            return chosen
    return None


def make_report(
    lead: LeadInput,
    article: ArticleInput,
    orgs: OrgIndex,
    gazetteer: Gazetteer,
    *,
    only_lead: bool = True,
) -> Report:
    """The register's view of one lead (organisations resolved with ``orgs``).

    The title's project names count only for the ``only_lead`` of its article: a round-up
    headline (推动未来产业合作项目落地) names none of its several events' projects."""
    published = local_date(article.published_at) or local_date(article.first_seen_at)
    assert published is not None
    names = [orgs.resolve(c) for c in lead.counterparts if clean(c)]
    firms = frozenset(n for n in names if not orgs.is_government(n))
    government = frozenset(n for n in names if orgs.is_government(n))
    text = lead.sentence or ""
    stage = stage_of(lead.event, text)
    if stage == "landing" and only_lead:  # 项目由…投资建设 under the headline …项目开工
        stage = stage_of(lead.event, article.title)
        stage = stage if stage in ("groundbreaking", "production") else "landing"
    return Report(
        lead_id=lead.lead_id,
        article_id=lead.article_id,
        key=lead_key(lead.event, text),
        event=lead.event,
        stage=stage,
        when=event_when(text, published),
        published=published,
        seen=article.first_seen_at,
        outlet=(article.publisher or article.source or "").strip(),
        source=article.source,
        orgs=firms,
        government=government,
        ancestors={n: orgs.ancestors(n) for n in firms},
        amounts=amounts_of(lead)[0],
        partial=amounts_of(lead)[1],
        place=place_of(gazetteer, text, article.title, lead.counterparts, lead.place),
        projects=tuple(
            dict.fromkeys(
                project_names(text, orgs.regions)
                + (project_names(article.title, orgs.regions) if only_lead else [])
            )
        ),
        title=article.title,
        sentence=text,
        score=lead.score,
    )
