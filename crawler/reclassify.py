"""Re-tag stored articles after a taxonomy change: sectors, partners and leads, in batches.

Articles are read by ascending id (keyset pagination, so a batch is one indexed range
scan), classified in worker processes (the classifier is pure Python: one process per
core), and each batch's old tags and leads are replaced in one ``BEGIN IMMEDIATE``
transaction with executemany deletes and inserts — the same rows the crawl writes
(:func:`crawler.store.repo.tag_rows` / ``lead_rows``), serialised in the workers so the
writing process only runs the statements. A batch is all or nothing: an
interrupted run leaves every article either with its old tags or with its new ones, and
running it again finishes the job. Articles themselves are not touched.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import TextClause, delete, func, select, text

from classifiers import Classifier, load_taxonomy
from crawler.store import Database
from crawler.store.models import Article, Lead, Tag
from crawler.store.repo import lead_rows, tag_rows

BATCH_SIZE = 2000  # articles per transaction: large enough to amortise, small enough to stream
# Columns written, in order; JSON columns are serialised by the worker (json.dumps, as the
# JSON type would), so the writing process only runs executemany.
TAG_COLUMNS = ("article_id", "kind", "name", "label", "score", "evidence")
LEAD_COLUMNS = (
    "article_id",
    "event",
    "amount_yuan",
    "currency",
    "amount_text",
    "counterparts",
    "place",
    "sentence",
    "score",
    "amounts",
)
_JSON_COLUMNS = frozenset(("evidence", "counterparts", "amounts"))
Rows = tuple[list[dict[str, Any]], list[dict[str, Any]], int]  # tags, leads, articles


@dataclass
class ReclassifyResult:
    """What a run did."""

    articles: int = 0
    tags: int = 0
    leads: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        """One line for the console."""
        rate = self.articles / self.seconds if self.seconds else 0.0
        return (
            f"re-tagged {self.articles} article(s): {self.tags} tag(s), {self.leads} lead(s) "
            f"in {self.seconds:.1f} s ({rate:,.0f} articles/s)"
        )


# ------------------------------------------------------------------ worker side

_classifier: Classifier | None = None


def _init_worker(taxonomy_files: list[str]) -> None:
    global _classifier
    _classifier = Classifier(load_taxonomy(*taxonomy_files))


def _classify_batch(articles: list[tuple[int, str, str]]) -> Rows:
    """Tag and lead rows for ``(id, title, body)`` articles (runs in a worker)."""
    assert _classifier is not None, "worker not initialised"
    return classify_rows(_classifier, articles)


def _values(row: dict[str, Any], columns: tuple[str, ...]) -> dict[str, Any]:
    return {
        c: json.dumps(row[c], ensure_ascii=False) if c in _JSON_COLUMNS else row[c] for c in columns
    }


def classify_rows(classifier: Classifier, articles: list[tuple[int, str, str]]) -> Rows:
    """The rows the store keeps for these articles, as the crawl would write them
    (:func:`crawler.store.repo.tag_rows` / ``lead_rows``), JSON columns serialised."""
    tags: list[tuple[Any, ...]] = []
    leads: list[tuple[Any, ...]] = []
    for article_id, title, body in articles:
        result = classifier.classify(title, body).to_dict()
        tags += [_values(row, TAG_COLUMNS) for row in tag_rows(article_id, result)]
        leads += [_values(row, LEAD_COLUMNS) for row in lead_rows(article_id, result)]
    return tags, leads, len(articles)


# ------------------------------------------------------------------ driver


def _batches(
    database: Database, since: datetime | None, source: str | None, size: int
) -> Iterator[list[tuple[int, str, str]]]:
    last = 0
    while True:
        query = select(Article.id, Article.title, Article.body).where(Article.id > last)
        if since is not None:
            query = query.where(Article.published_at >= since)
        if source:
            query = query.where(Article.source == source)
        with database.engine.connect() as conn:
            rows = conn.execute(query.order_by(Article.id).limit(size)).all()
        if not rows:
            return
        last = rows[-1][0]
        yield [(row[0], row[1], row[2]) for row in rows]


def count_articles(database: Database, since: datetime | None, source: str | None) -> int:
    """How many stored articles a run with these filters re-tags."""
    query = select(func.count(Article.id))
    if since is not None:
        query = query.where(Article.published_at >= since)
    if source:
        query = query.where(Article.source == source)
    with database.engine.connect() as conn:
        return int(conn.execute(query).scalar_one())


def _insert_sql(table: str, columns: tuple[str, ...]) -> TextClause:
    # Named parameters: SQLAlchemy turns them into the driver's own style (sqlite3's ?,
    # psycopg's %(name)s); the JSON columns arrive serialised from the workers.
    names = ", ".join(f":{c}" for c in columns)
    return text(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({names})")


_INSERT_TAGS = _insert_sql(Tag.__tablename__, TAG_COLUMNS)
_INSERT_LEADS = _insert_sql(Lead.__tablename__, LEAD_COLUMNS)


def _write(database: Database, ids: list[int], rows: Rows) -> None:
    tags, leads, _ = rows
    with database.engine.begin() as conn:  # BEGIN IMMEDIATE (see crawler.store.db)
        conn.execute(delete(Tag).where(Tag.article_id.in_(ids)))
        conn.execute(delete(Lead).where(Lead.article_id.in_(ids)))
        if tags:
            conn.execute(_INSERT_TAGS, tags)  # executemany
        if leads:
            conn.execute(_INSERT_LEADS, leads)


def reclassify(
    database: Database,
    taxonomy: str | Path | Sequence[str | Path],
    *,
    since: datetime | None = None,
    source: str | None = None,
    workers: int | None = None,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int], None] | None = None,
) -> ReclassifyResult:
    """Replace the tags and leads of the stored articles (published since ``since``, of
    ``source``) with what the taxonomy gives them now (``taxonomy``: its file, or its
    layers: the shipped file, then the instance's).

    ``workers`` processes classify (default: one per core, at most 2 batches queued
    each, but none when everything fits in one batch: a pool would only add its start-up
    time); ``workers=0`` classifies in this process. ``progress`` is called with the
    number of articles finished after each batch. A broken taxonomy raises
    :class:`classifiers.TaxonomyError` before anything is read.
    """
    files = [str(taxonomy)] if isinstance(taxonomy, str | Path) else [str(p) for p in taxonomy]
    loaded = load_taxonomy(*files)
    started = time.perf_counter()
    result = ReclassifyResult()
    if workers is None:
        one_batch = count_articles(database, since, source) <= batch_size
        workers = 0 if one_batch else (os.cpu_count() or 1)
    batches = _batches(database, since, source, batch_size)

    def done(ids: list[int], rows: Rows) -> None:
        _write(database, ids, rows)
        result.articles += rows[2]
        result.tags += len(rows[0])
        result.leads += len(rows[1])
        if progress is not None:
            progress(rows[2])

    if workers <= 0:
        classifier = Classifier(loaded)
        for batch in batches:
            done([a[0] for a in batch], classify_rows(classifier, batch))
    else:
        context = multiprocessing.get_context("spawn")  # never fork an open SQLite handle
        with ProcessPoolExecutor(
            max_workers=workers,
            mp_context=context,
            initializer=_init_worker,
            initargs=(files,),
        ) as pool:
            pending: deque[tuple[list[int], Future[Rows]]] = deque()
            for batch in batches:
                pending.append(([a[0] for a in batch], pool.submit(_classify_batch, batch)))
                while len(pending) > 2 * workers:
                    ids, future = pending.popleft()
                    done(ids, future.result())
            while pending:
                ids, future = pending.popleft()
                done(ids, future.result())
    result.seconds = time.perf_counter() - started
    return result
