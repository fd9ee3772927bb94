"""Every term of the taxonomy compiled into one Aho-Corasick automaton, scanned once.

Terms are matched leftmost-longest, in C (``iter_long``): where terms overlap, the one
that starts first wins, and of those the longest. So 养老保险 hides 养老, 生物医药 hides
生物, 落地窗 hides 落地, 国家开发投资集团 hides its 投资 and 集团, and 新签约 (a
statistic) hides 签约. Sector terms are the exception: inside a longer term of another kind
(储能 in a partner named 江苏澄远储能科技有限公司) they still count for their sector
whenever the longer term counts as a word; they are found leftmost-longest among the
sector terms when the automaton is built.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ahocorasick

from .schema import EVENTS, TaxonomyFile

# Role kinds of the NAMES and EVENTS layers.
PARTNER, PLACE, SUFFIX, LABEL, PHASE = "partner", "place", "suffix", "label", "phase"
SIGNAL, NOT_SIGNAL, HEDGE, ASPIRATION = "signal", "not_signal", "hedge", "aspiration"
PURPOSE = "purpose"
BACKGROUND, STATISTIC, CONTEXT, PROJECT, GENERIC = (
    "background",
    "statistic",
    "context",
    "project",
    "generic",
)

Hit = tuple[int, int, "Entry"]  # (start, end, entry) in a folded text


class Entry:
    """One folded term and what it means.

    ``sectors`` holds ``(sector index, weight, is_keyword)``; ``roles`` holds
    ``(kind, ref)`` pairs for everything else (a term may have several roles).
    """

    __slots__ = ("inner", "n", "partner", "roles", "sectors", "shown", "signal", "term")

    def __init__(self, term: str, shown: str) -> None:
        self.term = term
        self.shown = shown
        self.n = len(term)
        self.sectors: tuple[tuple[int, float, bool], ...] = ()
        self.roles: tuple[tuple[str, Any], ...] = ()
        self.signal = False  # whether one of the roles is SIGNAL
        self.partner = False  # whether one of the roles is PARTNER
        self.inner: tuple[tuple[int, Entry], ...] = ()  # sector terms inside a non-sector term

    def __repr__(self) -> str:
        return f"Entry({self.term!r}, sectors={self.sectors}, roles={self.roles})"

    def has(self, kind: str) -> bool:
        """Whether one of the term's roles is ``kind``."""
        return any(k == kind for k, _ in self.roles)

    def refs(self, kind: str) -> list[Any]:
        """The refs of the term's roles of ``kind``."""
        return [ref for k, ref in self.roles if k == kind]


class Layer:
    """An automaton over some entries; :meth:`scan` gives leftmost-longest hits."""

    def __init__(self, entries: dict[str, Entry]) -> None:
        self.entries = entries
        self._automaton = ahocorasick.Automaton()
        for term, entry in entries.items():
            self._automaton.add_word(term, entry)
        if entries:
            self._automaton.make_automaton()

    def scan(self, text: str, inner: dict[tuple[int, int], tuple[int, int]]) -> list[Hit]:
        """Non-overlapping hits in ``text``, leftmost first, the longest term at each;
        the sector terms inside a hit follow it (they overlap it), and ``inner`` maps
        each of their spans to the span of the hit that holds it."""
        if not self.entries or not text:
            return []
        hits: list[Hit] = []
        for end, e in self._automaton.iter_long(text):
            start = end - e.n + 1
            hits.append((start, end + 1, e))
            for offset, term in e.inner:
                span = (start + offset, start + offset + term.n)
                hits.append((*span, term))
                inner[span] = (start, end + 1)
        return hits


class Vocabulary:
    """All terms of a taxonomy in one automaton, built once."""

    def __init__(self, cfg: TaxonomyFile, fold: Callable[[str], str]) -> None:
        self.sector_ids = list(cfg.sectors)
        table: dict[str, Entry] = {}

        def entry(term: str) -> Entry:
            folded = fold(term)
            if folded not in table:
                table[folded] = Entry(folded, term)
            return table[folded]

        sector_terms: set[str] = set()
        for index, sector in enumerate(cfg.sectors.values()):
            for group in ("keywords", "weak"):
                for term, weight in getattr(sector, group).items():
                    e = entry(term)
                    e.sectors += ((index, weight, group == "keywords"),)
                    sector_terms.add(e.term)
            for phrase in sector.exclude:
                sector_terms.add(entry(phrase).term)  # it hides the keyword inside it

        def role(term: str, kind: str, ref: Any = None) -> None:
            e = entry(term)
            if (kind, ref) not in e.roles:
                e.roles += ((kind, ref),)
                e.signal = e.signal or kind == SIGNAL
                e.partner = e.partner or kind == PARTNER

        for i, partner in enumerate(cfg.partners):
            for term in (partner.name, *partner.aliases):
                role(term, PARTNER, i)
        for i, place in enumerate(cfg.places):
            for term in (place.name, *place.aliases):
                role(term, PLACE, i)
        leads = cfg.leads
        for term in leads.org_suffixes:
            role(term, SUFFIX, False)
        for term in leads.weak_org_suffixes:
            role(term, SUFFIX, True)
        for term in leads.amounts.labels:
            role(term, LABEL, True)
        for term in leads.amounts.ignore_labels:
            role(term, LABEL, False)
        for term in leads.amounts.phase_words:
            role(term, PHASE)
        for event in EVENTS:
            ev = getattr(leads.events, event)
            for term in ev.signals:
                role(term, SIGNAL, (event, False))
            for term in ev.weak_signals:
                role(term, SIGNAL, (event, True))
        for kind, terms in (
            (NOT_SIGNAL, leads.exclude),
            (HEDGE, leads.hedges),
            (ASPIRATION, leads.aspirations),
            (PURPOSE, leads.purposes),
            (BACKGROUND, leads.background),
            (STATISTIC, leads.statistics),
            (CONTEXT, leads.context),
            (PROJECT, leads.project_words),
            (GENERIC, leads.generic_projects),
        ):
            for term in terms:
                role(term, kind)
        sectors_only = Layer({t: table[t] for t in sector_terms})
        for term, e in table.items():
            if term not in sector_terms:
                found = sectors_only.scan(term, {})
                e.inner = tuple((s, inner) for s, _, inner in found if inner.sectors)
        self.layer = Layer(table)
        self.legal_suffixes = frozenset(fold(t) for t in leads.legal_suffixes)

    def scan(self, text: str, inner: dict[tuple[int, int], tuple[int, int]]) -> list[Hit]:
        """Leftmost-longest hits of every term in ``text`` (see :meth:`Layer.scan`)."""
        return self.layer.scan(text, inner)

    def terms(self) -> list[str]:
        """Every folded term (for the word-boundary dictionary)."""
        return sorted(self.layer.entries)
