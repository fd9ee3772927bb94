"""Events, projects and organisations as the CLI prints them and `--json` gives them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.text import Text

from crawler.present.amounts import format_yuan, headline_amount
from crawler.present.labels import (
    ALIAS_ORIGIN_LABELS,
    ORG_KIND_LABELS,
    SCOPE_LABELS,
    STAGE_LABELS,
    STATUS_LABELS,
    label,
)
from crawler.present.records import FitTable
from crawler.register.reports import lead_key
from crawler.store.models import Event, Organisation, Project
from crawler.timeutil import iso


def parties(event: Event) -> list[str]:
    """The event's organisations that are not public bodies."""
    return [row.org.name for row in event.org_rows if row.role == "party"]


def stage_path(events: Sequence[Event]) -> str:
    """A project's stages with their days: 签约 2025-01-15 → 投产 2025-11-05."""
    steps = sorted(events, key=lambda e: (e.day, e.id))
    return " → ".join(f"{STAGE_LABELS.get(e.stage, e.stage)} {e.day.isoformat()}" for e in steps)


def amount(value: int | None) -> str:
    return format_yuan(value, "CNY", None) if value else ""


def event_amount(event: Event) -> str:
    """The event's amount as its credited report wrote it (总投资约12亿元); the bare
    figure when that lead no longer names it."""
    if not event.amount_yuan:
        return ""
    for lead in event.article.leads:
        if lead.amount_yuan == event.amount_yuan and lead_key(lead.event, lead.sentence) == (
            event.anchor_key
        ):
            return headline_amount(lead)
    for lead in event.article.leads:
        if lead.amount_yuan == event.amount_yuan:
            return headline_amount(lead)
    return amount(event.amount_yuan)


def event_dict(event: Event) -> dict[str, Any]:
    """One event for `--json` (codes in English, as everywhere in the JSON contract)."""
    project = event.project
    return {
        "id": event.id,
        "event": event.event,
        "stage": event.stage,
        "day": event.day.isoformat(),
        "day_exact": event.exact,
        "title": event.title,
        "sentence": event.sentence,
        "place": event.place or None,
        "place_label": event.place_label or None,
        "scope": event.scope,
        "amount_yuan": event.amount_yuan,
        "amounts_yuan": list(event.amounts or []),
        "orgs": parties(event),
        "government": [row.org.name for row in event.org_rows if row.role == "government"],
        "reports": event.reports,
        "outlets": event.outlets,
        "independent": event.independent,
        "credited_article_id": event.article_id,
        "anchor": f"{event.article_id}/{event.anchor_key}",
        "first_seen_at": iso(event.first_seen_at),
        "project": {"id": project.id, "name": project.name} if project else None,
        "status": event.status,
        "note": event.note or None,
    }


def project_dict(project: Project, events: Sequence[Event] | None = None) -> dict[str, Any]:
    events = list(events if events is not None else project.events)
    return {
        "id": project.id,
        "name": project.name,
        "stage": project.stage,
        "stages": [
            {"stage": e.stage, "day": e.day.isoformat(), "event_id": e.id}
            for e in sorted(events, key=lambda e: (e.day, e.id))
        ],
        "first_day": project.first_day.isoformat(),
        "last_day": project.last_day.isoformat(),
        "place": project.place or None,
        "scope": project.scope,
        "amount_yuan": project.amount_yuan,
        "events": len(events),
        "status": project.status,
        "note": project.note or None,
    }


def org_dict(org: Organisation) -> dict[str, Any]:
    return {
        "id": org.id,
        "name": org.name,
        "kind": org.kind,
        "followed": org.followed_at is not None,
        "followed_at": iso(org.followed_at),
        "followed_by": org.followed_by or None,
        "aliases": [
            {"alias": a.alias, "origin": a.origin, "confirmed": a.confirmed} for a in org.aliases
        ],
    }


def _status(event_or_project: Event | Project) -> str:
    return label(STATUS_LABELS, event_or_project.status)


def events_table(events: Sequence[Event], title: str = "") -> FitTable:
    """One row per event with its report count (the analyst's list)."""
    table = FitTable(title=title or None, pad_edge=False)
    table.add_column("ID", justify="right", no_wrap=True)
    table.add_column("日期", no_wrap=True)
    table.add_column("阶段", no_wrap=True)
    table.add_column("地点", overflow="fold", ratio=2)
    table.add_column("合作方", overflow="fold", ratio=3)
    table.add_column("金额", justify="right", no_wrap=True)
    table.add_column("报道", justify="right", no_wrap=True)
    table.add_column("状态", no_wrap=True)
    table.add_column("首发标题", overflow="fold", ratio=5)
    for e in events:
        table.add_row(
            str(e.id),
            e.day.isoformat(),
            STAGE_LABELS.get(e.stage, e.stage),
            Text(f"{e.place or '—'}（{SCOPE_LABELS.get(e.scope, e.scope)}）"),
            Text("、".join(parties(e)) or "—"),
            event_amount(e),
            f"{e.reports}篇/{e.outlets}家",
            _status(e),
            Text(e.title),
        )
    return table


def projects_table(projects: Sequence[Project]) -> FitTable:
    table = FitTable(pad_edge=False)
    table.add_column("ID", justify="right", no_wrap=True)
    table.add_column("项目", overflow="fold", ratio=3)
    table.add_column("进展", overflow="fold", ratio=5)
    table.add_column("地点", overflow="fold", ratio=2)
    table.add_column("金额", justify="right", no_wrap=True)
    table.add_column("状态", no_wrap=True)
    for p in projects:
        table.add_row(
            str(p.id),
            Text(p.name),
            Text(stage_path(p.events)),
            Text(p.place or "—"),
            amount(p.amount_yuan),
            _status(p),
        )
    return table


def print_org(console: Console, org: Organisation, events: Sequence[Event], places) -> None:  # noqa: ANN001
    """An organisation: aliases, where it was active, its timeline."""
    followed = f"  [关注中，{org.followed_by or '—'}]" if org.followed_at else ""
    console.print(Text(f"{org.name}（{label(ORG_KIND_LABELS, org.kind)}）{followed}", style="bold"))
    if org.aliases:
        shown = []
        for a in org.aliases:
            mark = {True: "✓", False: "✗"}.get(a.confirmed, "")
            shown.append(f"{a.alias}{mark}（{label(ALIAS_ORIGIN_LABELS, a.origin)}）")
        console.print(Text("别名：" + "、".join(shown)))
    if places:
        console.print(Text("地点：" + "；".join(f"{p} {n}次" for p, n in places)))
    console.print(Text(f"时间线（{len(events)} 个事件）："))
    for e in events:
        project = f" · 项目：{e.project.name}" if e.project else ""
        status = f" [{_status(e)}]" if e.status else ""
        console.print(
            Text(
                f"  {e.day.isoformat()} {STAGE_LABELS.get(e.stage, e.stage)}"
                f" {event_amount(e)} {e.place or ''} · {e.reports}篇报道"
                f"{project}{status} — {e.title} (#{e.id})"
            )
        )
