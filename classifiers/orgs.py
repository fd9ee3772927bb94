"""Organisations named in a sentence: known partners plus unknown ones found by their form
(…有限公司, …集团, …研究院, …大学, …管理委员会)."""

from __future__ import annotations

from typing import NamedTuple

from .matcher import Hit, leftmost_longest
from .tokenize import WINDOW, WordBoundaries

MAX_ORG_LEN = 40
# Words that cannot be part of an organisation name: the name starts after them.
_STOP_TEXT = """与 和 及 以及 同 跟 在 由 向 对 为 是 了 的 到 赴 至 从 于 把 被 让 使 给 将 已 也 还 又 都
    就 并 并且 而 或 或者 即 其 该 此 这 那 来到 走进 前往 拜访 考察 调研 见证 签署 签约 签订 共同
    与会 等 及其 携手 牵手 代表 一行 率队 率 带队 旗下 下属 所属 包括 其中 分别 会同 会见
    会谈 座谈 洽谈 对接 陪同 出席 参加 举行 举办 主办 承办 成立 组建 引进 导入 落户 落地 入驻
    设立 位于 通过 依托 围绕 聚焦 推动 加快 打造 开展 作为 成为 走访 参观 邀请 接待 宴请
    前身 前身为 原 暨 同时 此次 这次 本次 期间 以来 今年 去年 日前 近日 目前 当天 双方 三方 多方
    签 项目 希望 表示 介绍 强调 指出 认为 说 称"""
STOP_WORDS: frozenset[str] = frozenset(_STOP_TEXT.split())
# Leading words that make a phrase generic rather than a name (多所大学, 该研究院).
GENERIC_HEADS: tuple[str, ...] = (
    "该",
    "本",
    "其",
    "这",
    "那",
    "一家",
    "一所",
    "一批",
    "多家",
    "多所",
    "多个",
    "各",
    "每",
    "某",
    "知名",
    "重点",
    "相关",
    "有关",
    "国内外",
    "国内",
    "省内",
    "市内",
    "一些",
    "部分",
    "大型",
    "高校",
)


class OrgMention(NamedTuple):
    """An organisation at ``[start, end)`` of the sentence; ``partner`` is its canonical
    name when it is a known partner, else ``None``."""

    start: int
    end: int
    name: str
    partner: str | None


def find_orgs(
    text: str,
    lo: int,
    hi: int,
    partner_hits: list[Hit],
    suffix_hits: list[Hit],
    partner_names: list[str],
    legal_suffixes: frozenset[str],
    words: WordBoundaries,
    raw: str,
) -> list[OrgMention]:
    """Organisations in the sentence ``text[lo:hi]``, in order of appearance.

    ``partner_hits`` and ``suffix_hits`` are the matcher's hits inside the sentence.
    An unknown name is extended leftwards from its ending word by word until a stop
    word, a punctuation mark or another organisation; names read from ``raw`` (the
    original text), so a Traditional article yields Traditional names.
    """
    mentions: list[OrgMention] = [
        OrgMention(h.start, h.end, partner_names[int(h.role.ref)], partner_names[int(h.role.ref)])
        for h in partner_hits
    ]
    suffixes = sorted(leftmost_longest(suffix_hits), key=lambda h: h.start)
    if not suffixes:
        return mentions
    i = 0
    while i < len(suffixes):
        first = suffixes[i]
        end = first.end
        # Chain endings written back to back: 设计院 + 有限公司.
        while i + 1 < len(suffixes) and suffixes[i + 1].start == end:
            i += 1
            end = suffixes[i].end
        i += 1
        covering = [m for m in mentions if m.partner and m.start < end and first.start < m.end]
        if covering:
            m = covering[0]
            if m.end >= end or text[m.end : end] in legal_suffixes:
                continue  # the known partner itself (maybe with 有限公司)
        # A name cannot run across punctuation: segment only the stretch before the ending.
        ws = first.start
        while ws > lo and first.start - ws < MAX_ORG_LEN and _name_like(text[ws - 1]):
            ws -= 1
        we = min(hi, end + WINDOW)
        spans = [(a + ws, b + ws) for a, b in words.spans(text[ws:we])]
        if end != we and end not in {a for a, _ in spans}:
            continue  # 大学 in 大学生: the ending is not the end of a word
        start = _walk_left(text, spans, first.start, ws)
        name_start = _strip_generic(text, start, first.start)
        if name_start is None or end - name_start > MAX_ORG_LEN:
            continue
        mentions.append(OrgMention(name_start, end, raw[name_start:end], None))
    # 江苏省产业技术研究院 inside 江苏省产业技术研究院生物医药研究所: keep the full name.
    mentions = [
        m
        for m in mentions
        if m.partner
        or not any(o is not m and o.start <= m.start and m.end <= o.end for o in mentions)
    ]
    mentions.sort(key=lambda m: m.start)
    return mentions


def _walk_left(text: str, spans: list[tuple[int, int]], pos: int, lo: int) -> int:
    """Start of the name whose ending starts at ``pos``: words are taken leftwards
    until a stop word or a non-name word (punctuation, digits)."""
    start = pos
    for a, b in reversed(spans):
        if a >= pos:
            continue
        if b > pos:  # a word that runs across the ending's start (a whole partner name)
            start = a
            continue
        word = text[a:b]
        if word in STOP_WORDS or not _name_like(word):
            break
        start = a
        if a <= lo:
            break
    return start


def _name_like(word: str) -> bool:
    return all(ch.isalnum() or ch in "()（）·&-" for ch in word) and not word.isdigit()


def _strip_generic(text: str, start: int, suffix_start: int) -> int | None:
    """Drop a generic head (该, 多所 …); None when fewer than 2 name characters remain."""
    head = text[start:suffix_start]
    for g in GENERIC_HEADS:
        if head.startswith(g):
            start += len(g)
            head = head[len(g) :]
            break
    if len(head) < 2:
        return None
    return start
