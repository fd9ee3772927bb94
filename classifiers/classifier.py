"""The Classifier: one Aho-Corasick pass per article, jieba only around short terms."""

from __future__ import annotations

from collections import defaultdict

from .leads import LeadFinder, LeadInputs
from .matcher import Doc, Matcher, Part, Role
from .models import Classification
from .normalize import build_fold_table, fold
from .partners import accepted_partner_hits, score_partners
from .sectors import accepted_sector_hits, score_sectors
from .taxonomy import EVENTS, Taxonomy
from .tokenize import WordBoundaries


class Classifier:
    """Tags an article's sectors and partners and extracts its cooperation leads.

    Build once per taxonomy (it loads jieba's dictionary into a private tokenizer and
    compiles the automaton, about a second) and reuse: :meth:`classify` keeps no state
    between calls.
    """

    def __init__(self, taxonomy: Taxonomy) -> None:
        self.taxonomy = taxonomy
        cfg = taxonomy.config
        self._cfg = cfg
        self._table = build_fold_table(cfg.matching.extra_t2s)
        entries: dict[str, list[Role]] = defaultdict(list)
        display: dict[str, str] = {}

        def add(term: str, role: Role) -> None:
            folded = fold(term, self._table)
            display.setdefault(folded, term)
            if role not in entries[folded]:
                entries[folded].append(role)

        for sid, sector in cfg.sectors.items():
            for term, weight in sector.keywords.items():
                add(term, Role("sector", sid, "keywords", weight))
            for term, weight in sector.weak.items():
                add(term, Role("sector", sid, "weak", weight))
            for term in sector.exclude:
                add(term, Role("sector", sid, "exclude"))
        for i, partner in enumerate(cfg.partners):
            for term in (partner.name, *partner.aliases):
                add(term, Role("partner", i))
        for i, place in enumerate(cfg.places):
            for term in (place.name, *place.aliases):
                add(term, Role("place", i))
        leads = cfg.leads
        for event in EVENTS:
            for term in getattr(leads.events, event).signals:
                add(term, Role("signal", event, "signal"))
        for term in leads.exclude:
            add(term, Role("signal", "", "exclude"))
        for term in leads.hedges:
            add(term, Role("hedge", 0))
        for term in leads.amounts.labels:
            add(term, Role("label", 0, "invest"))
        for term in leads.amounts.ignore_labels:
            add(term, Role("label", 0, "ignore"))
        for term in leads.org_suffixes:
            add(term, Role("suffix", 0))
        self._display = display
        self._matcher = Matcher(dict(entries))
        self._words = WordBoundaries(display.values())
        self._partner_names = [p.name for p in cfg.partners]

    def classify(self, title: str, body: str) -> Classification:
        """Classify one article given its ``title`` and plain-text ``body``."""
        cfg = self._cfg
        parts = [
            Part("title", title or "", fold(title or "", self._table)),
            Part("body", body or "", fold(body or "", self._table)),
        ]
        doc = Doc(parts, self._words, cfg.matching.boundary_max_len, self._display)
        buckets: dict[str, list] = defaultdict(list)
        for i, part in enumerate(parts):
            for kind, hits in self._matcher.scan(i, part.text).items():
                buckets[kind].extend(hits)

        sector_hits = accepted_sector_hits(doc, buckets["sector"])
        sectors = score_sectors(doc, cfg.sectors, sector_hits, cfg.matching)
        partner_hits = accepted_partner_hits(doc, buckets["partner"])
        partners = score_partners(doc, cfg.partners, partner_hits, cfg.partner_scoring)
        finder = LeadFinder(
            doc,
            cfg.leads,
            LeadInputs(
                signals=buckets["signal"],
                labels=buckets["label"],
                hedges=buckets["hedge"],
                places=buckets["place"],
                suffixes=buckets["suffix"],
                partners=partner_hits,
            ),
            self._partner_names,
            cfg.places,
        )
        return Classification(sectors=sectors, partners=partners, leads=finder.find())
