"""Word boundaries of jieba's dictionary segmentation, without segmenting whole articles.

The reference is ``tokenizer.lcut(text, HMM=False)``: jieba splits the text into blocks
of Han characters, Latin letters and digits, finds every dictionary word in a block and
picks the most probable route through them (runs of single Latin letters or digits are
then kept whole). Dictionary-only segmentation is deterministic; the HMM would invent
words across a taxonomy term's edges.

:class:`TextWords` gives the same boundaries lazily. A position that no dictionary word
(and no Latin run) can cross is a boundary in every segmentation, and jieba's route
decomposes there: the text between two such *cut points* segments exactly as it does
inside the whole text. So a boundary question needs only the short stretch between the
cut points around it, and most positions are cut points already (one set lookup).
:class:`JiebaWords` answers the same questions from jieba's own full segmentation.
"""

from __future__ import annotations

from bisect import bisect_right
from functools import lru_cache
from math import log

import jieba

from .dictionary import Dictionary

# jieba's block characters (re_han_default): everything else is a token of its own.
_HAN_ASCII = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+#&._%-")
# Single tokens of these characters are merged into one (jieba's re_eng buffer).
_ENG = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
CHUNK_CACHE = 1 << 16


def _cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff"


class Segmenter:
    """jieba's dictionary segmentation, computed only between cut points (shared by every
    text; the segmentation of each distinct stretch is cached)."""

    def __init__(self, dictionary: Dictionary) -> None:
        self.freq = dictionary.freq
        self.pairs = dictionary.pairs
        self.logtotal = log(dictionary.total)
        self.ends = lru_cache(maxsize=CHUNK_CACHE)(self._ends)
        self._weight: dict[str, float] = {}  # word -> log(freq) - log(total), as jieba adds it

    def is_cut(self, text: str, pos: int) -> bool:
        """True when no dictionary word and no Latin run can cross ``pos`` in ``text``."""
        if pos <= 0 or pos >= len(text):
            return True
        a = text[pos - 1]
        b = text[pos]
        if not ("\u4e00" <= a <= "\u9fd5" or a in _HAN_ASCII):
            return True
        if not ("\u4e00" <= b <= "\u9fd5" or b in _HAN_ASCII):
            return True
        if a in _ENG and b in _ENG:
            return False
        return a + b not in self.pairs

    def _ends(self, chunk: str) -> tuple[int, ...]:
        """Token ends of ``chunk`` (a stretch between cut points, inside one block), in
        order: jieba's DAG and maximum-probability route (``get_DAG``/``calc`` written out
        the same way, so ties and rounding go the same way) and its Latin-run buffer."""
        freq = self.freq
        weight = self._weight
        n = len(chunk)
        score = [0.0] * (n + 1)
        nxt = [0] * n
        for k in range(n - 1, -1, -1):
            # (score, end) of the best word from k; a later end wins a tie, as jieba's
            # max over (score, end) tuples does
            best = None
            end = k
            i = k
            frag = chunk[k]
            f = freq.get(frag)
            while f is not None:
                if f:
                    w = weight.get(frag)
                    if w is None:
                        w = weight[frag] = log(f) - self.logtotal
                    cand = w + score[i + 1]
                    if best is None or cand >= best:
                        best, end = cand, i
                i += 1
                if i >= n:
                    break
                frag = chunk[k : i + 1]
                f = freq.get(frag)
            if best is None:
                best, end = log(freq.get(chunk[k]) or 1) - self.logtotal + score[k + 1], k
            score[k] = best
            nxt[k] = end
        ends: list[int] = []
        x = 0
        single_eng = False
        while x < n:
            y = nxt[x] + 1
            eng = y - x == 1 and chunk[x] in _ENG
            if eng and single_eng:
                ends[-1] = y
            else:
                ends.append(y)
            single_eng = eng
            x = y
        return tuple(ends)


class TextWords:
    """Token boundaries of one (folded) text, answered lazily through a Segmenter."""

    __slots__ = ("is_cut", "seg", "text")

    def __init__(self, seg: Segmenter, text: str) -> None:
        self.seg = seg
        self.text = text
        self.is_cut = seg.is_cut

    def _tokens_around(self, pos: int) -> tuple[int, tuple[int, ...]]:
        """The stretch between the cut points around ``pos`` (which is inside it or at its
        start): its start and its token ends, relative to the start. (The loops are
        :meth:`Segmenter.is_cut` written out: this is the hot path.)"""
        text = self.text
        n = len(text)
        pairs = self.seg.pairs
        lo = pos
        while 0 < lo < n:
            a = text[lo - 1]
            b = text[lo]
            if not ("\u4e00" <= a <= "\u9fd5" or a in _HAN_ASCII):
                break
            if not ("\u4e00" <= b <= "\u9fd5" or b in _HAN_ASCII):
                break
            if not (a in _ENG and b in _ENG) and a + b not in pairs:
                break
            lo -= 1
        hi = pos + 1
        while hi < n:
            a = text[hi - 1]
            b = text[hi]
            if not ("\u4e00" <= a <= "\u9fd5" or a in _HAN_ASCII):
                break
            if not ("\u4e00" <= b <= "\u9fd5" or b in _HAN_ASCII):
                break
            if not (a in _ENG and b in _ENG) and a + b not in pairs:
                break
            hi += 1
        if hi - lo == 1:
            return lo, (1,)
        return lo, self.seg.ends(text[lo:hi])

    def boundary(self, pos: int) -> bool:
        """Whether the segmentation has a token boundary at ``pos``."""
        if self.is_cut(self.text, pos):
            return True
        lo, ends = self._tokens_around(pos)
        return pos - lo in ends

    def token(self, pos: int) -> tuple[int, int]:
        """The token containing ``text[pos]``."""
        lo, ends = self._tokens_around(pos)
        start = lo
        for end in ends:
            if lo + end > pos:
                return start, lo + end
            start = lo + end
        raise AssertionError("a stretch's last token ends at its end")

    def tokens(self, start: int, end: int) -> list[tuple[int, int]]:
        """The tokens overlapping ``text[start:end]``, in order."""
        out: list[tuple[int, int]] = []
        pos = start
        while pos < end:
            lo, ends = self._tokens_around(pos)
            prev = lo
            for e in ends:
                if lo + e > pos:
                    out.append((prev, lo + e))
                prev = lo + e
            pos = prev
        return out

    def accepts(self, start: int, end: int) -> bool:
        """Whether the term at ``text[start:end]`` is a word here (see :func:`accepts`)."""
        text = self.text
        if self.is_cut(text, start) and self.is_cut(text, end):
            return True
        return accepts(self, start, end)


class JiebaWords:
    """The reference: token boundaries from jieba's own segmentation of the whole text."""

    __slots__ = ("_ends", "_starts", "text")

    def __init__(self, tokenizer: jieba.Tokenizer, text: str) -> None:
        self.text = text
        starts: list[int] = []
        pos = 0
        for word in tokenizer.lcut(text, HMM=False):
            starts.append(pos)
            pos += len(word)
        if pos != len(text):
            raise RuntimeError("jieba's tokens do not cover the text")
        self._starts = starts
        self._ends = set(starts[1:]) | {0, len(text)}

    def boundary(self, pos: int) -> bool:
        """Whether jieba's segmentation has a token boundary at ``pos``."""
        return pos in self._ends or pos <= 0 or pos >= len(self.text)

    def token(self, pos: int) -> tuple[int, int]:
        """The token containing ``text[pos]``."""
        i = bisect_right(self._starts, pos) - 1
        end = self._starts[i + 1] if i + 1 < len(self._starts) else len(self.text)
        return self._starts[i], end

    def tokens(self, start: int, end: int) -> list[tuple[int, int]]:
        """The tokens overlapping ``text[start:end]``, in order."""
        out: list[tuple[int, int]] = []
        pos = start
        while pos < end:
            token = self.token(pos)
            out.append(token)
            pos = token[1]
        return out

    def accepts(self, start: int, end: int) -> bool:
        """Whether the term at ``text[start:end]`` is a word here (see :func:`accepts`)."""
        return accepts(self, start, end)


def accepts(words: TextWords | JiebaWords, start: int, end: int) -> bool:
    """The rule for a taxonomy term at ``text[start:end]``: it counts when both its ends
    are token boundaries (it is one or more whole words), or when it is the head or the
    tail of a single longer token whose other part continues in CJK characters
    (新能源 in 新能源汽车). 低空 in 降低|空气, 国投 in 全国|投资 and 5g in 15g do not count."""
    ws, we = words.token(start)
    text = words.text
    if ws == start:
        if end == we:
            return True
        if end < we:  # the head of a longer token
            return _cjk(text[end - 1]) and _cjk(text[end])
        return words.boundary(end)  # several whole tokens
    return end == we and _cjk(text[start - 1]) and _cjk(text[start])  # the tail
