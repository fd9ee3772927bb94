"""Sector scoring with evidence."""

from __future__ import annotations

from collections import defaultdict

from .matcher import Doc, Hit, leftmost_longest
from .models import SectorTag
from .taxonomy import MatchingConfig, SectorConfig


def accepted_sector_hits(doc: Doc, hits: list[Hit]) -> dict[str, list[Hit]]:
    """Per sector: its keyword/weak hits that survive overlaps, exclusions and boundaries.

    Overlaps are resolved per sector (leftmost, then longest, wins), so an exclude
    phrase such as 养老保险 swallows the keyword 养老 inside it.
    """
    by_sector: dict[str, list[Hit]] = defaultdict(list)
    for hit in hits:
        by_sector[str(hit.role.ref)].append(hit)
    out: dict[str, list[Hit]] = {}
    for sid, sector_hits in by_sector.items():
        resolved = [h for h in leftmost_longest(sector_hits) if h.role.group != "exclude"]
        keywords = [h for h in resolved if h.role.group == "keywords" and doc.accepts(h)]
        if not keywords:
            continue  # weak terms never count alone: do not spend jieba on them
        weak = [h for h in resolved if h.role.group == "weak" and doc.accepts(h)]
        out[sid] = sorted(keywords + weak, key=lambda h: (h.part, h.start))
    return out


def score_sectors(
    doc: Doc,
    sectors: dict[str, SectorConfig],
    hits_by_sector: dict[str, list[Hit]],
    matching: MatchingConfig,
) -> list[SectorTag]:
    """Score every sector and return the tags that reach their ``min_score``.

    A title hit counts ``title_boost`` (once per term); body hits count 1 each, up to
    ``max_hits_per_term`` per term; body hits in a sentence that names at least
    ``list_min_sectors`` sectors (an enumeration of industries) count ``list_damping``.
    Weak terms count only when a keyword of the sector matched too.
    """
    # Which sectors each sentence names (keywords only): enumerations get damped.
    named: dict[tuple[int, int], set[str]] = defaultdict(set)
    for sid, hits in hits_by_sector.items():
        for h in hits:
            if h.role.group == "keywords":
                named[(h.part, doc.parts[h.part].sentence_of(h.start))].add(sid)
    listy = {key for key, sids in named.items() if len(sids) >= matching.list_min_sectors}

    tags: list[SectorTag] = []
    for sid, hits in hits_by_sector.items():
        sector = sectors[sid]
        if not any(h.role.group == "keywords" for h in hits):
            continue  # weak terms never count alone
        title_hits: dict[str, int] = defaultdict(int)
        body_hits: dict[str, int] = defaultdict(int)
        body_factor: dict[str, float] = defaultdict(float)
        weight: dict[str, float] = {}
        per_sentence: dict[tuple[int, int], float] = defaultdict(float)
        for h in hits:
            weight[h.term] = h.role.weight
            sentence = (h.part, doc.parts[h.part].sentence_of(h.start))
            if doc.parts[h.part].name == "title":
                title_hits[h.term] += 1
                per_sentence[sentence] += h.role.weight * sector.title_boost
            else:
                factor = matching.list_damping if sentence in listy else 1.0
                body_hits[h.term] += 1
                body_factor[h.term] += factor
                per_sentence[sentence] += h.role.weight * factor
        score = 0.0
        for term, w in weight.items():
            title_part = sector.title_boost if title_hits[term] else 0.0
            body_part = min(body_factor[term], float(matching.max_hits_per_term))
            score += w * (title_part + body_part)
        if score < sector.min_score:
            continue
        best = max(per_sentence.items(), key=lambda kv: (kv[1], -kv[0][0], -kv[0][1]))[0]
        terms = {
            doc.shown(term): {"title": title_hits[term], "body": body_hits[term]}
            for term in sorted(weight, key=lambda t: (-weight[t], t))
        }
        tags.append(
            SectorTag(
                id=sid,
                label=sector.label,
                score=round(score, 2),
                evidence={"terms": terms, "sentence": _sentence(doc, best)},
            )
        )
    tags.sort(key=lambda t: (-t.score, list(sectors).index(t.id)))
    return tags


def _sentence(doc: Doc, key: tuple[int, int], limit: int = 300) -> str:
    part, index = key
    if index < 0:
        return ""
    text = doc.parts[part].raw_sentence(index)
    return text if len(text) <= limit else text[: limit - 1] + "…"
