"""The taxonomy file's schema: sectors, partners, places and lead signals (pydantic)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

Term = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]
Weight = Annotated[float, Field(gt=0, le=100)]
EVENTS: tuple[str, ...] = ("signing", "landing", "visit")
PARTNER_KINDS: tuple[str, ...] = ("soe", "institute", "company", "government")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _no_blanks(value: str) -> str:
    if any(ch.isspace() for ch in value):
        raise ValueError(
            f"{value!r} contains a blank; terms are matched as written, without blanks"
        )
    return value


class MatchingConfig(_Model):
    """How terms are matched and sectors scored."""

    max_hits_per_term: int = Field(3, ge=1, le=1000)
    list_min_sectors: int = Field(3, ge=2, le=50)
    list_damping: float = Field(0.3, ge=0, le=1)
    min_sentences: int = Field(2, ge=1, le=20)
    lead_boost: float = Field(1.5, ge=1, le=5)
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

    @field_validator("keywords", "weak")
    @classmethod
    def _terms(cls, value: dict[str, float]) -> dict[str, float]:
        for term in value:
            _no_blanks(term)
        return value

    @field_validator("exclude")
    @classmethod
    def _phrases(cls, value: list[str]) -> list[str]:
        return [_no_blanks(v) for v in value]


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
    """Signal words of one lead event type.

    ``weak_signals`` count only in a sentence that also names an organisation and a
    cooperation word (``leads.context``): 调研 of a local firm's production is no visit.
    """

    weight: Weight
    signals: list[Term] = Field(min_length=1)
    weak_signals: list[Term] = Field(default_factory=list)
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
    phase_words: list[Term] = Field(default_factory=list)


class LeadsConfig(_Model):
    """Lead detection settings (the rules are explained in config/taxonomy.toml)."""

    min_score: float = Field(3.0, ge=0)
    hedges: list[Term] = Field(default_factory=list)
    aspirations: list[Term] = Field(default_factory=list)
    purposes: list[Term] = Field(default_factory=list)
    background: list[Term] = Field(default_factory=list)
    statistics: list[Term] = Field(default_factory=list)
    exclude: list[Term] = Field(default_factory=list)
    context: list[Term] = Field(default_factory=list)
    project_words: list[Term] = Field(default_factory=list)
    generic_projects: list[Term] = Field(default_factory=list)
    public_works: list[Term] = Field(default_factory=list)
    org_suffixes: list[Term] = Field(min_length=1)
    weak_org_suffixes: list[Term] = Field(default_factory=list)
    legal_suffixes: list[Term] = Field(default_factory=list)
    person_titles: list[Term] = Field(default_factory=list)
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
