"""Money as the office reads it, and as the text gave it: 总投资约8亿元, 5000万美元.

The classifier keeps with every investment amount its ``qualifier`` (约, 超, 近, 逾, 以上,
余, 不低于, 计划 …), its ``label`` (总投资, 协议引资额, 一期总投资 …) and whether it is a
``plan`` (a target for a period, 十五五期间计划…). Every surface shows an amount through
:func:`amount_phrase`, so a qualifier is never dropped and a plan never reads as a
signed figure.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from crawler.store.models import Lead

# 约8亿元 — before the figure; 8亿元以上 — after it; 8余亿元 — before the unit;
# 计划总投资8亿元 — before the label (the figure itself is hedged)
QUALIFIERS_BEFORE = frozenset({"约", "近", "超", "逾", "超过", "不低于", "不少于", "达"})
QUALIFIERS_AFTER = frozenset({"以上", "多"})
QUALIFIERS_HEDGE = frozenset({"计划", "拟", "预计"})
PLAN_MARK = "（规划目标）"


def format_yuan(amount: int | None, currency: str = "CNY", text: str | None = None) -> str:
    """3亿元, 2.5万元, 800元; foreign currency keeps the original text."""
    if amount is None:
        return text or ""
    if currency and currency != "CNY":
        return text or f"{amount} {currency}"
    for unit, size in (("亿元", 10**8), ("万元", 10**4)):
        if amount >= size:
            value = Decimal(amount) / size
            return f"{value.normalize():f}{unit}"
    return f"{amount}元"


def amount_phrase(entry: Mapping[str, Any]) -> str:
    """One amount as the text gave it: its label, qualifier and figure (总投资超500亿元),
    a plan marked as one (计划总投资300亿元（规划目标）)."""
    figure = format_yuan(entry.get("value"), entry.get("currency") or "CNY", entry.get("text"))
    if not figure:
        return ""
    label = entry.get("label") or ""
    qualifier = entry.get("qualifier") or ""
    if qualifier in QUALIFIERS_BEFORE:
        figure = qualifier + figure
    elif qualifier in QUALIFIERS_AFTER:
        figure += qualifier
    elif qualifier == "余" and figure[-2:] in ("亿元", "万元"):
        figure = f"{figure[:-2]}余{figure[-2:]}"
    elif qualifier in QUALIFIERS_HEDGE and not label.startswith(qualifier):
        label = qualifier + label
    phrase = label + figure
    return phrase + PLAN_MARK if entry.get("plan") else phrase


def headline_amount(lead: Lead) -> str:
    """A lead's headline amount as the text gave it (its ``amount_yuan``, or the foreign
    amount of ``amount_text``), or '' when it names none."""
    for entry in lead.amounts or []:
        same_figure = entry.get("value") == lead.amount_yuan and lead.amount_yuan is not None
        foreign = lead.amount_yuan is None and entry.get("text") == lead.amount_text
        if (same_figure or foreign) and not entry.get("plan"):
            return amount_phrase(entry)
    return format_yuan(lead.amount_yuan, lead.currency, lead.amount_text)


def lead_amounts(lead: Lead) -> str:
    """Every investment amount of a lead as the text gave them (总投资8亿元、协议引资额6亿元),
    or its headline amount when it lists none (leads stored before they listed them)."""
    phrases = [p for p in (amount_phrase(a) for a in lead.amounts or []) if p]
    return "、".join(dict.fromkeys(phrases)) if phrases else headline_amount(lead)
