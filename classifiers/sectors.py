"""Sector scoring with evidence.

Per article and sector: ``score = sum over matched terms of weight * (title_boost if the
term is in the title) + weight * (its body hits, at most max_hits_per_term)``; body hits in
a sentence that names ``list_min_sectors`` or more sectors (an enumeration of industries)
count ``list_damping``; weak terms count only when a keyword matched. A sector is tagged
when its score reaches ``min_score`` and its keywords occur in at least ``min_sentences``
sentences (the title counts as one; a body shorter than that needs them all): one sentence
of a longer article does not make the article about the sector, unless that sentence
reports a lead (a round-up gives each project one sentence: 某公司飞行器总装项目落户丁蜀镇).

Word boundaries are checked only where they can change the outcome: a sector whose
unchecked hits cannot reach its ``min_score`` is dropped without checking any.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .document import Doc
from .matcher import Entry
from .models import SectorTag
from .schema import MatchingConfig, SectorConfig

# (part, sentence, start, end, entry, weight, is_keyword)
_SectorHit = tuple[int, int, int, int, Entry, float, bool]


def score_sectors(
    doc: Doc,
    sector_ids: list[str],
    sectors: dict[str, SectorConfig],
    matching: MatchingConfig,
    lead_sentences: set[tuple[int, int]] | None = None,
) -> list[SectorTag]:
    """The sectors the article is about, best first, each with its evidence.

    ``lead_sentences`` are the ``(part, sentence)`` keys of the article's leads: body
    hits in a lead sentence count ``lead_boost`` times for the sector the sentence is
    about, and that sentence alone meets ``min_sentences``."""
    lead_sentences = lead_sentences or set()
    # First the bound: weight per sector if every hit counted (cheap, no boundaries).
    bound: dict[int, float] = {}
    keyword_seen: set[int] = set()
    for pi, part in enumerate(doc.parts):
        for _, _, entry in part.hits:
            for idx, weight, keyword in entry.sectors:
                bound[idx] = bound.get(idx, 0.0) + weight * (3.0 if pi == 0 else 1.0)
                if keyword:
                    keyword_seen.add(idx)
    if not keyword_seen:
        return []
    # A title hit counts title_boost (at most 20, see the schema): 3.0 above is only a
    # first cut; _score computes the exact bound for the sectors that pass it.
    boost = matching.lead_boost if lead_sentences else 1.0
    candidates = {
        idx
        for idx in keyword_seen
        if bound[idx] * boost * max(1.0, sectors[sector_ids[idx]].title_boost / 3.0)
        >= sectors[sector_ids[idx]].min_score
    }
    if not candidates:
        return []
    per: dict[int, list[_SectorHit]] = {}
    for pi, part in enumerate(doc.parts):
        index = part.sentences.index
        for start, end, entry in part.hits:
            roles = entry.sectors
            if roles:
                si = index(start)
                for idx, weight, keyword in roles:
                    per.setdefault(idx, []).append((pi, si, start, end, entry, weight, keyword))
    listy = _enumerations(doc, per, matching.list_min_sectors)
    annexes = [_ANCILLARY.search(p.text) is not None for p in doc.parts]  # 配套建设 anywhere
    owned = _lead_subjects(doc, per, lead_sentences, annexes) if lead_sentences else {}
    # A lead's sentence and the two after it (根据协议，双方将在…等领域合作) tell what it is
    # about: a list there is the lead's subject, not a passing mention.
    told = {(pi, si + n) for pi, si in lead_sentences for n in range(3)}
    tags: list[SectorTag] = []
    for idx in candidates:
        sid = sector_ids[idx]
        tag = _score(
            doc, sid, sectors[sid], per[idx], listy, matching, owned.get(idx, set()), told, annexes
        )
        if tag is not None:
            tags.append(tag)
    tags = _drop_subsumed(tags, sectors)
    tags.sort(key=lambda t: (-t.score, sector_ids.index(t.id)))
    return tags


def _drop_subsumed(tags: list[SectorTag], sectors: dict[str, SectorConfig]) -> list[SectorTag]:
    """Drop a sector whose keywords all contain a keyword of another tagged sector that
    scores at least twice as much (新能源汽车 in an article on the new-energy industry: a
    part of that subject, not a vehicle article)."""
    out = []
    for tag in tags:
        mine = [t for t in tag.evidence["terms"] if t in sectors[tag.id].keywords]
        covered = any(
            other is not tag
            and other.score >= 2 * tag.score
            and mine
            and all(any(k in term for k in sectors[other.id].keywords) for term in mine)
            for other in tags
        )
        if not covered:
            out.append(tag)
    return out


def _enumerations(doc: Doc, per: dict[int, list[_SectorHit]], minimum: int) -> set[tuple[int, int]]:
    """Sentences whose accepted keywords name at least ``minimum`` sectors."""
    named: dict[tuple[int, int], set[int]] = {}
    for idx, hits in per.items():
        for h in hits:
            if h[6]:
                named.setdefault((h[0], h[1]), set()).add(idx)
    listy: set[tuple[int, int]] = set()
    for key, idxs in named.items():
        if len(idxs) < minimum:
            continue
        confirmed = {
            idx
            for idx in idxs
            if any(h[6] and (h[0], h[1]) == key and doc.accepts(h[0], h[2], h[3]) for h in per[idx])
        }
        if len(confirmed) >= minimum:
            listy.add(key)
    return listy


def _lead_subjects(
    doc: Doc,
    per: dict[int, list[_SectorHit]],
    lead_sentences: set[tuple[int, int]],
    annexes: list[bool],
) -> dict[int, set[tuple[int, int]]]:
    """For each sector, the lead sentences it is the subject of: the sector whose accepted
    keywords weigh most in the sentence (ties share it). A 新基建 project's sentence that
    also names its 储能电池 test lab is a 新基建 lead, not a 新能源 one."""
    weights: dict[tuple[int, int], dict[int, float]] = {}
    for idx, hits in per.items():
        for pi, si, start, end, _, weight, keyword in hits:
            key = (pi, si)
            if (
                keyword
                and key in lead_sentences
                and doc.accepts(pi, start, end)
                and not (annexes[pi] and _ancillary(doc.parts[pi].text, start))
            ):
                by_sector = weights.setdefault(key, {})
                by_sector[idx] = by_sector.get(idx, 0.0) + weight
    owned: dict[int, set[tuple[int, int]]] = {}
    for key, by_sector in weights.items():
        top = max(by_sector.values())
        for idx, weight in by_sector.items():
            if weight == top:
                owned.setdefault(idx, set()).add(key)
    return owned


_CLAUSE_MARKS = frozenset("，,。；;：:！？!?\n")
_ITEM_MARKS = frozenset("、")
_CLAUSE_END_RE = re.compile("[，,。；;：:！？!?\n]")
_ITEM_REACH = 30  # characters around a term searched for a list mark first
_CLAUSE_REACH = 120  # characters before a term searched for its clause's start
_LAST_MARK_RE = re.compile("[，,。；;：:！？!?\n](?=[^，,。；;：:！？!?\n]*$)")
_LAST_ITEM = ("及", "和", "与", "以及")


def _minor_item(text: str, start: int, end: int, own: Iterable[int]) -> bool:
    """Whether the term at ``text[start:end]`` is one item of an enumeration (items split
    by 、 in its clause, the last one maybe by 及/和) of three or more items in which the
    sector holds at most a third: 智能装备、医疗器械、新材料、文旅等领域 names 生物医药 in
    passing; 锂电池、光伏组件 is about new energy."""
    if text.find("、", max(0, start - _ITEM_REACH), end + _ITEM_REACH) < 0:
        return False  # no list mark near: the common case, decided without the clause
    m = _CLAUSE_END_RE.search(text, end)
    hi = m.start() if m else len(text)
    lo = max(0, start - _CLAUSE_REACH)
    back = _LAST_MARK_RE.search(text, lo, start)
    lo = back.end() if back else lo
    clause = text[lo:hi]
    if "、" not in clause:
        return False
    cuts = [lo] + [lo + i + 1 for i, ch in enumerate(clause) if ch in _ITEM_MARKS] + [hi + 1]
    last_from = cuts[-2]
    for word in _LAST_ITEM:  # …生产及光伏组件: the last item starts after 及
        j = text.find(word, last_from, hi)
        if j > last_from:
            cuts.insert(-1, j + len(word))
            break
    items = len(cuts) - 1
    mine = sum(1 for a, b in zip(cuts, cuts[1:], strict=False) if any(a <= s < b - 1 for s in own))
    return items >= 3 and mine * 3 <= items


_ANCILLARY_REACH = 12  # characters before a term searched for 配套建设 in its clause
_ANCILLARY = re.compile("配套建设|配套建|同步建设|同步配套")


def _ancillary(text: str, start: int) -> bool:
    """Whether the term at ``start`` is an ancillary facility of the subject: 配套建设
    before it in its clause (数据中心…，配套建设光伏发电和储能设施 is no new-energy
    project; 医学影像设备零部件配套 is a supply, not an annex)."""
    found = list(_ANCILLARY.finditer(text, max(0, start - _ANCILLARY_REACH), start))
    return bool(found) and _CLAUSE_END_RE.search(text, found[-1].start(), start) is None


def _body_sentences(doc: Doc) -> int:
    """How many non-blank sentences the body has."""
    body = doc.parts[-1].sentences
    return sum(1 for i in range(len(body)) if body.span(i)[1] > body.span(i)[0])


def _bound(hits: list[_SectorHit], sector: SectorConfig, cap: int, boost: float) -> float:
    """The score the hits would give if every one were accepted, none damped and every
    body hit boosted by ``boost``."""
    title: dict[str, float] = {}
    body: dict[str, int] = {}
    for h in hits:
        term = h[4].term
        if h[0] == 0:
            title[term] = h[5]
        else:
            body[term] = body.get(term, 0) + 1
    weights = {h[4].term: h[5] for h in hits}
    return sum(
        w * ((sector.title_boost if t in title else 0.0) + min(body.get(t, 0) * boost, cap))
        for t, w in weights.items()
    )


def _score(
    doc: Doc,
    sid: str,
    sector: SectorConfig,
    hits: list[_SectorHit],
    listy: set[tuple[int, int]],
    matching: MatchingConfig,
    lead_sentences: set[tuple[int, int]],
    told: set[tuple[int, int]],
    annexes: list[bool],
) -> SectorTag | None:
    if not any(h[6] for h in hits):
        return None  # weak terms never count alone
    boost = matching.lead_boost if lead_sentences else 1.0
    if _bound(hits, sector, matching.max_hits_per_term, boost) < sector.min_score:
        return None
    accepts = doc.accepts
    keywords = [h for h in hits if h[6] and accepts(h[0], h[2], h[3])]
    if not keywords:
        return None
    sentences = {(0, 0) if h[0] == 0 else (h[0], h[1]) for h in keywords}
    if (
        len(sentences) < matching.min_sentences
        and len(sentences) < _body_sentences(doc)
        and sentences.isdisjoint(lead_sentences)
    ):
        return None
    used = keywords + [h for h in hits if not h[6] and accepts(h[0], h[2], h[3])]
    own: dict[int, list[int]] = {}  # part -> starts of the sector's keywords
    listing = [p.text.find("、") >= 0 for p in doc.parts]  # no 、 in a part: no list there
    if any(listing):
        for h in keywords:
            own.setdefault(h[0], []).append(h[2])
    title_hits: dict[Entry, int] = {}
    title_factor: dict[Entry, float] = {}
    body_hits: dict[Entry, int] = {}
    body_factor: dict[Entry, float] = {}
    weight: dict[Entry, float] = {}
    per_sentence: dict[tuple[int, int], float] = {}
    for pi, si, start, end, entry, w, _ in used:
        weight[entry] = w
        minor = (
            listing[pi]
            and (pi, si) not in told
            and _minor_item(doc.parts[pi].text, start, end, own.get(pi, ()))
        ) or (annexes[pi] and _ancillary(doc.parts[pi].text, start))
        if pi == 0:
            title_hits[entry] = title_hits.get(entry, 0) + 1
            factor = matching.list_damping if minor else 1.0
            title_factor[entry] = max(title_factor.get(entry, 0.0), factor)
            gain = w * sector.title_boost * factor
        else:
            listed = minor or (pi, si) in listy
            factor = matching.list_damping if listed else 1.0
            if (pi, si) in lead_sentences:
                factor *= matching.lead_boost
            body_hits[entry] = body_hits.get(entry, 0) + 1
            body_factor[entry] = body_factor.get(entry, 0.0) + factor
            gain = w * factor
        per_sentence[(pi, si)] = per_sentence.get((pi, si), 0.0) + gain
    score = 0.0
    for entry, w in weight.items():
        title_part = sector.title_boost * title_factor[entry] if entry in title_hits else 0.0
        body_part = min(body_factor.get(entry, 0.0), float(matching.max_hits_per_term))
        score += w * (title_part + body_part)
    if score < sector.min_score:
        return None
    best = max(per_sentence.items(), key=lambda kv: (kv[1], -kv[0][0], -kv[0][1]))[0]
    order = sorted(weight, key=lambda e: (-weight[e], e.shown))
    terms = {e.shown: {"title": title_hits.get(e, 0), "body": body_hits.get(e, 0)} for e in order}
    return SectorTag(
        id=sid,
        label=sector.label,
        score=round(score, 2),
        evidence={"terms": terms, "sentence": doc.parts[best[0]].raw_sentence(best[1])},
    )
