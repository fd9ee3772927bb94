"""Run every benchmark module (``python -m benchmarks [NAME ...]``).

Each module has ``main() -> None`` and prints its own figures. Nothing here sends traffic
anywhere but 127.0.0.1.
"""

from __future__ import annotations

import importlib
import sys

BENCHMARKS = (
    "benchmarks.crawl",  # end-to-end crawl vs a links-only Scrapy crawl of the same site
    "benchmarks.crawlstart",  # CPU to start a crawl: forked from the fork server vs afresh
    "benchmarks.memory",  # peak RSS per process of a 10,000-page crawl vs links-only Scrapy
    "benchmarks.classify",  # classifier MB/s vs plain jieba.lcut; labelled-set quality
    "benchmarks.realtexts",  # classifier quality on real news vs a keyword-count baseline
    "benchmarks.search",  # full-text search latency on a generated store
    "benchmarks.extract",  # extraction time on hostile pages vs an ordinary page; peak RSS
    "benchmarks.register",  # event merging and project linking on the labelled set
    "benchmarks.report",  # a month's report (xlsx, docx, pdf) over 100,000 articles vs a SQL count
    "benchmarks.workers",  # 40 slow sites crawled by 1 and by 4 `leadwatch worker` processes
)


def main(names: list[str]) -> int:
    selected = [m for m in BENCHMARKS if not names or m.rsplit(".", 1)[1] in names]
    for module in selected:
        try:
            bench = importlib.import_module(module)
        except ModuleNotFoundError as exc:  # a benchmark still being written
            if exc.name != module:
                raise
            continue
        print(f"\n=== {module} ===", flush=True)
        bench.main()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
