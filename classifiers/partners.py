"""Partner mentions (by canonical name or alias) and their scores."""

from __future__ import annotations

from collections import defaultdict

from .matcher import Doc, Hit, leftmost_longest
from .models import PartnerTag
from .taxonomy import PartnerConfig, PartnerScoring


def accepted_partner_hits(doc: Doc, hits: list[Hit]) -> list[Hit]:
    """Partner hits after overlap resolution (longest spelling wins) and boundary checks."""
    return [h for h in leftmost_longest(hits) if doc.accepts(h)]


def score_partners(
    doc: Doc,
    partners: list[PartnerConfig],
    hits: list[Hit],
    scoring: PartnerScoring,
) -> list[PartnerTag]:
    """Tag every partner whose score reaches ``scoring.min_score``.

    Score = ``title_boost`` per title mention + 1 per body mention; a parent is
    credited with ``parent_share`` of each child's score (per generation) and is tagged
    whenever a child is (at least ``min_score``), with ``evidence["via"]``.
    """
    title: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    body: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    first: dict[int, Hit] = {}
    for h in hits:
        idx = int(h.role.ref)
        if doc.parts[h.part].name == "title":
            title[idx][h.term] += 1
        else:
            body[idx][h.term] += 1
        best = first.get(idx)
        if best is None or (h.part, h.start) < (best.part, best.start):
            first[idx] = h
    direct: dict[int, float] = {}
    for idx in first:
        direct[idx] = scoring.title_boost * sum(title[idx].values()) + sum(body[idx].values())

    index_of = {p.name: i for i, p in enumerate(partners)}
    credit: dict[int, float] = defaultdict(float)
    via: dict[int, list[str]] = defaultdict(list)
    for idx, score in direct.items():
        credit[idx] += score
        share = scoring.parent_share
        parent = partners[idx].parent
        seen = {idx}
        while parent is not None and parent in index_of and share > 0:
            pidx = index_of[parent]
            if pidx in seen:
                break
            seen.add(pidx)
            credit[pidx] += share * score
            via[pidx].append(partners[idx].name)
            share *= scoring.parent_share
            parent = partners[pidx].parent

    tags: list[PartnerTag] = []
    for idx, score in credit.items():
        if score < scoring.min_score and not (via.get(idx) and idx not in direct):
            continue
        if idx not in direct:
            # Credited only through subsidiaries: tagged whenever a child is, so a
            # subscription to the group sees its institutes' news.
            score = max(score, scoring.min_score)
        terms = {
            doc.shown(term): {"title": title[idx].get(term, 0), "body": body[idx].get(term, 0)}
            for term in sorted(set(title[idx]) | set(body[idx]))
        }
        evidence: dict[str, object] = {"terms": terms}
        if via.get(idx):
            evidence["via"] = via[idx]
        anchor = first.get(idx)
        if anchor is None:  # credited only through a child: show the child's sentence
            child = index_of[via[idx][0]]
            anchor = first.get(child)
        evidence["sentence"] = _sentence(doc, anchor) if anchor else ""
        tags.append(PartnerTag(name=partners[idx].name, score=round(score, 2), evidence=evidence))
    tags.sort(key=lambda t: (-t.score, index_of[t.name]))
    return tags


def _sentence(doc: Doc, hit: Hit, limit: int = 300) -> str:
    part = doc.parts[hit.part]
    index = part.sentence_of(hit.start)
    text = part.raw_sentence(index) if index >= 0 else ""
    return text if len(text) <= limit else text[: limit - 1] + "…"
