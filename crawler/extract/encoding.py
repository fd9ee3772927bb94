"""Turn the raw bytes of a web page into text.

Chinese sites often lie about their encoding: pages re-encoded to UTF-8 keep
``charset=gb2312`` in the markup, several declare two conflicting charsets, and
archive proxies inject ``<script charset="utf-8">`` before the real
``<meta charset=gb2312>``.  The order of evidence used here is:

1. a byte-order mark, or the NUL bytes of UTF-16 without one,
2. strictly valid UTF-8 (random GBK text is practically never valid UTF-8),
3. the HTTP ``Content-Type`` charset and every ``<meta>`` charset declaration
   (not just the first one),
4. detection (GB18030, Big5),
5. run by run: a UTF-8 page with a GBK-encoded title (or the reverse) is read
   with each codec where it applies, and only bytes no codec reads are replaced,

where a candidate is only accepted if the bytes really decode with it.  When the
declared charset disagrees with the bytes, the bytes win and a warning says so
(:data:`CHARSET_MISMATCH`).  GB2312/GBK labels are decoded as GB18030, their
superset.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

__all__ = [
    "CHARSET_MISMATCH",
    "UNDECODABLE",
    "Decoded",
    "decode_html",
    "decode_page",
    "declared_charsets",
    "normalize_charset",
    "byte_order",
]

# Warning prefixes (Extracted.warnings), stable so the crawl can count them.
CHARSET_MISMATCH = "charset mismatch"
UNDECODABLE = "undecodable bytes"

_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?\s*([\w.:-]+)", re.I)
_META_TAG = re.compile(rb"<meta\b[^>]*>", re.I)
_META_CHARSET = re.compile(rb"""charset\s*=\s*["']?\s*([\w.:-]+)""", re.I)
# How far into the document <meta> charset declarations are looked for.
_META_SCAN_BYTES = 64 * 1024
_UTF16_SAMPLE_BYTES = 4096
# A page no single codec reads is decoded run by run (runs of non-ASCII bytes);
# which codec reads most of it is judged on its first _RUN_SAMPLE_COUNT runs, and a
# page with more than _MAX_RUNS runs (estimated from its first _RUN_SAMPLE_BYTES) is
# junk read with one codec.
_HIGH_RUN = re.compile(rb"[\x80-\xff]+")
_RUN_SAMPLE_BYTES = 1 << 20
_RUN_SAMPLE_COUNT = 2_000
_MAX_RUNS = 100_000

_GB_FAMILY = {"gb2312", "gbk", "gb18030", "x-gbk", "cp936", "ms936", "windows-936"}
_ALIASES = {
    "utf8": "utf-8",
    "unicode-1-1-utf-8": "utf-8",
    "x-unicode20utf8": "utf-8",
    "big5-hkscs": "big5hkscs",
    "x-x-big5": "big5",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
}
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def normalize_charset(label: str | None) -> str | None:
    """Map a charset label to a Python codec name, or None if unknown.

    GB2312/GBK labels become ``gb18030``; Latin-1 and ASCII become cp1252 as
    browsers do.
    """
    if not label:
        return None
    name = label.strip().strip("\"'").lower()
    if name.startswith("gb_2312") or name in _GB_FAMILY or name.startswith("gb2312"):
        return "gb18030"
    name = _ALIASES.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def declared_charsets(body: bytes) -> list[str]:
    """Return every charset declared in ``<meta>`` tags near the top, in order.

    Only ``<meta>`` tags count (``<script charset=…>`` does not); duplicates are
    dropped; unknown labels are skipped.
    """
    found: list[str] = []
    for tag in _META_TAG.finditer(body[:_META_SCAN_BYTES]):
        m = _META_CHARSET.search(tag.group(0))
        if not m:
            continue
        codec = normalize_charset(m.group(1).decode("ascii", "ignore"))
        if codec and codec not in found:
            found.append(codec)
    return found


def _strict(body: bytes, codec: str) -> str | None:
    try:
        return body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _strip_bom(text: str) -> str:
    return text[1:] if text.startswith("\ufeff") else text


def _bom_codec(body: bytes) -> str | None:
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return codec
    return None


def _utf16_without_bom(body: bytes) -> str | None:
    """``utf-16-le``/``utf-16-be`` when NUL bytes sit on one side of each byte pair.

    Markup is ASCII, so UTF-16 HTML has a NUL byte in every other position;
    an ordinary page has none (and random bytes have them on both sides).
    """
    sample = body[:_UTF16_SAMPLE_BYTES]
    if b"\x00" not in sample:
        return None
    sample = sample[: len(sample) // 2 * 2]
    pairs = len(sample) // 2
    if pairs < 4:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    if odd >= max(4, pairs // 5) and even * 20 <= odd:
        return "utf-16-le"
    if even >= max(4, pairs // 5) and odd * 20 <= even:
        return "utf-16-be"
    return None


def byte_order(body: bytes) -> str | None:
    """``utf-16-le``/``-be`` or ``utf-32-le``/``-be`` when the bytes are one of those
    (by their BOM, or by the NUL bytes of UTF-16 without one), else None."""
    bom = _bom_codec(body)
    if bom and bom != "utf-8":
        return bom
    return None if bom else _utf16_without_bom(body)


def _utf8_truncated(body: bytes) -> str | None:
    """Strict UTF-8 of a body whose last character was cut off, else None."""
    for cut in (1, 2, 3):
        text = _strict(body[:-cut], "utf-8")
        if text is not None:
            return text + "\ufffd"
    return None


def _mostly_utf8(body: bytes) -> bool:
    """True when only a few bytes fail to decode as UTF-8.

    GBK text read as UTF-8 leaves thousands of bad bytes on a real page (many
    GBK pairs happen to form valid 2-byte UTF-8 sequences, so the share of bad
    bytes is not a good measure, their number is); real UTF-8 with a stray bad
    byte (or a GBK-encoded title) leaves a handful.
    """
    high = len(body) - len(body.translate(None, bytes(range(128))))
    good = len(body.decode("utf-8", errors="ignore").encode("utf-8"))
    return len(body) - good <= max(8, high // 100)


@dataclass
class Decoded:
    """A decoded page: its text, the codec the bytes were read with, and warnings.

    ``codec`` is ``"mixed"`` when parts of the page were read with different
    codecs (a UTF-8 page with a GBK-encoded title, say).
    """

    text: str
    codec: str
    warnings: list[str] = field(default_factory=list)


def _mismatch(declared: list[str], codec: str) -> list[str]:
    """The charset-mismatch warning, when something was declared and it was not ``codec``."""
    if not declared or codec in declared:
        return []
    return [f"{CHARSET_MISMATCH}: declared {', '.join(declared)}, decoded as {codec} by its bytes"]


def _decode_runs(body: bytes, primary: str, secondary: str) -> tuple[str, int, int]:
    """Decode each run of non-ASCII bytes on its own: ``(text, runs read as secondary, bad)``.

    A run that is not valid in ``primary`` but valid in ``secondary`` is read
    with ``secondary``; one valid in neither is read with ``primary``
    replacing the bad bytes (counted in ``bad``).
    """
    out: list[str] = []
    pos = switched = bad = 0
    for m in _HIGH_RUN.finditer(body):
        out.append(body[pos : m.start()].decode("ascii"))
        run = m.group(0)
        text = _strict(run, primary)
        if text is None:
            text = _strict(run, secondary)
            if text is not None:
                switched += 1
            else:
                text = run.decode(primary, errors="replace")
                bad += text.count("\ufffd")
        out.append(text)
        pos = m.end()
    out.append(body[pos:].decode("ascii"))
    return "".join(out), switched, bad


def _mixed(body: bytes, declared: list[str]) -> Decoded:
    """Decode a page that no single codec reads cleanly, run by run.

    The primary codec is UTF-8 or GB18030, whichever reads more of the page's
    non-ASCII runs (the declared one on a tie); the other one is tried on the
    runs the primary cannot read.
    """
    runs = _HIGH_RUN.findall(body, 0, _RUN_SAMPLE_BYTES)
    if len(runs) * max(1, len(body) // _RUN_SAMPLE_BYTES) > _MAX_RUNS:
        # Too many runs to look at one by one (binary junk): one codec, replaced.
        codec = "gb18030" if "gb18030" in declared else "utf-8"
        text = body.decode(codec, errors="replace")
        return Decoded(
            _strip_bom(text),
            codec,
            [f"{UNDECODABLE}: {text.count(chr(0xFFFD))} bytes not valid {codec} replaced"],
        )
    sample = runs[:_RUN_SAMPLE_COUNT]
    utf8_ok = sum(len(r) for r in sample if _strict(r, "utf-8") is not None)
    gb_ok = sum(len(r) for r in sample if _strict(r, "gb18030") is not None)
    prefer_gb = gb_ok > utf8_ok or (gb_ok == utf8_ok and "gb18030" in declared)
    primary, secondary = ("gb18030", "utf-8") if prefer_gb else ("utf-8", "gb18030")
    text, switched, bad = _decode_runs(body, primary, secondary)
    warnings: list[str] = []
    if switched:
        warnings.append(
            f"{CHARSET_MISMATCH}: page read as {primary} has {switched} runs of {secondary} bytes;"
            f" decoded them as {secondary}"
        )
    elif declared and primary not in declared:
        warnings += _mismatch(declared, primary)
    if bad:
        warnings.append(f"{UNDECODABLE}: {bad} bytes not valid {primary} replaced")
    return Decoded(_strip_bom(text), "mixed" if switched else primary, warnings)


def decode_page(body: bytes, content_type: str | None = None) -> Decoded:
    """Decode an HTML page's bytes by what the bytes are; never raises on bad bytes.

    ``content_type`` is the HTTP ``Content-Type`` header value, if known.  When
    the charset declared in the header or the page disagrees with the bytes, the
    bytes win and a ``charset mismatch: …`` warning says so; bytes no codec can
    read are replaced and counted in an ``undecodable bytes: …`` warning.
    """
    if not body:
        return Decoded("", "utf-8")
    header = _HEADER_CHARSET.search(content_type or "")
    header_codec = normalize_charset(header.group(1)) if header else None
    bom = _bom_codec(body) or _utf16_without_bom(body)
    if bom and bom != "utf-8":
        # A UTF-16/32 byte order (BOM, or NULs on one side of every pair) is
        # unambiguous; those bytes would "decode" strictly as GB18030 garbage.
        text = _strict(body, bom)
        if text is None:
            text = body[: len(body) // 2 * 2].decode(bom, errors="replace")
        return Decoded(_strip_bom(text), bom)
    declared = list(dict.fromkeys(c for c in [header_codec, *declared_charsets(body)] if c))

    if body.isascii():
        return Decoded(_strip_bom(body.decode("ascii")), "utf-8")
    # Strictly valid UTF-8 is strong evidence, whatever is declared
    # (re-encoded pages keep their old gb2312 declaration).
    utf8 = _strict(body, "utf-8") or _utf8_truncated(body)
    if utf8 is not None:
        return Decoded(_strip_bom(utf8), "utf-8", _mismatch(declared, "utf-8"))
    if bom == "utf-8":
        return _mixed(body, ["utf-8"])
    if (not declared or "utf-8" in declared) and _mostly_utf8(body):
        # A few broken bytes in a page declared (or defaulting to) UTF-8 must
        # not push the whole page into GB18030 mojibake.
        return _mixed(body, declared or ["utf-8"])

    for codec in [*(c for c in declared if c != "utf-8"), "gb18030", "big5hkscs"]:
        text = _strict(body, codec)
        if text is not None:
            return Decoded(_strip_bom(text), codec, _mismatch(declared, codec))
    return _mixed(body, declared)


def decode_html(body: bytes, content_type: str | None = None) -> str:
    """Decode an HTML page's bytes to ``str`` (see :func:`decode_page`)."""
    return decode_page(body, content_type).text
