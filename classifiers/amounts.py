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

_CN = "零〇一二两三四五六七八九十百千"
_NUMBER = r"(?P<num>\d+(?:,\d{3})*(?:\.\d+)?|[" + _CN + r"]+)"
_AMOUNT = re.compile(
    r"(?P<before>约合|约为|约|将近|近|超过|超|逾|不低于|不少于)?"
    r"(?<![\d.,])" + _NUMBER + r"\s*(?P<approx>余|多)?\s*"
    r"(?P<unit>万亿|千亿|百亿|亿|千万|百万|万|千)?"
    # 3亿5000万元 / 一亿五千万元: a second part in 万 after 亿.
    r"(?:(?<=亿)(?P<num2>\d+(?:\.\d+)?|[" + _CN + r"]+)(?P<unit2>千万|百万|万))?\s*"
    r"(?P<approx2>(?<=[亿万])[余多](?=元|人民币|美元|欧元|日元|港元|港币|英镑))?"  # 468亿余元
    r"(?P<cur>元人民币|人民币|元|美元|美金|欧元|日元|港元|港币|英镑)?"
    r"(?P<after>以上|左右)?"
)
# Every amount has one of these (a unit or a currency): a cheap test before the full parse.
_HINT = re.compile("[元亿万镑币]")
# Characters that may follow a bare "3亿" (no currency) for it still to be money.
_AFTER_BARE = set(",，。;；、)）」”\"' \n的左右!！?？建")


class Amount(NamedTuple):
    """A money amount at ``text[start:end]``: ``value`` in units of ``currency``;
    ``qualifier`` is the word the text puts on the figure (约, 近, 超, 逾, 以上 …), in
    Simplified characters, or None."""

    value: int
    currency: str
    start: int
    end: int
    text: str
    qualifier: str | None = None


# The qualifier words as the parser finds them -> as a lead shows them (one spelling each).
QUALIFIERS: dict[str, str] = {
    "约合": "约",
    "约为": "约",
    "约": "约",
    "左右": "约",
    "将近": "近",
    "近": "近",
    "超过": "超",
    "超": "超",
    "逾": "逾",
    "不低于": "不低于",
    "不少于": "不少于",
    "以上": "以上",
    "余": "余",
    "多": "余",
}


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
    in the stated currency (``435.6亿元`` -> 43560000000, ``3亿5000万元`` -> 350000000);
    without a currency it is CNY. ``text`` in the result is the original spelling with
    its qualifier (``约18亿元``, ``超10亿元``, ``10亿元以上``): the value is the stated figure.
    """
    folded = fold(text)
    out: list[Amount] = []
    if _HINT.search(folded) is None:
        return out
    for m in _AMOUNT.finditer(folded):
        unit, cur = m.group("unit"), m.group("cur")
        if cur is None:
            if unit is None or unit in ("千",):
                continue
            nxt = folded[m.end()] if m.end() < len(folded) else "\n"
            if nxt not in _AFTER_BARE:
                continue
        num = m.group("num")
        value = _number(num)
        if value is None:
            continue
        if unit is None and cur is not None and not num[0].isdigit() and value < 10:
            continue  # 一元 / 三元 are rarely investment amounts, and often words
        value *= _UNITS.get(unit or "", 1)
        if m.group("num2"):
            part = _number(m.group("num2"))
            if part is None:
                continue
            value += part * _UNITS[m.group("unit2")]
        start = m.start("num")
        end = m.end()
        while end > start and folded[end - 1].isspace():
            end -= 1
        shown_start = m.start() if m.group("before") else start
        word = m.group("before") or m.group("after") or m.group("approx") or m.group("approx2")
        out.append(
            Amount(
                value=int(value),
                currency=_CURRENCIES.get(cur or "元", "CNY"),
                start=start,
                end=end,
                text=text[shown_start:end],
                qualifier=QUALIFIERS.get(word) if word else None,
            )
        )
    return out


def _number(chars: str) -> Decimal | None:
    """3,000 / 435.6 / 二十 as a Decimal; None when it is not a number."""
    if chars[0].isdigit():
        try:
            return Decimal(chars.replace(",", ""))
        except InvalidOperation:
            return None
    cn = _cn_number(chars)
    return Decimal(cn) if cn else None
