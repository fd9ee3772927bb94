"""The register against its labelled set (tests/data/register): pairwise precision and
recall of event merging and of project linking.

The articles go through the real classifier and the very functions the store uses
(:func:`~crawler.register.reports.make_report`, :func:`~crawler.register.match.cluster`,
:func:`~crawler.register.projects.link_projects`); nothing is read from the labels but
the text, the outlet, the source and the publication time.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import combinations
from pathlib import Path
from typing import Any

from classifiers import Classifier, load_taxonomy
from classifiers.evaluation import Counts as PR  # tp / fp / fn, precision, recall
from classifiers.reprints import is_reprint, shingles
from crawler.register.context import RegisterContext, partners_of
from crawler.register.match import EventDraft, cluster
from crawler.register.places import load_gazetteer
from crawler.register.projects import link_projects
from crawler.register.reports import ArticleInput, LeadInput, Report, make_report
from crawler.timeutil import SHANGHAI

LOCAL_PREFIX = "yixing-"  # the office's own sources in the labelled set
PEERS = ("江阴", "常州武进", "溧阳", "长兴")
_NOT_WORD = re.compile(r"[\W_]+")


@dataclass
class Result:
    events: PR
    projects: PR
    articles: int
    clusters: int  # labelled events with two or more reports
    labelled_events: int
    unplaced: list[str] = field(default_factory=list)  # articles the classifier found no lead in
    wrong_merges: list[tuple[str, str]] = field(default_factory=list)
    missed_merges: list[tuple[str, str]] = field(default_factory=list)
    wrong_links: list[tuple[str, str]] = field(default_factory=list)
    missed_links: list[tuple[str, str]] = field(default_factory=list)


def load_articles(directory: Path) -> list[dict[str, Any]]:
    """Every labelled article of every story, in file order."""
    out = []
    for path in sorted(directory.glob("*.toml")):
        for article in tomllib.loads(path.read_text(encoding="utf-8"))["articles"]:
            out.append({**article, "file": path.name})
    return out


def labelled_context(root: Path) -> RegisterContext:
    """The register's context for the labelled set: the shipped gazetteer and taxonomy,
    宜兴 as home, the default rival places."""
    gazetteer = load_gazetteer(root / "config" / "gazetteer.toml")
    return RegisterContext(
        gazetteer=gazetteer,
        home=gazetteer.lookup("宜兴"),
        peers=[p for p in (gazetteer.lookup(n) for n in PEERS) if p is not None],
        partners=partners_of(load_taxonomy(root / "config" / "taxonomy.toml")),
    )


def build(
    articles: list[dict[str, Any]], root: Path
) -> tuple[list[Report], list[EventDraft], list, dict[str, int]]:
    """Classify, report, cluster and link the labelled articles as the store would."""
    classifier = Classifier(load_taxonomy(root / "config" / "taxonomy.toml"))
    ctx = labelled_context(root)
    index = ctx.org_index()
    inputs: list[tuple[LeadInput, ArticleInput]] = []
    number = {a["id"]: i + 1 for i, a in enumerate(articles)}
    lead_id = 0
    for a in articles:
        published = datetime.strptime(a["published"], "%Y-%m-%d %H:%M").replace(tzinfo=SHANGHAI)
        article = ArticleInput(
            number[a["id"]],
            a["title"],
            published,
            published + timedelta(hours=1),
            a["outlet"],
            a["source"],
        )
        for lead in classifier.classify(a["title"], a["body"]).to_dict()["leads"]:
            lead_id += 1
            inputs.append(
                (
                    LeadInput(
                        lead_id=lead_id,
                        article_id=article.article_id,
                        event=lead["event"],
                        sentence=lead["sentence"],
                        counterparts=tuple(lead["counterparts"]),
                        amount_yuan=lead["amount_yuan"],
                        amounts=tuple(lead["amounts"]),
                        place=lead["place"],
                        score=lead["score"],
                    ),
                    article,
                )
            )
    counts = Counter(article.article_id for _, article in inputs)
    index.resolve_all(c for lead, _ in inputs for c in lead.counterparts)
    reports = [
        make_report(lead, art, index, ctx.gazetteer, only_lead=counts[art.article_id] == 1)
        for lead, art in inputs
    ]
    texts = {number[a["id"]]: (a["title"], shingles(a["body"])) for a in articles}

    def reprint(x: int, y: int) -> bool:
        (tx, bx), (ty, by) = texts[x], texts[y]
        return _NOT_WORD.sub("", tx) == _NOT_WORD.sub("", ty) or is_reprint(bx, by)

    events = cluster(reports, reprint)
    local = frozenset(a["source"] for a in articles if a["source"].startswith(LOCAL_PREFIX))
    ctx.local_sources = local
    for event in events:
        event.scope = ctx.scope(event.place, {r.source for r in event.reports})
    kinds = {name: info.kind for name, info in index.orgs.items()}
    projects = link_projects(events, kinds)
    return reports, events, projects, number


def evaluate(root: Path, directory: Path | None = None) -> Result:
    """Pairwise precision/recall of event merging and project linking on the set."""
    articles = load_articles(directory or root / "tests" / "data" / "register" / "stories")
    reports, events, projects, number = build(articles, root)
    event_of_lead = {r.lead_id: i for i, e in enumerate(events) for r in e.reports}
    project_of_event = {id(e): i for i, p in enumerate(projects) for e in p.events}
    best: dict[int, Report] = {}
    for r in reports:
        if r.article_id not in best or r.score > best[r.article_id].score:
            best[r.article_id] = r
    predicted: dict[str, int | None] = {}
    unplaced = []
    for a in articles:
        report = best.get(number[a["id"]])
        predicted[a["id"]] = event_of_lead[report.lead_id] if report else None
        if report is None:
            unplaced.append(a["id"])
    result = Result(
        PR(),
        PR(),
        len(articles),
        sum(1 for n in Counter(a["event"] for a in articles).values() if n >= 2),
        len({a["event"] for a in articles}),
        unplaced,
    )
    for x, y in combinations(articles, 2):
        truth = x["event"] == y["event"]
        guess = predicted[x["id"]] is not None and predicted[x["id"]] == predicted[y["id"]]
        result.events.add(truth, guess)
        if guess and not truth:
            result.wrong_merges.append((x["id"], y["id"]))
        elif truth and not guess:
            result.missed_merges.append((x["id"], y["id"]))
    # each labelled event's project: that of the event most of its articles landed in
    event_project: dict[str, int | None] = {}
    labels: dict[str, str] = {}
    for label in dict.fromkeys(a["event"] for a in articles):
        members = [a for a in articles if a["event"] == label]
        labels[label] = members[0]["project"]
        placed = [predicted[a["id"]] for a in members if predicted[a["id"]] is not None]
        if not placed:
            event_project[label] = None
            continue
        top = Counter(placed).most_common(1)[0][0]
        event_project[label] = project_of_event[id(events[top])]
    for x, y in combinations(list(labels), 2):
        truth = bool(labels[x]) and labels[x] == labels[y]
        guess = event_project[x] is not None and event_project[x] == event_project[y]
        result.projects.add(truth, guess)
        if guess and not truth:
            result.wrong_links.append((x, y))
        elif truth and not guess:
            result.missed_links.append((x, y))
    return result
