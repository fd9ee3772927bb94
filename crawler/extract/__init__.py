"""Extraction: the bytes of an article page -> title, publish time, source, body.

No Scrapy and no database here: :func:`extract_article` takes bytes (or text) and returns
an :class:`Extracted`. One module per field: ``encoding`` (bytes -> text), ``dom``
(parsing, visible lines), ``limits`` (bounds on size, attributes, nesting),
``title``, ``dates`` (date formats) and ``dateline`` (the publish date and 来源 lines
of a page), ``body``; ``article`` puts them together.
"""

from crawler.extract.article import (
    WARNING_KINDS,
    ArticleSelectors,
    Extracted,
    extract_article,
    warning_kind,
)

__all__ = ["ArticleSelectors", "Extracted", "extract_article", "warning_kind", "WARNING_KINDS"]
