"""The classifier against the hand-labelled articles in tests/data/labelled/.

Each JSON file holds ``title``, ``body`` and the expected ``sectors`` (exact set),
``lead`` (any lead at all), ``events`` (must be among the leads' events),
``amounts_yuan`` (exact set of CNY lead amounts) and optionally ``amounts_foreign``
(``[[currency, value], …]``), ``counterparts`` and ``partners`` (must be found).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from classifiers import Classifier, load_taxonomy, parse_amounts

ROOT = Path(__file__).resolve().parents[1]
LABELLED = sorted((ROOT / "tests" / "data" / "labelled").glob("*.json"))
REQUIRED = {"title", "body", "sectors", "lead", "events", "amounts_yuan"}


@pytest.fixture(scope="module")
def clf() -> Classifier:
    return Classifier(load_taxonomy(ROOT / "config" / "taxonomy.toml"))


def test_enough_labelled_articles() -> None:
    assert len(LABELLED) >= 15
    for path in LABELLED:
        data = json.loads(path.read_text(encoding="utf-8"))
        assert set(data) >= REQUIRED, path.name


@pytest.mark.parametrize("path", LABELLED, ids=[p.stem for p in LABELLED])
def test_labelled_article(clf: Classifier, path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    result = clf.classify(data["title"], data["body"])

    assert {s.id for s in result.sectors} == set(data["sectors"])
    assert bool(result.leads) == data["lead"]
    assert set(data["events"]) <= {lead.event for lead in result.leads}
    cny = {lead.amount_yuan for lead in result.leads if lead.amount_yuan is not None}
    assert cny == set(data["amounts_yuan"])
    foreign = {
        (lead.currency, parse_amounts(lead.amount_text)[0].value)
        for lead in result.leads
        if lead.amount_text and lead.currency != "CNY"
    }
    assert foreign == {tuple(x) for x in data.get("amounts_foreign", [])}
    counterparts = {c for lead in result.leads for c in lead.counterparts}
    assert set(data.get("counterparts", [])) <= counterparts
    names = {p.name for p in result.partners}
    assert set(data.get("partners", [])) <= names
    if "partners" in data and not data["partners"]:
        assert names == set()
