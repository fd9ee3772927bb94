"""今日重点: which events of a digest come first, by a score the digest states.

    score = 100 if a followed organisation takes part (it leads the digest wherever the
                event happened)
          +  50 if it happened here (the office's place) or the office's own sites told it
          +  20 if it moves a known project to a new stage (签约 → 开工 → 投产)
          +  10 for each independent outlet beyond the first (at most 30)
          +   2 … 10 for the amount (under 1亿元 2, from 1亿 4, from 10亿 7, from 100亿 10)

The weights are ordered so that each reason outranks everything after it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alerts.select import Entry

FOLLOWED, LOCAL, ADVANCED, PER_OUTLET, MAX_OUTLETS = 100, 50, 20, 10, 30
AMOUNT_STEPS = ((10_000_000_000, 10), (1_000_000_000, 7), (100_000_000, 4), (1, 2))
RULE = "关注企业 +100，本地 +50，项目推进 +20，每多一家独立来源 +10（至多 +30），金额 +2～10"


def amount_points(amount: int | None) -> int:
    for floor, points in AMOUNT_STEPS:
        if amount and amount >= floor:
            return points
    return 0


def score_entry(entry: Entry) -> tuple[float, list[str]]:
    """The entry's score and its reasons in words (shown beside it)."""
    event = entry.event
    if event is None:
        return 0.0, []
    score, reasons = 0.0, []
    if entry.followed:
        score += FOLLOWED
        reasons.append("关注企业：" + "、".join(entry.followed))
    if event.scope == "local":
        score += LOCAL
        reasons.append("本地")
    if entry.advanced:
        score += ADVANCED
        reasons.append("项目推进")
    extra = min(max(event.independent - 1, 0) * PER_OUTLET, MAX_OUTLETS)
    if extra:
        score += extra
        reasons.append(f"{event.independent}家独立来源")
    points = amount_points(event.amount_yuan)
    if points:
        score += points
    return score, reasons
