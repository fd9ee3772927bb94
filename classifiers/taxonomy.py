"""The taxonomy: sectors, partners, places and lead signals, loaded from TOML and validated.

Every problem is reported as ``<file>: <key>: <what is wrong> (fix: <how>)`` where the key
is written like ``sectors.silver.keywords["养老"]`` or ``partners[3].aliases[0]``.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal, get_args, get_origin

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
)

from .normalize import build_fold_table, fold

Term = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]
Weight = Annotated[float, Field(gt=0, le=100)]
EVENTS: tuple[str, ...] = ("signing", "landing", "visit")
PARTNER_KINDS: tuple[str, ...] = ("soe", "institute", "company", "government")
_SECTOR_ID = re.compile(r"^[a-z][a-z0-9_]*$")


class TaxonomyError(ValueError):
    """The taxonomy file is missing, unreadable or invalid.

    ``str(err)`` names the file, the offending key and how to fix it (one line per
    problem); ``err.problems`` holds ``(key, message, fix)`` tuples.
    """

    def __init__(self, path: str, problems: list[tuple[str, str, str]]) -> None:
        self.path = path
        self.problems = problems
        lines = [
            f"{path}: {key}: {message} (fix: {fix})" if key else f"{path}: {message} (fix: {fix})"
            for key, message, fix in problems
        ]
        super().__init__("\n".join(lines))


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MatchingConfig(_Model):
    """How terms are matched in text."""

    boundary_max_len: int = Field(3, ge=0, le=20)
    max_hits_per_term: int = Field(3, ge=1, le=1000)
    list_min_sectors: int = Field(3, ge=2, le=50)
    list_damping: float = Field(0.3, ge=0, le=1)
    extra_t2s: dict[str, str] = Field(default_factory=dict)

    @field_validator("extra_t2s")
    @classmethod
    def _single_chars(cls, value: dict[str, str]) -> dict[str, str]:
        for src, dst in value.items():
            if len(src) != 1 or len(dst) != 1:
                raise ValueError(
                    f"{src!r} = {dst!r} maps more than one character; "
                    "each key and value must be a single character"
                )
        return value


class SectorConfig(_Model):
    """One sector: weighted keywords, weak terms, exclusions and its tagging threshold."""

    label: Term
    keywords: dict[Term, Weight] = Field(min_length=1)
    weak: dict[Term, Weight] = Field(default_factory=dict)
    exclude: list[Term] = Field(default_factory=list)
    title_boost: float = Field(2.0, ge=1, le=20)
    min_score: float = Field(gt=0)


class PartnerScoring(_Model):
    """How partner mentions are scored."""

    title_boost: float = Field(2.0, ge=1, le=20)
    min_score: float = Field(1.0, gt=0)
    parent_share: float = Field(0.5, ge=0, le=1)


class PartnerConfig(_Model):
    """A partner organisation with its canonical name and other spellings."""

    name: Term
    aliases: list[Term] = Field(default_factory=list)
    parent: Term | None = None
    kind: Literal["soe", "institute", "company", "government"]


class PlaceConfig(_Model):
    """A place in Yixing (development zone, town, street)."""

    name: Term
    aliases: list[Term] = Field(default_factory=list)
    generic: bool = False


class EventConfig(_Model):
    """Signal words of one lead event type."""

    weight: Weight
    signals: list[Term] = Field(min_length=1)
    needs_org: bool = False


class EventsConfig(_Model):
    """The three lead event types."""

    signing: EventConfig
    landing: EventConfig
    visit: EventConfig


class LeadScoreConfig(_Model):
    """Additions to a lead's score."""

    amount: float = Field(2.0, ge=0)
    amount_large: float = Field(1.0, ge=0)
    known_partner: float = Field(2.0, ge=0)
    unknown_org: float = Field(1.0, ge=0)
    place: float = Field(0.5, ge=0)
    hedge_factor: float = Field(0.5, ge=0, le=1)


class AmountsConfig(_Model):
    """Which amounts are investment amounts."""

    label_window: int = Field(12, ge=1, le=80)
    labels: list[Term] = Field(min_length=1)
    ignore_labels: list[Term] = Field(default_factory=list)


class LeadsConfig(_Model):
    """Lead detection settings."""

    min_score: float = Field(3.0, ge=0)
    hedges: list[Term] = Field(default_factory=list)
    exclude: list[Term] = Field(default_factory=list)
    org_suffixes: list[Term] = Field(min_length=1)
    legal_suffixes: list[Term] = Field(default_factory=list)
    score: LeadScoreConfig = Field(default_factory=LeadScoreConfig)
    events: EventsConfig
    amounts: AmountsConfig


class TaxonomyFile(_Model):
    """The whole taxonomy file."""

    matching: MatchingConfig = Field(default_factory=MatchingConfig)
    sectors: dict[str, SectorConfig] = Field(min_length=1)
    partner_scoring: PartnerScoring = Field(default_factory=PartnerScoring)
    partners: list[PartnerConfig] = Field(default_factory=list)
    places: list[PlaceConfig] = Field(default_factory=list)
    leads: LeadsConfig


@dataclass(frozen=True)
class Taxonomy:
    """A validated taxonomy.

    ``sectors`` maps sector id to label (file order), ``partners`` lists canonical
    partner names; ``config`` is the full validated model.
    """

    path: str
    config: TaxonomyFile
    sectors: dict[str, str] = field(default_factory=dict)
    partners: list[str] = field(default_factory=list)

    @property
    def sector_configs(self) -> dict[str, SectorConfig]:
        """Sector id -> full sector settings."""
        return dict(self.config.sectors)

    @property
    def partner_configs(self) -> dict[str, PartnerConfig]:
        """Canonical partner name -> full partner settings."""
        return {p.name: p for p in self.config.partners}

    def canonical_partner(self, name: str) -> str | None:
        """The canonical name for a partner name or alias (国投 -> 国家开发投资集团)."""
        wanted = name.strip().lower()
        for partner in self.config.partners:
            if wanted in (n.lower() for n in [partner.name, *partner.aliases]):
                return partner.name
        return None


def load_taxonomy(path: str | Path = "config/taxonomy.toml") -> Taxonomy:
    """Load and validate the taxonomy TOML file at ``path``.

    Raises :class:`TaxonomyError` naming the file, the key and the fix when the file is
    missing, is not valid TOML, or does not describe a usable taxonomy.
    """
    shown = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        raise TaxonomyError(
            shown, [("", f"cannot read the taxonomy file ({reason})", "check the path")]
        ) from exc
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise TaxonomyError(
            shown, [("", f"not UTF-8 text ({exc.reason})", "save the file as UTF-8")]
        ) from exc
    except tomllib.TOMLDecodeError as exc:
        raise TaxonomyError(
            shown,
            [
                (
                    "",
                    f"invalid TOML: {exc}",
                    "correct the TOML syntax at that line (a key written twice in "
                    "one table is reported here too)",
                )
            ],
        ) from exc
    return taxonomy_from_dict(data, shown)


def taxonomy_from_dict(data: dict[str, Any], path: str = "<taxonomy>") -> Taxonomy:
    """Validate an already parsed taxonomy mapping; ``path`` is used in error messages."""
    try:
        config = TaxonomyFile.model_validate(data)
    except ValidationError as exc:
        raise TaxonomyError(path, [_describe(err) for err in exc.errors()]) from exc
    problems = _cross_check(config)
    if problems:
        raise TaxonomyError(path, problems)
    return Taxonomy(
        path=path,
        config=config,
        sectors={sid: s.label for sid, s in config.sectors.items()},
        partners=[p.name for p in config.partners],
    )


# ------------------------------------------------------------------ error reporting


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


_FIXES: dict[str, str] = {
    "missing": "add this key",
    "extra_forbidden": "remove it or correct its spelling",
    "greater_than": "use a larger number",
    "greater_than_equal": "use a larger number",
    "less_than": "use a smaller number",
    "less_than_equal": "use a smaller number",
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
    "value_error": "see the message",
}


def _describe(err: Any) -> tuple[str, str, str]:
    loc = tuple(err.get("loc", ()))
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
    else:
        fix = _FIXES.get(kind, "correct the value")
    if kind == "value_error":
        message = message.removeprefix("Value error, ")
        fix = "correct the value as described"
    return key_path(loc), message, fix


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


# ------------------------------------------------------------------ cross checks


def _cross_check(cfg: TaxonomyFile) -> list[tuple[str, str, str]]:
    table = build_fold_table(cfg.matching.extra_t2s)
    problems: list[tuple[str, str, str]] = []

    def f(term: str) -> str:
        return fold(term, table)

    for sid, sector in cfg.sectors.items():
        base = f"sectors.{sid}" if _SECTOR_ID.match(sid) else key_path(("sectors", sid))
        if not _SECTOR_ID.match(sid):
            problems.append(
                (
                    base,
                    f"sector id {sid!r} is not a lower-case identifier",
                    "use letters, digits and _ only, starting with a letter (e.g. new_energy)",
                )
            )
        seen: dict[str, str] = {}
        for group in ("keywords", "weak"):
            for term in getattr(sector, group):
                key = f'{base}.{group}["{term}"]'
                folded = f(term)
                if folded in seen:
                    problems.append(
                        (
                            key,
                            f"{term!r} is listed twice (also at {seen[folded]})",
                            "keep it in one place only",
                        )
                    )
                else:
                    seen[folded] = key
        for i, phrase in enumerate(sector.exclude):
            key = f"{base}.exclude[{i}]"
            folded = f(phrase)
            if folded in seen:
                problems.append(
                    (
                        key,
                        f"{phrase!r} is also a keyword of this sector",
                        "remove it from exclude or from keywords/weak",
                    )
                )
            elif not any(term in folded for term in seen):
                problems.append(
                    (
                        key,
                        f"{phrase!r} contains none of this sector's keywords or weak terms, "
                        "so it excludes nothing",
                        "exclude only longer phrases around a keyword (e.g. 养老保险 around 养老)",
                    )
                )

    owner: dict[str, str] = {}
    names = {p.name for p in cfg.partners}
    for i, partner in enumerate(cfg.partners):
        spellings = [(f"partners[{i}].name", partner.name)] + [
            (f"partners[{i}].aliases[{j}]", alias) for j, alias in enumerate(partner.aliases)
        ]
        for key, spelling in spellings:
            folded = f(spelling)
            if len(folded) < 2:
                problems.append(
                    (key, f"{spelling!r} is too short to match safely", "use at least 2 characters")
                )
            if folded in owner and owner[folded] != partner.name:
                problems.append(
                    (
                        key,
                        f"{spelling!r} ({partner.name}) is already a spelling of {owner[folded]}",
                        "give each spelling to one partner only",
                    )
                )
            owner.setdefault(folded, partner.name)
        if partner.parent is not None:
            key = f"partners[{i}].parent"
            if partner.parent == partner.name:
                problems.append((key, "a partner cannot be its own parent", "remove parent"))
            elif partner.parent not in names:
                problems.append(
                    (
                        key,
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
                    (
                        f"partners[{i}].parent",
                        f"parent chain of {partner.name} loops back to {cur}",
                        "remove one parent so the chain ends",
                    )
                )
                break
            seen_chain.add(cur)
            cur = parents[cur]

    place_owner: dict[str, str] = {}
    for i, place in enumerate(cfg.places):
        spellings = [(f"places[{i}].name", place.name)] + [
            (f"places[{i}].aliases[{j}]", a) for j, a in enumerate(place.aliases)
        ]
        for key, spelling in spellings:
            folded = f(spelling)
            if folded in place_owner and place_owner[folded] != place.name:
                problems.append(
                    (
                        key,
                        f"{spelling!r} is already a spelling of place {place_owner[folded]}",
                        "give each spelling to one place only",
                    )
                )
            place_owner.setdefault(folded, place.name)

    signal_owner: dict[str, str] = {}
    for event in EVENTS:
        ev: EventConfig = getattr(cfg.leads.events, event)
        for j, signal in enumerate(ev.signals):
            key = f"leads.events.{event}.signals[{j}]"
            folded = f(signal)
            if folded in signal_owner and signal_owner[folded] != event:
                problems.append(
                    (
                        key,
                        f"{signal!r} is also a signal of {signal_owner[folded]}",
                        "keep each signal in one event only",
                    )
                )
            signal_owner.setdefault(folded, event)
    for j, phrase in enumerate(cfg.leads.exclude):
        if not any(sig in f(phrase) for sig in signal_owner):
            problems.append(
                (
                    f"leads.exclude[{j}]",
                    f"{phrase!r} contains no signal word, so it excludes nothing",
                    "exclude only phrases around a signal (e.g. 落地窗 around 落地)",
                )
            )
    labels = {f(x) for x in cfg.leads.amounts.labels}
    for j, label in enumerate(cfg.leads.amounts.ignore_labels):
        if f(label) in labels:
            problems.append(
                (
                    f"leads.amounts.ignore_labels[{j}]",
                    f"{label!r} is also an investment label",
                    "remove it from labels or from ignore_labels",
                )
            )
    return problems
