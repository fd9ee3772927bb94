"""Organisations named in a sentence: known partners plus unknown ones found by their form
(…有限公司, …集团, …研究院, …大学, …管理委员会)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

import ahocorasick

from .matcher import Hit
from .normalize import Source
from .posts import OFFICIAL_TITLES
from .words import JiebaWords, TextWords

MAX_ORG_LEN = 40
# Words that cannot be part of an organisation name: the name starts after them.
_STOP_TEXT = """与 和 及 以及 同 跟 在 由 向 对 为 是 了 的 到 赴 至 从 于 把 被 让 使 给 将 已 也 还 又 都
    就 并 并且 而 或 或者 即 其 该 此 这 那 来到 走进 前往 拜访 考察 调研 见证 签署 签约 签订 共同
    与会 等 及其 携手 牵手 代表 一行 率队 率 带队 旗下 下属 所属 包括 其中 分别 会同 会见
    会谈 座谈 洽谈 对接 陪同 出席 参加 举行 举办 主办 承办 成立 组建 引进 导入 落户 落地 入驻
    设立 位于 通过 依托 围绕 聚焦 推动 加快 打造 开展 作为 成为 走访 参观 邀请 接待 宴请
    前身 前身为 原 暨 同时 此次 这次 本次 期间 以来 今年 去年 日前 近日 目前 当天 双方 三方 多方
    签 项目 希望 表示 介绍 强调 指出 认为 说 称 落实 推进 深化 加强 支持 引导 鼓励 实施 带领 率领
    拥有 助力 牵头 发起 筹建 搭建 建立 共建 对于 关于 根据 按照 感谢 欢迎 来自
    子公司 全资子公司 控股子公司 标志着 意味着 下一步 结合 随着 加上 开展 进行"""
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
    "学校",
    "行业",
    "校方",
    "院方",
)


_GENERIC_RUN = re.compile(
    "(?:" + "|".join(re.escape(g) for g in sorted(GENERIC_HEADS, key=len, reverse=True)) + ")+"
)


# Conjunctions that also occur inside trade names (瑞和, 同和, 康与): one splits a name only
# when what follows it is more than industry words (…与江苏中澜新能源科技有限公司), since
# a registered company name always has a trade name (字号) before its industry.
NAME_CONJUNCTIONS: frozenset[str] = frozenset("和与及同")
# Industry words of company names (行业表述): a name made only of these has no trade name.
_INDUSTRY_TEXT = """科技 技术 医药 制药 药业 生物 医疗 器械 医疗器械 新能源 能源 智能 装备 材料 新材料
    电子 信息 网络 数据 软件 环保 环境 实业 发展 投资 控股 贸易 物流 供应链 航空 汽车 电气
    电力 化工 机械 精密 工程 建设 咨询 服务 管理 健康 养老 文化 传媒 食品 光伏 储能 动力
    制造 智造 半导体 集成电路 通信 检测 诊断 股份 国际 中国"""
INDUSTRY_WORDS: frozenset[str] = frozenset(_INDUSTRY_TEXT.split())
_INDUSTRY_MAX = max(len(w) for w in INDUSTRY_WORDS)


def _trade_words_only(text: str, start: int, end: int) -> bool:
    """Whether the words before an ending are industry words only (医疗器械 创新中心, 制药
    工程 学院): such a name has no name of its own. 中国/国际 open real names (中国电子
    科技集团), so they do not count here."""
    head = text[start:end]
    for opener in ("中国", "国际"):
        if head.startswith(opener):
            return False
    words = "".join(ch for ch in head if ch not in NAME_CONJUNCTIONS)  # 生物与制药工程
    return industry_only(words, 0, len(words))


def industry_only(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is made of industry words only (制药, 医疗器械 …)."""
    i = start
    if i >= end:
        return False
    while i < end:
        for n in range(min(_INDUSTRY_MAX, end - i), 1, -1):
            if text[i : i + n] in INDUSTRY_WORDS:
                i += n
                break
        else:
            return False
    return True


class OrgMention(NamedTuple):
    """An organisation at ``[start, end)`` of the folded text; ``partner`` is its
    canonical name when it is a known partner, else ``None``, and ``spelled`` then how the
    page writes it."""

    start: int
    end: int
    name: str
    partner: str | None
    spelled: str | None = None  # a known partner as the page spells it (中国商飞, 國藥集團)


def find_orgs(
    text: str,
    raw: Source | str,
    lo: int,
    hi: int,
    partners: list[tuple[int, int, str]],
    suffixes: list[Hit],
    words: TextWords | JiebaWords,
    legal_suffixes: frozenset[str],
    stops: StopWords,
    weak_min_name: int = 3,
) -> list[OrgMention]:
    """Organisations in the sentence ``text[lo:hi]``, in order of appearance.

    ``partners`` are the accepted partner mentions ``(start, end, canonical name)`` and
    ``suffixes`` the organisation endings found in the sentence. An unknown name runs
    leftwards from its ending over name characters, and starts after the nearest stop
    word that stands as a word of its own (与, 和, 签署 …; 为 in 华为 is no stop word); a
    name ending only in a weak ending (公司, 集团) needs at least ``weak_min_name``
    characters before it (落实集团 is no name). Names are read from ``raw`` (the original
    text, or a :class:`~classifiers.normalize.Source` reading spans back as the page has
    them), so a Traditional article yields Traditional names.
    """
    mentions = [OrgMention(s, e, name, name, raw[s:e]) for s, e, name in partners]
    i = 0
    while i < len(suffixes):
        first = suffixes[i]
        end = first[1]
        weak = _weak(first)
        # Chain endings written back to back: 设计院 + 有限公司.
        while i + 1 < len(suffixes) and suffixes[i + 1][0] == end:
            i += 1
            end = suffixes[i][1]
            weak = weak and _weak(suffixes[i])
        i += 1
        covering = [m for m in mentions if m.partner and m.start < end and first[0] < m.end]
        if covering:
            m = covering[0]
            if m.end >= end or text[m.end : end] in legal_suffixes:
                continue  # the known partner itself (maybe with 有限公司)
        if end < hi and not words.boundary(end):
            continue  # 大学 in 大学生: the ending is not the end of a word
        if text[first[0] - 1 : first[0]] in ("子", "孙") and text[first[0] : end] == "公司":
            continue  # 某集团子公司: a relation; the parent is named before it
        ws = first[0]
        while ws > lo and first[0] - ws < MAX_ORG_LEN and _name_char(text[ws - 1]):
            ws -= 1
        start = ws
        for s, e in reversed(stops.scan(text, ws, first[0])):
            if words.boundary(s) and words.boundary(e):
                if (
                    text[s:e] in NAME_CONJUNCTIONS
                    and s > ws
                    and industry_only(text, e, first[0])
                    and not text.startswith(("中国", "国家", "国际"), e)
                ):
                    continue  # 瑞和制药股份有限公司: 和 belongs to the trade name 瑞和
                start = e
                break
        while start < first[0] and text[start].isdigit():
            start += 1  # 2025年… : a date is not part of a name
        start = _after_unopened(text, start, first[0])  # (记者 某某)光明集团…: not the byline
        if text[first[0] - 1 : first[0]] in ("(", "（") and text[end : end + 1] in (")", "）"):
            end += 1  # 农工商房地产(集团): the ending in brackets belongs to the name
        name_start = _strip_generic(text, start, first[0])
        if name_start is None or end - name_start > MAX_ORG_LEN:
            continue
        if weak and first[0] - name_start < weak_min_name and not _set_off(text, lo, name_start):
            continue  # 落实集团 is no name; 与申能集团、东风公司 are
        if _trade_words_only(text, name_start, first[0]):
            continue  # 医疗器械创新中心, 制药工程学院: a kind of body, no name
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


# Before a short name with a weak ending (申能集团, 东风公司), one of these shows the name
# starts there: a conjunction, a preposition, a list mark or the clause's start.
_SET_OFF = frozenset('与和及同由跟向、，,：:；;“"（(')


def _set_off(text: str, lo: int, start: int) -> bool:
    """Whether the name starting at ``start`` is set off by a conjunction, a list mark or
    the start of its clause, so two characters before 集团/公司 make a name."""
    return start == lo or text[start - 1] in _SET_OFF


# A co-listed or titled name is not an organisation when it ends like a place or a
# government body (长兴经济技术开发区与…, 市委书记…): those are the hosts.
_HOST_ENDINGS = ("区", "县", "市", "省", "镇", "乡", "街道", "政府", "园", "市委", "区委", "县委")
_HOST_STARTS = ("市", "区", "县", "省", "镇", "我市", "全市", "本市")
_LIST_MARKS = "、和与及"
_NEXT_MARKS = frozenset("、和与及(（")
_SHORT_NAME = re.compile(r"\s*[(（]\s*(?:以下)?(?:简称|下称)\s*[“\"「]?\s*([^”\"」)）\s]{2,12})")
_PERSON_POSTS = (
    *OFFICIAL_TITLES,
    "董事长",
    "总经理",
    "总裁",
    "院长",
    "校长",
    "会长",
    "秘书长",
    "委员",
    "代表",
)
_NOT_IN_NAMES = (
    "项目",
    *OFFICIAL_TITLES,
    "秘书长",
    "负责人",
    "一行",
    "同志",
    "领导",
)
# A firm's site after its name in a list (甲科技研发总部、乙集团华南基地).
_FACILITY_END = re.compile(
    r"(?:华东|华南|华北|华中|西南|西北|东北|全球|亚太|区域)*"
    r"(?:运营|制造|生产|研发|产业|总装)?(?:总部|基地|工厂|运营中心|研发中心|展厅)$"
)
MAX_LISTED = 16  # characters of a name known only from its place in a list or before a title


def more_orgs(
    text: str,
    raw: Source | str,
    lo: int,
    hi: int,
    mentions: list[OrgMention],
    titles: re.Pattern[str],
    words: TextWords | JiebaWords,
    stops: StopWords,
) -> list[OrgMention]:
    """``mentions`` plus the names a sentence marks as organisations without an ending:
    the others of a list that holds one (中国兵器装备集团、中国一汽、东风公司、长安汽车和…;
    海兰云与申能集团、上海电信), and a name right before a post (海油发展党委副书记,
    北京千方科技董事长; ``titles`` from :func:`titles_pattern`). Hosts (…开发区, 市委…)
    are left out."""
    titled = titles.search(text, lo, hi) is not None
    if not titled and not any(
        text[m.end : m.end + 1] in _NEXT_MARKS or (m.start > 0 and text[m.start - 1] in _LIST_MARKS)
        for m in mentions
    ):
        return mentions  # no list, no post, no short name: nothing more to find
    out = list(mentions)
    taken = [(m.start, m.end) for m in mentions]

    def add(start: int, end: int) -> bool:
        facility = _FACILITY_END.search(text, start, end)
        if facility is not None and facility.start() - start >= 2:
            end = facility.start()  # 甲科技研发总部、乙集团: the firm, not its site
        name = text[start:end]
        if not 2 <= end - start <= MAX_LISTED or name.endswith(_HOST_ENDINGS):
            return False
        if name.startswith(_HOST_STARTS) or name[0].isdigit() or name.startswith(GENERIC_HEADS):
            return False
        if any(s < end and start < e for s, e in taken):
            return False
        if any(w in name for w in _NOT_IN_NAMES) or text[max(lo, start - 3) : start].endswith(
            _PERSON_POSTS
        ):
            return False  # 合肥市副市长王翔, 市委书记胡小坚: people; 生产项目和…: no name
        taken.append((start, end))
        out.append(OrgMention(start, end, raw[start:end], None))
        return True

    def short_pair(mark: str, start: int, end: int, listed: bool) -> bool:
        # 胡小坚与某公司董事长…: a short name joined by 与 alone may be a person's; in a
        # list (与申能集团、上海电信) or from four characters on it is a name.
        return mark != "、" and not listed and end - start < 4

    for m in mentions:  # 某集团总公司（以下简称国药集团）: the short name the text goes on with
        short = _SHORT_NAME.match(text, m.end, hi)
        if short is not None and short.group(1):
            s, e = short.span(1)
            taken.append((s, e))
            out.append(OrgMention(s, e, raw[s:e], None))
    for m in mentions:
        listed = "、" in (text[m.start - 1 : m.start] + text[m.end : m.end + 1])
        p = m.end
        while p < hi and text[p] in _LIST_MARKS:  # rightwards: …集团、中国一汽、长安汽车
            end = _name_end(text, p + 1, hi, stops, words)
            if end <= p + 1 or short_pair(text[p], p + 1, end, listed) or not add(p + 1, end):
                break
            listed = listed or text[p] == "、"
            p = end
        p = m.start
        listed = "、" in (text[m.start - 1 : m.start] + text[m.end : m.end + 1])
        while p > lo and text[p - 1] in _LIST_MARKS:  # leftwards: 海兰云与申能集团
            start = _name_start(text, lo, p - 1, stops, words)
            if start >= p - 1 or short_pair(text[p - 1], start, p - 1, listed):
                break
            if not add(start, p - 1):
                break
            listed = listed or text[p - 1] == "、"
            p = start
    for found in titles.finditer(text, lo, hi):
        end = found.start()
        while end > lo and text[end - 1] == "副":  # 副总经理: 副 belongs to the post
            end -= 1
        start = _name_start(text, lo, end, stops, words)
        if start < end and not any(s <= start < e or s < end <= e for s, e in taken):
            add(start, end)
    out.sort(key=lambda m: m.start)
    return out


@lru_cache(maxsize=8)
def titles_pattern(titles: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern for all the posts ([leads].person_titles), longest first (副总经理
    before 总经理), for :func:`more_orgs`."""
    words = sorted(titles, key=len, reverse=True) or ["\x00"]
    return re.compile("|".join(re.escape(w) for w in words))


def _name_end(
    text: str, start: int, hi: int, stops: StopWords, words: TextWords | JiebaWords
) -> int:
    """Where a name starting at ``start`` ends: at the first stop word standing as a word,
    or the first character that is no name character."""
    end = start
    while end < hi and end - start < MAX_LISTED and _name_char(text[end]):
        end += 1
    for s, e in stops.scan(text, start, end):
        if s > start and words.boundary(s) and words.boundary(e):
            return s
    return end


def _name_start(
    text: str, lo: int, end: int, stops: StopWords, words: TextWords | JiebaWords
) -> int:
    """Where a name ending at ``end`` starts: after the last stop word standing as a word,
    or at the first character that is no name character."""
    start = end
    while start > lo and end - start < MAX_LISTED and _name_char(text[start - 1]):
        start -= 1
    for s, e in reversed(stops.scan(text, start, end)):
        if e < end and words.boundary(s) and words.boundary(e):
            return e
    return start


class StopWords:
    """An automaton of the stop words, scanned over the few characters before an ending."""

    def __init__(self, words: frozenset[str] = STOP_WORDS) -> None:
        self._automaton = ahocorasick.Automaton()
        for word in words:
            self._automaton.add_word(word, len(word))
        self._automaton.make_automaton()

    def scan(self, text: str, start: int, end: int) -> list[tuple[int, int]]:
        """Stop words in ``text[start:end]`` (leftmost-longest) as absolute spans."""
        return [
            (start + e - n + 1, start + e + 1)
            for e, n in self._automaton.iter_long(text[start:end])
        ]


def _weak(hit: Hit) -> bool:
    return any(kind == "suffix" and ref for kind, ref in hit[2].roles)


def _name_char(ch: str) -> bool:
    return ch.isalnum() or ch in "()（）·&-"


def _after_unopened(text: str, start: int, end: int) -> int:
    """``start`` moved past the last closing bracket in ``text[start:end]`` that no bracket
    of the span opens (许超声)光明集团 -> 光明集团)."""
    depth = 0
    cut = start
    for i in range(start, end):
        ch = text[i]
        if ch in "(（":
            depth += 1
        elif ch in ")）":
            if depth:
                depth -= 1
            else:
                cut = i + 1
    return cut


def _strip_generic(text: str, start: int, suffix_start: int) -> int | None:
    """Drop a generic head (该, 多所 …); None when fewer than 2 name characters remain."""
    m = _GENERIC_RUN.match(text, start, suffix_start)  # 各行业协会: 各, then 行业
    if m is not None:
        start = m.end()
    head = text[start:suffix_start]
    if len(head) < 2:
        return None
    return start
