"""Money amounts in Chinese text: 3亿元, 435.6亿元, 2.5万元, 1.2亿, 3000万元, 5000万美元, 三亿元."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from .normalize import fold

_UNITS: dict[str, int] = {
    "万亿": 10**12,
    "千亿": 10**11,
    "百亿": 10**10,
    "亿": 10**8,
    "千万": 10**7,
    "百万": 10**6,
    "万": 10**4,
    "千": 10**3,
}
_CURRENCIES: dict[str, str] = {
    "元人民币": "CNY",
    "人民币": "CNY",
    "元": "CNY",
    "美元": "USD",
    "美金": "USD",
    "欧元": "EUR",
    "日元": "JPY",
    "港元": "HKD",
    "港币": "HKD",
    "英镑": "GBP",
}
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4}
_CN_DIGITS.update({"五": 5, "六": 6, "七": 7, "八": 8, "九": 9})
_CN_SCALES = {"十": 10, "百": 100, "千": 1000}

_NUMBER = r"(?P<num>\d+(?:,\d{3})*(?:\.\d+)?|[零〇一二两三四五六七八九十百千]+)"
_AMOUNT = re.compile(
    r"(?<![\d.,])" + _NUMBER + r"\s*(?P<approx>余|多)?\s*"
    r"(?P<unit>万亿|千亿|百亿|亿|千万|百万|万|千)?\s*"
    r"(?P<cur>元人民币|人民币|元|美元|美金|欧元|日元|港元|港币|英镑)?"
)
# Characters that may follow a bare "3亿" (no currency) for it still to be money.
_AFTER_BARE = set(",，。;；、)）」”\"' \n的左右")


class Amount(NamedTuple):
    """A money amount at ``text[start:end]``: ``value`` in units of ``currency``."""

    value: int
    currency: str
    start: int
    end: int
    text: str


def _cn_number(chars: str) -> int | None:
    """Parse a simple Chinese numeral below ten thousand (三, 十二, 两千五百, 一百零五)."""
    total, digit = 0, None
    for ch in chars:
        if ch in _CN_DIGITS:
            if digit is not None and digit != 0:
                return None  # two digits in a row (一二) is not a number
            digit = _CN_DIGITS[ch]
        elif ch in _CN_SCALES:
            total += (1 if digit is None else digit) * _CN_SCALES[ch]
            digit = None
        else:
            return None
    return total + (digit or 0)


def parse_amounts(text: str) -> list[Amount]:
    """Find money amounts in ``text`` (Simplified or Traditional, any width).

    A number needs a currency (元, 美元, 人民币 …) or a unit of 万/亿 followed by
    punctuation (so ``1.2亿`` counts, ``2亿人次`` does not). Values are exact integers
    in the stated currency (``435.6亿元`` -> 43560000000); without a currency it is CNY.
    ``text`` in the result is the original spelling.
    """
    folded = fold(text)
    out: list[Amount] = []
    for m in _AMOUNT.finditer(folded):
        unit, cur = m.group("unit"), m.group("cur")
        if cur is None:
            if unit is None or unit in ("千",):
                continue
            nxt = folded[m.end()] if m.end() < len(folded) else "\n"
            if nxt not in _AFTER_BARE:
                continue
        num = m.group("num")
        if num[0].isdigit():
            try:
                value = Decimal(num.replace(",", ""))
            except InvalidOperation:
                continue
        else:
            cn = _cn_number(num)
            if cn is None or cn == 0:
                continue
            value = Decimal(cn)
        if unit is None and cur is not None and not num[0].isdigit() and value < 10:
            continue  # 一元 / 三元 are rarely investment amounts, and often words
        value *= _UNITS.get(unit or "", 1)
        end = m.end()
        while end > m.start() and folded[end - 1].isspace():
            end -= 1
        out.append(
            Amount(
                value=int(value),
                currency=_CURRENCIES.get(cur or "元", "CNY"),
                start=m.start(),
                end=end,
                text=text[m.start() : end],
            )
        )
    return out
