"""Chinese sentence splitting (on 。！？； and their ASCII forms, and on line breaks)."""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import NamedTuple

# A run of sentence-ending marks plus the closing quotes/brackets that belong to them.
_END = re.compile(r"[。！？；!?;\n]+[”’」』）)\]\"']*")
_SPACE = " \t\r\n\u3000\xa0"


class Span(NamedTuple):
    """A sentence as offsets into its text, with the index of its paragraph."""

    start: int
    end: int
    paragraph: int


def sentence_spans(text: str) -> list[Span]:
    """Return the non-empty sentences of ``text`` as spans (surrounding blanks excluded).

    A sentence keeps its ending mark (and a closing quote after it); a line break ends
    a sentence and starts a new paragraph.
    """
    spans: list[Span] = []
    paragraph = 0
    pos = 0
    for match in _END.finditer(text):
        _add(spans, text, pos, match.end(), paragraph)
        if "\n" in match.group():
            paragraph += 1
        pos = match.end()
    _add(spans, text, pos, len(text), paragraph)
    return spans


def _add(spans: list[Span], text: str, start: int, end: int, paragraph: int) -> None:
    while start < end and text[start] in _SPACE:
        start += 1
    while end > start and text[end - 1] in _SPACE:
        end -= 1
    if end > start:
        spans.append(Span(start, end, paragraph))


def split_sentences(text: str) -> list[str]:
    """Split Chinese ``text`` into sentences on 。！？； (and !?;) and line breaks.

    Each sentence keeps its ending mark; blank pieces are dropped.

    >>> split_sentences("项目签约。总投资3亿元！\\n下一段")
    ['项目签约。', '总投资3亿元！', '下一段']
    """
    return [text[s.start : s.end] for s in sentence_spans(text)]


class Sentences:
    """The sentences of one text as an index: one regex scan finds their ends, a
    position's sentence is a binary search, and a sentence's span (blanks trimmed) is
    computed only when asked for. Blank sentences keep an index but hold no text."""

    __slots__ = ("_spans", "ends", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        ends = [m.end() for m in _END.finditer(text)]
        if not ends or ends[-1] < len(text):
            ends.append(len(text))
        self.ends = ends
        self._spans: dict[int, tuple[int, int]] = {}

    def __len__(self) -> int:
        return len(self.ends)

    def index(self, pos: int) -> int:
        """Index of the sentence holding offset ``pos``."""
        return bisect_right(self.ends, pos)

    def span(self, index: int) -> tuple[int, int]:
        """``(start, end)`` of sentence ``index`` without surrounding blanks (may be empty)."""
        found = self._spans.get(index)
        if found is not None:
            return found
        start = self.ends[index - 1] if index else 0
        end = self.ends[index]
        text = self.text
        while start < end and text[start] in _SPACE:
            start += 1
        while end > start and text[end - 1] in _SPACE:
            end -= 1
        found = self._spans[index] = (start, end)
        return found

    def neighbour(self, index: int, step: int) -> int | None:
        """The nearest non-blank sentence before (``step=-1``) or after (``+1``) ``index``."""
        i = index + step
        while 0 <= i < len(self.ends):
            start, end = self.span(i)
            if end > start:
                return i
            i += step
        return None


def clause_start(text: str, lo: int, pos: int) -> int:
    """Where the clause holding ``pos`` starts: after the last ，；： (or , ; :) between
    ``lo`` (its sentence's start) and ``pos``, else at ``lo``; ``pos`` itself when it
    is not after ``lo``."""
    if pos <= lo:
        return pos
    cut = max(text.rfind(mark, lo, pos) for mark in "，,；;：:")
    return cut + 1 if cut >= 0 else lo
