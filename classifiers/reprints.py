"""Near-duplicate detection for reprints: the same story republished by another site.

Character 4-gram shingles need no word segmentation and survive the small edits that
reprints make (a changed phrase, an added "（来源：…）" line). Two bodies whose shingle
sets overlap by REPRINT_SIMILARITY or more are one story.
"""

from __future__ import annotations

import re

SHINGLE = 4
REPRINT_SIMILARITY = 0.6  # demo site: the reprint overlaps 0.95, other pairs below 0.1
_NOISE = re.compile(r"[\s\W_]+")


def shingles(text: str) -> frozenset[str]:
    """The set of character 4-grams of ``text`` with spaces and punctuation removed."""
    clean = _NOISE.sub("", text)
    return frozenset(clean[i : i + SHINGLE] for i in range(max(len(clean) - SHINGLE + 1, 1)))


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """Jaccard overlap of two shingle sets (0..1)."""
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def is_reprint(a: frozenset[str], b: frozenset[str]) -> bool:
    return similarity(a, b) >= REPRINT_SIMILARITY
