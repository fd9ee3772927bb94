"""The Classifier: one Aho-Corasick scan per text, word boundaries checked only where needed."""

from __future__ import annotations

from .dictionary import Dictionary
from .document import Doc, Part
from .leads import COUNTED_EVENTS, LeadFinder
from .matcher import Vocabulary
from .models import Classification
from .normalize import Folder, Source, build_fold_table
from .orgs import STOP_WORDS, StopWords
from .partners import partner_hits, score_partners
from .sectors import score_sectors
from .taxonomy import EVENTS, Taxonomy
from .words import JiebaWords, Segmenter, TextWords


class Classifier:
    """Tags an article's sectors and partners and extracts its cooperation leads.

    Build once per taxonomy and reuse: the jieba dictionary with the taxonomy's terms is
    cached in the temp dir (a fraction of a second to load; a few seconds the first time
    a taxonomy is seen). :meth:`classify` keeps no state between calls apart from caches
    of word segmentations, which never change a result.
    """

    def __init__(self, taxonomy: Taxonomy) -> None:
        self.taxonomy = taxonomy
        cfg = taxonomy.config
        self._cfg = cfg
        self._fold = Folder(build_fold_table(cfg.matching.extra_t2s))
        self._vocabulary = Vocabulary(cfg, self._fold)
        self.dictionary = Dictionary.for_terms(self._vocabulary.terms())
        self._segmenter = Segmenter(self.dictionary)
        self._sector_ids = list(cfg.sectors)
        self._partner_names = [p.name for p in cfg.partners]
        signals = [
            self._fold(term)
            for event in EVENTS
            for group in ("signals", "weak_signals")
            for term in getattr(getattr(cfg.leads.events, event), group)
        ]
        self._stops = StopWords(STOP_WORDS | frozenset(signals))  # a verb ends a name

    def clear_caches(self) -> None:
        """Forget cached segmentations (benchmarks measure a cold classifier)."""
        self._segmenter.ends.cache_clear()

    def _words(self, text: str) -> TextWords | JiebaWords:
        """Word boundaries of one folded text (the reference overrides this)."""
        return TextWords(self._segmenter, text)

    def _part(self, name: str, raw: str) -> Part:
        source = Source(raw)  # pinyin glosses (項(xiàng)目) out before anything is matched
        text = self._fold(source.text)
        inner: dict[tuple[int, int], tuple[int, int]] = {}
        hits = self._vocabulary.scan(text, inner)
        return Part(name, source, text, self._words(text), hits, inner)

    def classify(self, title: str, body: str) -> Classification:
        """Classify one article given its ``title`` and plain-text ``body``."""
        cfg = self._cfg
        doc = Doc([self._part("title", title or ""), self._part("body", body or "")])
        partners_found = partner_hits(doc)
        partners = score_partners(doc, cfg.partners, partners_found, cfg.partner_scoring)
        leads = []
        lead_sentences: set[tuple[int, int]] = set()
        if any(e.signal or e.term in COUNTED_EVENTS for part in doc.parts for _, _, e in part.hits):
            finder = LeadFinder(
                doc,
                cfg.leads,
                partners_found,
                self._partner_names,
                cfg.places,
                self._vocabulary.legal_suffixes,
                self._stops,
            )
            leads = finder.find()
            lead_sentences = finder.lead_sentences
        sectors = score_sectors(doc, self._sector_ids, cfg.sectors, cfg.matching, lead_sentences)
        return Classification(sectors=sectors, partners=partners, leads=leads)
