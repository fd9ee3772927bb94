"""Turn the raw bytes of a web page into text.

Chinese sites often lie about their encoding: pages re-encoded to UTF-8 keep
``charset=gb2312`` in the markup, several declare two conflicting charsets, and
archive proxies inject ``<script charset="utf-8">`` before the real
``<meta charset=gb2312>``.  The order of evidence used here is:

1. the HTTP ``Content-Type`` charset,
2. a byte-order mark,
3. every ``<meta>`` charset declaration (not just the first one),
4. detection (UTF-8, GB18030, Big5),

where a candidate is only accepted if the bytes really decode with it.  Bytes
that are strictly valid UTF-8 (and not plain ASCII) are taken as UTF-8 even when
a GB-family charset is declared: random GBK text is practically never valid
UTF-8.  GB2312/GBK labels are decoded as GB18030, their superset.
"""

from __future__ import annotations

import codecs
import re

__all__ = ["decode_html", "normalize_charset", "declared_charsets"]

_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?\s*([\w.:-]+)", re.I)
_META_TAG = re.compile(rb"<meta\b[^>]*>", re.I)
_META_CHARSET = re.compile(rb"""charset\s*=\s*["']?\s*([\w.:-]+)""", re.I)
# How far into the document <meta> charset declarations are looked for.
_META_SCAN_BYTES = 64 * 1024

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


def _mostly_utf8(body: bytes) -> bool:
    """True when only a few bytes fail to decode as UTF-8.

    GBK text read as UTF-8 leaves thousands of bad bytes on a real page (many
    GBK pairs happen to form valid 2-byte UTF-8 sequences, so the share of bad
    bytes is not a good measure, their number is); real UTF-8 with a stray bad
    byte leaves a handful.
    """
    high = len(body) - len(body.translate(None, bytes(range(128))))
    if not high:
        return False
    good = len(body.decode("utf-8", errors="ignore").encode("utf-8"))
    return len(body) - good <= max(8, high // 100)


def _utf8_truncated(body: bytes) -> str | None:
    """Strict UTF-8 of a body whose last character was cut off, else None."""
    for cut in (1, 2, 3):
        text = _strict(body[:-cut], "utf-8")
        if text is not None:
            return text + "\ufffd"
    return None


def _replacement_count(body: bytes, codec: str) -> int:
    return body.decode(codec, errors="replace").count("\ufffd")


def decode_html(body: bytes, content_type: str | None = None) -> str:
    """Decode an HTML page's bytes to ``str``; never raises on bad bytes.

    ``content_type`` is the HTTP ``Content-Type`` header value, if known.
    """
    if not body:
        return ""
    candidates: list[str] = []
    header = _HEADER_CHARSET.search(content_type or "")
    header_codec = normalize_charset(header.group(1)) if header else None
    bom = _bom_codec(body)
    if bom and bom != "utf-8":
        # A UTF-16/32 BOM is unambiguous, and those bytes would "decode"
        # strictly as GB18030 garbage, so the BOM goes before the header.
        candidates.append(bom)
    if header_codec:
        candidates.append(header_codec)
    if bom == "utf-8":
        candidates.append(bom)
    candidates.extend(declared_charsets(body))

    # Strictly valid, non-ASCII UTF-8 is strong evidence, whatever is declared
    # (re-encoded pages keep their old gb2312 declaration).
    if bom is None or bom == "utf-8":
        utf8 = _strict(body, "utf-8") or _utf8_truncated(body)
        if utf8 is not None and not body.isascii():
            return _strip_bom(utf8)
        # A few broken bytes in a page declared (or defaulting to) UTF-8 must
        # not push it into GB18030 mojibake.
        utf8_declared = not candidates or "utf-8" in candidates
        if utf8_declared and _mostly_utf8(body):
            return _strip_bom(body.decode("utf-8", errors="replace"))

    for codec in candidates:
        if codec == "utf-8":
            continue  # already tried above (and failed or was ASCII)
        text = _strict(body, codec)
        if text is not None:
            return _strip_bom(text)

    for codec in ("utf-8", "gb18030", "big5hkscs"):
        text = _strict(body, codec)
        if text is not None:
            return _strip_bom(text)

    # Nothing decodes cleanly: the declared or detected codec with the fewest
    # replacement characters wins.
    pool = list(dict.fromkeys([*candidates, "utf-8", "gb18030"]))
    best = min(pool, key=lambda c: (_replacement_count(body, c), pool.index(c)))
    return _strip_bom(body.decode(best, errors="replace"))
