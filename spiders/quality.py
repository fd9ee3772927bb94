"""Notes on pages that were read but are not clean: legacy or mislabelled encodings,
truncated markup. Each note becomes a counter in the crawl's stats and a log line, so an
admin can see how often a site serves such pages; none of them stops extraction.
"""

from __future__ import annotations

import re

from crawler.extract.encoding import declared_charsets, normalize_charset

# Counter names (Scrapy stats, prefixed with "leadwatch/pages/").
CHARSET_MISMATCH = "charset_mismatch"  # declares one charset, the bytes are another
LEGACY_ENCODING = "legacy_encoding"  # GBK/GB2312/GB18030 or Big5 bytes
TRUNCATED = "truncated_markup"  # the document ends before </html>

_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?\s*([\w.:-]+)", re.I)
# How much of the end of a page is searched for its closing tag.
_TAIL_BYTES = 4096


def _is_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def page_notes(body: bytes, content_type: str | None = None) -> list[str]:
    """The notes that apply to a page's raw bytes (empty for a clean page)."""
    if not body:
        return []
    notes: list[str] = []
    header = _HEADER_CHARSET.search(content_type or "")
    declared = [normalize_charset(header[1])] if header else []
    declared += declared_charsets(body)
    declared = [d for d in declared if d]
    utf8 = not body.isascii() and _is_utf8(body)
    if utf8 and any(d != "utf-8" for d in declared):
        notes.append(CHARSET_MISMATCH)
    elif not body.isascii() and not utf8:
        notes.append(LEGACY_ENCODING)
        if "utf-8" in declared:
            notes.append(CHARSET_MISMATCH)
    if b"</html" not in body[-_TAIL_BYTES:].lower():
        notes.append(TRUNCATED)
    return notes
