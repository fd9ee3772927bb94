"""Each page has a time and memory budget in the article worker; a worker that dies
costs at most the page that killed it.

Real crawls of the demo site on 127.0.0.1 (tests/pipeline_crawl.py), with the real
pipeline driving tests/faulty_worker.py: the real worker, where one page (the victim)
spins in C code, loops in Python, asks for 4 GB, or crashes the process.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.badserver import set_crawl_options
from tests.helpers.instance import demo_sources, write_instance
from tests.helpers.pipeline import TRUTH, crawl, stored_urls

pytestmark = pytest.mark.integration

FAULTY = 'ITEM_PIPELINES={"faulty_worker.FaultyWorkerPipeline": 300}'
VICTIM = TRUTH[5]["path"]


def faulty_crawl(tmp_path: Path, demo_site: str, fault: str, budget_s: float = 1.0):
    inst = write_instance(tmp_path, demo_sources(demo_site))
    set_crawl_options(inst.config, page_time_budget_s=budget_s)
    stats, log = crawl(inst, FAULTY, env={f"FAULTY_WORKER_{fault}": VICTIM})
    run = next(r for r in inst.runs() if r["source"] == "demo-yixing")
    return inst, stats, log, run


def assert_only_the_victim_is_missing(inst, stats, run, kind: str) -> None:  # noqa: ANN001
    named = stats_urls(run, kind)
    assert len(named) == 1 and named[0].endswith(VICTIM), run["counters"]
    stored = stored_urls(inst)
    assert len(stored) == len(TRUTH) - 1 and not any(u.endswith(VICTIM) for u in stored)
    assert stats["leadwatch/article_pages"] == len(TRUTH)
    assert run["status"] == "completed", run
    assert run["counters"][kind] == 1 and run["errors"] == 1, run["counters"]
    assert "lost" not in run["counters"]  # named, not lost: the run stays a reference


def stats_urls(run: dict, kind: str) -> list[str]:
    return run["counters"].get(f"{kind}_urls", [])


def test_a_page_stuck_in_c_code_is_ended_by_its_cpu_budget(tmp_path: Path, demo_site: str):
    inst, stats, log, run = faulty_crawl(tmp_path, demo_site, "SPIN_ON")
    assert "too_complex: went over its CPU budget" in log
    assert "restarting the article worker, ended over a page's budget" in log
    assert_only_the_victim_is_missing(inst, stats, run, "too_complex")
    # the budget is 1 s (+ 1.5 s of CPU before SIGPROF), not the pages' minutes
    assert stats["elapsed_time_seconds"] < 30


def test_a_page_looping_in_python_is_stopped_by_its_time_budget(tmp_path: Path, demo_site: str):
    inst, stats, log, run = faulty_crawl(tmp_path, demo_site, "LOOP_ON")
    assert "went over its time budget" in log
    assert "restarting" not in log  # stopped inside the worker, which went on
    assert_only_the_victim_is_missing(inst, stats, run, "too_complex")


def test_a_page_asking_for_too_much_memory_is_refused(tmp_path: Path, demo_site: str):
    inst, stats, log, run = faulty_crawl(tmp_path, demo_site, "HOG_ON")
    assert "went over its memory budget" in log
    assert "restarting" not in log
    assert_only_the_victim_is_missing(inst, stats, run, "too_complex")


def test_a_page_that_crashes_the_worker_is_the_only_one_lost_and_it_is_named(
    tmp_path: Path, demo_site: str
):
    inst, stats, log, run = faulty_crawl(tmp_path, demo_site, "CRASH_ON")
    # its batch is tried again page by page; alone, it crashes the worker again
    assert "trying each again alone" in log
    assert "worker_killed: killed the worker" in log
    assert_only_the_victim_is_missing(inst, stats, run, "worker_killed")
