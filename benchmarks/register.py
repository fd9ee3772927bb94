"""The lead register on its labelled set (tests/data/register): pairwise precision and
recall of event merging and of project linking, and the time to build it.

``python -m benchmarks register`` prints both pairs of figures for the labelled set (the
floors are in tests/data/register/floors.toml) and for the held-out set (written after
the rule, as a check on overfitting), with every pair it got wrong, so a regression shows
which stories it hit. Nothing here touches the network.
"""

from __future__ import annotations

import time
from pathlib import Path

from crawler.register.evaluation import evaluate

ROOT = Path(__file__).resolve().parents[1]


SETS = (
    ("labelled set", ROOT / "tests" / "data" / "register" / "stories"),
    ("held-out set", ROOT / "tests" / "data" / "register" / "heldout"),
)


def main() -> None:
    for name, directory in SETS:
        report(name, directory)
    speed()


def report(name: str, directory: Path) -> None:
    started = time.perf_counter()
    result = evaluate(ROOT, directory)
    seconds = time.perf_counter() - started
    print(
        f"{name}: {result.articles} articles, {result.labelled_events} events "
        f"({result.clusters} reported by two or more articles)"
    )
    e, p = result.events, result.projects
    print(
        f"event merging (article pairs):   precision {e.precision:.3f}  recall {e.recall:.3f}"
        f"  (tp {e.tp}, fp {e.fp}, fn {e.fn})"
    )
    print(
        f"project linking (event pairs):   precision {p.precision:.3f}  recall {p.recall:.3f}"
        f"  (tp {p.tp}, fp {p.fp}, fn {p.fn})"
    )
    print(f"classify + build: {seconds:.1f} s")
    for name, pairs in (
        ("articles without a lead", [(a, "") for a in result.unplaced]),
        ("merged wrongly", result.wrong_merges),
        ("not merged", result.missed_merges),
        ("linked wrongly", result.wrong_links),
        ("not linked", result.missed_links),
    ):
        if pairs:
            print(f"  {name}: " + ", ".join(f"{a}~{b}" if b else a for a, b in pairs))


if __name__ == "__main__":
    main()


# --- speed: the link step beside the worker's own work --------------------------------


def speed(articles: int = 4000, batch: int = 100) -> None:
    """The register's cost beside the article worker's: ``articles`` generated column
    articles (benchmarks/sitegen.py: signings, visits, groundbreakings, news, over three
    years) are classified and stored in batches of ``batch``, as the crawl's worker does,
    and the register is linked after every batch (the crawl links once per crawl: this
    is the worst case); then rebuilt once. Printed as ratios to the worker's
    classify + store time in the same run."""
    import tempfile

    from benchmarks.sitegen import _articles
    from classifiers import Classifier, load_taxonomy
    from crawler.items import ArticleItem
    from crawler.register.build import link_new_leads, rebuild
    from crawler.register.evaluation import labelled_context
    from crawler.store import Database, repo
    from crawler.timeutil import SHANGHAI

    generated = sorted(_articles(articles, seed=20251205), key=lambda a: a.published)
    classifier = Classifier(load_taxonomy(ROOT / "config" / "taxonomy.toml"))
    ctx = labelled_context(ROOT)
    worker_s = link_s = 0.0
    with tempfile.TemporaryDirectory(prefix="leadwatch-register-bench-") as tmp:
        database = Database(f"sqlite:///{tmp}/bench.db")
        for start in range(0, len(generated), batch):
            t0 = time.perf_counter()
            items = []
            for a in generated[start : start + batch]:
                body = "\n".join(a.paragraphs)
                item = ArticleItem(
                    f"https://bench.example.cn{a.path}",
                    "generated",
                    a.title,
                    a.published.replace(tzinfo=SHANGHAI),
                    a.source,
                    body,
                )
                item.classification = classifier.classify(a.title, body).to_dict()
                items.append(item)
            with database.session() as session:
                repo.upsert_articles(session, items, None)
            t1 = time.perf_counter()
            with database.session() as session:
                link_new_leads(session, ctx)
            t2 = time.perf_counter()
            worker_s, link_s = worker_s + t1 - t0, link_s + t2 - t1
        t0 = time.perf_counter()
        with database.session() as session:
            result = rebuild(session, ctx)
        rebuild_s = time.perf_counter() - t0
        database.close()
    batches = -(-len(generated) // batch)
    print(
        f"speed: {len(generated)} generated articles, {result.leads} leads -> "
        f"{result.events} events, {result.projects} projects; batches of {batch}"
    )
    print(f"  worker (classify + store):   {worker_s:6.1f} s")
    print(
        f"  linking after every batch:   {link_s:6.1f} s = {link_s / worker_s:.2f} x the worker "
        f"({1000 * link_s / batches:.0f} ms a batch)"
    )
    print(f"  full rebuild, once:          {rebuild_s:6.1f} s = {rebuild_s / worker_s:.2f} x")
