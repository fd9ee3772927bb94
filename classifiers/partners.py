"""Partner mentions (by canonical name or alias) and their scores."""

from __future__ import annotations

from .document import Doc
from .matcher import PARTNER, Hit
from .models import PartnerTag
from .schema import PartnerConfig, PartnerScoring

PartnerHit = tuple[int, Hit, int]  # (part index, hit, partner index)


def partner_hits(doc: Doc) -> list[PartnerHit]:
    """Every accepted mention of a known partner, in text order."""
    out: list[PartnerHit] = []
    for pi, part in enumerate(doc.parts):
        for hit in part.hits:
            entry = hit[2]
            if entry.partner and doc.accepts(pi, hit[0], hit[1]):
                out.extend((pi, hit, ref) for kind, ref in entry.roles if kind == PARTNER)
    return out


def score_partners(
    doc: Doc,
    partners: list[PartnerConfig],
    hits: list[PartnerHit],
    scoring: PartnerScoring,
) -> list[PartnerTag]:
    """Tag every partner whose score reaches ``scoring.min_score``.

    Score = ``title_boost`` per title mention + 1 per body mention; a parent is
    credited with ``parent_share`` of each child's score (per generation) and is tagged
    whenever a child is (at least ``min_score``), with ``evidence["via"]``.
    """
    if not hits:
        return []
    title: dict[int, dict[str, int]] = {}
    body: dict[int, dict[str, int]] = {}
    first: dict[int, tuple[int, Hit]] = {}
    for pi, hit, idx in hits:
        counts = (title if pi == 0 else body).setdefault(idx, {})
        shown = hit[2].shown
        counts[shown] = counts.get(shown, 0) + 1
        first.setdefault(idx, (pi, hit))
    direct = {
        idx: scoring.title_boost * sum(title.get(idx, {}).values())
        + sum(body.get(idx, {}).values())
        for idx in first
    }

    index_of = {p.name: i for i, p in enumerate(partners)}
    credit: dict[int, float] = {}
    via: dict[int, list[str]] = {}
    for idx, score in direct.items():
        credit[idx] = credit.get(idx, 0.0) + score
        share = scoring.parent_share
        parent = partners[idx].parent
        seen = {idx}
        while parent is not None and parent in index_of and share > 0:
            pidx = index_of[parent]
            if pidx in seen:
                break
            seen.add(pidx)
            credit[pidx] = credit.get(pidx, 0.0) + share * score
            via.setdefault(pidx, []).append(partners[idx].name)
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
        t, b = title.get(idx, {}), body.get(idx, {})
        terms = {s: {"title": t.get(s, 0), "body": b.get(s, 0)} for s in sorted({*t, *b})}
        evidence: dict[str, object] = {"terms": terms}
        if via.get(idx):
            evidence["via"] = via[idx]
        anchor = first.get(idx) or first.get(index_of[via[idx][0]])
        if anchor is not None:
            part = doc.parts[anchor[0]]
            evidence["sentence"] = part.raw_sentence(part.sentences.index(anchor[1][0]))
        else:
            evidence["sentence"] = ""
        tags.append(PartnerTag(name=partners[idx].name, score=round(score, 2), evidence=evidence))
    tags.sort(key=lambda t: (-t.score, index_of[t.name]))
    return tags
