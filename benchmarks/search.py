"""Full-text search latency on a generated store of 1,000,000 Chinese articles.

The store is SQLite with our real schema (Alembic migrations) and the real FTS5 index;
the articles are synthetic: words drawn from jieba's own dictionary with its frequencies
(so common words are common), plus the taxonomy's sector keywords and partner names on
topic. To keep generation to minutes, the words are generated already cut, and each
word's index tokens are jieba's search-mode cut of that word (what the indexer would
store). The queries go through the real query tokenizer and the real
:func:`crawler.store.search.search` (bm25 ranking, top 20 hydrated with tags and leads,
highlighted snippets).

Baseline in the same run: the naive ``LIKE '%w1%' AND LIKE '%w2%'`` scan on a 10,000-
article subset of the same store (and once on the whole store).

``python -m benchmarks search``. The store is kept under /tmp and reused by later runs;
``LEADWATCH_BENCH_ARTICLES`` changes its size (default 1,000,000).
"""

from __future__ import annotations

import os
import random
import sqlite3
import statistics
import time
import tomllib
from itertools import accumulate
from pathlib import Path

from crawler.store import Database, search
from crawler.store.filters import BrowseFilter, conditions
from crawler.timeutil import parse_since

REPO = Path(__file__).resolve().parents[1]
GENERATOR_VERSION = 1  # bump when the generated data changes
ARTICLES = int(os.environ.get("LEADWATCH_BENCH_ARTICLES", "1000000"))
STORE_DIR = Path(os.environ.get("LEADWATCH_BENCH_DIR", "/tmp/leadwatch-bench"))
BATCH = 5_000
VOCABULARY = 60_000  # most frequent words of jieba's dictionary
POOL = 4_000_000  # words drawn once; articles are slices of this pool
BODY_WORDS = (120, 220)  # ~250-450 characters, a short government news item
TITLE_WORDS = (6, 12)
TOPIC_SHARE = 0.35  # articles about one of the taxonomy's sectors
REPEATS = 5
LIKE_SUBSET = 10_000
SEED = 20251125
LEAD_WORDS = ("签约", "落户", "投资", "项目", "合作", "考察", "洽谈", "开工", "投产")


def _jieba_vocabulary() -> tuple[list[str], list[int]]:
    import jieba

    with jieba.get_dict_file() as fh:
        entries = []
        for raw in fh:
            word, freq, *_ = raw.decode("utf-8").split()
            entries.append((int(freq), word))
    entries.sort(reverse=True)
    entries = entries[:VOCABULARY]
    return [w for _, w in entries], [f for f, _ in entries]


def _taxonomy() -> tuple[dict[str, tuple[str, list[str]]], list[str]]:
    """Sector id -> (label, keywords) and partner names, read straight from the TOML."""
    data = tomllib.loads((REPO / "config" / "taxonomy.toml").read_text(encoding="utf-8"))
    sectors = {
        sid: (s["label"], [k for k in s["keywords"] if not k.isascii()])
        for sid, s in data["sectors"].items()
    }
    partners = [p["name"] for p in data.get("partners", [])]
    partners += [
        a for p in data.get("partners", []) for a in p.get("aliases", []) if not a.isascii()
    ]
    return sectors, partners


class Generator:
    """Synthetic articles as (title, body, title tokens, body tokens, sector).

    Words are drawn once into a pool of POOL words (Zipf-like, by jieba's frequencies),
    and each article takes a slice of it at a random offset, with its topic's words put
    in: term frequencies stay those of the draw, at a few microseconds per article.
    """

    def __init__(self, rng: random.Random):
        self.rng = rng
        words, freqs = _jieba_vocabulary()
        self.sectors, self.partners = _taxonomy()
        tok = search.default_tokenizer()
        topical = {*self.partners, *LEAD_WORDS} | {
            k for _, kws in self.sectors.values() for k in kws
        }
        # what the indexer stores for each word: jieba's search-mode cut of it
        self.tokens = {w: " ".join(tok.tokens(w)) for w in {*words, *topical}}
        drawn = rng.choices(words, cum_weights=list(accumulate(freqs)), k=POOL)
        # punctuation rides on every 13th word: a clause, and every third clause a sentence
        self.pool_text = [
            w + ("。" if i % 39 == 38 else "，" if i % 13 == 12 else "")
            for i, w in enumerate(drawn)
        ]
        self.pool_tokens = [self.tokens[w] for w in drawn]

    def _words(self, n: int, topic: list[str]) -> tuple[list[str], list[str]]:
        at = self.rng.randrange(POOL - n)
        text, tokens = self.pool_text[at : at + n], self.pool_tokens[at : at + n]
        for _ in range(len(topic) and self.rng.randint(2, 6)):
            j, word = self.rng.randrange(n), self.rng.choice(topic)
            text[j], tokens[j] = word, self.tokens[word]
        return text, tokens

    def article(self) -> tuple[str, str, str, str, str | None]:
        rng = self.rng
        sector = rng.choice(list(self.sectors)) if rng.random() < TOPIC_SHARE else None
        topic = list(self.sectors[sector][1]) if sector else []
        if sector and rng.random() < 0.5:
            topic += rng.sample(LEAD_WORDS, 2)
        if rng.random() < 0.1:
            topic.append(rng.choice(self.partners))
        title, title_tokens = self._words(rng.randint(*TITLE_WORDS), topic[:3])
        body, body_tokens = self._words(rng.randint(*BODY_WORDS), topic)
        return (
            "".join(title).rstrip("，。"),
            "".join(body).rstrip("，") + "。",
            " ".join(title_tokens),
            " ".join(body_tokens),
            sector,
        )


def build_store(path: Path, count: int) -> float:
    """Generate ``count`` articles into ``path``; returns the seconds it took."""
    started = time.perf_counter()
    path.unlink(missing_ok=True)
    database = Database(f"sqlite:///{path}")  # the real schema, every migration
    database.close()
    gen = Generator(random.Random(SEED))
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA synchronous=OFF")
    for name in search.TRIGGERS:  # we write the index ourselves, already tokenized
        db.execute(f"DROP TRIGGER {name}")
    base = 1_704_067_200  # 2024-01-01 UTC; two years of articles
    for start in range(0, count, BATCH):
        db.execute("BEGIN")
        articles, index, tags = [], [], []
        for i in range(start + 1, min(start + BATCH, count) + 1):
            title, body, title_tokens, body_tokens, sector = gen.article()
            when = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(base + i * 63))
            articles.append(
                (i, f"https://bench.example.gov.cn/{i}.html", f"src{i % 40}", title, when, body)
                + (when, when)
            )
            index.append((i, title_tokens, body_tokens))
            if sector:
                tags.append((i, sector, gen.sectors[sector][0]))
        db.executemany(
            "INSERT INTO articles (id, url, source, title, published_at, publisher, body,"
            " fingerprint, first_seen_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, '', ?, '', ?, ?)",
            articles,
        )
        db.executemany(
            f"INSERT INTO {search.FTS_TABLE}(rowid, title, body) VALUES (?, ?, ?)", index
        )
        db.executemany(
            "INSERT INTO tags (article_id, kind, name, label, score, evidence)"
            " VALUES (?, 'sector', ?, ?, 6.0, '{}')",
            tags,
        )
        db.execute("COMMIT")
        if (start + BATCH) % 100_000 == 0:
            print(f"  generated {start + BATCH:,} articles", flush=True)
    db.execute("CREATE TABLE bench_meta (version INTEGER, articles INTEGER)")
    db.execute("INSERT INTO bench_meta VALUES (?, ?)", (GENERATOR_VERSION, count))
    db.close()
    database = Database(f"sqlite:///{path}")
    with database.session() as session:
        search.install(session.connection())  # the triggers back, nothing pending
    database.close()
    return time.perf_counter() - started


def _ready(path: Path, count: int) -> bool:
    if not path.exists():
        return False
    try:
        with sqlite3.connect(path) as db:
            return db.execute("SELECT version, articles FROM bench_meta").fetchone() == (
                GENERATOR_VERSION,
                count,
            )
    except sqlite3.Error:
        return False


def queries(rng: random.Random) -> list[str]:
    """Two-word queries an analyst types: two terms of a sector, or a term and a lead word."""
    sectors, partners = _taxonomy()
    out = []
    for _, keywords in sectors.values():
        a, b = rng.sample(keywords, 2)
        out.append(f"{a} {b}")
        out.append(f"{rng.choice(keywords)} {rng.choice(LEAD_WORDS)}")
    out += [f"{p} 合作" for p in rng.sample([p for p in partners if len(p) <= 6], 4)]
    return out


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _time_search(database: Database, query: str, flt: BrowseFilter) -> tuple[float, int]:
    started = time.perf_counter()
    parsed = search.parse_query(query)
    with database.session() as session:
        results = search.search(session, parsed, conditions(flt), limit=20)
    return time.perf_counter() - started, len(results.hits)


def _time_like(path: Path, query: str, upto: int | None) -> float:
    words = query.split()
    where = " AND ".join("(title LIKE ? OR body LIKE ?)" for _ in words)
    params: list[object] = [p for w in words for p in (f"%{w}%", f"%{w}%")]
    if upto:
        where += " AND id <= ?"
        params.append(upto)
    with sqlite3.connect(path) as db:
        started = time.perf_counter()
        db.execute(
            f"SELECT id FROM articles WHERE {where} ORDER BY +published_at DESC LIMIT 20", params
        ).fetchall()
        return time.perf_counter() - started


def main() -> None:
    path = STORE_DIR / f"search-{ARTICLES}.db"
    STORE_DIR.mkdir(parents=True, exist_ok=True)
    if _ready(path, ARTICLES):
        print(f"store: {path} (reused; delete it to regenerate)")
    else:
        print(f"generating {ARTICLES:,} articles into {path} …", flush=True)
        seconds = build_store(path, ARTICLES)
        print(f"generated in {seconds:.0f} s ({ARTICLES / seconds:,.0f} articles/s)")
    size = sum(p.stat().st_size for p in path.parent.glob(path.name + "*")) / 2**30
    print(f"store size: {size:.2f} GiB")

    rng = random.Random(SEED)
    qs = queries(rng)
    search.default_tokenizer()  # jieba's one-off dictionary load is not a query's cost
    database = Database(f"sqlite:///{path}")
    first, plain, filtered, like_subset, counts = [], [], [], [], []
    per_query: dict[str, float] = {}
    since = parse_since("2025-01-01")
    for q in qs:
        runs = []
        for r in range(REPEATS):
            seconds, n = _time_search(database, q, BrowseFilter())
            (first if r == 0 else plain).append(seconds)
            runs.append(seconds)
            counts.append(n)
        per_query[q] = statistics.median(runs)
        sector = next(
            (sid for sid, (_, kws) in _taxonomy()[0].items() if q.split()[0] in kws), None
        )
        for _ in range(REPEATS):
            flt = BrowseFilter(sector=sector, since=since)
            filtered.append(_time_search(database, q, flt)[0])
        like_subset += [_time_like(path, q, LIKE_SUBSET) for _ in range(REPEATS)]
    like_full = _time_like(path, qs[0], None)
    database.close()

    def ms(x: float) -> str:
        return f"{x * 1000:7.1f} ms"

    all_runs = first + plain
    base = statistics.median(like_subset)
    print(
        f"{len(qs)} two-word queries × {REPEATS} runs, top 20 with snippets; "
        f"mean results shown per query {statistics.mean(counts):.1f}"
    )
    print(
        f"  FTS5 + bm25, {ARTICLES:,} articles   p50 {ms(_percentile(all_runs, 0.5))}  "
        f"p95 {ms(_percentile(all_runs, 0.95))}  max {ms(max(all_runs))}"
    )
    print(
        f"    first run of each query          p50 {ms(_percentile(first, 0.5))}  "
        f"p95 {ms(_percentile(first, 0.95))}"
    )
    print(
        f"    + sector and --since filters     p50 {ms(_percentile(filtered, 0.5))}  "
        f"p95 {ms(_percentile(filtered, 0.95))}"
    )
    slowest = sorted(per_query.items(), key=lambda kv: -kv[1])[:3]
    print("    slowest (median): " + ", ".join(f"「{q}」 {ms(t).strip()}" for q, t in slowest))
    print(
        f"  baseline LIKE scan, {LIKE_SUBSET:,} articles  p50 {ms(base)}  "
        f"p95 {ms(_percentile(like_subset, 0.95))}"
    )
    print(f"  LIKE scan, all {ARTICLES:,} articles (one query)  {ms(like_full)}")
    print(
        f"  ratio: FTS p50 on {ARTICLES:,} / LIKE p50 on {LIKE_SUBSET:,} = "
        f"{_percentile(all_runs, 0.5) / base:.2f}×; "
        f"LIKE on all / FTS p50 = {like_full / _percentile(all_runs, 0.5):,.0f}× slower"
    )
    verdict = _percentile(all_runs, 0.5) <= 0.050 and _percentile(all_runs, 0.95) <= 0.200
    print(f"  target p50 ≤ 50 ms and p95 ≤ 200 ms: {'met' if verdict else 'NOT met'}")


if __name__ == "__main__":
    main()
