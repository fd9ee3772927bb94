"""Result types of :meth:`classifiers.Classifier.classify`."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(slots=True)
class SectorTag:
    """A sector the article is about.

    ``evidence`` = ``{"terms": {term: {"title": n, "body": m}}, "sentence": str}``.
    """

    id: str
    label: str
    score: float
    evidence: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class PartnerTag:
    """A known partner named in the article (``name`` is the canonical name).

    ``evidence`` = ``{"terms": {spelling: {"title": n, "body": m}}, "sentence": str}``,
    plus ``"via": [child names]`` when the partner is credited through a subsidiary.
    """

    name: str
    score: float
    evidence: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Lead:
    """A cooperation lead: one sentence with a signing, landing or visit event.

    ``amount_yuan`` is the investment amount in yuan when it is given in CNY; for an
    amount in another currency it is ``None`` and ``currency`` (e.g. ``"USD"``) with
    ``amount_text`` (e.g. ``"5000万美元"``) tell it (see ``classifiers.parse_amounts``).
    That is the headline amount: the largest signed or invested amount in CNY, else the
    first one; a plan is never the headline. ``amounts`` lists every investment
    amount of the lead's sentence (总投资8亿元，协议引资额6亿元; 总投资分别为10亿元和
    2.3亿元), each a JSON-ready dict:

    - ``value`` (int, in units of ``currency``), ``currency`` ("CNY", "USD" …), ``text``
      (the figure as the page writes it, its qualifier included: "超过500亿元");
    - ``qualifier``: what the text puts on the figure, one spelling each — "约" (约, 约合,
      约为, 左右), "近" (近, 将近), "超" (超, 超过), "逾", "以上", "余" (余, 多), "不低于",
      "不少于" — or, when only the label is hedged, "计划", "拟" or "预计"; else None;
    - ``label``: the investment label the amount follows, in Simplified characters and
      with its phase when one stands before it ("总投资", "协议引资额", "计划总投资",
      "注册资本", "一期总投资" …), else None;
    - ``plan``: True for a target the lead sets for a period, not a signed or invested
      figure (根据协议，“十五五”期间计划投资超过500亿元; 未来五年; 到2030年): it stays in
      ``amounts`` (the labels count an agreement's planned investment as its amount) but
      is never the headline, and a reader shows it as a plan.
    """

    event: str
    amount_yuan: int | None
    currency: str
    amount_text: str | None
    counterparts: list[str]
    place: str | None
    sentence: str
    score: float
    amounts: list[dict[str, Any]] = field(default_factory=list)


@dataclass(slots=True)
class Classification:
    """Sectors, partners and leads of one article, each list sorted by score (desc)."""

    sectors: list[SectorTag] = field(default_factory=list)
    partners: list[PartnerTag] = field(default_factory=list)
    leads: list[Lead] = field(default_factory=list)

    def to_dict(self) -> dict[str, list[dict[str, Any]]]:
        """A JSON-ready dict: ``{"sectors": [...], "partners": [...], "leads": [...]}``."""
        return {
            "sectors": [asdict(t) for t in self.sectors],
            "partners": [asdict(t) for t in self.partners],
            "leads": [asdict(t) for t in self.leads],
        }
