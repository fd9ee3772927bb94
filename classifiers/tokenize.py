"""Word boundaries from jieba, using a private ``jieba.Tokenizer`` with the taxonomy terms.

jieba is slow (~1.5 MB/s), so it never sees a whole article: the Aho-Corasick scan finds
candidate terms first and jieba only segments a short window around each short term
(and the few sentences that become leads). jieba's global dictionary is never touched.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from math import inf, log

import jieba

WINDOW = 6  # characters of context on each side of a term when checking its boundaries


def _is_ascii_alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def has_cjk(term: str) -> bool:
    """True when ``term`` contains a CJK ideograph."""
    return any("\u3400" <= ch <= "\u9fff" for ch in term)


class WordBoundaries:
    """Segments text with a private jieba tokenizer that knows the taxonomy terms.

    Terms are added with the frequency jieba itself suggests for keeping them whole
    (``suggest_freq``), raised to ``long_term_freq`` for new terms of 4+ characters: a
    high frequency for short terms would let them steal characters from their
    neighbours (创新基建 -> 创/新基建).
    """

    def __init__(self, terms: Iterable[str], long_term_freq: int = 100) -> None:
        self._tok = jieba.Tokenizer()
        self._tok.initialize()
        for term in sorted(set(terms)):
            if not has_cjk(term):
                continue
            known = self._tok.FREQ.get(term) or 0
            freq = max(known, self._tok.suggest_freq(term, False))
            if not known and len(term) >= 4:
                freq = max(freq, long_term_freq)
            self._tok.add_word(term, freq)
        # Every character pair that occurs inside some dictionary word: where the pair
        # around an offset is not among them, no word can run across that offset.
        pairs: set[str] = set()
        for word, count in self._tok.FREQ.items():
            if count and len(word) > 1:
                pairs.update(word[i : i + 2] for i in range(len(word) - 1))
        self._pairs = frozenset(pairs)
        self._boundaries = lru_cache(maxsize=8192)(self._compute_boundaries)

    def surely_boundary(self, text: str, pos: int) -> bool:
        """True when no dictionary word can contain both ``text[pos-1]`` and
        ``text[pos]``, so every segmentation has a boundary at ``pos``."""
        if pos <= 0 or pos >= len(text):
            return True
        pair = text[pos - 1 : pos + 1]
        if _is_ascii_alnum(pair[0]) and _is_ascii_alnum(pair[1]):
            return False
        return pair not in self._pairs

    def cut(self, text: str) -> list[str]:
        """Segment ``text`` into words (dictionary only, no HMM: fast and predictable)."""
        return self._tok.lcut(text, HMM=False)

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Word spans ``(start, end)`` of ``text``, covering it completely."""
        bounds = self._boundaries(text)
        return list(zip(bounds, bounds[1:], strict=False))

    def _compute_boundaries(self, window: str) -> tuple[int, ...]:
        """Word boundaries of ``window``: jieba's own dictionary segmentation (its DAG and
        maximum-probability route, as in ``cut(HMM=False)``), minus its per-call overhead
        of splitting into blocks and generators; runs of Latin letters/digits stay whole."""
        freq = self._tok.FREQ
        n = len(window)
        if n == 0:
            return (0,)
        logtotal = log(self._tok.total)
        best = [0.0] * (n + 1)
        nxt = [0] * (n + 1)
        for k in range(n - 1, -1, -1):
            top, top_end = -inf, k
            i = k
            frag = window[k]
            while i < n and frag in freq:
                f = freq[frag]
                if f:
                    score = log(f) - logtotal + best[i + 1]
                    if score >= top:
                        top, top_end = score, i
                i += 1
                frag = window[k : i + 1]
            if top == -inf:  # not in the dictionary: a single character
                top = -logtotal + best[k + 1]
            best[k], nxt[k] = top, top_end
        ends = [0]
        x = 0
        prev_latin = False
        while x < n:
            y = nxt[x] + 1
            latin = y - x == 1 and _is_ascii_alnum(window[x])
            if latin and prev_latin:  # jieba keeps a run of Latin letters/digits whole
                ends[-1] = y
            else:
                ends.append(y)
            prev_latin = latin
            x = y
        return tuple(ends)

    def accepts(self, text: str, start: int, end: int, lo: int = 0, hi: int | None = None) -> bool:
        """Whether ``text[start:end]`` is a word (or words) in its context.

        ``lo``/``hi`` bound the context (the sentence). Accepted: both ends fall on word
        boundaries, or the term is the head or the tail of a single longer word
        (新能源 in 新能源汽车). Rejected: the term straddles a boundary (低空 in
        降低|空气) or sits in the middle of a word.
        """
        hi = len(text) if hi is None else hi
        if (start <= lo or self.surely_boundary(text, start)) and (
            end >= hi or self.surely_boundary(text, end)
        ):
            return True
        a = max(lo, start - WINDOW)
        b = min(hi, end + WINDOW)
        bounds = self._boundaries(text[a:b])
        s, e = start - a, end - a
        bset = set(bounds)
        if s in bset and e in bset:
            return True
        # The word that contains position s.
        for i in range(len(bounds) - 1):
            ws, we = bounds[i], bounds[i + 1]
            if ws <= s < we:
                return e <= we and (s == ws or e == we)
        return False


def latin_edges_ok(text: str, start: int, end: int) -> bool:
    """A term that begins/ends with a Latin letter or digit must not touch another one
    (5G is not inside 15G or 5GHz; sdic is not inside sdicx)."""
    if _is_ascii_alnum(text[start]) and start > 0 and _is_ascii_alnum(text[start - 1]):
        return False
    return not (_is_ascii_alnum(text[end - 1]) and end < len(text) and _is_ascii_alnum(text[end]))
