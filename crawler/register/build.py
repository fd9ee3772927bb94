"""Events, projects and organisations built from the stored leads.

:func:`link_new_leads` is the cheap step every writer and reader calls (after a crawl,
before a digest, by the CLI and the web view): leads no event holds yet are matched
against the events near them, which are then re-clustered together with them, so the
result does not depend on the order articles arrived in. Events that lost leads (an
article re-crawled with new text, re-tagged) are re-clustered too. :func:`rebuild` does
everything again from all stored leads (`leadwatch reclassify`, `db upgrade`).

Derived rows are replaced; what analysts said (follow-ups, followed organisations, alias
reviews) is kept and applied again (:mod:`crawler.register.followups`).
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from classifiers.reprints import is_reprint, shingles
from crawler.register.context import RegisterContext
from crawler.register.followups import apply_follow_ups
from crawler.register.match import WINDOW, EventDraft, cluster
from crawler.register.names import bigrams
from crawler.register.orgs import OrgIndex
from crawler.register.pending import stale_events, unlinked
from crawler.register.places import Place
from crawler.register.projects import LOOSE_KINDS, ProjectDraft, link_projects
from crawler.register.reports import ArticleInput, LeadInput, Report, make_report
from crawler.store.models import (
    Article,
    Event,
    EventOrg,
    EventReport,
    Lead,
    OrgAlias,
    Organisation,
    Project,
    utcnow,
)

NEARBY = WINDOW + timedelta(days=16)  # events this close in time are re-clustered with new leads
_NOT_WORD = re.compile(r"[\W_]+")


@dataclass
class LinkResult:
    """What a link step or a rebuild did."""

    leads: int = 0  # leads (re)clustered
    events: int = 0  # events written
    projects: int = 0
    orgs: int = 0  # organisations created
    seconds: float = 0.0
    full: bool = False
    more: bool = False  # a link step stopped at its batch size: leads are left to link

    def add(self, other: LinkResult) -> None:
        """Count ``other`` (the next batch of one link) in with this one."""
        self.leads += other.leads
        self.events += other.events
        self.projects += other.projects
        self.orgs += other.orgs
        self.seconds += other.seconds
        self.more = other.more

    def summary(self) -> str:
        what = "rebuilt" if self.full else "linked"
        return (
            f"register {what}: {self.leads} lead(s) into {self.events} event(s), "
            f"{self.projects} project(s), {self.orgs} new organisation(s) "
            f"in {self.seconds:.1f} s"
        )


# ---------------------------------------------------------------------------- reading


_LEAD_COLUMNS = (
    Lead.id,
    Lead.article_id,
    Lead.event,
    Lead.sentence,
    Lead.counterparts,
    Lead.amount_yuan,
    Lead.amounts,
    Lead.place,
    Lead.score,
    Article.title,
    Article.published_at,
    Article.first_seen_at,
    Article.publisher,
    Article.source,
)


def _inputs(
    session: Session, where: Any, limit: int | None = None
) -> list[tuple[LeadInput, ArticleInput]]:
    query = select(*_LEAD_COLUMNS).join(Article).where(where)
    if limit is not None:
        query = query.order_by(Lead.id).limit(limit)
    rows = session.execute(query).all()
    return [
        (
            LeadInput(
                lead_id=r[0],
                article_id=r[1],
                event=r[2],
                sentence=r[3] or "",
                counterparts=tuple(r[4] or ()),
                amount_yuan=r[5],
                amounts=tuple(r[6] or ()),
                place=r[7],
                score=r[8] or 0.0,
            ),
            ArticleInput(r[1], r[9] or "", r[10], r[11], r[12] or "", r[13] or ""),
        )
        for r in rows
    ]


def _lead_counts(session: Session, article_ids: Iterable[int]) -> Counter[int]:
    ids = list(set(article_ids))
    counts: Counter[int] = Counter()
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for article_id, n in session.execute(
            select(Lead.article_id, func.count(Lead.id))
            .where(Lead.article_id.in_(chunk))
            .group_by(Lead.article_id)
        ):
            counts[article_id] = n
    return counts


def _org_index(session: Session, ctx: RegisterContext) -> OrgIndex:
    index = ctx.org_index()
    aliases: dict[int, list[tuple[str, str, bool | None]]] = {}
    for org_id, alias, origin, confirmed in session.execute(
        select(OrgAlias.org_id, OrgAlias.alias, OrgAlias.origin, OrgAlias.confirmed)
    ):
        aliases.setdefault(org_id, []).append((alias, origin, confirmed))
    for org_id, name, kind in session.execute(
        select(Organisation.id, Organisation.name, Organisation.kind)
    ):
        index.add_known(name, kind, aliases.get(org_id, ()))
    return index


def _reports(
    session: Session, inputs: list[tuple[LeadInput, ArticleInput]], index: OrgIndex, ctx: Any
) -> list[Report]:
    counts = _lead_counts(session, (a.article_id for _, a in inputs))
    index.resolve_all(c for lead, _ in inputs for c in lead.counterparts)
    return [
        make_report(lead, article, index, ctx.gazetteer, only_lead=counts[article.article_id] <= 1)
        for lead, article in inputs
    ]


class Reprints:
    """Whether one article copies another (same title, or near-identical body), with the
    bodies' shingles computed once and only for the pairs asked about (at most ``KEEP``
    articles' kept: pairs are asked in time order, so old ones are not asked again)."""

    KEEP = 5000

    def __init__(self, session: Session) -> None:
        self.session = session
        self._cache: dict[int, tuple[str, frozenset[str]]] = {}

    def preload(self, ids: Iterable[int]) -> None:
        """Read these articles' texts now, in a few queries rather than one per pair."""
        missing = list({i for i in ids if i not in self._cache})
        if len(self._cache) + len(missing) > self.KEEP:
            for old in list(self._cache)[: len(self._cache) // 2]:  # oldest first (insertion order)
                del self._cache[old]
        for start in range(0, len(missing), 500):
            for article_id, title, body in self.session.execute(
                select(Article.id, Article.title, Article.body).where(
                    Article.id.in_(missing[start : start + 500])
                )
            ):
                self._cache[article_id] = (_NOT_WORD.sub("", title or ""), shingles(body or ""))

    def _load(self, ids: Iterable[int]) -> None:
        if any(i not in self._cache for i in ids):
            self.preload(ids)

    def __call__(self, a: int, b: int) -> bool:
        self._load((a, b))
        (title_a, body_a), (title_b, body_b) = self._cache[a], self._cache[b]
        return (title_a and title_a == title_b) or is_reprint(body_a, body_b)


# ---------------------------------------------------------------------------- writing


def _store_orgs(session: Session, index: OrgIndex, names: set[str]) -> tuple[dict[str, int], int]:
    """Organisation ids for ``names`` (new ones inserted) with their aliases kept current."""
    ids = (
        dict(
            session.execute(
                select(Organisation.name, Organisation.id).where(Organisation.name.in_(names))
            ).all()
        )
        if names
        else {}
    )
    created = 0
    now = utcnow()
    for name in sorted(names - set(ids)):
        info = index.orgs.get(name)
        org = Organisation(name=name, kind=info.kind if info else "other", first_seen_at=now)
        session.add(org)
        session.flush()
        ids[name] = org.id
        created += 1
    if not ids:
        return ids, created
    stored = {
        (org_id, alias)
        for org_id, alias in session.execute(
            select(OrgAlias.org_id, OrgAlias.alias).where(OrgAlias.org_id.in_(ids.values()))
        )
    }
    rows = []
    for name, org_id in ids.items():
        info = index.orgs.get(name)
        if info is None:
            continue
        for alias, origin in info.aliases.items():
            if alias != name and (org_id, alias) not in stored and alias not in info.rejected:
                rows.append({"org_id": org_id, "alias": alias, "origin": origin})
                stored.add((org_id, alias))
        if info.kind and info.kind != "other":
            session.execute(
                update(Organisation)
                .where(Organisation.id == org_id, Organisation.kind != info.kind)
                .values(kind=info.kind)
            )
    if rows:
        session.execute(insert(OrgAlias), rows)
    return ids, created


def scope_of(draft: EventDraft, ctx: RegisterContext) -> str:
    """Set (and return) the draft's scope: local, peer, other or unknown."""
    draft.scope = ctx.scope(draft.place, {r.source for r in draft.reports})
    return draft.scope


def _reprint_of(draft: EventDraft, reprint: Reprints) -> dict[int, int]:
    """For each article of the event that copies an earlier one of it: that one."""
    order = sorted(
        {r.article_id: r for r in draft.reports}.values(),
        key=lambda r: (r.published, r.seen, r.article_id),
    )
    out: dict[int, int] = {}
    for i, report in enumerate(order):
        for earlier in order[:i]:
            if earlier.article_id not in out and reprint(earlier.article_id, report.article_id):
                out[report.article_id] = earlier.article_id
                break
    return out


def _insert_returning_ids(session: Session, table: Any, rows: list[dict[str, Any]]) -> list[int]:
    """Insert ``rows`` in one executemany and return their ids in order."""
    if not rows:
        return []
    result = session.execute(insert(table).returning(table.id, sort_by_parameter_order=True), rows)
    return [row[0] for row in result]


def _write_events(
    session: Session,
    drafts: list[EventDraft],
    ctx: RegisterContext,
    org_ids: dict[str, int],
    reprint: Reprints,
) -> list[int]:
    """Insert the drafts as events with their reports and organisations; their ids."""
    rows: list[dict[str, Any]] = []
    copies_of: list[dict[int, int]] = []
    for draft in drafts:
        credited = draft.credited
        place = draft.place
        copies = _reprint_of(draft, reprint)
        copies_of.append(copies)
        scope_of(draft, ctx)
        rows.append(
            {
                "event": draft.event,
                "stage": draft.stage,
                "day": draft.day,
                "exact": draft.exact,
                "title": credited.title,
                "sentence": credited.sentence,
                "place": place.name if place else "",
                "place_label": place.label if place else "",
                "scope": draft.scope,
                "amount_yuan": draft.amount,
                "amounts": sorted(draft.amounts),  # totals only: what projects compare
                "project_names": draft.projects,
                "article_id": credited.article_id,
                "anchor_key": credited.key,
                "reports": len(draft.articles),
                "outlets": len(draft.outlets) or 1,
                "independent": len(
                    {r.outlet or r.article_id for r in draft.reports if r.article_id not in copies}
                ),
                "n_leads": len(draft.reports),
                "score": max(r.score for r in draft.reports),
                "first_seen_at": min(r.seen for r in draft.reports),
                "note": "",
            }
        )
    ids = _insert_returning_ids(session, Event, rows)
    report_rows: list[dict[str, Any]] = []
    org_rows: list[dict[str, Any]] = []
    for event_id, draft, copies in zip(ids, drafts, copies_of, strict=True):
        report_rows += [
            {
                "lead_id": r.lead_id,
                "event_id": event_id,
                "article_id": r.article_id,
                "reprint_of": copies.get(r.article_id),
            }
            for r in draft.reports
        ]
        roles = {o: "party" for o in draft.orgs}
        roles.update({o: "government" for o in draft.government if o not in roles})
        org_rows += [
            {"event_id": event_id, "org_id": org_ids[o], "role": role}
            for o, role in roles.items()
            if o in org_ids
        ]
    if report_rows:
        session.execute(insert(EventReport), report_rows)
    if org_rows:
        session.execute(insert(EventOrg), org_rows)
    return ids


# ---------------------------------------------------------------------------- projects


@dataclass
class StoredEvent:
    """An event read back from the store, as project linking needs it."""

    id: int
    event: str
    stage: str
    day: date
    orgs: frozenset[str]
    parents: frozenset[str]
    amounts: frozenset[int]
    place: Place | None
    projects: list[str]
    anchor_article: int
    anchor_key: str
    amount: int | None
    scope: str
    kinds: dict[str, str] = field(default_factory=dict)


def _stored_events(
    session: Session, ctx: RegisterContext, index: OrgIndex, where: Any = None
) -> list[StoredEvent]:
    """Stored events (those ``where`` selects, else all) as project linking needs them."""
    ids = select(Event.id) if where is None else select(Event.id).where(where)
    parties: dict[int, set[str]] = {}
    for event_id, name in session.execute(
        select(EventOrg.event_id, Organisation.name)
        .join(Organisation, Organisation.id == EventOrg.org_id)
        .where(EventOrg.role == "party", EventOrg.event_id.in_(ids))
    ):
        parties.setdefault(event_id, set()).add(name)
    query = select(
        Event.id,
        Event.event,
        Event.stage,
        Event.day,
        Event.amounts,
        Event.place,
        Event.project_names,
        Event.article_id,
        Event.anchor_key,
        Event.amount_yuan,
        Event.scope,
    )
    if where is not None:
        query = query.where(where)
    out = []
    for row in session.execute(query):
        orgs = frozenset(parties.get(row.id, ()))
        out.append(
            StoredEvent(
                id=row.id,
                event=row.event,
                stage=row.stage,
                day=row.day,
                orgs=orgs,
                parents=frozenset(a for o in orgs for a in index.ancestors(o)),
                amounts=frozenset(row.amounts or ()),
                place=ctx.gazetteer.places.get(row.place) if row.place else None,
                projects=list(row.project_names or ()),
                anchor_article=row.article_id,
                anchor_key=row.anchor_key,
                amount=row.amount_yuan,
                scope=row.scope,
            )
        )
    return out


def _write_projects(session: Session, ctx: RegisterContext, drafts: list[ProjectDraft]) -> None:
    """Insert the drafts as projects and point their events at them."""
    regions = ctx.regions
    rows: list[dict[str, Any]] = []
    for draft in drafts:
        members: list[StoredEvent] = draft.events  # type: ignore[assignment]
        first = min(members, key=lambda e: (e.day, e.anchor_article))
        last = max(members, key=lambda e: e.day)
        place = draft.place
        rows.append(
            {
                "name": draft.name(regions),
                "stage": last.stage,
                "first_day": first.day,
                "last_day": last.day,
                "place": place.name if place else "",
                "scope": ctx.scope(place) if place else first.scope,
                "amount_yuan": max((e.amount for e in members if e.amount), default=None),
                "n_events": len(members),
                "anchor_article_id": first.anchor_article,
                "anchor_key": first.anchor_key,
                "note": "",
            }
        )
    ids = _insert_returning_ids(session, Project, rows)
    links = [
        {"id": event.id, "project_id": project_id}
        for project_id, draft in zip(ids, drafts, strict=True)
        for event in draft.events
    ]
    if links:
        session.execute(update(Event), links)  # by primary key, executemany


def relink_projects(session: Session, ctx: RegisterContext, index: OrgIndex) -> int:
    """Link every stored event into projects again (a rebuild)."""
    events = _stored_events(session, ctx, index)
    kinds = {name: info.kind for name, info in index.orgs.items()}
    drafts = link_projects(events, kinds)
    session.execute(update(Event).values(project_id=None))
    session.execute(delete(Project))
    _write_projects(session, ctx, drafts)
    return len(drafts)


def _projects_near(session: Session, events: list[StoredEvent], kinds: dict[str, str]) -> set[int]:
    """Projects the new events might join: sharing one of their firms or institutes, or
    a project name with two character pairs in common (the linker decides)."""
    strong = {o for e in events for o in e.orgs if kinds.get(o, "company") not in LOOSE_KINDS}
    found: set[int] = set()
    if strong:
        found.update(
            session.scalars(
                select(Event.project_id)
                .join(EventOrg, EventOrg.event_id == Event.id)
                .join(Organisation, Organisation.id == EventOrg.org_id)
                .where(Organisation.name.in_(strong), Event.project_id.is_not(None))
            )
        )
    pairs = {pair for e in events for name in e.projects for pair in bigrams(name[:-2] or name)}
    if pairs:
        for project_id, names in session.execute(
            select(Event.project_id, Event.project_names).where(Event.project_id.is_not(None))
        ):
            for name in names or ():
                if len(bigrams(name[:-2] or name) & pairs) >= 2:
                    found.add(project_id)
                    break
    return found


def relink_near(
    session: Session,
    ctx: RegisterContext,
    index: OrgIndex,
    new_ids: list[int],
    dropped: set[int],
) -> int:
    """Link the new events (``new_ids``) with the projects near them and those that
    lost events (``dropped``), which are linked again from their events: the rest of
    the store is left as it is."""
    kinds = {name: info.kind for name, info in index.orgs.items()}
    new = _stored_events(session, ctx, index, Event.id.in_(new_ids)) if new_ids else []
    affected = (_projects_near(session, new, kinds) | dropped) - {None}
    members = new + (
        _stored_events(session, ctx, index, Event.project_id.in_(affected)) if affected else []
    )
    drafts = link_projects(members, kinds)
    if affected:
        session.execute(update(Event).where(Event.project_id.in_(affected)).values(project_id=None))
        session.execute(delete(Project).where(Project.id.in_(affected)))
    _write_projects(session, ctx, drafts)
    return len(drafts)


# ---------------------------------------------------------------------------- steps


def _nearby_events(session: Session, reports: list[Report], index: OrgIndex) -> set[int]:
    """Stored events the new reports might join: sharing an organisation (or parent), an
    article, or (for reports naming none) close in time."""
    if not reports:
        return set()
    lo = min(r.when.start for r in reports) - NEARBY
    hi = max(r.when.end for r in reports) + NEARBY
    names = {o for r in reports for o in r.family}
    found: set[int] = set()
    if names:
        found.update(
            session.scalars(
                select(EventOrg.event_id)
                .join(Organisation, Organisation.id == EventOrg.org_id)
                .join(Event, Event.id == EventOrg.event_id)
                .where(Organisation.name.in_(names), Event.day.between(lo, hi))
            )
        )
    articles = {r.article_id for r in reports}
    found.update(
        session.scalars(select(EventReport.event_id).where(EventReport.article_id.in_(articles)))
    )
    if any(not r.orgs for r in reports):
        found.update(session.scalars(select(Event.id).where(Event.day.between(lo, hi)).limit(2000)))
    return found


def link_new_leads(session: Session, ctx: RegisterContext, limit: int | None = None) -> LinkResult:
    """Put the leads no event holds yet (the first ``limit`` of them) into events (and
    events that lost leads back in order); projects are linked again when events
    changed. Cheap when nothing is new. ``result.more`` says the limit left some."""
    started = time.perf_counter()
    result = LinkResult()
    new_inputs = _inputs(session, unlinked(), limit)
    result.more = limit is not None and len(new_inputs) >= limit
    stale = stale_events(session)
    if not new_inputs and not stale:
        return result
    index = _org_index(session, ctx)
    new_reports = _reports(session, new_inputs, index, ctx)
    nearby = _nearby_events(session, new_reports, index) | set(stale)
    old_inputs = (
        _inputs(
            session,
            Lead.id.in_(select(EventReport.lead_id).where(EventReport.event_id.in_(nearby))),
        )
        if nearby
        else []
    )
    reports = new_reports + _reports(session, old_inputs, index, ctx)
    reprint = Reprints(session)
    reprint.preload(r.article_id for r in reports)
    drafts = cluster(reports, reprint)
    dropped: set[int] = set()
    if nearby:
        dropped = set(
            session.scalars(
                select(Event.project_id).where(Event.id.in_(nearby), Event.project_id.is_not(None))
            )
        )
        session.execute(delete(Event).where(Event.id.in_(nearby)))
    names = {o for r in reports for o in (*r.orgs, *r.government)}
    org_ids, result.orgs = _store_orgs(session, index, names)
    ids = _write_events(session, drafts, ctx, org_ids, reprint)
    result.projects = relink_near(session, ctx, index, ids, dropped)
    # projects that lost every event to the deletion
    session.execute(
        delete(Project).where(
            ~Project.id.in_(select(Event.project_id).where(Event.project_id.is_not(None)))
        )
    )
    apply_follow_ups(session)
    result.leads, result.events = len(reports), len(ids)
    result.seconds = time.perf_counter() - started
    return result


def rebuild(session: Session, ctx: RegisterContext) -> LinkResult:
    """Build every event, project and organisation again from all stored leads.

    Organisations no event names any more go, unless an analyst follows them or reviewed
    one of their aliases; derived aliases are derived again."""
    started = time.perf_counter()
    session.execute(update(Event).values(project_id=None))
    session.execute(delete(Project))
    session.execute(delete(Event))
    session.execute(
        delete(OrgAlias).where(OrgAlias.confirmed.is_(None), OrgAlias.origin != "analyst")
    )
    index = _org_index(session, ctx)
    reports = _reports(session, _inputs(session, Lead.id.is_not(None)), index, ctx)
    reprint = Reprints(session)
    drafts = cluster(reports, reprint)  # bodies are read only for the pairs asked about
    names = {o for r in reports for o in (*r.orgs, *r.government)}
    org_ids, created = _store_orgs(session, index, names)
    ids = _write_events(session, drafts, ctx, org_ids, reprint)
    reviewed = select(OrgAlias.org_id).where(
        (OrgAlias.confirmed.is_not(None)) | (OrgAlias.origin == "analyst")
    )
    session.execute(
        delete(Organisation).where(
            ~Organisation.id.in_(select(EventOrg.org_id)),
            Organisation.followed_at.is_(None),
            ~Organisation.id.in_(reviewed),
        )
    )
    projects = relink_projects(session, ctx, index)
    apply_follow_ups(session)
    return LinkResult(
        leads=len(reports),
        events=len(ids),
        projects=projects,
        orgs=created,
        seconds=time.perf_counter() - started,
        full=True,
    )
