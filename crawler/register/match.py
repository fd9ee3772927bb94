"""Reports of one real-world event, merged: the matching rule.

Outlets word one event differently (the city: 宜兴经开区与江苏澄远储能科技有限公司签约; the
partner: 我司与宜兴经开区签署协议; the paper: 澄远储能12亿元项目落户宜兴), so words are not
compared. Two reports are one event when nothing tells them apart and something ties them:

tells apart (any one suffices)
  - a different event or stage (签约 ≠ 开工; a bare 落地 fits 开工 or 投产; in one
    article a 签约 and a 落户 are one: the headline's 签约落户);
  - days: both exact and more than ``EXACT_SLACK`` apart; one exact and the other
    published before it or over ``WINDOW`` after (``LATE_WINDOW`` when they share an
    organisation: a partner's 近日 release comes late); neither exact and published over
    ``WINDOW`` apart;
  - amounts: both give a total and share none (12亿元 vs 8亿元: two signings), or one
    gives only a phase's amount larger than the other's total (一期5亿元 fits 总投资12亿元);
  - places: both known and neither inside the other (宜兴 vs 溧阳), visits excepted (the
    visitor's report names the host's city, the host's names the visitor's);
  - parties: each names an organisation the other does not (国投 with 江苏省 vs 国投 with
    江南大学: two signings of one firm), unless one project name or amount ties them;

ties (the evidence, at least ``THRESHOLD`` of it, and one identity)
  - identity: a shared organisation (or its parent), the same named project, or a reprint
    (one body copies the other: reprints are this rule's easiest case, not another one);
  - evidence: reprint 3, shared organisation 2 (1 when only a parent is shared), same
    project 2, shared amount 1.5, same exact day 1.5, same specific place 0.5.

Clustering is greedy in time order: each report joins the event that ties it best among
those none of whose reports it is told apart from, else starts a new event.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from classifiers.reprints import shingles, similarity
from crawler.register.names import same_project_name
from crawler.register.places import Place
from crawler.register.reports import Report
from crawler.register.stages import RANK, stages_compatible

EXACT_SLACK = timedelta(days=1)
WINDOW = timedelta(days=14)
# a partner's own "近日" release may come weeks after the city's dated report
LATE_WINDOW = timedelta(days=31)
AMOUNT_TOLERANCE = 0.01  # 12亿 and 12.0亿, rounding in a reprint
THRESHOLD = 2.0
NEAR = timedelta(days=3)  # events started this shortly before a report are always tried

Reprint = Callable[[int, int], bool]  # (article id, article id) -> one copies the other


def _no_reprints(a: int, b: int) -> bool:
    return False


# ---------------------------------------------------------------------------- pairs


def amounts_share(a: frozenset[int], b: frozenset[int]) -> bool:
    return any(abs(x - y) <= AMOUNT_TOLERANCE * max(x, y) for x in a for y in b)


def amounts_conflict(
    totals_a: frozenset[int],
    totals_b: frozenset[int],
    phase_a: frozenset[int] = frozenset(),
    phase_b: frozenset[int] = frozenset(),
) -> bool:
    """Whether the amounts rule out one event: both give a total and they share none;
    or one gives only a phase's amount (一期5亿元) that exceeds the other's total."""
    if amounts_share(totals_a | phase_a, totals_b | phase_b):
        return False
    if totals_a and totals_b:
        return True
    if totals_a and phase_b:
        return max(phase_b) > max(totals_a)
    if totals_b and phase_a:
        return max(phase_a) > max(totals_b)
    return False


def days_apart(a: Report, b: Report) -> bool:
    """Whether the reports' days rule out one event. An undated report (近日) of a
    named organisation may follow the dated one by up to ``LATE_WINDOW``."""
    if a.when.exact and b.when.exact:
        gap = max(a.when.start, b.when.start) - min(a.when.end, b.when.end)
        return gap > EXACT_SLACK
    if a.when.exact or b.when.exact:
        exact, other = (a, b) if a.when.exact else (b, a)
        window = LATE_WINDOW if a.orgs & b.orgs else WINDOW
        return (
            other.published < exact.when.start - EXACT_SLACK
            or other.published > exact.when.end + window
        )
    return abs(a.published - b.published) > WINDOW


def places_apart(a: Place | None, b: Place | None) -> bool:
    return a is not None and b is not None and not a.compatible(b)


def _unmatched(a: Report, b: Report) -> set[str]:
    """Organisations ``a`` names that ``b`` does not (nor their parents or children)."""
    family = b.family
    return {o for o in a.orgs if o not in family and not set(a.ancestors.get(o, ())) & b.orgs}


def projects_share(a: Iterable[str], b: Iterable[str]) -> bool:
    b = list(b)
    return any(same_project_name(x, y) for x in a for y in b)


SIGNED_LANDING = frozenset(("landing", "planned"))
SIGNING_FAMILY = SIGNED_LANDING | {"signing"}


def same_stage(a: Report, b: Report) -> bool:
    """Whether two reports' events and stages can be one event. Within one article a
    签约 and a 落户 (a headline's 签约落户) are one: the landing is what was signed."""
    if a.event == b.event and stages_compatible(a.stage, b.stage):
        return True
    if a.article_id == b.article_id:
        pair = {a.stage, b.stage}
        return "signing" in pair and len(pair - {"signing"} - SIGNED_LANDING) == 0
    return False


def apart(a: Report, b: Report, reprint: bool = False) -> str | None:
    """Why two reports cannot be one event (None: nothing tells them apart)."""
    if not same_stage(a, b):
        return "stage"
    if reprint:
        return None
    if days_apart(a, b):
        return "days"
    if amounts_conflict(a.amounts, b.amounts, a.partial, b.partial):
        return "amount"
    # a visit's place is whose door it was (北京 for the delegation, 宜兴 for the host)
    if a.event != "visit" and places_apart(a.place, b.place):
        return "place"
    if (
        _unmatched(a, b)
        and _unmatched(b, a)
        and not projects_share(a.projects, b.projects)
        and not amounts_share(a.amounts, b.amounts)
    ):
        return "parties"
    return None


def evidence(a: Report, b: Report, reprint: bool = False) -> tuple[float, bool]:
    """(how strongly two reports tie to one event, whether they share an identity)."""
    score, identity = 0.0, False
    if reprint:
        score, identity = score + 3.0, True
    if a.orgs & b.orgs:
        score, identity = score + 2.0, True
    elif a.family & b.family:
        score, identity = score + 1.0, True
    if projects_share(a.projects, b.projects):
        score, identity = score + 2.0, True
    if amounts_share(a.amounts, b.amounts):
        score += 1.5
    if a.when.exact and b.when.exact and not days_apart(a, b):
        score += 1.5
    if (
        a.place is not None
        and b.place is not None
        and a.place == b.place
        and a.place.level
        in (
            "district",
            "town",
        )
    ):
        score += 0.5
    if a.article_id == b.article_id:
        identity = identity or bool(a.orgs & b.orgs)
    return score, identity


# ---------------------------------------------------------------------------- events


@dataclass
class EventDraft:
    """An event being assembled from its reports."""

    reports: list[Report] = field(default_factory=list)
    scope: str = "unknown"  # set by the caller: local | peer | other | unknown

    def add(self, report: Report) -> None:
        self.reports.append(report)

    @property
    def event(self) -> str:
        events = {r.event for r in self.reports}
        return "signing" if "signing" in events else self.reports[0].event

    @property
    def stage(self) -> str:
        """The most precise stage its reports tell (a bare 落地 gives way to 开工; a
        签约落户 is a signing)."""
        stages = {r.stage for r in self.reports}
        if "signing" in stages:
            return "signing"
        return max(stages, key=lambda s: (s != "landing", RANK[s]))

    @property
    def credited(self) -> Report:
        """The earliest report (by publication, then storing): the one credited."""
        return min(self.reports, key=lambda r: (r.published, r.seen, r.article_id, r.lead_id))

    @property
    def day(self) -> date:
        exact = [r.when.start for r in self.reports if r.when.exact]
        return min(exact) if exact else min(r.published for r in self.reports)

    @property
    def exact(self) -> bool:
        return any(r.when.exact for r in self.reports)

    @property
    def orgs(self) -> frozenset[str]:
        return frozenset(o for r in self.reports for o in r.orgs)

    @property
    def family(self) -> frozenset[str]:
        return frozenset(o for r in self.reports for o in r.family)

    @property
    def parents(self) -> frozenset[str]:
        return frozenset(a for r in self.reports for o in r.orgs for a in r.ancestors.get(o, ()))

    @property
    def anchor_article(self) -> int:
        return self.credited.article_id

    @property
    def government(self) -> frozenset[str]:
        return frozenset(o for r in self.reports for o in r.government)

    @property
    def amounts(self) -> frozenset[int]:
        return frozenset(a for r in self.reports for a in r.amounts)

    @property
    def partial(self) -> frozenset[int]:
        return frozenset(a for r in self.reports for a in r.partial) - self.amounts

    @property
    def amount(self) -> int | None:
        """The headline amount: the largest total any report gives (else a phase's)."""
        return max(self.amounts, default=None) or max(self.partial, default=None)

    @property
    def place(self) -> Place | None:
        """The most specific place its reports agree on."""
        places = [r.place for r in self.reports if r.place is not None]
        return max(places, key=lambda p: len(p.chain), default=None)

    @property
    def projects(self) -> list[str]:
        return list(dict.fromkeys(p for r in self.reports for p in r.projects))

    @property
    def articles(self) -> list[int]:
        return list(dict.fromkeys(r.article_id for r in self.reports))

    @property
    def outlets(self) -> list[str]:
        return list(dict.fromkeys(r.outlet for r in self.reports if r.outlet))


def _candidates(
    report: Report,
    by_org: dict[str, list[int]],
    by_article: dict[int, list[int]],
    starts: list[date],
) -> set[int]:
    """Events ``report`` might join: those of its organisations and its article, and
    those started just before it (within ``NEAR`` — the window, for a report naming no
    organisation: a spelling the index could not resolve must not hide the event)."""
    found: set[int] = set()
    for org in report.family:
        found.update(by_org.get(org, ()))
    found.update(by_article.get(report.article_id, ()))
    back = 2 * WINDOW if not report.orgs else NEAR
    lo = bisect_left(starts, report.published - back)
    hi = bisect_right(starts, report.published + EXACT_SLACK)
    found.update(range(lo, hi))
    return found


def cluster(reports: Iterable[Report], reprint: Reprint = _no_reprints) -> list[EventDraft]:
    """Reports grouped into events (see the module's rule)."""
    ordered = sorted(
        reports, key=lambda r: (r.when.start, r.published, r.seen, r.article_id, r.lead_id)
    )
    events: list[EventDraft] = []
    starts: list[date] = []  # each event's first report's publication, ascending
    by_org: dict[str, list[int]] = {}
    by_article: dict[int, list[int]] = {}
    for report in ordered:
        best, best_score = None, THRESHOLD - 1e-9
        for index in sorted(_candidates(report, by_org, by_article, starts)):
            draft = events[index]
            if draft.event != report.event and not any(
                r.article_id == report.article_id for r in draft.reports
            ):
                continue
            score = _fit(report, draft, reprint)
            if score is not None and score > best_score:
                best, best_score = index, score
        if best is None:
            events.append(EventDraft())
            starts.append(max(report.published, starts[-1]) if starts else report.published)
            best = len(events) - 1
        events[best].add(report)
        for org in report.family:
            by_org.setdefault(org, []).append(best)
        by_article.setdefault(report.article_id, []).append(best)
    return events


SENTENCE_ALIKE = 0.5  # a reprint copies the lead's sentence (near enough)


@lru_cache(maxsize=65536)
def _sentence_shingles(sentence: str) -> frozenset[str]:
    return shingles(sentence)


def _alike(a: Report, b: Report) -> bool:
    """Whether two reports' sentences are close enough for one to copy the other (a
    cheap test before the articles' bodies are compared)."""
    return (
        a.title == b.title
        or similarity(_sentence_shingles(a.sentence), _sentence_shingles(b.sentence))
        >= SENTENCE_ALIKE
    )


def _fit(report: Report, draft: EventDraft, reprint: Reprint) -> float | None:
    """How well ``report`` ties to ``draft`` (None: some report of it is told apart)."""
    best, tied = 0.0, False
    signed = {m.article_id for m in draft.reports if m.stage == "signing"}
    for member in draft.reports:
        # the costly reprint test only where it could change the verdict
        why = apart(member, report)
        score, identity = evidence(member, report)
        copied = (
            why != "stage"
            and (why is not None or not identity)
            and member.article_id != report.article_id
            and _alike(member, report)
            and reprint(member.article_id, report.article_id)
        )
        if copied:
            why = apart(member, report, True)
        if (
            why == "stage"
            and {member.stage, report.stage} <= SIGNING_FAMILY
            and (member.article_id in signed or report.article_id in signed)
        ):
            why = None  # an article's 签约落户: its 落户 is the 签约 already in the event
        if why is not None:
            return None
        if copied:
            score, identity = evidence(member, report, True)
        if member.article_id == report.article_id and (
            member.orgs & report.orgs or not (member.orgs and report.orgs)
        ):
            score, identity = max(score, THRESHOLD), True  # one article, one event told twice
        if identity:
            tied = True
            best = max(best, score)
    return best if tied else None
