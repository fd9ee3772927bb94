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
