"""Money as the office reads it: 3亿元, 2.5万元, 5000万美元."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from crawler.store.models import Lead


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


def lead_amounts(lead: Lead) -> str:
    """Every investment amount of a lead (8亿元、6亿元), or its headline amount when it
    lists none (leads stored before they listed them)."""
    amounts = lead.amounts or []
    if len(amounts) <= 1:
        return format_yuan(lead.amount_yuan, lead.currency, lead.amount_text)
    return "、".join(
        format_yuan(a.get("value"), a.get("currency") or "CNY", a.get("text")) for a in amounts
    )
