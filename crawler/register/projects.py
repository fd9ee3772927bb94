"""Events of one project over its life: visit → signing → (拟落户 →) 落地/开工 → 投产.

An event joins a project (in time order) when it is tied to it and told apart from none
of its events:

tied: the same named project, or a shared organisation that is a firm or institute (not a
      public body, and not only a parent group: 国投 signs many things);
told apart: a project already holding an event of this stage (two signings of one firm
      are two projects, unless they name one project), a stage that goes backwards
      (投产 before 签约), places of which neither contains the other (a visit's place is
      where the talks were held: it is not compared when the office's own news tells both
      — its delegation went to the firm — or the visit names the project), totals that
      share nothing (unless the project's name ties them), or more than ``HORIZON`` since
      the project's last event.

A project's name is the name its events give it that carries the firm's name (澄远储能宜兴
基地), else the longest one, else the firm's short name with the place.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Protocol

from crawler.register.match import amounts_conflict, amounts_share, places_apart, projects_share
from crawler.register.names import bigrams, core, same_project_name
from crawler.register.places import Place
from crawler.register.stages import RANK

HORIZON = timedelta(days=3 * 365)


class EventFacts(Protocol):
    """What linking needs of an event (an :class:`~crawler.register.match.EventDraft`
    being built, or one read back from the store)."""

    event: str
    stage: str
    day: date
    orgs: frozenset[str]
    parents: frozenset[str]  # parents of its organisations (国投 over 国投研究院)
    amounts: frozenset[int]
    place: Place | None
    projects: list[str]
    anchor_article: int
    scope: str  # local | peer | other | unknown (crawler.register.context)


@dataclass
class ProjectDraft:
    events: list[EventFacts] = field(default_factory=list)
    last: date = date.min  # its latest event's day (events join in time order)
    strong: set[str] = field(default_factory=set)  # the organisations that tie it
    names: set[str] = field(default_factory=set)  # every name its events give it

    def add(self, event: EventFacts, strong: frozenset[str]) -> None:
        self.events.append(event)
        self.last = max(self.last, event.day)
        self.strong |= strong
        self.names.update(event.projects)

    @property
    def orgs(self) -> frozenset[str]:
        return frozenset(o for e in self.events for o in e.orgs)

    @property
    def first(self) -> date:
        return min(e.day for e in self.events)

    @property
    def stages(self) -> list[tuple[str, date]]:
        """(stage, day) of its events in time order."""
        return sorted(((e.stage, e.day) for e in self.events), key=lambda x: (x[1], RANK[x[0]]))

    @property
    def place(self) -> Place | None:
        places = [e.place for e in self.events if e.place is not None and e.event != "visit"]
        places = places or [e.place for e in self.events if e.place is not None]
        return max(places, key=lambda p: len(p.chain), default=None)

    def name(self, regions: Iterable[str] = ()) -> str:
        """The name most of its events give it (one carrying the firm's name preferred),
        else the firm's short name with the place."""
        names = list(dict.fromkeys(n for e in self.events for n in e.projects))
        firms = sorted(self.orgs)
        shorts = [core(f, regions) for f in firms]
        if names:

            def support(name: str) -> tuple[int, bool, int]:
                events = sum(
                    any(same_project_name(name, n) for n in e.projects) for e in self.events
                )
                with_firm = any(s and s[:2] in name for s in shorts)
                return (events, with_firm, len(name))

            return max(names, key=support)
        place = self.place
        firm = min(shorts, key=len) if shorts else ""
        where = place.name if place is not None else ""
        return f"{firm}{where}项目" if firm or where else "未命名项目"


# Kinds of organisation that never tie a project alone: public bodies, and the central
# groups (国投) whose name stands over hundreds of projects.
LOOSE_KINDS = frozenset(("government", "soe"))


def _strong(event: EventFacts, kinds: dict[str, str]) -> frozenset[str]:
    """The event's organisations that identify a project: firms and institutes, not
    public bodies, central groups, or the parent of another organisation named."""
    parents = event.parents
    return frozenset(
        o for o in event.orgs if kinds.get(o, "company") not in LOOSE_KINDS and o not in parents
    )


def _named_alike(a: EventFacts, project: ProjectDraft, strict: bool = False) -> bool:
    """Whether the event names the project as one of its events does (``strict``: the
    very same name, for events whose firms differ)."""
    if strict:
        return not project.names.isdisjoint(a.projects)
    return projects_share(a.projects, project.names)


def _told_apart(event: EventFacts, project: ProjectDraft) -> bool:
    # only the very same name overrides what tells them apart (宜兴交通科技产业园 signed
    # for 50亿元, its first phase begun for 18亿元): a similar one only ties
    named = _named_alike(event, project, strict=True)
    if event.day - project.last > HORIZON:
        return True
    for other in project.events:
        if event.stage != "visit" and other.stage == event.stage and not named:
            return True
        if "visit" in (event.stage, other.stage) and not named:
            # a visit is held where the talks are; it belongs to a project elsewhere only
            # when the office's own news tells it (its delegation went to the firm)
            local = event.scope == other.scope == "local"
            if places_apart(event.place, other.place) and not local:
                return True
        if event.stage != "visit" and other.stage != "visit":
            # events come in time order: a later event of an earlier stage starts anew
            if RANK[event.stage] < RANK[other.stage] and not named:
                return True
            if amounts_conflict(event.amounts, other.amounts) and not named:
                return True
            if places_apart(event.place, other.place):
                return True
    return False


def _tie(event: EventFacts, project: ProjectDraft, strong: frozenset[str]) -> float:
    """How strongly ``event`` (whose tying organisations are ``strong``) belongs to
    ``project`` (0: not tied)."""
    theirs = project.strong
    shared = strong & theirs
    # other firms on both sides: only the very same project name ties them
    named = _named_alike(event, project, strict=bool(strong and theirs and not shared))
    if not shared and not named:
        return 0.0
    score = 2.0 * bool(shared) + 2.0 * named
    if any(amounts_share(event.amounts, e.amounts) for e in project.events):
        score += 1.0
    if event.place is not None and project.place is not None and event.place == project.place:
        score += 0.5
    return score


def link_projects(events: Iterable[EventFacts], kinds: dict[str, str]) -> list[ProjectDraft]:
    """Events grouped into projects (see the module's rule); ``kinds`` gives each
    organisation's kind (government bodies never tie a project)."""
    projects: list[ProjectDraft] = []
    by_org: dict[str, set[int]] = {}
    by_pair: dict[str, set[int]] = {}  # a name's character pair -> projects named with it
    for event in sorted(events, key=lambda e: (e.day, RANK[e.stage], e.anchor_article)):
        strong = _strong(event, kinds)
        candidates: set[int] = set()
        for org in strong:
            candidates.update(by_org.get(org, ()))
        for name in event.projects:
            hits: dict[int, int] = {}
            for pair in bigrams(name[:-2] or name):  # the ending (项目, 基地) says little
                for index in by_pair.get(pair, ()):
                    hits[index] = hits.get(index, 0) + 1
            candidates.update(i for i, n in hits.items() if n >= 2 or len(name) <= 4)
        best, best_score = None, 0.0
        for index in sorted(candidates):
            project = projects[index]
            if _told_apart(event, project):
                continue
            score = _tie(event, project, strong)
            if score > best_score:
                best, best_score = index, score
        if best is None:
            projects.append(ProjectDraft())
            best = len(projects) - 1
        projects[best].add(event, strong)
        for org in strong:
            by_org.setdefault(org, set()).add(best)
        for name in event.projects:
            for pair in bigrams(name[:-2] or name):
                by_pair.setdefault(pair, set()).add(best)
    return projects
