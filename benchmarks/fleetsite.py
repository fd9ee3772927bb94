"""Many small news columns on one site, for the workers' tests and benchmark.

Column ``c`` is benchmarks.sitegen's TRS-style column moved under ``/cC/``: list pages
``/cC/yxzx/index.html``, ``index_1.html`` … and articles ``/cC/doc/YYYY/MM/DD/N.shtml``,
each column with texts of its own seed, so no two columns share an article.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from benchmarks.sitegen import COLUMN, PER_PAGE, _articles, _write, article_page, list_page


@dataclass(frozen=True)
class Column:
    prefix: str  # "/c7"
    list_pages: int
    articles: list[str]  # URL paths

    @property
    def start_path(self) -> str:
        return f"{self.prefix}{COLUMN}/index.html"


def generate_columns(root: Path, columns: int, articles: int, seed: int = 20261206) -> list[Column]:
    """Write ``columns`` columns of ``articles`` articles each under ``root``."""
    out = []
    for c in range(columns):
        prefix = f"/c{c}"
        items = [replace(a, path=prefix + a.path) for a in _articles(articles, seed + c)]
        pages = [items[i : i + PER_PAGE] for i in range(0, len(items), PER_PAGE)]
        for n, page in enumerate(pages):
            name = "index.html" if n == 0 else f"index_{n}.html"
            _write(
                root / prefix.strip("/") / COLUMN.strip("/") / name, list_page(page, n, len(pages))
            )
        for i, article in enumerate(items):
            related = [items[(i + k * 7) % len(items)] for k in range(1, 3)]
            _write(root / article.path.lstrip("/"), article_page(article, related))
        out.append(Column(prefix, len(pages), [a.path for a in items]))
    return out
