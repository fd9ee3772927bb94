"""Evaluate the classifier on the real news texts of shared/realtexts/ (the dev set).

The texts are real Chinese news nobody on the team wrote; their labels (``labels_a.jsonl``,
``labels_b.jsonl``) follow tests/data/labelled/README.md. Nothing of them is copied into
the project: this tool reads them at run time.

How a text becomes ``classify(title, body)``: the first line (``SOURCE: <url>``) is
dropped; the first non-blank line after it is the title (a headline on most pages, the
lead paragraph on pages that have none — the classifier reads both the same way); the
remaining lines, in order, are the body.

Figures, exactly as the realtexts README defines them:

- sector micro-F1 over (text, sector) pairs;
- lead F1 over texts (a text has a lead when the classifier returns >= 1 lead);
- amount F1 over (text, amount) pairs: a text's predicted amounts are the union over its
  leads of ``amount_yuan`` and every CNY ``amounts[].value``; the labelled ones are its
  ``investment_amounts_yuan``;
- counterpart recall over (text, org) pairs: a labelled org is found when one of the
  leads' counterparts contains it or is contained in it, spaces removed.

A keyword-count baseline is scored the same way (a sector when its keywords occur 3+
times, a lead when any event signal occurs, every CNY amount within a label window after
an investment label), so each figure reads as a ratio to it.

Usage::

    python tools/eval_realtexts.py [--dir DIR] [--set a|b|all] [-v]
    python tools/eval_realtexts.py --labelled tests/data/labelled/heldout4 [-v]

The last four lines printed are the four figures (of the chosen set) — a hook reads them
with ``tail -4``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from classifiers import Classification, Classifier, fold, load_taxonomy, parse_amounts  # noqa: E402
from classifiers.evaluation import Counts  # noqa: E402
from classifiers.schema import EVENTS  # noqa: E402
from classifiers.taxonomy import Taxonomy  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DIR = ROOT.parent / "shared" / "realtexts"
SETS = ("a", "b")


@dataclass
class Text:
    """One labelled real text."""

    set: str
    name: str
    title: str
    body: str
    label: dict[str, Any]


def read_text(path: Path) -> tuple[str, str]:
    """``(title, body)`` of one text file (see the module docstring)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    if lines and lines[0].startswith("SOURCE:"):
        lines = lines[1:]
    while lines and not lines[0].strip():
        lines = lines[1:]
    if not lines:
        return "", ""
    return lines[0].strip(), "\n".join(lines[1:]).strip()


def load_texts(directory: Path, sets: Iterable[str] = SETS) -> list[Text]:
    """Every labelled text of the chosen sets, in label-file order."""
    out = []
    for name in sets:
        labels = directory / f"labels_{name}.jsonl"
        if not labels.is_file():
            raise FileNotFoundError(f"{labels} not found")
        for line in labels.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            label = json.loads(line)
            title, body = read_text(directory / label["file"])
            out.append(Text(name, label["file"], title, body, label))
    return out


def load_labelled(directory: Path) -> list[Text]:
    """The texts of a folder of our own labelled JSON files (tests/data/labelled/…),
    their labels mapped to the realtexts fields, to score them as the hidden sets are
    scored (``--labelled``)."""
    out = []
    for path in sorted(directory.glob("*.json")):
        sample = json.loads(path.read_text(encoding="utf-8"))
        label = {
            "file": path.name,
            "sectors": sample["sectors"],
            "lead": sample["lead"],
            "investment_amounts_yuan": sample["amounts_yuan"],
            "orgs": sample.get("counterparts", []),
        }
        out.append(Text(directory.name, path.name, sample["title"], sample["body"], label))
    return out


def _squeeze(name: str) -> str:
    return re.sub(r"\s+", "", name)


@dataclass
class Scores:
    """The four figures of one run, with each text's misses."""

    sectors: Counts = field(default_factory=Counts)
    leads: Counts = field(default_factory=Counts)
    amounts: Counts = field(default_factory=Counts)
    orgs: Counts = field(default_factory=Counts)
    misses: dict[str, list[str]] = field(default_factory=dict)

    def add(self, text: Text, result: Classification) -> None:
        """Score one text."""
        label = text.label
        wrong: list[str] = []
        want_s, got_s = set(label["sectors"]), {s.id for s in result.sectors}
        for sid in want_s | got_s:
            self.sectors.add(sid in want_s, sid in got_s)
        if want_s != got_s:
            wrong.append(f"sectors {sorted(got_s)} != {sorted(want_s)}")
        want_l, got_l = bool(label["lead"]), bool(result.leads)
        self.leads.add(want_l, got_l)
        if want_l != got_l:
            wrong.append(f"lead {got_l} != {want_l}")
        want_a = set(label["investment_amounts_yuan"])
        got_a = predicted_amounts(result)
        for value in want_a | got_a:
            self.amounts.add(value in want_a, value in got_a)
        if want_a != got_a:
            wrong.append(f"amounts extra {sorted(got_a - want_a)} missed {sorted(want_a - got_a)}")
        found = [_squeeze(c) for lead in result.leads for c in lead.counterparts]
        for org in label["orgs"]:
            o = _squeeze(org)
            hit = any(o in c or c in o for c in found if c)
            self.orgs.add(True, hit)
            if not hit:
                wrong.append(f"org {org} not in {sorted(set(found))}")
        if wrong:
            self.misses[text.name] = wrong

    def lines(self) -> list[str]:
        """The four figure lines."""
        s, le, a, o = self.sectors, self.leads, self.amounts, self.orgs
        return [
            f"sector micro-F1    {s.f1:.3f} (P {s.precision:.3f} / R {s.recall:.3f})",
            f"lead F1            {le.f1:.3f} (P {le.precision:.3f} / R {le.recall:.3f})",
            f"amount F1          {a.f1:.3f} (P {a.precision:.3f} / R {a.recall:.3f})",
            f"counterpart recall {o.recall:.3f} ({o.tp} of {o.tp + o.fn})",
        ]


def predicted_amounts(result: Classification) -> set[int]:
    """Union over the leads of ``amount_yuan`` and every CNY ``amounts[].value``."""
    out: set[int] = set()
    for lead in result.leads:
        if lead.amount_yuan is not None:
            out.add(lead.amount_yuan)
        out.update(a["value"] for a in lead.amounts if a.get("currency") == "CNY")
    return out


class KeywordBaseline:
    """A keyword-count classifier, the yardstick the figures are read against."""

    def __init__(self, taxonomy: Taxonomy) -> None:
        cfg = taxonomy.config
        self._sectors = {
            sid: [fold(t) for t in sector.keywords] for sid, sector in cfg.sectors.items()
        }
        self._signals = [fold(t) for e in EVENTS for t in getattr(cfg.leads.events, e).signals]
        self._labels = [fold(t) for t in cfg.leads.amounts.labels]
        self._window = cfg.leads.amounts.label_window

    def classify(self, title: str, body: str) -> Classification:
        """Sectors with 3+ keyword hits; one lead when a signal occurs, carrying every
        CNY amount that follows an investment label within the label window."""
        from classifiers import Lead, SectorTag

        text = fold(title + "\n" + body)
        sectors = [
            SectorTag(sid, sid, float(n))
            for sid, terms in self._sectors.items()
            if (n := sum(text.count(t) for t in terms)) >= 3
        ]
        if not any(s in text for s in self._signals):
            return Classification(sectors=sectors)
        amounts = []
        for a in parse_amounts(text):
            before = text[max(0, a.start - self._window) : a.start]
            if a.currency == "CNY" and any(lab in before for lab in self._labels):
                amounts.append({"value": a.value, "currency": "CNY", "text": a.text})
        lead = Lead("signing", None, "CNY", None, [], None, "", 0.0, amounts)
        return Classification(sectors=sectors, leads=[lead])


def score(texts: list[Text], results: dict[str, Classification]) -> Scores:
    """Score the classifications ``results`` (by file name) of ``texts``."""
    scores = Scores()
    for text in texts:
        scores.add(text, results[text.name])
    return scores


def classify_all(
    classify: Callable[[str, str], Classification], texts: list[Text]
) -> dict[str, Classification]:
    """``classify`` run on every text, by file name."""
    return {t.name: classify(t.title, t.body) for t in texts}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR, help="the realtexts folder")
    parser.add_argument("--set", choices=("a", "b", "all"), default="all")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every miss")
    parser.add_argument(
        "--labelled",
        type=Path,
        help="score a folder of our own labelled JSON texts instead (e.g. "
        "tests/data/labelled/heldout4) with the same figures",
    )
    args = parser.parse_args(argv)
    source = args.labelled or args.dir
    if not source.is_dir():
        print(f"no texts at {source}; pass --dir DIR or --labelled DIR", file=sys.stderr)
        return 2
    chosen: tuple[str, ...] = SETS if args.set == "all" else (args.set,)
    try:
        if args.labelled:
            texts = load_labelled(args.labelled)
            chosen = (args.labelled.name,)
        else:
            texts = load_texts(args.dir, chosen)
    except (OSError, ValueError, KeyError) as exc:
        print(f"cannot read the texts: {exc}", file=sys.stderr)
        return 2
    import jieba

    jieba.setLogLevel(60)  # its start-up notes are not figures
    taxonomy = load_taxonomy(ROOT / "config" / "taxonomy.toml")
    classifier = Classifier(taxonomy)
    baseline = KeywordBaseline(taxonomy)
    results = classify_all(classifier.classify, texts)
    base_results = classify_all(baseline.classify, texts)
    final = score(texts, results)
    if args.verbose:
        for text in texts:
            for miss in final.misses.get(text.name, []):
                print(f"  {text.name}: {miss}")
    print(f"{len(texts)} {'labelled' if args.labelled else 'real'} texts from {source}")
    print(f"  {'set':4s} {'texts':>5s} {'sector':>7s} {'lead':>6s} {'amount':>7s} {'orgs':>6s}")
    for name in (*chosen, "all") if len(chosen) > 1 else chosen:
        subset = [t for t in texts if name == "all" or t.set == name]
        ours, base = score(subset, results), score(subset, base_results)
        for who, s in (("", ours), (" baseline", base)):
            print(
                f"  {name + who:13s} {len(subset):5d} {s.sectors.f1:7.3f} {s.leads.f1:6.3f} "
                f"{s.amounts.f1:7.3f} {s.orgs.recall:6.3f}"
            )
    for line in final.lines():
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
