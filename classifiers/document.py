"""One article being classified: its folded parts, their sentences, words and term hits."""

from __future__ import annotations

from bisect import bisect_left

from .matcher import Hit
from .normalize import Source
from .sentences import Sentences
from .words import JiebaWords, TextWords

SENTENCE_LIMIT = 300  # evidence sentences longer than this are cut with an ellipsis

Key = tuple[int, int]  # (part index, sentence index)


class Part:
    """The title or the body: original and folded text, sentences, words, layer hits.

    ``raw`` is the page's text with pinyin glosses removed (項(xiàng)目 -> 項目) and ``text``
    that folded; both have the same offsets. Anything shown (names, sentences) is read
    back through ``source``, so it is spelt as the page spells it."""

    __slots__ = ("hits", "inner", "name", "raw", "sentences", "source", "text", "words")

    def __init__(
        self,
        name: str,
        source: Source,
        text: str,
        words: TextWords | JiebaWords,
        hits: list[Hit],
        inner: dict[tuple[int, int], tuple[int, int]],
    ) -> None:
        self.name = name
        self.source = source  # the page's text: spans of ``raw`` read back as written
        self.raw = source.text  # the text without pinyin glosses; ``text`` is it folded
        self.text = text
        self.words = words
        self.sentences = Sentences(text)
        self.hits = hits
        self.inner = inner  # span of a sector term inside a longer term -> that term's span

    def sentence_hits(self, index: int) -> list[Hit]:
        """The hits inside sentence ``index``."""
        hits = self.hits
        start, end = self.sentences.span(index)
        lo = bisect_left(hits, start, key=_start)
        hi = bisect_left(hits, end, lo, key=_start)
        return [h for h in hits[lo:hi] if h[1] <= end]

    def raw_sentence(self, index: int, limit: int = SENTENCE_LIMIT) -> str:
        """The original text of sentence ``index``, cut to ``limit`` characters."""
        start, end = self.sentences.span(index)
        text = self.source[start:end]
        return text if len(text) <= limit else text[: limit - 1] + "…"


def _start(hit: Hit) -> int:
    return hit[0]


class Doc:
    """Title (part 0) and body (part 1) of one article, with boundary decisions cached."""

    __slots__ = ("_checked", "parts")

    def __init__(self, parts: list[Part]) -> None:
        self.parts = parts
        self._checked: dict[tuple[int, int, int], bool] = {}

    def accepts(self, part: int, start: int, end: int) -> bool:
        """Whether the term at ``parts[part].text[start:end]`` is a word there (a sector
        term inside a longer term is, when the longer term is)."""
        key = (part, start, end)
        ok = self._checked.get(key)
        if ok is None:
            outer = self.parts[part].inner.get((start, end))
            if outer is not None:
                ok = self.accepts(part, *outer)
            else:
                ok = self.parts[part].words.accepts(start, end)
            self._checked[key] = ok
        return ok
