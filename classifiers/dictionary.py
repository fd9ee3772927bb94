"""jieba's dictionary plus the taxonomy's terms, built once and cached in the temp dir.

The classifier needs three things from jieba: the word frequencies (``FREQ``/``total``)
its segmentation maximises over, the set of character pairs that occur inside some word
(where no word can cross a position, every segmentation has a boundary there), and a
real ``jieba.Tokenizer`` with the same dictionary for the reference implementation.

Building them takes seconds (jieba loads 350,000 words, the taxonomy terms are added
with the frequency jieba suggests, the pairs are collected), so the result is cached
under :func:`tempfile.gettempdir`, keyed by jieba's version, its dictionary file and the
taxonomy's terms: ``leadwatch-jieba-<key>.txt`` is the merged dictionary (a file jieba
itself reads and caches as ``jieba.u<md5>.cache``) and ``leadwatch-jieba-<key>.bin`` the
frequencies and pairs. A cache hit loads in a fraction of a second. jieba's global
dictionary is never touched.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import marshal
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import jieba

CACHE_VERSION = "1"  # bump when the way terms are added changes
LONG_TERM_FREQ = 100  # floor for new terms of 4+ characters (see _term_frequencies)
log = logging.getLogger(__name__)


def has_cjk(term: str) -> bool:
    """True when ``term`` contains a CJK ideograph."""
    return any("\u3400" <= ch <= "\u9fff" for ch in term)


@dataclass(frozen=True)
class Dictionary:
    """Word frequencies and crossing pairs of jieba's dictionary with the taxonomy terms.

    ``path`` is the merged dictionary file (for :meth:`tokenizer`); ``freq`` maps every
    word and word prefix to its frequency (0 for prefixes), as ``jieba.Tokenizer.FREQ``.
    """

    path: Path
    freq: dict[str, int]
    total: int
    pairs: frozenset[str]

    @classmethod
    def for_terms(cls, terms: Iterable[str], cache_dir: str | Path | None = None) -> Dictionary:
        """The dictionary for these taxonomy ``terms`` (only terms with CJK characters are
        added: jieba keeps runs of Latin letters and digits whole by itself)."""
        words = sorted({t for t in terms if has_cjk(t) and not any(c.isspace() for c in t)})
        directory = Path(cache_dir or tempfile.gettempdir())
        key = _cache_key(words)
        text_path = directory / f"leadwatch-jieba-{key}.txt"
        data_path = directory / f"leadwatch-jieba-{key}.bin"
        loaded = _load_cached(data_path) if text_path.is_file() else None
        if loaded is not None:
            freq, total, pairs = loaded
            return cls(text_path, freq, total, pairs)
        freq, total, additions = _build(words)
        pairs = _crossing_pairs(freq)
        try:
            directory.mkdir(parents=True, exist_ok=True)
            _write_atomic(text_path, _merged_dictionary(additions))
            _write_atomic(data_path, marshal.dumps((freq, total, pairs)))
        except OSError as exc:  # a read-only temp dir costs speed, not correctness
            log.warning("cannot cache the jieba dictionary in %s: %s", directory, exc)
            path = Path(tempfile.mkdtemp()) / text_path.name
            path.write_bytes(_merged_dictionary(additions))
            return cls(path, freq, total, pairs)
        return cls(text_path, freq, total, pairs)

    def tokenizer(self) -> jieba.Tokenizer:
        """A ``jieba.Tokenizer`` over exactly this dictionary (jieba caches it itself)."""
        tok = jieba.Tokenizer(str(self.path))
        tok.initialize()
        if tok.total != self.total:  # the file and the cache disagree: never silently
            raise RuntimeError(f"jieba dictionary {self.path} does not match its cache")
        return tok


def _cache_key(words: list[str]) -> str:
    digest = hashlib.sha256()
    with jieba.get_dict_file() as fh:
        dict_file = Path(fh.name)
    stat = dict_file.stat()
    digest.update(f"{CACHE_VERSION}|{jieba.__version__}|{dict_file}|{stat.st_size}|".encode())
    digest.update(f"{stat.st_mtime_ns}|{LONG_TERM_FREQ}|".encode())
    digest.update("\n".join(words).encode("utf-8"))
    return digest.hexdigest()[:20]


# Loaded cache files, by path and the file's (size, mtime): a process that builds many
# classifiers for one taxonomy (the crawl's fork server, tests) loads it once.
_loaded: dict[Path, tuple[tuple[int, int], tuple[dict[str, int], int, frozenset[str]]]] = {}


def _load_cached(path: Path) -> tuple[dict[str, int], int, frozenset[str]] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    version = (stat.st_size, stat.st_mtime_ns)
    hit = _loaded.get(path)
    if hit is not None and hit[0] == version:
        return hit[1]
    loaded = _load(path)
    if loaded is not None:
        _loaded[path] = (version, loaded)
    return loaded


def _load(path: Path) -> tuple[dict[str, int], int, frozenset[str]] | None:
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    enabled = gc.isenabled()
    gc.disable()  # half a million small objects: the collector would only slow this down
    try:
        freq, total, pairs = marshal.loads(raw)
    except (EOFError, ValueError, TypeError):
        return None
    finally:
        if enabled:
            gc.enable()
    return freq, total, pairs


def _build(words: list[str]) -> tuple[dict[str, int], int, list[tuple[str, int]]]:
    """Add ``words`` to a private copy of jieba's default dictionary.

    Each term gets the frequency jieba itself suggests for keeping it whole
    (``suggest_freq``), raised to LONG_TERM_FREQ for new terms of 4+ characters; a high
    frequency for short terms would let them steal characters from their neighbours
    (创新基建 -> 创/新基建).
    """
    tok = jieba.Tokenizer()
    tok.initialize()
    additions: list[tuple[str, int]] = []
    for term in words:
        known = tok.FREQ.get(term) or 0
        freq = max(known, tok.suggest_freq(term, False))
        if not known and len(term) >= 4:
            freq = max(freq, LONG_TERM_FREQ)
        tok.add_word(term, freq)
        additions.append((term, freq))
    return tok.FREQ, tok.total, additions


def _crossing_pairs(freq: dict[str, int]) -> frozenset[str]:
    """Every character pair inside some word: where the pair around an offset is not
    among them, no word runs across that offset."""
    pairs: set[str] = set()
    for word, count in freq.items():
        if count and len(word) > 1:
            pairs.update(word[i : i + 2] for i in range(len(word) - 1))
    return frozenset(pairs)


def _merged_dictionary(additions: list[tuple[str, int]]) -> bytes:
    """jieba's own dictionary file followed by the taxonomy terms: read by
    ``jieba.Tokenizer(path)``, it gives the same FREQ and total as ``add_word``."""
    with jieba.get_dict_file() as fh:
        base = fh.read()
    if not base.endswith(b"\n"):
        base += b"\n"
    return base + "".join(f"{term} {freq}\n" for term, freq in additions).encode("utf-8")


def _write_atomic(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
