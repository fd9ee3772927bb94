"""Quality of the classifier on hand-labelled articles (pure: samples in, figures out).

A sample is the dict of one ``tests/data/labelled/*.json`` file (see the README there):
``title``, ``body``, ``sectors``, ``lead``, ``events``, ``amounts_yuan`` and optionally
``amounts_foreign``, ``counterparts`` and ``partners``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .models import Classification


@dataclass
class Counts:
    """True positives, false positives and false negatives of one label."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, expected: bool, predicted: bool) -> None:
        """Count one decision."""
        if expected and predicted:
            self.tp += 1
        elif predicted:
            self.fp += 1
        elif expected:
            self.fn += 1

    @property
    def precision(self) -> float:
        """tp / (tp + fp); 1.0 when nothing was predicted."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """tp / (tp + fn); 1.0 when nothing was expected."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    """Figures of one evaluation run and the articles that went wrong."""

    articles: int = 0
    sectors: dict[str, Counts] = field(default_factory=dict)
    sector_micro: Counts = field(default_factory=Counts)
    lead: Counts = field(default_factory=Counts)
    events: Counts = field(default_factory=Counts)
    amounts_checked: int = 0
    amounts_exact: int = 0
    counterparts: Counts = field(default_factory=Counts)
    mistakes: list[tuple[str, str]] = field(default_factory=list)

    @property
    def amount_exact(self) -> float:
        """Share of lead articles whose investment amounts are exactly the labelled ones."""
        return self.amounts_exact / self.amounts_checked if self.amounts_checked else 1.0

    def figures(self) -> dict[str, float]:
        """Every gated figure by name (``sector.<id>.precision`` …), rounded to 4 places."""
        out: dict[str, float] = {
            "sector_micro_f1": self.sector_micro.f1,
            "lead_f1": self.lead.f1,
            "event_f1": self.events.f1,
            "amount_exact": self.amount_exact,
            "counterpart_recall": self.counterparts.recall,
        }
        for sid, counts in sorted(self.sectors.items()):
            out[f"sector.{sid}.precision"] = counts.precision
            out[f"sector.{sid}.recall"] = counts.recall
        return {k: round(v, 4) for k, v in out.items()}


def _cny(result: Classification) -> set[int]:
    """Every CNY investment amount of the leads (a lead lists all of its sentence's)."""
    return {a["value"] for lead in result.leads for a in lead.amounts if a["currency"] == "CNY"}


def _foreign(result: Classification) -> set[tuple[str, int]]:
    return {
        (a["currency"], a["value"])
        for lead in result.leads
        for a in lead.amounts
        if a["currency"] != "CNY"
    }


def evaluate(
    classify: Callable[[str, str], Classification],
    samples: Iterable[tuple[str, Mapping[str, Any]]],
    sector_ids: Iterable[str],
) -> Report:
    """Score ``classify`` on ``(name, sample)`` pairs; ``sector_ids`` are the sectors to
    report (every sector of the taxonomy, so one never predicted still shows)."""
    report = Report(sectors={sid: Counts() for sid in sector_ids})
    for name, sample in samples:
        report.articles += 1
        result = classify(sample["title"], sample["body"])
        wrong: list[str] = []

        expected = set(sample["sectors"])
        predicted = {s.id for s in result.sectors}
        for sid in set(report.sectors) | expected | predicted:
            counts = report.sectors.setdefault(sid, Counts())
            counts.add(sid in expected, sid in predicted)
            report.sector_micro.add(sid in expected, sid in predicted)
        if expected != predicted:
            wrong.append(f"sectors {sorted(predicted)} != {sorted(expected)}")

        has_lead = bool(result.leads)
        report.lead.add(bool(sample["lead"]), has_lead)
        if has_lead != bool(sample["lead"]):
            wrong.append(f"lead {has_lead} != {bool(sample['lead'])}")

        expected_events = set(sample["events"])
        predicted_events = {lead.event for lead in result.leads}
        for event in expected_events | predicted_events:
            report.events.add(event in expected_events, event in predicted_events)
        if expected_events != predicted_events:
            wrong.append(f"events {sorted(predicted_events)} != {sorted(expected_events)}")

        if sample["lead"]:
            report.amounts_checked += 1
            want_cny = set(sample["amounts_yuan"])
            want_foreign = {(c, int(v)) for c, v in sample.get("amounts_foreign", [])}
            if _cny(result) == want_cny and _foreign(result) == want_foreign:
                report.amounts_exact += 1
            else:
                wrong.append(
                    f"amounts {sorted(_cny(result))} {sorted(_foreign(result))} != "
                    f"{sorted(want_cny)} {sorted(want_foreign)}"
                )
            found = {c for lead in result.leads for c in lead.counterparts}
            for counterpart in sample.get("counterparts", []):
                report.counterparts.add(True, counterpart in found)
                if counterpart not in found:
                    wrong.append(f"counterpart {counterpart} missing from {sorted(found)}")
        for message in wrong:
            report.mistakes.append((name, message))
    return report
