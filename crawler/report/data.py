"""Everything a 周报 / 月报 says, read from the store with plain queries (nothing written).

One call, :func:`gather`, returns a :class:`ReportData` of plain values: the period's
figures beside the previous period's, its events by sector and stage with their amounts as
the text gives them, the projects that reached a new stage, the followed organisations'
and the rival places' events, source health, the analysts' follow-ups, and the trend over
the last :data:`TREND_PERIODS` weeks or months that the charts draw. Every writer (Word,
Excel, PDF, the web view's 趋势 page) renders this and computes nothing of its own.

Amounts: an event's figure in the sums is its leads' headline amount (CNY, never a plan:
see :class:`classifiers.models.Lead`); a plan (十五五期间计划投资…) and a foreign-currency
figure are listed beside the sums, never added to them, and a sum with a qualified figure
(约12亿元) says so. An event counts under its credited article's strongest sector (the
digest's rule), so the sector rows add up to the period's events.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from crawler.config import Config, Subscription
from crawler.health import source_verdicts
from crawler.register.stages import RANK, STAGES
from crawler.report.period import Period, window
from crawler.store.models import (
    Article,
    Event,
    EventOrg,
    EventReport,
    FollowUpChange,
    Lead,
    Organisation,
    Project,
    Tag,
    utcnow,
)

if TYPE_CHECKING:
    from crawler.register.context import RegisterContext

TREND_PERIODS = 12  # weeks or months the charts show, ending with the report's
TOP_SECTORS = 6  # sectors charted by name; the others are drawn as 其他
TOP_COUNTERPARTS = 10
OTHER = ("other", "其他")
LANDING_STAGES = ("planned", "landing", "groundbreaking", "production")


@dataclass(frozen=True)
class Money:
    """One amount as the article gives it (``text`` keeps its qualifier: 约20亿元)."""

    value: int
    currency: str
    text: str
    qualifier: str | None = None
    label: str | None = None  # 总投资, 协议引资额, 一期总投资 …
    plan: bool = False  # a target for a period: never summed as signed


@dataclass
class EventLine:
    """One event of the period, as every section lists it."""

    id: int
    day: date
    event: str  # signing | landing | visit
    stage: str
    title: str
    parties: list[str]
    place: str
    place_label: str
    scope: str
    sector: str
    sector_label: str
    amounts: list[Money]
    signed: int | None  # the CNY figure the sums count (never a plan)
    approx: bool  # that figure carries a qualifier (约, 超 …)
    reports: int
    project_id: int | None
    project: str
    status: str | None
    note: str
    url: str
    score: float


@dataclass
class SectorRow:
    sector: str
    label: str
    events: int = 0
    stages: dict[str, int] = field(default_factory=dict)
    signed: int = 0
    approx: bool = False
    plans: list[Money] = field(default_factory=list)  # listed, not summed
    foreign: list[Money] = field(default_factory=list)  # other currencies, not summed


@dataclass
class ProjectStep:
    """A project that reached a later stage in the period."""

    id: int
    name: str
    place: str
    scope: str
    before: str | None  # its furthest stage before the period (None: new in it)
    after: str  # its furthest stage in the period
    day: date  # when it got there
    signed: int | None
    path: list[tuple[str, date]]  # every stage so far, in time order


@dataclass
class OrgActivity:
    id: int
    name: str
    kind: str
    events: list[EventLine]


@dataclass
class PeerActivity:
    name: str
    events: list[EventLine]


@dataclass
class SourceLine:
    name: str
    label: str
    status: str  # crawler.health's verdict
    reason: str  # in Chinese
    articles: int  # published in the period
    last_new: datetime | None


@dataclass
class FollowUpLine:
    at: datetime
    by: str
    subject: str  # event | project
    status: str | None  # None: the mark was cleared
    note: str
    about: str


@dataclass
class Figures:
    """The summary figures of one period."""

    events: int = 0
    signing: int = 0
    landing: int = 0  # 拟落户, 落地, 开工, 投产
    visit: int = 0
    signed: int = 0  # yuan
    approx: bool = False
    articles: int = 0
    advanced: int = 0  # projects that reached a new stage
    peer: int = 0  # events in the rival places
    followups: int = 0  # analysts' follow-up changes


@dataclass
class Trend:
    """Per period of the window: events and signed amounts by sector, events by stage,
    and the busiest counterparts over the whole window."""

    periods: list[Period]
    sectors: list[tuple[str, str]]  # (id, label), busiest first; OTHER last
    events: dict[str, list[int]]
    amounts: dict[str, list[int]]  # yuan
    stages: dict[str, list[int]]
    counterparts: list[tuple[str, int]]


@dataclass(frozen=True)
class Scope:
    """What a report is narrowed to: a subscription's sectors and partners, or the web
    view's sector and place (every field optional)."""

    sectors: frozenset[str] = frozenset()
    partners: tuple[str, ...] = ()
    place: str = ""
    title: str = ""  # the subscription's title, shown under the report's

    @classmethod
    def of(cls, sub: Subscription | None) -> Scope:
        if sub is None:
            return cls()
        return cls(frozenset(sub.sectors), tuple(sub.partners), "", sub.title or sub.name)

    @property
    def narrowed(self) -> bool:
        return bool(self.sectors or self.partners or self.place)


@dataclass
class ReportData:
    period: Period
    previous: Period
    office: str  # the office's place ([register] home)
    scope: Scope
    generated_at: datetime
    figures: Figures
    before: Figures  # the previous period's
    sectors: list[SectorRow]
    events: list[EventLine]  # the period's, newest first
    projects: list[ProjectStep]
    orgs: list[OrgActivity]
    followed_quiet: int  # followed organisations without an event in the period
    peers: list[PeerActivity]
    sources: list[SourceLine]
    followups: list[FollowUpLine]
    trend: Trend

    @property
    def title(self) -> str:
        """宜兴招商月报（2025年2月）."""
        return f"{self.office}招商{self.period.name}（{self.period.label}）"


# --------------------------------------------------------------------------- amounts


def moneys(
    leads: Iterable[tuple[int | None, str, str | None, list[dict[str, Any]]]],
) -> list[Money]:
    """The amounts of an event's leads ``(amount_yuan, currency, amount_text, amounts)``,
    each figure once (reports of one event repeat it)."""
    seen: dict[tuple, Money] = {}
    for amount_yuan, currency, amount_text, amounts in leads:
        entries = list(amounts or [])
        if not entries and (amount_yuan or amount_text):  # stored before leads listed them
            entries = [{"value": amount_yuan, "currency": currency, "text": amount_text}]
        for entry in entries:
            value = entry.get("value")
            if value is None:
                continue
            money = Money(
                int(value),
                str(entry.get("currency") or "CNY"),
                str(entry.get("text") or ""),
                entry.get("qualifier"),
                entry.get("label"),
                bool(entry.get("plan")),
            )
            seen.setdefault((money.value, money.currency, money.plan, money.label), money)
    return sorted(seen.values(), key=lambda m: (m.plan, m.currency != "CNY", -m.value))


def signed_figure(headlines: Iterable[int | None], amounts: list[Money]) -> tuple[int | None, bool]:
    """The event's figure in the sums: its leads' largest headline (CNY, never a plan),
    and whether the text qualifies it (约, 超 …)."""
    values = [v for v in headlines if v]
    if not values:
        return None, False
    top = max(values)
    approx = any(
        m.value == top and m.currency == "CNY" and not m.plan and m.qualifier for m in amounts
    )
    return top, approx


# --------------------------------------------------------------------------- the window


@dataclass
class _Row:
    """An event of the window with what the trend and the filters need."""

    id: int
    day: date
    event: str
    stage: str
    scope: str
    place_label: str
    article_id: int
    sector: tuple[str, str] = OTHER
    signed: int | None = None
    approx: bool = False
    amounts: list[Money] = field(default_factory=list)


def _window_rows(session: Session, start: date, end: date, scope: Scope) -> list[_Row]:
    """Every event with a day in [start, end), its sector and amounts, narrowed to
    ``scope``."""
    in_range = (Event.day >= start, Event.day < end)
    rows = {
        r.id: _Row(r.id, r.day, r.event, r.stage, r.scope, r.place_label or "", r.article_id)
        for r in session.execute(
            select(
                Event.id,
                Event.day,
                Event.event,
                Event.stage,
                Event.scope,
                Event.place_label,
                Event.article_id,
            ).where(*in_range)
        )
    }
    tags: dict[int, list[tuple[float, str, str]]] = defaultdict(list)
    partners: dict[int, list[str]] = defaultdict(list)
    for event_id, kind, name, label, score in session.execute(
        select(Event.id, Tag.kind, Tag.name, Tag.label, Tag.score)
        .join(Tag, Tag.article_id == Event.article_id)
        .where(*in_range)
    ):
        if kind == "sector":
            tags[event_id].append((score, name, label or name))
        else:
            partners[event_id].append(name)
    leads: dict[int, list[tuple]] = defaultdict(list)
    for event_id, *lead in session.execute(
        select(
            EventReport.event_id, Lead.amount_yuan, Lead.currency, Lead.amount_text, Lead.amounts
        )
        .join(Lead, Lead.id == EventReport.lead_id)
        .join(Event, Event.id == EventReport.event_id)
        .where(*in_range)
    ):
        leads[event_id].append(tuple(lead))
    kept = []
    for row in rows.values():
        sectors = sorted(tags.get(row.id, ()), key=lambda t: (-t[0], t[1]))
        if scope.sectors:
            if not any(name in scope.sectors for _, name, _ in sectors):
                continue
            sectors = [t for t in sectors if t[1] in scope.sectors]
        if scope.partners and not any(
            p in name for p in scope.partners for name in partners.get(row.id, ())
        ):
            continue
        if scope.place and scope.place not in row.place_label:
            continue
        if sectors:
            row.sector = (sectors[0][1], sectors[0][2])
        row.amounts = moneys(leads.get(row.id, ()))
        row.signed, row.approx = signed_figure(
            (lead[0] for lead in leads.get(row.id, ()) if lead[1] == "CNY"), row.amounts
        )
        kept.append(row)
    return kept


def _figures(rows: list[_Row]) -> Figures:
    figures = Figures(events=len(rows))
    for row in rows:
        if row.stage == "visit":
            figures.visit += 1
        elif row.stage == "signing":
            figures.signing += 1
        else:
            figures.landing += 1
        if row.signed and row.stage != "visit":
            figures.signed += row.signed
            figures.approx |= row.approx
        figures.peer += row.scope == "peer"
    return figures


def _trend(session: Session, periods: list[Period], rows: list[_Row], scope_ids: set[int]) -> Trend:
    index = {p: i for i, p in enumerate(periods)}

    def slot(day: date) -> int:
        return next(index[p] for p in periods if p.contains(day))

    busiest = Counter(r.sector for r in rows)
    named = [s for s, _ in busiest.most_common() if s != OTHER][:TOP_SECTORS]
    sectors = named + ([OTHER] if len(busiest) > len(named) else [])
    events = {s[0]: [0] * len(periods) for s in sectors}
    amounts = {s[0]: [0] * len(periods) for s in sectors}
    stages = {s: [0] * len(periods) for s in STAGES}
    for row in rows:
        sector = row.sector[0] if row.sector in named else OTHER[0]
        i = slot(row.day)
        events[sector][i] += 1
        if row.signed and row.stage != "visit":
            amounts[sector][i] += row.signed
        stages[row.stage][i] += 1
    counts: Counter[str] = Counter()
    if scope_ids:
        for name, event_id in session.execute(
            select(Organisation.name, EventOrg.event_id)
            .join(Organisation, Organisation.id == EventOrg.org_id)
            .join(Event, Event.id == EventOrg.event_id)
            .where(
                EventOrg.role == "party",
                Event.day >= periods[0].start,
                Event.day < periods[-1].end,
            )
        ):
            if event_id in scope_ids:
                counts[name] += 1
    return Trend(
        periods,
        sectors,
        events,
        amounts,
        stages,
        sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_COUNTERPARTS],
    )


# --------------------------------------------------------------------------- the period


def _lines(session: Session, rows: list[_Row]) -> list[EventLine]:
    by_id = {r.id: r for r in rows}
    events = session.scalars(
        select(Event)
        .where(Event.id.in_(list(by_id)) if by_id else Event.id.is_(None))
        .options(
            selectinload(Event.org_rows).selectinload(EventOrg.org),
            selectinload(Event.project),
            selectinload(Event.article),
        )
        .order_by(Event.day.desc(), Event.id.desc())
    ).all()
    lines = []
    for e in events:
        row = by_id[e.id]
        lines.append(
            EventLine(
                id=e.id,
                day=e.day,
                event=e.event,
                stage=e.stage,
                title=e.title,
                parties=[r.org.name for r in e.org_rows if r.role == "party"],
                place=e.place or "",
                place_label=e.place_label or "",
                scope=e.scope,
                sector=row.sector[0],
                sector_label=row.sector[1],
                amounts=row.amounts,
                signed=row.signed,
                approx=row.approx,
                reports=e.reports,
                project_id=e.project_id,
                project=e.project.name if e.project and e.project.n_events > 1 else "",
                status=e.status,
                note=e.note or "",
                url=e.article.url if e.article else "",
                score=e.score,
            )
        )
    return lines


def _sector_rows(lines: list[EventLine]) -> list[SectorRow]:
    rows: dict[str, SectorRow] = {}
    for line in lines:
        row = rows.setdefault(line.sector, SectorRow(line.sector, line.sector_label))
        row.events += 1
        row.stages[line.stage] = row.stages.get(line.stage, 0) + 1
        if line.signed and line.stage != "visit":
            row.signed += line.signed
            row.approx |= line.approx
        row.plans += [m for m in line.amounts if m.plan]
        row.foreign += [m for m in line.amounts if not m.plan and m.currency != "CNY"]
    return sorted(rows.values(), key=lambda r: (r.sector == OTHER[0], -r.events, r.sector))


def _advanced(session: Session, period: Period, event_ids: set[int]) -> list[ProjectStep]:
    """Projects with an event in the period whose furthest stage then is beyond the
    furthest before it (a project new in the period: beyond its first event's)."""
    project_ids = set(
        session.scalars(
            select(Event.project_id).where(
                Event.project_id.is_not(None),
                Event.day >= period.start,
                Event.day < period.end,
            )
        )
    )
    if not project_ids:
        return []
    history: dict[int, list[tuple[date, int, str, int]]] = defaultdict(list)
    for project_id, day, stage, event_id in session.execute(
        select(Event.project_id, Event.day, Event.stage, Event.id)
        .where(Event.project_id.in_(project_ids), Event.day < period.end)
        .order_by(Event.day, Event.id)
    ):
        history[project_id].append((day, RANK[stage], stage, event_id))
    projects = {
        p.id: p for p in session.scalars(select(Project).where(Project.id.in_(project_ids)))
    }
    steps = []
    for project_id, events in history.items():
        inside = [e for e in events if period.contains(e[0]) and e[3] in event_ids]
        if not inside:
            continue
        before = [e for e in events if e[0] < period.start]
        reference = max(before, key=lambda e: e[1]) if before else inside[0]
        top = max(inside, key=lambda e: (e[1], -e[0].toordinal()))
        if top[1] <= reference[1]:
            continue
        project = projects[project_id]
        steps.append(
            ProjectStep(
                id=project_id,
                name=project.name,
                place=project.place or "",
                scope=project.scope,
                before=reference[2] if before else None,
                after=top[2],
                day=top[0],
                signed=project.amount_yuan,
                path=[(e[2], e[0]) for e in events],
            )
        )
    return sorted(steps, key=lambda s: (-RANK[s.after], s.day, s.id))


def _articles(session: Session, config: Config, period: Period, scope: Scope) -> int:
    tz = ZoneInfo(config.settings.timezone)
    start, end = period.bounds(tz)
    when = func.coalesce(Article.published_at, Article.first_seen_at)
    query = select(func.count(Article.id)).where(when >= start, when < end)
    if scope.sectors:
        query = query.where(
            select(Tag.id)
            .where(Tag.article_id == Article.id, Tag.kind == "sector", Tag.name.in_(scope.sectors))
            .exists()
        )
    if scope.partners:
        query = query.where(
            select(Tag.id)
            .where(
                Tag.article_id == Article.id,
                Tag.kind == "partner",
                or_(*(Tag.name.contains(p) for p in scope.partners)),
            )
            .exists()
        )
    return session.scalar(query) or 0


def _followups(session: Session, config: Config, period: Period) -> list[FollowUpLine]:
    start, end = period.bounds(ZoneInfo(config.settings.timezone))
    rows = session.scalars(
        select(FollowUpChange)
        .where(FollowUpChange.changed_at >= start, FollowUpChange.changed_at < end)
        .order_by(FollowUpChange.changed_at.desc(), FollowUpChange.id.desc())
    )
    return [
        FollowUpLine(r.changed_at, r.changed_by, r.subject, r.status, r.note, r.about) for r in rows
    ]


def _sources(session: Session, config: Config, period: Period, now: datetime) -> list[SourceLine]:
    start, end = period.bounds(ZoneInfo(config.settings.timezone))
    when = func.coalesce(Article.published_at, Article.first_seen_at)
    counts = dict(
        session.execute(
            select(Article.source, func.count(Article.id))
            .where(when >= start, when < end)
            .group_by(Article.source)
        ).all()
    )
    labels = {s.name: s.label for s in config.sources}
    verdicts = source_verdicts(session, config, now=now)
    return [
        SourceLine(
            name,
            labels.get(name, ""),
            v.status,
            v.reason_zh,
            counts.get(name, 0),
            v.last_new_at,
        )
        for name, v in verdicts.items()
    ]


def _orgs(session: Session, lines: list[EventLine]) -> tuple[list[OrgActivity], int]:
    followed = session.scalars(
        select(Organisation).where(Organisation.followed_at.is_not(None))
    ).all()
    if not followed:
        return [], 0
    ids = {o.id for o in followed}
    by_event: dict[int, set[int]] = defaultdict(set)
    for event_id, org_id in session.execute(
        select(EventOrg.event_id, EventOrg.org_id).where(
            EventOrg.org_id.in_(ids), EventOrg.event_id.in_([line.id for line in lines])
        )
    ):
        by_event[org_id].add(event_id)
    out = [
        OrgActivity(o.id, o.name, o.kind, [line for line in lines if line.id in by_event[o.id]])
        for o in followed
        if by_event.get(o.id)
    ]
    out.sort(key=lambda a: (-len(a.events), a.name))
    return out, len(followed) - len(out)


def _peers(lines: list[EventLine], context: RegisterContext | None) -> list[PeerActivity]:
    groups: dict[str, list[EventLine]] = {}
    if context is not None:
        for peer in context.peers:
            groups[peer.name] = []
    for line in lines:
        if line.scope != "peer":
            continue
        name = line.place or "—"
        if context is not None:
            peer = context.peer_of(context.gazetteer.places.get(line.place))
            name = peer.name if peer is not None else name
        groups.setdefault(name, []).append(line)
    return [PeerActivity(name, events) for name, events in groups.items()]


def gather(
    session: Session,
    config: Config,
    period: Period,
    *,
    scope: Scope | None = None,
    context: RegisterContext | None = None,
    now: datetime | None = None,
    trend_periods: int = TREND_PERIODS,
) -> ReportData:
    """The report of ``period`` (narrowed to ``scope``); ``context`` names the rival
    places (without it, rival events are grouped by their place)."""
    scope = scope or Scope()
    now = now or utcnow()
    periods = window(period, max(trend_periods, 2))
    rows = _window_rows(session, periods[0].start, period.end, scope)
    current = [r for r in rows if period.contains(r.day)]
    previous = [r for r in rows if period.previous().contains(r.day)]
    lines = _lines(session, current)
    projects = _advanced(session, period, {r.id for r in current})
    figures, before = _figures(current), _figures(previous)
    figures.articles = _articles(session, config, period, scope)
    before.articles = _articles(session, config, period.previous(), scope)
    figures.advanced = len(projects)
    before.advanced = len(_advanced(session, period.previous(), {r.id for r in previous}))
    followups = _followups(session, config, period)
    figures.followups = len(followups)
    before.followups = len(_followups(session, config, period.previous()))
    orgs, quiet = _orgs(session, lines)
    shown = periods[-trend_periods:] if trend_periods >= 2 else periods
    return ReportData(
        period=period,
        previous=period.previous(),
        office=config.register.home or "本地",
        scope=scope,
        generated_at=now,
        figures=figures,
        before=before,
        sectors=_sector_rows(lines),
        events=lines,
        projects=projects,
        orgs=orgs,
        followed_quiet=quiet,
        peers=_peers(lines, context),
        sources=_sources(session, config, period, now),
        followups=followups,
        trend=_trend(
            session, shown, [r for r in rows if r.day >= shown[0].start], {r.id for r in rows}
        ),
    )
