"""Cooperation leads: signing, landing and visit sentences with amount, counterparts, place."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from .amounts import Amount, parse_amounts
from .matcher import Doc, Hit, leftmost_longest
from .models import Lead
from .orgs import OrgMention, find_orgs
from .taxonomy import EVENTS, EventConfig, LeadsConfig, PlaceConfig

LARGE_AMOUNT = 10**8  # 1亿元: amounts from here on add ``score.amount_large``
POST_LABEL_WINDOW = 4  # 30亿元产值: an ignore label this close after an amount drops it
SENTENCE_LIMIT = 500


@dataclass
class LeadInputs:
    """The matcher's hits an article needs for lead extraction (already accepted)."""

    signals: list[Hit]
    labels: list[Hit]
    hedges: list[Hit]
    places: list[Hit]
    suffixes: list[Hit]
    partners: list[Hit]


def _by_sentence(doc: Doc, hits: list[Hit]) -> dict[tuple[int, int], list[Hit]]:
    out: dict[tuple[int, int], list[Hit]] = defaultdict(list)
    for h in hits:
        out[(h.part, doc.parts[h.part].sentence_of(h.start))].append(h)
    return out


class LeadFinder:
    """Finds the leads of one article (built per call; holds per-sentence caches)."""

    def __init__(
        self,
        doc: Doc,
        cfg: LeadsConfig,
        inputs: LeadInputs,
        partner_names: list[str],
        places: list[PlaceConfig],
    ) -> None:
        self.doc = doc
        self.cfg = cfg
        self.partner_names = partner_names
        self.places = places
        self.legal = frozenset(cfg.legal_suffixes)
        signals = [
            h
            for h in leftmost_longest(inputs.signals)
            if h.role.group != "exclude" and doc.accepts(h)
        ]
        self.signals = _by_sentence(doc, signals)
        self.labels = _by_sentence(doc, leftmost_longest(inputs.labels))
        self.hedges = _by_sentence(doc, inputs.hedges)
        self.place_hits = _by_sentence(doc, leftmost_longest(inputs.places))
        self.suffixes = _by_sentence(doc, inputs.suffixes)
        self.partner_hits = _by_sentence(doc, inputs.partners)
        self._orgs: dict[tuple[int, int], list[OrgMention]] = {}

    # ------------------------------------------------------------ per sentence facts

    def orgs(self, key: tuple[int, int]) -> list[OrgMention]:
        """Organisations named in sentence ``key`` (cached)."""
        if key not in self._orgs:
            part = self.doc.parts[key[0]]
            span = part.spans[key[1]]
            self._orgs[key] = find_orgs(
                part.text,
                span.start,
                span.end,
                self.partner_hits.get(key, []),
                self.suffixes.get(key, []),
                self.partner_names,
                self.legal,
                self.doc.words,
                part.raw,
            )
        return self._orgs[key]

    def amounts(self, key: tuple[int, int], event: str, labelled_only: bool) -> list[Amount]:
        """Investment amounts of sentence ``key`` (offsets into the part's text).

        The nearest label before an amount (within ``label_window``) decides: an
        investment label keeps it, an ignore label drops it; with no label near, it
        is kept only in a signing/landing sentence. An ignore label right after the
        amount (…亿元产值) drops it too.
        """
        part = self.doc.parts[key[0]]
        span = part.spans[key[1]]
        found = parse_amounts(part.raw[span.start : span.end])
        if not found:
            return []
        orgs = self.orgs(key)
        labels = [
            h
            for h in self.labels.get(key, [])
            if not any(o.start < h.end and h.start < o.end for o in orgs)
        ]
        window = self.cfg.amounts.label_window
        kept: list[Amount] = []
        for a in found:
            a = a._replace(start=a.start + span.start, end=a.end + span.start)
            after = [h for h in labels if a.end <= h.start <= a.end + POST_LABEL_WINDOW]
            if any(h.role.group == "ignore" for h in after):
                continue
            before = [h for h in labels if h.end <= a.start and a.start - h.end <= window]
            if before:
                nearest = max(before, key=lambda h: h.end)
                if nearest.role.group == "ignore":
                    continue
            elif labelled_only or event == "visit":
                continue
            kept.append(a)
        return kept

    def place(self, key: tuple[int, int]) -> str | None:
        """The first specific place named in the sentence, else the first generic one."""
        hits = sorted(self.place_hits.get(key, []), key=lambda h: h.start)
        specific = [h for h in hits if not self.places[int(h.role.ref)].generic]
        chosen = (specific or hits or [None])[0]
        return self.places[int(chosen.role.ref)].name if chosen else None

    # ------------------------------------------------------------ leads

    def find(self) -> list[Lead]:
        """All leads of the article, best first.

        A lead that names no organisation and no amount of its own (only a place, or the
        previous sentence's organisations) is dropped when another lead at least as
        strong already covers its counterparts; a title lead that repeats a body lead's
        event is dropped too.
        """
        found: list[tuple[float, tuple[int, int], Lead, bool]] = []
        seen: set[tuple[str, str]] = set()
        for key in sorted(self.signals):
            result = self._lead(key)
            if result is None:
                continue
            lead, own = result
            start, end = self._span(key)
            dedupe = (lead.event, self.doc.parts[key[0]].text[start:end])
            if dedupe in seen:
                continue
            seen.add(dedupe)
            found.append((lead.score, key, lead, own))
        kept = []
        for score, key, lead, own in found:
            if not own and any(
                other is not lead
                and other_score >= score
                and set(lead.counterparts) <= set(other.counterparts)
                for other_score, _, other, _ in found
            ):
                continue
            kept.append((score, key, lead))
        kept = self._drop_title_echoes(kept)
        kept.sort(key=lambda t: (-t[0], t[1]))
        return [lead for _, _, lead in kept]

    def _drop_title_echoes(
        self, leads: list[tuple[float, tuple[int, int], Lead]]
    ) -> list[tuple[float, tuple[int, int], Lead]]:
        """Drop a title lead that only repeats a body lead of the same event (headlines
        announce what the body tells in more detail)."""
        body = [lead for _, key, lead in leads if self.doc.parts[key[0]].name != "title"]
        kept = []
        for item in leads:
            _, key, lead = item
            if self.doc.parts[key[0]].name == "title" and any(
                b.event == lead.event and lead.amount_yuan in (None, b.amount_yuan) for b in body
            ):
                continue
            kept.append(item)
        return kept

    def _span(self, key: tuple[int, int]) -> tuple[int, int]:
        span = self.doc.parts[key[0]].spans[key[1]]
        return span.start, span.end

    def _neighbour(self, key: tuple[int, int], step: int) -> tuple[int, int] | None:
        """The sentence before/after ``key`` in the same part (news paragraphs are often
        one sentence long, so paragraph breaks are crossed)."""
        j = key[1] + step
        if 0 <= j < len(self.doc.parts[key[0]].spans):
            return (key[0], j)
        return None

    def _lead(self, key: tuple[int, int]) -> tuple[Lead, bool] | None:
        """The lead of sentence ``key`` and whether it has its own organisation or amount."""
        events = {str(h.role.ref) for h in self.signals[key]}
        configs: dict[str, EventConfig] = {e: getattr(self.cfg.events, e) for e in EVENTS}
        order = sorted(events, key=lambda e: (-configs[e].weight, EVENTS.index(e)))
        own_orgs = self.orgs(key)
        place = self.place(key)
        for event in order:
            ev = configs[event]
            if ev.needs_org and not own_orgs:
                continue  # a visit counts only with the organisation in its own sentence
            orgs = own_orgs
            if not orgs and not ev.needs_org:
                prev = self._neighbour(key, -1)
                orgs = self.orgs(prev) if prev else []
            amounts = self.amounts(key, event, labelled_only=False)
            own = bool(own_orgs or amounts)
            if not amounts and event != "visit":
                nxt = self._neighbour(key, 1)
                if nxt is not None and nxt not in self.signals:
                    amounts = self.amounts(nxt, event, labelled_only=True)
            if not (orgs or amounts or place):
                continue
            lead = self._build(key, event, ev, orgs, amounts, place, scored_orgs=own_orgs)
            return (lead, own) if lead is not None else None
        return None

    def _build(
        self,
        key: tuple[int, int],
        event: str,
        ev: EventConfig,
        orgs: list[OrgMention],
        amounts: list[Amount],
        place: str | None,
        scored_orgs: list[OrgMention],
    ) -> Lead | None:
        """Score and assemble a lead; organisations borrowed from the previous sentence
        are listed as counterparts but add nothing to the score."""
        sc = self.cfg.score
        score = ev.weight
        cny = [a for a in amounts if a.currency == "CNY"]
        chosen = max(cny, key=lambda a: a.value) if cny else (amounts[0] if amounts else None)
        if chosen is not None:
            score += sc.amount
            if chosen.currency == "CNY" and chosen.value >= LARGE_AMOUNT:
                score += sc.amount_large
        if any(o.partner for o in scored_orgs):
            score += sc.known_partner
        elif scored_orgs:
            score += sc.unknown_org
        if place:
            score += sc.place
        if self.hedges.get(key):
            score *= sc.hedge_factor
        if score < self.cfg.min_score:
            return None
        counterparts: list[str] = []
        for o in orgs:
            if o.name not in counterparts:
                counterparts.append(o.name)
        sentence = self.doc.parts[key[0]].raw_sentence(key[1])
        if len(sentence) > SENTENCE_LIMIT:
            sentence = sentence[: SENTENCE_LIMIT - 1] + "…"
        return Lead(
            event=event,
            amount_yuan=chosen.value if chosen is not None and chosen.currency == "CNY" else None,
            currency=chosen.currency if chosen is not None else "CNY",
            amount_text=chosen.text if chosen is not None else None,
            counterparts=counterparts,
            place=place,
            sentence=sentence,
            score=round(score, 2),
        )
