"""The register's quality gate: event merging and project linking on the labelled set.

tests/data/register/stories/ holds stories we wrote — one event told by the city, the
partner and a newspaper, reprints, two signings of one firm, stage sequences — labelled
by hand (tests/data/register/README.md). The real classifier reads every article and the
register merges and links exactly as the store does; the pairwise figures must stay at
the floors in tests/data/register/floors.toml.
"""

from __future__ import annotations

import tomllib
from collections import Counter
from pathlib import Path

import pytest

from crawler.register.evaluation import evaluate, load_articles

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "register"
FLOORS = tomllib.loads((DATA / "floors.toml").read_text(encoding="utf-8"))
FIELDS = {"id", "event", "project", "outlet", "source", "published", "title", "body"}


@pytest.fixture(scope="module")
def result():
    return evaluate(ROOT)


def test_the_set_is_large_enough_and_well_formed():
    articles = load_articles(DATA / "stories")
    assert all(set(a) - {"file"} == FIELDS for a in articles), "every field, no other"
    assert len({a["id"] for a in articles}) == len(articles), "ids are unique"
    reports = Counter(a["event"] for a in articles)
    assert sum(1 for n in reports.values() if n >= 2) >= 60, "60 multi-report clusters"
    # one event belongs to one project
    projects = {a["event"]: a["project"] for a in articles}
    assert all(projects[a["event"]] == a["project"] for a in articles)
    # the hard cases are there: a firm signing twice, reprints, rival places
    assert any("两" in a["file"] or "two" in a["file"] for a in articles)
    assert sum("转载" in a["outlet"] for a in articles) >= 4
    assert {"jiangyin-gov", "wujin-gov", "liyang-gov", "changxing-gov"} <= {
        a["source"] for a in articles
    }


def test_event_merging_meets_its_floors(result):
    floors = FLOORS["events"]
    assert result.events.precision >= floors["precision"], result.wrong_merges
    assert result.events.recall >= floors["recall"], result.missed_merges


def test_project_linking_meets_its_floors(result):
    floors = FLOORS["projects"]
    assert result.projects.precision >= floors["precision"], result.wrong_links
    assert result.projects.recall >= floors["recall"], result.missed_links


def test_two_signings_of_one_firm_stay_two_events(result):
    pairs = set(result.wrong_merges)
    for a, b in (("s01-a", "s01-e"), ("s09-a", "s09-c"), ("s17-a", "s17-c"), ("s23-a", "s23-c")):
        assert (a, b) not in pairs and (b, a) not in pairs


def test_held_out_set_meets_its_floors():
    held = evaluate(ROOT, DATA / "heldout")
    floors = FLOORS["heldout_events"]
    assert held.events.precision >= floors["precision"], held.wrong_merges
    assert held.events.recall >= floors["recall"], held.missed_merges
