"""Classifier benchmarks: speed against a plain jieba pass, quality on the labelled set,
and `leadwatch reclassify` on a generated store of 100,000 articles.

``python -m benchmarks classify`` prints:

1. MB/s of ``jieba.lcut`` (jieba's default tokenizer, default mode) and of
   ``Classifier.classify`` over the same texts, and the ratio, per corpus (the labelled
   articles, the demo site's articles, the shared seed article) and overall. Best of
   several passes; the classifier's segmentation cache is emptied before each pass, so
   no pass profits from the one before.
2. Per-sector precision/recall, sector micro-F1, lead F1, event F1, amount exact-match
   and counterpart recall on ``tests/data/labelled`` (the set the rules were written
   against), ``tests/data/labelled/heldout``, ``heldout2``, ``heldout3`` and ``heldout4``
   (written after the rules, as checks on overfitting) and the demo site against the
   team's ``tests/data/demo_truth.json``.
3. Seconds to re-tag a generated store of LEADWATCH_BENCH_ARTICLES (default 100,000)
   articles with ``crawler.reclassify`` (2 worker processes), in a temp dir.

Set LEADWATCH_BENCH_SKIP to a comma list of ``speed,quality,reclassify`` to skip parts.
Nothing here touches the network.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TAXONOMY = ROOT / "config" / "taxonomy.toml"
LABELLED = ROOT / "tests" / "data" / "labelled"
HELDOUT = LABELLED / "heldout"
HELDOUT2 = LABELLED / "heldout2"
HELDOUT3 = LABELLED / "heldout3"
HELDOUT4 = LABELLED / "heldout4"
DEMO_TRUTH = ROOT / "tests" / "data" / "demo_truth.json"
DEMO = ROOT / "demo" / "site"
SEED = Path(os.environ.get("LEADWATCH_SEED_ARTICLE", ROOT.parent / "shared" / "seed-article.txt"))
PASSES = 5

Text = tuple[str, str]


def load_labelled(directory: Path = LABELLED) -> list[tuple[str, dict[str, Any]]]:
    """``(name, sample)`` for every labelled JSON file directly in ``directory``."""
    return [
        (path.stem, json.loads(path.read_text(encoding="utf-8")))
        for path in sorted(directory.glob("*.json"))
    ]


def demo_articles() -> list[Text]:
    """Title and body of every article page of the bundled demo site."""
    from crawler.extract import extract_article

    pages = sorted(DEMO.glob("doc/**/*.shtml")) + sorted(DEMO.glob("sdic/xwzx/2*/*.html"))
    out = []
    for page in pages:
        extracted = extract_article(page.read_bytes(), "http://127.0.0.1/" + page.name)
        out.append((extracted.title, extracted.body))
    return out


def corpora() -> dict[str, list[Text]]:
    """The benchmark's texts by origin."""
    labelled = [(s["title"], s["body"]) for _, s in load_labelled() + load_labelled(HELDOUT)]
    out = {"labelled": labelled, "demo site": demo_articles()}
    if SEED.is_file():
        title, _, body = SEED.read_text(encoding="utf-8").partition("\n")
        out["seed article"] = [(title, body)]
    return out


def _megabytes(texts: list[Text]) -> float:
    return sum(len((t + "\n" + b).encode("utf-8")) for t, b in texts) / 1e6


def _best(
    texts: list[Text], run: Callable[[str, str], object], before: Callable[[], None]
) -> float:
    best = float("inf")
    for _ in range(PASSES):
        before()
        started = time.perf_counter()
        for title, body in texts:
            run(title, body)
        best = min(best, time.perf_counter() - started)
    return best


def speed() -> None:
    """MB/s of jieba.lcut and of the classifier over the same texts."""
    import jieba

    from classifiers import Classifier, load_taxonomy
    from classifiers.reference import ReferenceClassifier

    jieba.setLogLevel(60)
    jieba.initialize()
    started = time.perf_counter()
    classifier = Classifier(load_taxonomy(TAXONOMY))
    build = time.perf_counter() - started
    groups = corpora()
    groups["all"] = [t for texts in groups.values() for t in texts]
    print(f"Classifier build: {build:.2f} s (jieba dictionary cached in the temp dir)")
    print(
        f"{'corpus':14s} {'texts':>6s} {'MB':>6s} {'jieba.lcut MB/s':>16s} "
        f"{'classify MB/s':>14s} {'ratio':>6s}"
    )
    for name, texts in groups.items():
        mb = _megabytes(texts)
        jieba_s = _best(texts, lambda t, b: jieba.lcut(t + "\n" + b), lambda: None)
        clf_s = _best(texts, classifier.classify, classifier.clear_caches)
        print(
            f"{name:14s} {len(texts):6d} {mb:6.3f} {mb / jieba_s:16.2f} "
            f"{mb / clf_s:14.2f} {jieba_s / clf_s:5.1f}x"
        )
    texts = groups["all"]
    mb = _megabytes(texts)
    jieba_s = _best(texts, lambda t, b: jieba.lcut(t + "\n" + b), lambda: None)
    first_s = _best(texts, _first_step(classifier), lambda: None)
    print(
        f"classify's first step alone (fold + one Aho-Corasick scan, no work per hit): "
        f"{mb / first_s:.2f} MB/s = {jieba_s / first_s:.1f}x jieba.lcut"
    )
    reference = ReferenceClassifier(classifier.taxonomy)
    ref_s = _best(texts, reference.classify, lambda: None)
    print(f"reference classifier (full jieba segmentation per text): {mb / ref_s:.2f} MB/s")


def _first_step(classifier: Any) -> Callable[[str, str], object]:
    """What every classification starts with and no design in Python can skip: fold both
    parts and list their taxonomy hits with the classifier's own automaton. Its speed is
    the ceiling for anything done per hit in Python."""
    from classifiers.matcher import Vocabulary
    from classifiers.normalize import Folder, build_fold_table

    cfg = classifier.taxonomy.config
    fold = Folder(build_fold_table(cfg.matching.extra_t2s))
    vocabulary = Vocabulary(cfg, fold)

    def run(title: str, body: str) -> object:
        return vocabulary.scan(fold(title), {}), vocabulary.scan(fold(body), {})

    return run


def demo_truth() -> list[tuple[str, dict[str, Any]]]:
    """The demo site's pages with the team's labels (tests/data/demo_truth.json)."""
    from crawler.extract import extract_article

    truth = json.loads(DEMO_TRUTH.read_text(encoding="utf-8"))
    out = []
    for label in truth:
        page = DEMO / label["path"].lstrip("/")
        extracted = extract_article(page.read_bytes(), "http://127.0.0.1/" + label["path"])
        out.append((label["path"], {**label, "title": extracted.title, "body": extracted.body}))
    return out


def quality() -> None:
    """The labelled sets' figures."""
    from classifiers import Classifier, load_taxonomy
    from classifiers.evaluation import evaluate

    taxonomy = load_taxonomy(TAXONOMY)
    classifier = Classifier(taxonomy)
    sets = [
        ("labelled", str(LABELLED.relative_to(ROOT)), load_labelled(LABELLED)),
        ("heldout", str(HELDOUT.relative_to(ROOT)), load_labelled(HELDOUT)),
        ("heldout2", str(HELDOUT2.relative_to(ROOT)), load_labelled(HELDOUT2)),
        ("heldout3", str(HELDOUT3.relative_to(ROOT)), load_labelled(HELDOUT3)),
        ("heldout4", str(HELDOUT4.relative_to(ROOT)), load_labelled(HELDOUT4)),
    ]
    if DEMO_TRUTH.is_file():
        sets.append(("demo site", "the team's tests/data/demo_truth.json", demo_truth()))
    for name, origin, samples in sets:
        report = evaluate(classifier.classify, samples, taxonomy.sectors)
        figures = report.figures()
        print(f"\n{name}: {len(samples)} articles ({origin})")
        print(f"  {'sector':16s} {'precision':>9s} {'recall':>7s} {'tp':>4s} {'fp':>4s} {'fn':>4s}")
        for sid, counts in sorted(report.sectors.items()):
            print(
                f"  {sid:16s} {counts.precision:9.3f} {counts.recall:7.3f} "
                f"{counts.tp:4d} {counts.fp:4d} {counts.fn:4d}"
            )
        for key in ("sector_micro_f1", "lead_f1", "event_f1", "amount_exact", "counterpart_recall"):
            print(f"  {key:22s} {figures[key]:.3f}")
        if os.environ.get("LEADWATCH_BENCH_VERBOSE"):
            for article, problem in report.mistakes:
                print(f"    {article}: {problem}")


def generate_store(url: str, count: int, seed: int = 7) -> None:
    """A store of ``count`` articles whose bodies are made from the labelled texts (two
    texts' paragraphs shuffled together, with a serial number so no two are equal)."""
    from sqlalchemy import insert

    from crawler.store import Database
    from crawler.store.models import Article

    rng = random.Random(seed)
    samples = [s for _, s in load_labelled() + load_labelled(HELDOUT)]
    paragraphs = [s["body"].split("\n") for s in samples]
    database = Database(url)
    now = datetime.now(UTC)
    batch: list[dict[str, Any]] = []
    with database.engine.begin() as conn:
        for n in range(count):
            a, b = rng.randrange(len(samples)), rng.randrange(len(samples))
            rest = paragraphs[a][1:] + paragraphs[b][1:]
            rng.shuffle(rest)
            body = "\n".join([paragraphs[a][0], *rest]) + f"\n（编号 {n}）"
            title = samples[a]["title"]
            batch.append(
                {
                    "url": f"http://127.0.0.1/bench/{n}.html",
                    "source": "bench",
                    "title": title,
                    "published_at": now - timedelta(minutes=n),
                    "publisher": "",
                    "body": body,
                    "fingerprint": hashlib.sha256(body.encode()).hexdigest(),
                    "first_seen_at": now,
                    "updated_at": now,
                }
            )
            if len(batch) == 5000:
                conn.execute(insert(Article), batch)
                batch.clear()
        if batch:
            conn.execute(insert(Article), batch)
    database.close()


def reclassify_store() -> None:
    """Seconds to re-tag a generated store."""
    from crawler.reclassify import reclassify
    from crawler.store import Database

    count = int(os.environ.get("LEADWATCH_BENCH_ARTICLES", "100000"))
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        started = time.perf_counter()
        generate_store(url, count)
        size = Path(tmp, "bench.db").stat().st_size / 1e6
        print(
            f"\ngenerated {count:,} articles ({size:.0f} MB) in "
            f"{time.perf_counter() - started:.1f} s"
        )
        database = Database(url)
        result = reclassify(database, TAXONOMY, workers=2)
        print(f"reclassify, 2 workers: {result.summary()}")
        database.close()


def main() -> None:
    """Run every part not listed in LEADWATCH_BENCH_SKIP."""
    skip = {s.strip() for s in os.environ.get("LEADWATCH_BENCH_SKIP", "").split(",")}
    if "speed" not in skip:
        speed()
    if "quality" not in skip:
        quality()
    if "reclassify" not in skip:
        reclassify_store()


if __name__ == "__main__":
    main()
