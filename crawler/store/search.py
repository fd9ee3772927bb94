"""Chinese full-text search: an SQLite FTS5 index over jieba-tokenized titles and bodies.

How the index stays in step with ``articles``
----------------------------------------------
jieba runs at ~1.3 MB/s, so it must stay off the crawl's hot path (tokenizing every
stored page in the crawl would cost more CPU than the crawl itself).
Three SQLite triggers (installed by migration 0003) do the bookkeeping in SQL: inserting an
article, or changing its title or body, puts its id in ``articles_fts_pending``; deleting it
removes its index row. Python tokenizes the pending articles (:func:`sync_index`) before
every search, in the web view and from the CLI, so a search never sees a stale index and
any writer (the pipeline, reclassification, a hand-written UPDATE) is covered without
touching its code.

What the index holds
--------------------
``articles_fts`` is a plain FTS5 table (``rowid`` = article id) whose ``title`` and
``body`` columns hold *pre-tokenized* text: jieba's search-mode words separated by spaces
(so 无人机 is indexed as 无人 人机 无人机). FTS5's ``unicode61`` tokenizer then only splits
on those spaces, folds case and drops punctuation. Queries go through the same tokenizer;
the words of one query term must occur close together (an FTS5 NEAR group), all terms must
occur, and results are ranked by bm25 with title matches weighted higher.

FTS5 is SQLite-only: on other databases :func:`ensure_available` raises
:class:`SearchUnavailable`, which says what to use instead.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, bindparam, column, func, literal_column, select, table, text
from sqlalchemy.orm import Session, selectinload

from crawler.errors import LeadwatchError
from crawler.store.models import Article

FTS_TABLE = "articles_fts"
PENDING_TABLE = "articles_fts_pending"
TITLE_WEIGHT = 5.0  # a word in the title counts five times a word in the body for bm25
BATCH = 200  # articles tokenized per write transaction (~0.2 s: crawl writers wait less)
SNIPPET_CHARS = 90

# Words so common that indexing them only costs space and matching them costs time.
STOPWORDS = frozenset(
    "的了和与及在是对将等为于之也并把被从到由其以而或就都这那"
)  # single characters
_WORDLIKE = re.compile(r"\w")
_CJK = "\u3000-\u303f\u3400-\u9fff\uff00-\uffef"
# whitespace next to Chinese text is layout (paragraph breaks), not a word separator
_CJK_SPACE = re.compile(f"(?<=[{_CJK}])\\s+|\\s+(?=[{_CJK}])")

TRIGGERS = {
    "articles_fts_ai": f"""
        CREATE TRIGGER IF NOT EXISTS articles_fts_ai AFTER INSERT ON articles BEGIN
          INSERT INTO {PENDING_TABLE}(article_id) SELECT new.id
          WHERE NOT EXISTS (SELECT 1 FROM {PENDING_TABLE} WHERE article_id = new.id);
        END""",
    "articles_fts_au": f"""
        CREATE TRIGGER IF NOT EXISTS articles_fts_au AFTER UPDATE OF title, body ON articles
        WHEN old.title IS NOT new.title OR old.body IS NOT new.body BEGIN
          INSERT INTO {PENDING_TABLE}(article_id) SELECT new.id
          WHERE NOT EXISTS (SELECT 1 FROM {PENDING_TABLE} WHERE article_id = new.id);
        END""",
    "articles_fts_ad": f"""
        CREATE TRIGGER IF NOT EXISTS articles_fts_ad AFTER DELETE ON articles BEGIN
          DELETE FROM {FTS_TABLE} WHERE rowid = old.id;
          DELETE FROM {PENDING_TABLE} WHERE article_id = old.id;
        END""",
}


class SearchUnavailable(LeadwatchError):
    """The store cannot do full-text search (not SQLite, or SQLite without FTS5)."""


class EmptyQuery(LeadwatchError):
    """The query has no searchable words."""


# --- tokenization ---------------------------------------------------------------------


class SearchTokenizer:
    """jieba's search-mode segmentation with a private ``jieba.Tokenizer``.

    Only jieba's own dictionary is used, not the taxonomy: editing taxonomy.toml must not
    make the stored index disagree with how new queries are cut. No HMM, so the same
    text is always cut the same way.
    """

    def __init__(self) -> None:
        import jieba

        self._jieba = jieba.Tokenizer()
        level = jieba.default_logger.level
        jieba.default_logger.setLevel(logging.WARNING)  # "Building prefix dict…" is noise
        try:
            self._jieba.initialize()
        finally:
            jieba.default_logger.setLevel(level)

    def tokens(self, text: str) -> list[str]:
        """The words of ``text`` for indexing and querying (punctuation and stopwords out)."""
        return [
            word.lower()
            for word in self._jieba.cut_for_search(text, HMM=False)
            if _WORDLIKE.search(word) and word not in STOPWORDS
        ]

    def index_text(self, text: str) -> str:
        """``text`` as space-separated tokens, the form stored in the FTS table."""
        return " ".join(self.tokens(text))


@lru_cache(maxsize=1)
def default_tokenizer() -> SearchTokenizer:
    """The process's tokenizer (jieba takes ~1 s to load its dictionary)."""
    return SearchTokenizer()


@dataclass(frozen=True)
class ParsedQuery:
    """A user's query: its whitespace-separated words, the tokens of each, the FTS5 query."""

    text: str
    words: tuple[str, ...]
    terms: tuple[tuple[str, ...], ...]

    @property
    def tokens(self) -> list[str]:
        return list(dict.fromkeys(t for term in self.terms for t in term))

    @property
    def highlights(self) -> list[str]:
        """What to mark in results: the words as typed, and their tokens of 2+ characters
        (single characters such as 区 of 经开区 would light up half the text)."""
        return list(dict.fromkeys([*self.words, *(t for t in self.tokens if len(t) > 1)]))

    @property
    def match(self) -> str:
        """FTS5 syntax: every term must match; a term's words must be near each other."""
        parts = []
        for term in self.terms:
            quoted = " ".join('"' + t.replace('"', '""') + '"' for t in term)
            parts.append(quoted if len(term) == 1 else f"NEAR({quoted}, {len(term) + 2})")
        return " AND ".join(parts)


def parse_query(query: str, tokenizer: SearchTokenizer | None = None) -> ParsedQuery:
    """Tokenize ``query`` like the index; raises :class:`EmptyQuery` if nothing is left."""
    tokenizer = tokenizer or default_tokenizer()
    words, terms = [], []
    for word in query.split():
        tokens = tokenizer.tokens(word)
        if tokens:
            words.append(word)
            terms.append(tuple(dict.fromkeys(tokens)))
    if not terms:
        raise EmptyQuery(
            f"nothing to search for in {query!r}: give one or more words, "
            "e.g. `leadwatch search 无人机 签约`"
        )
    return ParsedQuery(query, tuple(words), tuple(terms))


# --- availability and index maintenance ----------------------------------------------


def ensure_available(conn: Connection) -> None:
    """Raise :class:`SearchUnavailable` unless ``conn`` has the FTS index."""
    backend = conn.dialect.name
    if backend != "sqlite":
        raise SearchUnavailable(
            f"full-text search needs SQLite (FTS5) and this store is {backend}; "
            "filter with `leadwatch items --sector/--partner/--since` "
            "or `leadwatch export` instead"
        )
    found = conn.exec_driver_sql(
        "SELECT count(*) FROM sqlite_master WHERE name = ?", (FTS_TABLE,)
    ).scalar()
    if not found:
        raise SearchUnavailable(
            f"this store has no search index ({FTS_TABLE}); run `leadwatch db upgrade` "
            "(SQLite must be built with FTS5)"
        )


def install(conn: Connection) -> None:
    """Create the FTS table, the pending queue and the triggers (idempotent)."""
    conn.exec_driver_sql(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} "
        "USING fts5(title, body, tokenize = 'unicode61')"
    )
    conn.exec_driver_sql(
        f"CREATE TABLE IF NOT EXISTS {PENDING_TABLE} (article_id INTEGER PRIMARY KEY)"
    )
    for ddl in TRIGGERS.values():
        conn.exec_driver_sql(ddl)


def uninstall(conn: Connection) -> None:
    for name in TRIGGERS:
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {PENDING_TABLE}")
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {FTS_TABLE}")


def enqueue_all(conn: Connection) -> int:
    """Mark every article for (re)indexing; returns how many are pending."""
    conn.exec_driver_sql(
        f"INSERT OR IGNORE INTO {PENDING_TABLE}(article_id) SELECT id FROM articles"
    )
    return pending_count(conn)


def repair(conn: Connection) -> None:
    """Reinstall triggers that a table rebuild (batch migration) dropped, and reindex all:
    while they were missing, changes went unrecorded."""
    names = set(
        conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'").scalars()
    )
    if not set(TRIGGERS) <= names:
        install(conn)
        enqueue_all(conn)


def pending_count(conn: Connection) -> int:
    return conn.exec_driver_sql(f"SELECT count(*) FROM {PENDING_TABLE}").scalar() or 0


def index_pending(
    conn: Connection, limit: int = BATCH, tokenizer: SearchTokenizer | None = None
) -> int:
    """Tokenize and index up to ``limit`` pending articles; returns how many were done."""
    ids = list(
        conn.exec_driver_sql(
            f"SELECT article_id FROM {PENDING_TABLE} ORDER BY article_id LIMIT ?", (limit,)
        ).scalars()
    )
    if not ids:
        return 0
    tokenizer = tokenizer or default_tokenizer()
    rows = conn.execute(
        select(Article.id, Article.title, Article.body).where(Article.id.in_(ids))
    ).all()
    marks = ",".join("?" * len(ids))
    conn.exec_driver_sql(f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({marks})", tuple(ids))
    if rows:
        conn.exec_driver_sql(
            f"INSERT INTO {FTS_TABLE}(rowid, title, body) VALUES (?, ?, ?)",
            [(r.id, tokenizer.index_text(r.title), tokenizer.index_text(r.body)) for r in rows],
        )
    conn.exec_driver_sql(f"DELETE FROM {PENDING_TABLE} WHERE article_id IN ({marks})", tuple(ids))
    return len(ids)


def sync_index(
    sessions: Callable[[], Any],
    on_progress: Callable[[int, int], None] | None = None,
) -> int:
    """Index every pending article, one short write transaction per batch.

    ``sessions`` is a context-manager factory such as ``Database.session``. Returns how
    many articles were indexed; ``on_progress(done, total)`` is called after each batch.
    """
    with sessions() as session:
        conn = session.connection()
        ensure_available(conn)
        repair(conn)
        total = pending_count(conn)
    done = 0
    while total:
        with sessions() as session:
            n = index_pending(session.connection())
        if not n:
            break
        done += n
        total = max(total, done)  # a crawl may be adding articles meanwhile
        if on_progress:
            on_progress(done, total)
    return done


def rebuild_index(
    sessions: Callable[[], Any], on_progress: Callable[[int, int], None] | None = None
) -> int:
    """Drop every index row, tokenize all articles again (after a jieba upgrade) and merge
    the index into one b-tree. Returns how many articles were indexed."""
    with sessions() as session:
        conn = session.connection()
        ensure_available(conn)
        conn.exec_driver_sql(f"DELETE FROM {FTS_TABLE}")
        enqueue_all(conn)
    done = sync_index(sessions, on_progress)
    with sessions() as session:
        session.connection().exec_driver_sql(
            f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')"
        )
    return done


# --- querying -------------------------------------------------------------------------

Segments = list[tuple[str, bool]]  # (text, is_match) pieces, rendered by each view


@dataclass
class Hit:
    """One result: the article, its bm25 score (higher is better) and highlighted text."""

    article: Article
    score: float
    title: Segments
    snippet: Segments


@dataclass
class SearchResults:
    query: ParsedQuery
    hits: list[Hit] = field(default_factory=list)
    more: bool = False  # there are results beyond ``limit``


def _fts() -> Any:
    return table(FTS_TABLE, column("rowid"))


def match_ids(query: ParsedQuery) -> Any:
    """A SELECT of the ids of articles matching ``query`` (for facets and exports)."""
    fts = _fts()
    return select(fts.c.rowid).where(
        literal_column(FTS_TABLE).op("MATCH")(bindparam("fts_query", query.match))
    )


def related_ids(session: Session, text_: str, limit: int = 30) -> list[int]:
    """Ids of the articles sharing the most words with ``text_`` (any of them, bm25)."""
    words = [t for t in default_tokenizer().tokens(text_) if len(t) > 1]
    if not words:
        return []
    match = " OR ".join('"' + w.replace('"', '""') + '"' for w in dict.fromkeys(words))
    fts = _fts()
    return list(
        session.scalars(
            select(fts.c.rowid)
            .where(literal_column(FTS_TABLE).op("MATCH")(bindparam("fts_query", match)))
            .order_by(text("rank"))
            .limit(limit)
        )
    )


def search(
    session: Session,
    query: ParsedQuery,
    conditions: Sequence[Any] = (),
    *,
    limit: int = 20,
    offset: int = 0,
    order: str = "relevance",
) -> SearchResults:
    """Articles matching ``query`` and ``conditions`` (SQLAlchemy clauses on Article).

    ``order`` is ``relevance`` (bm25, title words count more) or ``date`` (newest first).
    Call :func:`sync_index` first so that recent changes are searchable.
    """
    ensure_available(session.connection())
    fts = _fts()
    rank = func.bm25(literal_column(FTS_TABLE), TITLE_WEIGHT, 1.0)
    match = literal_column(FTS_TABLE).op("MATCH")(bindparam("fts_query", query.match))
    if order != "date" and not conditions:
        # Ranked from the index alone: joining every match to ``articles`` before
        # sorting costs ~40% more on a million articles (see docs/benchmarks.md).
        stmt = select(fts.c.rowid.label("id"), rank.label("rank")).where(match)
        stmt = stmt.order_by(text("rank"), fts.c.rowid.desc())
    else:
        stmt = (
            select(Article.id, rank.label("rank"))
            .select_from(fts.join(Article, Article.id == fts.c.rowid))
            .where(match, *conditions)
        )
        if order == "date":
            stmt = stmt.order_by(Article.published_at.desc().nulls_last(), Article.id.desc())
        else:
            stmt = stmt.order_by(text("rank"), Article.id.desc())
    rows = session.execute(stmt.limit(limit + 1).offset(offset)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    articles = {
        a.id: a
        for a in session.scalars(
            select(Article)
            .where(Article.id.in_([r.id for r in rows]))
            .options(selectinload(Article.tags), selectinload(Article.leads))
        )
    }
    pattern = highlight_pattern(query.highlights)
    hits = [
        Hit(
            article=articles[r.id],
            score=-float(r.rank),  # FTS5's bm25 is negative; more negative is better
            title=highlight(articles[r.id].title, pattern),
            snippet=snippet(articles[r.id].body, pattern),
        )
        for r in rows
        if r.id in articles
    ]
    return SearchResults(query, hits, more)


# --- highlighting ----------------------------------------------------------------------


def highlight_pattern(tokens: Sequence[str]) -> re.Pattern[str] | None:
    """A regex matching any of ``tokens`` (longest first), case-insensitively."""
    words = sorted({t for t in tokens if t}, key=len, reverse=True)
    if not words:
        return None
    return re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)


def highlight(text_: str, pattern: re.Pattern[str] | None) -> Segments:
    """``text_`` cut into matching and non-matching pieces."""
    if pattern is None or not text_:
        return [(text_, False)] if text_ else []
    pieces: Segments = []
    pos = 0
    for m in pattern.finditer(text_):
        if m.start() > pos:
            pieces.append((text_[pos : m.start()], False))
        pieces.append((m.group(), True))
        pos = m.end()
    if pos < len(text_):
        pieces.append((text_[pos:], False))
    return pieces


def snippet(body: str, pattern: re.Pattern[str] | None, width: int = SNIPPET_CHARS) -> Segments:
    """The ``width`` characters of ``body`` with the most distinct query words, highlighted,
    with an ellipsis where text was cut off."""
    body = " ".join(_CJK_SPACE.sub("", body).split())
    matches = list(pattern.finditer(body)) if pattern else []
    start = 0
    if matches:
        best, best_count = matches[0].start(), 0
        for i, m in enumerate(matches):
            seen = set()
            for x in matches[i:]:
                if x.end() > m.start() + width:
                    break
                seen.add(x.group().lower())
            if len(seen) > best_count:
                best, best_count = m.start(), len(seen)
        start = max(0, best - width // 5)
    end = min(len(body), start + width)
    start = max(0, min(start, end - width))
    pieces = highlight(body[start:end], pattern)
    if start > 0:
        pieces.insert(0, ("…", False))
    if end < len(body):
        pieces.append(("…", False))
    return pieces


def plain(segments: Segments) -> tuple[str, list[tuple[int, int]]]:
    """Segments as plain text plus the (start, end) offsets of the matches."""
    out, spans, pos = [], [], 0
    for piece, hit in segments:
        if hit:
            spans.append((pos, pos + len(piece)))
        out.append(piece)
        pos += len(piece)
    return "".join(out), spans
