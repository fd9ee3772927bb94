"""One Aho-Corasick automaton over every taxonomy term, and the documents it scans."""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import ahocorasick

from .sentences import Span, sentence_spans
from .tokenize import WordBoundaries, has_cjk, latin_edges_ok


class Role(NamedTuple):
    """What a term means: ``kind`` (sector, partner, signal, …), ``ref`` (sector id,
    partner index, event, …), ``group`` (keyword/weak/exclude, label kind, …), weight."""

    kind: str
    ref: str | int
    group: str = ""
    weight: float = 0.0


class Hit(NamedTuple):
    """A term found at ``text[start:end]`` of one document part, in one role."""

    part: int
    start: int
    end: int
    term: str
    role: Role


class Matcher:
    """Aho-Corasick automaton built once from folded terms and their roles."""

    def __init__(self, entries: dict[str, list[Role]]) -> None:
        self._automaton = ahocorasick.Automaton()
        for term, roles in entries.items():
            self._automaton.add_word(term, (term, tuple(roles)))
        self._automaton.make_automaton()

    def scan(self, part: int, text: str) -> dict[str, list[Hit]]:
        """All term occurrences in ``text`` (overlaps included), grouped by role kind."""
        out: dict[str, list[Hit]] = defaultdict(list)
        if not text:
            return out
        for end_index, (term, roles) in self._automaton.iter(text):
            start = end_index - len(term) + 1
            for role in roles:
                out[role.kind].append(Hit(part, start, end_index + 1, term, role))
        return out


def leftmost_longest(hits: Iterable[Hit]) -> list[Hit]:
    """Drop overlapping hits: per part, the leftmost, then the longest, wins."""
    ordered = sorted(hits, key=lambda h: (h.part, h.start, -(h.end - h.start)))
    kept: list[Hit] = []
    last_part, last_end = -1, -1
    for hit in ordered:
        if hit.part != last_part:
            last_part, last_end = hit.part, -1
        if hit.start >= last_end:
            kept.append(hit)
            last_end = hit.end
    return kept


@dataclass
class Part:
    """A folded piece of the article (title or body) with its sentences."""

    name: str
    raw: str
    text: str
    spans: list[Span] = field(default_factory=list)
    _starts: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.spans = sentence_spans(self.text)
        self._starts = [s.start for s in self.spans]

    def sentence_of(self, pos: int) -> int:
        """Index of the sentence containing offset ``pos`` (-1 if none)."""
        i = bisect_right(self._starts, pos) - 1
        if i >= 0 and pos < self.spans[i].end:
            return i
        return -1

    def raw_sentence(self, index: int) -> str:
        """The original (unfolded) text of sentence ``index``."""
        span = self.spans[index]
        return self.raw[span.start : span.end]


@dataclass
class Doc:
    """Title and body of one article, folded, with boundary checks cached per hit."""

    parts: Sequence[Part]
    words: WordBoundaries
    boundary_max_len: int
    display: dict[str, str] = field(default_factory=dict)
    _checked: dict[tuple[int, int, int], bool] = field(default_factory=dict)

    def shown(self, term: str) -> str:
        """The taxonomy's own spelling of a folded term."""
        return self.display.get(term, term)

    def accepts(self, hit: Hit) -> bool:
        """Whether ``hit`` is a whole word in its context (see WordBoundaries.accepts)."""
        key = (hit.part, hit.start, hit.end)
        cached = self._checked.get(key)
        if cached is not None:
            return cached
        part = self.parts[hit.part]
        ok = latin_edges_ok(part.text, hit.start, hit.end)
        if ok and len(hit.term) <= self.boundary_max_len and has_cjk(hit.term):
            idx = part.sentence_of(hit.start)
            lo, hi = (part.spans[idx].start, part.spans[idx].end) if idx >= 0 else (0, None)
            ok = self.words.accepts(part.text, hit.start, hit.end, lo, hi)
        self._checked[key] = ok
        return ok
