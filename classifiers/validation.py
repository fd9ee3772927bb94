"""Problems of a taxonomy: schema errors, contradictions, and doubtful entries.

Each :class:`Problem` names its key (``sectors.silver.keywords["养老"]``), what is wrong
and how to fix it, and carries the key's location so the line to edit can be found in
the file (:mod:`classifiers.tomllines`). Errors make a taxonomy unusable; warnings
(``severity="warning"``) are entries that load but will misbehave — a keyword scored
for two sectors, a term of one character — and are listed by ``leadwatch taxonomy
check``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, NamedTuple, get_args, get_origin

from pydantic import BaseModel

from .normalize import build_fold_table, fold
from .schema import EVENTS, EventConfig, TaxonomyFile

_SECTOR_ID = re.compile(r"^[a-z][a-z0-9_]*$")


class Problem(NamedTuple):
    """One problem of a taxonomy file."""

    key: str
    message: str
    fix: str
    loc: tuple[str | int, ...] = ()
    needle: str | None = None
    severity: str = "error"
    line: int | None = None
    file: str | None = None  # the file that wrote the key, when a taxonomy has layers


def key_path(loc: tuple[Any, ...]) -> str:
    """Render a location tuple as a TOML-ish key: ``sectors.silver.keywords["养老"]``."""
    out = ""
    for part in loc:
        if part == "[key]":
            out += " (the key itself)"
        elif isinstance(part, int):
            out += f"[{part}]"
        elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", str(part)):
            out += f".{part}" if out else str(part)
        else:
            out += f'["{part}"]'
    return out


def _problem(
    loc: tuple[str | int, ...], message: str, fix: str, needle: str | None = None, **kw: Any
) -> Problem:
    return Problem(key_path(loc), message, fix, tuple(loc), needle, **kw)


# ------------------------------------------------------------------ schema errors

_FIXES: dict[str, str] = {
    "missing": "add this key",
    "extra_forbidden": "remove it or correct its spelling",
    "float_parsing": "write a number, e.g. 2.0",
    "float_type": "write a number, e.g. 2.0",
    "int_parsing": "write a whole number, e.g. 3",
    "int_type": "write a whole number, e.g. 3",
    "int_from_float": "write a whole number, e.g. 3",
    "bool_type": "write true or false",
    "bool_parsing": "write true or false",
    "string_type": 'write a quoted string, e.g. "合成生物"',
    "string_too_short": "write a non-empty term or remove the entry",
    "string_too_long": "shorten the term",
    "too_short": "add at least one entry",
    "dict_type": 'write a table, e.g. { "合成生物" = 3 }',
    "list_type": 'write a list, e.g. ["…", "…"]',
    "model_type": "write a table with the expected keys",
    "model_attributes_type": "write a table with the expected keys",
}


def describe(err: dict[str, Any]) -> Problem:
    """A pydantic validation error as a Problem."""
    loc = tuple(p for p in err.get("loc", ()) if p != "[key]")
    kind = err.get("type", "")
    message = str(err.get("msg", "invalid value"))
    ctx = err.get("ctx") or {}
    bounds = {"gt": "greater than", "ge": "at least", "lt": "less than", "le": "at most"}
    bound = next(((word, ctx[op]) for op, word in bounds.items() if op in ctx), None)
    if bound is not None:
        fix = f"use a number {bound[0]} {bound[1]}"
    elif kind == "literal_error":
        fix = f"use one of: {ctx.get('expected', '')}"
    elif kind == "missing":
        fix = f"add `{loc[-1]} = …` here" if loc else "add this key"
    elif kind == "extra_forbidden" and loc:
        allowed = _allowed_keys(loc[:-1])
        fix = "remove it or correct its spelling"
        if allowed:
            fix += f" (allowed keys: {', '.join(allowed)})"
    elif kind == "value_error":
        message = message.removeprefix("Value error, ")
        fix = "correct the value as described"
    else:
        fix = _FIXES.get(kind, "correct the value")
    shown = tuple(err.get("loc", ()))
    needle = loc[-1] if loc and isinstance(loc[-1], str) and len(loc) > 2 else None
    return Problem(key_path(shown), message, fix, loc, needle)


def _allowed_keys(loc: tuple[Any, ...]) -> list[str]:
    """Field names of the table that sits at ``loc`` (best effort, for error hints)."""
    ann: Any = TaxonomyFile
    for part in loc:
        if isinstance(part, int):
            continue
        if get_origin(ann) is dict:
            ann = get_args(ann)[1]
            continue
        model = _inner_model(ann)
        if model is None or part not in model.model_fields:
            return []
        ann = model.model_fields[part].annotation
    if get_origin(ann) is dict:
        return []
    model = _inner_model(ann)
    return list(model.model_fields) if model is not None else []


def _inner_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


# ------------------------------------------------------------------ contradictions


def cross_check(cfg: TaxonomyFile) -> list[Problem]:
    """Errors the schema cannot see: duplicates, unknown parents, dead excludes …"""
    f = _folder(cfg)
    problems: list[Problem] = []
    for sid, sector in cfg.sectors.items():
        base: tuple[str | int, ...] = ("sectors", sid)
        if not _SECTOR_ID.match(sid):
            problems.append(
                _problem(
                    base,
                    f"sector id {sid!r} is not a lower-case identifier",
                    "use letters, digits and _ only, starting with a letter (e.g. new_energy)",
                )
            )
        seen: dict[str, str] = {}
        for group in ("keywords", "weak"):
            for term in getattr(sector, group):
                loc = (*base, group, term)
                folded = f(term)
                if folded in seen:
                    problems.append(
                        _problem(
                            loc,
                            f"{term!r} is listed twice (also at {seen[folded]})",
                            "keep it in one place only",
                            term,
                        )
                    )
                else:
                    seen[folded] = key_path(loc)
        for i, phrase in enumerate(sector.exclude):
            loc = (*base, "exclude", i)
            folded = f(phrase)
            if folded in seen:
                problems.append(
                    _problem(
                        loc,
                        f"{phrase!r} is also a keyword of this sector",
                        "remove it from exclude or from keywords/weak",
                        phrase,
                    )
                )
            elif not any(term in folded for term in seen):
                problems.append(
                    _problem(
                        loc,
                        f"{phrase!r} contains none of this sector's keywords or weak terms, "
                        "so it excludes nothing",
                        "exclude only longer phrases around a keyword (e.g. 养老保险 around 养老)",
                        phrase,
                    )
                )

    owner: dict[str, str] = {}
    names = {p.name for p in cfg.partners}
    for i, partner in enumerate(cfg.partners):
        spellings: list[tuple[tuple[str | int, ...], str]] = [
            (("partners", i, "name"), partner.name)
        ]
        spellings += [(("partners", i, "aliases", j), a) for j, a in enumerate(partner.aliases)]
        for loc, spelling in spellings:
            folded = f(spelling)
            if len(folded) < 2:
                problems.append(
                    _problem(
                        loc,
                        f"{spelling!r} is too short to match safely",
                        "use at least 2 characters",
                        spelling,
                    )
                )
            if folded in owner and owner[folded] != partner.name:
                problems.append(
                    _problem(
                        loc,
                        f"alias {spelling!r} of {partner.name} is already a spelling of "
                        f"{owner[folded]}",
                        "give each spelling to one partner only",
                        spelling,
                    )
                )
            owner.setdefault(folded, partner.name)
        if partner.parent is not None:
            loc = ("partners", i, "parent")
            if partner.parent == partner.name:
                problems.append(
                    _problem(loc, "a partner cannot be its own parent", "remove parent")
                )
            elif partner.parent not in names:
                problems.append(
                    _problem(
                        loc,
                        f"{partner.parent!r} is not the name of any [[partners]] entry",
                        "use the exact `name` of another partner, or add that partner",
                    )
                )
    parents = {p.name: p.parent for p in cfg.partners}
    for i, partner in enumerate(cfg.partners):
        seen_chain = {partner.name}
        cur = partner.parent
        while cur is not None and cur in parents:
            if cur in seen_chain:
                problems.append(
                    _problem(
                        ("partners", i, "parent"),
                        f"parent chain of {partner.name} loops back to {cur}",
                        "remove one parent so the chain ends",
                    )
                )
                break
            seen_chain.add(cur)
            cur = parents[cur]

    place_owner: dict[str, str] = {}
    for i, place in enumerate(cfg.places):
        spellings = [(("places", i, "name"), place.name)]
        spellings += [(("places", i, "aliases", j), a) for j, a in enumerate(place.aliases)]
        for loc, spelling in spellings:
            folded = f(spelling)
            if folded in place_owner and place_owner[folded] != place.name:
                problems.append(
                    _problem(
                        loc,
                        f"{spelling!r} is already a spelling of place {place_owner[folded]}",
                        "give each spelling to one place only",
                        spelling,
                    )
                )
            place_owner.setdefault(folded, place.name)

    problems += _check_leads(cfg, f)
    return problems


def _check_leads(cfg: TaxonomyFile, f: Callable[[str], str]) -> list[Problem]:
    problems: list[Problem] = []
    leads = cfg.leads
    signal_owner: dict[str, str] = {}
    for event in EVENTS:
        ev: EventConfig = getattr(leads.events, event)
        for group in ("signals", "weak_signals"):
            for j, signal in enumerate(getattr(ev, group)):
                loc = ("leads", "events", event, group, j)
                folded = f(signal)
                if folded in signal_owner:
                    problems.append(
                        _problem(
                            loc,
                            f"{signal!r} is also a signal of {signal_owner[folded]}",
                            "keep each signal in one place only",
                            signal,
                        )
                    )
                signal_owner.setdefault(folded, f"{event}.{group}")
    for j, phrase in enumerate(leads.exclude):
        if not any(sig in f(phrase) for sig in signal_owner):
            problems.append(
                _problem(
                    ("leads", "exclude", j),
                    f"{phrase!r} contains no signal word, so it excludes nothing",
                    "exclude only phrases around a signal (e.g. 落地窗 around 落地)",
                    phrase,
                )
            )
    # Words of one sentence-level list must not also be signals: the longer match wins
    # and the signal would silently vanish.
    for group in ("hedges", "aspirations", "purposes", "background", "statistics", "context"):
        for j, word in enumerate(getattr(leads, group)):
            if f(word) in signal_owner:
                problems.append(
                    _problem(
                        ("leads", group, j),
                        f"{word!r} is also a signal ({signal_owner[f(word)]})",
                        f"remove it from {group} or from the signals",
                        word,
                    )
                )
    labels = {f(x) for x in leads.amounts.labels}
    for j, label in enumerate(leads.amounts.ignore_labels):
        if f(label) in labels:
            problems.append(
                _problem(
                    ("leads", "amounts", "ignore_labels", j),
                    f"{label!r} is also an investment label",
                    "remove it from labels or from ignore_labels",
                    label,
                )
            )
    suffixes = {f(x) for x in leads.org_suffixes}
    for j, suffix in enumerate(leads.weak_org_suffixes):
        if f(suffix) in suffixes:
            problems.append(
                _problem(
                    ("leads", "weak_org_suffixes", j),
                    f"{suffix!r} is also in org_suffixes",
                    "keep it in one of the two lists",
                    suffix,
                )
            )
    return problems


# ------------------------------------------------------------------ doubtful entries


def lint(cfg: TaxonomyFile) -> list[Problem]:
    """Warnings: entries that load but will misbehave."""
    f = _folder(cfg)
    problems: list[Problem] = []
    strong: dict[str, tuple[str, str]] = {}  # folded term -> (sector id, group)
    for sid, sector in cfg.sectors.items():
        for group in ("keywords", "weak"):
            for term in getattr(sector, group):
                folded = f(term)
                loc = ("sectors", sid, group, term)
                other = strong.get(folded)
                if other and other[0] != sid and "keywords" in (group, other[1]):
                    problems.append(
                        _problem(
                            loc,
                            f"{term!r} is scored for {sid} and for {other[0]} (also at "
                            f"{key_path(('sectors', other[0], other[1], term))}): "
                            "an article about one is tagged with both",
                            "keep the keyword in the one sector it identifies "
                            "(a weak term may be shared)",
                            term,
                            severity="warning",
                        )
                    )
                if other is None or group == "keywords":
                    strong[folded] = (sid, group)
                if len(folded) < 2:
                    problems.append(
                        _problem(
                            loc,
                            f"{term!r} is a single character and matches inside many words",
                            "use a word of at least 2 characters",
                            term,
                            severity="warning",
                        )
                    )
    for sid, sector in cfg.sectors.items():
        best = max(sector.keywords.values())
        if best * (sector.title_boost + cfg.matching.max_hits_per_term) < sector.min_score:
            problems.append(
                _problem(
                    ("sectors", sid, "min_score"),
                    f"min_score {sector.min_score} cannot be reached even by the strongest "
                    "keyword in the title and in every sentence",
                    "lower min_score or raise the keyword weights",
                    severity="warning",
                )
            )
    return problems


def _folder(cfg: TaxonomyFile) -> Callable[[str], str]:
    table = build_fold_table(cfg.matching.extra_t2s)
    return lambda term: fold(term, table)
