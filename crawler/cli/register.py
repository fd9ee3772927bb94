"""`leadwatch events`, `projects`, `org` and `mark`: the lead register from the terminal."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date

from crawler.cli.common import (
    ExitStatus,
    analyst,
    config_from_args,
    console,
    count,
    ensure_register,
    err_console,
    open_database,
    print_json,
    time_option,
)
from crawler.errors import LeadwatchError

STAGES = ("visit", "signing", "planned", "landing", "groundbreaking", "production")
SCOPES = ("local", "peer", "other", "unknown")
ORG_ACTIONS = ("follow", "unfollow", "alias", "list")


def _day(option: str, value: str | None) -> date | None:
    moment = time_option(option, value)
    return moment.date() if moment else None


def _open(args: argparse.Namespace):  # noqa: ANN202 - (config, database)
    config = config_from_args(args)
    database = open_database(config)
    ensure_register(config, database)
    return config, database


def _org(session, name: str):  # noqa: ANN001, ANN202 - an Organisation
    from crawler.register.queries import find_orgs

    found = find_orgs(session, name)
    if not found:
        raise LeadwatchError(f"no organisation named {name!r}; list them with `leadwatch org list`")
    if len(found) > 1 and found[0].name != name:
        names = "、".join(o.name for o in found[:6])
        raise LeadwatchError(f"{name!r} names several organisations ({names}); give the full name")
    return found[0]


def cmd_events(args: argparse.Namespace) -> int:
    from crawler.present.register import event_dict, events_table
    from crawler.register.queries import EventFilter, list_events

    _, database = _open(args)
    with database.session() as session:
        org_id = _org(session, args.org).id if args.org else None
        flt = EventFilter(
            scope=args.scope,
            stage=args.stage,
            org_id=org_id,
            since=_day("--since", args.since),
            until=_day("--until", args.until),
            status=args.status,
            min_reports=args.min_reports,
        )
        events, more = list_events(session, flt, limit=args.limit or None)
        if args.json:
            print_json([event_dict(e) for e in events])
            return ExitStatus.OK
        if not events:
            err_console.print("no events match; crawl first, or drop a filter")
            return ExitStatus.OK
        console.print(events_table(events))
    shown = f"{len(events)} event(s)"
    if more:
        shown += f"; more with --limit {args.limit * 2}"
    console.print(shown)
    return ExitStatus.OK


def cmd_projects(args: argparse.Namespace) -> int:
    from crawler.present.register import project_dict, projects_table
    from crawler.register.queries import list_projects

    _, database = _open(args)
    with database.session() as session:
        org_id = _org(session, args.org).id if args.org else None
        projects, more = list_projects(
            session,
            min_events=args.min_events,
            scope=args.scope,
            org_id=org_id,
            status=args.status,
            limit=args.limit or None,
        )
        if args.json:
            print_json([project_dict(p) for p in projects])
            return ExitStatus.OK
        if not projects:
            err_console.print("no projects match; crawl first, or drop a filter")
            return ExitStatus.OK
        console.print(projects_table(projects))
    console.print(f"{len(projects)} project(s)" + ("; more with --limit" if more else ""))
    return ExitStatus.OK


def cmd_org(args: argparse.Namespace) -> int:
    words = args.words
    if words[0] in ORG_ACTIONS and (len(words) > 1 or words[0] == "list"):
        action, rest = words[0], words[1:]
    else:
        action, rest = "show", words
    _, database = _open(args)
    with database.session() as session:
        if action == "list":
            return _org_list(session, args)
        if action == "alias":
            if len(rest) != 2 or not (args.confirm or args.reject):
                raise LeadwatchError("use `leadwatch org alias NAME ALIAS --confirm` (or --reject)")
            return _org_alias(session, rest[0], rest[1], args)
        org = _org(session, " ".join(rest))
        if action in ("follow", "unfollow"):
            from crawler.register.watch import follow

            follow(session, org.id, args.by or analyst(), on=action == "follow")
            verb = "following" if action == "follow" else "no longer following"
            console.print(
                f"{verb} {org.name}; its new events lead the next digest"
                if action == "follow"
                else f"{verb} {org.name}",
                markup=False,
            )
            return ExitStatus.OK
        return _org_show(session, org.id, args)


def _org_show(session, org_id: int, args: argparse.Namespace) -> int:  # noqa: ANN001
    from crawler.present.register import event_dict, org_dict, print_org, project_dict
    from crawler.register.queries import org_view

    view = org_view(session, org_id)
    assert view is not None
    if args.json:
        data = {
            **org_dict(view.org),
            "places": [{"place": p, "events": n} for p, n in view.places],
            "events": [event_dict(e) for e in view.events],
            "projects": [project_dict(p) for p in view.projects],
        }
        print_json(data)
    else:
        print_org(console, view.org, view.events, view.places)
    return ExitStatus.OK


def _org_list(session, args: argparse.Namespace) -> int:  # noqa: ANN001
    from rich.table import Table

    from crawler.present.labels import ORG_KIND_LABELS
    from crawler.present.register import org_dict
    from crawler.register.queries import list_orgs

    rows = list_orgs(session, followed=args.followed, limit=args.limit or None)
    if args.json:
        out = [
            {**org_dict(o), "events": n, "last_day": last.isoformat() if last else None}
            for o, n, last in rows
        ]
        print_json(out)
        return ExitStatus.OK
    table = Table("ID", "组织", "类型", "事件", "最近", "关注")
    for org, n, last in rows:
        table.add_row(
            str(org.id),
            org.name,
            ORG_KIND_LABELS.get(org.kind, org.kind),
            str(n),
            last.isoformat() if last else "—",
            "✓" if org.followed_at else "",
        )
    console.print(table)
    return ExitStatus.OK


def _org_alias(session, name: str, alias: str, args: argparse.Namespace) -> int:  # noqa: ANN001
    from crawler.register.watch import review_alias

    org = _org(session, name)
    review_alias(session, org.id, alias, bool(args.confirm), args.by or analyst())
    state = "confirmed" if args.confirm else "rejected"
    console.print(f"{alias} {state} as an alias of {org.name}", markup=False)
    if args.reject:
        console.print("run `leadwatch db upgrade` to rebuild the events without it")
    return ExitStatus.OK


def cmd_mark(args: argparse.Namespace) -> int:
    from crawler.register.followups import set_follow_up

    _, database = _open(args)
    status = None if args.status == "clear" else args.status
    with database.session() as session:
        try:
            set_follow_up(session, args.subject, args.id, status, args.note, args.by or analyst())
        except LookupError as exc:
            raise LeadwatchError(f"{exc}; list them with `leadwatch {args.subject}s`") from None
    console.print(f"{args.subject} {args.id}: {args.status}", markup=False)
    return ExitStatus.OK


def register(add: Callable[..., argparse.ArgumentParser]) -> None:
    """Add `events`, `projects`, `org` and `mark` to the `leadwatch` parser."""
    p = add("events", cmd_events, "list events (one row per event, with its report count)")
    p.add_argument("--scope", choices=SCOPES, help="local, peer (rival cities), other, unknown")
    p.add_argument("--stage", choices=STAGES)
    p.add_argument("--org", help="only events of this organisation (name or alias)")
    p.add_argument("--since", help="happened since: 7d, 2w or YYYY-MM-DD")
    p.add_argument("--until", help="happened before: 7d, 2w or YYYY-MM-DD")
    p.add_argument("--status", choices=("followed", "dismissed", "none"))
    p.add_argument("--min-reports", type=count(1), default=1, help="corroborated by N articles")
    p.add_argument("--limit", type=count(0), default=50, help="at most this many (0: all)")
    p.add_argument("--json", action="store_true", help="events as JSON, for scripts")

    p = add("projects", cmd_projects, "list projects with their stages and dates")
    p.add_argument("--min-events", type=count(1), default=1, help="only with N+ events (2: linked)")
    p.add_argument("--scope", choices=SCOPES)
    p.add_argument("--org", help="only projects of this organisation")
    p.add_argument("--status", choices=("followed", "dismissed", "none"))
    p.add_argument("--limit", type=count(0), default=50, help="at most this many (0: all)")
    p.add_argument("--json", action="store_true")

    p = add(
        "org",
        cmd_org,
        "an organisation's timeline; `org follow NAME`, `org unfollow NAME`, "
        "`org alias NAME ALIAS --confirm|--reject`, `org list`",
    )
    p.add_argument("words", nargs="+", metavar="NAME", help="name or alias, e.g. 澄远储能")
    p.add_argument("--confirm", action="store_true", help="with `alias`: it is this org's")
    p.add_argument("--reject", action="store_true", help="with `alias`: it is not")
    p.add_argument("--followed", action="store_true", help="with `list`: only followed ones")
    p.add_argument("--limit", type=count(0), default=100, help="with `list`: at most N")
    p.add_argument("--by", help="who (default: the login name)")
    p.add_argument("--json", action="store_true")

    p = add("mark", cmd_mark, "mark an event (a lead) or a project followed or dismissed")
    p.add_argument("subject", choices=("event", "project"))
    p.add_argument("id", type=int, help="as `leadwatch events` / `projects` list it")
    p.add_argument("status", choices=("followed", "dismissed", "clear"))
    p.add_argument("--note", default="", help="e.g. 已联系项目方")
    p.add_argument("--by", help="who (default: the login name)")
