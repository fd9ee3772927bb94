"""The one rule for a configured selector: XPath when it starts with "/" or "(", else CSS.

Used by the spiders (list links, next page), by extraction (title, date, source, body)
and by the config loader, which runs every selector once when the config loads
(:func:`selector_problem`), so a mistake is reported with its file and line instead of
matching nothing during a crawl.
"""

from __future__ import annotations

from typing import Any

from cssselect import SelectorError
from parsel import Selector

# A tiny document to run a selector against: parsel compiles (and cssselect translates)
# the query on first use, which is where a malformed one fails.
_PROBE = Selector(text="<html><body><p>probe</p></body></html>")


def is_xpath(query: str) -> bool:
    """True when ``query`` is XPath (starts with "/" or "("), False for CSS."""
    return query.lstrip().startswith(("/", "("))


def select(sel: Selector, query: str) -> Any:
    """``sel``'s matches for ``query`` (a parsel SelectorList).

    Raises :class:`InvalidSelector` for a malformed query; configured selectors were
    checked when the config loaded, so that means a caller built one by hand."""
    q = query.strip()
    try:
        return sel.xpath(q) if is_xpath(q) else sel.css(q)
    except (ValueError, SelectorError) as exc:
        raise InvalidSelector(query, _reason(q, exc)) from None


def selector_problem(query: str) -> str | None:
    """Why ``query`` is not a usable selector, or None when it is."""
    if not query.strip():
        return "empty selector; remove the key to let the heuristics decide"
    try:
        select(_PROBE, query)
    except InvalidSelector as exc:
        return exc.reason
    return None


class InvalidSelector(ValueError):
    """A selector that is neither valid CSS nor valid XPath."""

    def __init__(self, query: str, reason: str):
        self.query, self.reason = query, reason
        super().__init__(f"selector {query!r}: {reason}")


def _reason(query: str, exc: Exception) -> str:
    kind = "XPath" if is_xpath(query) else "CSS (XPath would start with / or ( )"
    return f"not valid {kind}: {str(exc).removeprefix('XPath error: ')}"
