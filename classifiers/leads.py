"""Cooperation leads: signing, landing and visit sentences with amount, counterparts, place.

A lead is a sentence (title or body) reporting an event. The rules, as an analyst would
state them (the word lists live in config/taxonomy.toml, ``[leads]``):

- a signal counts only as a word (word boundaries), not inside an excluded phrase
  (落地窗, 开工率, 签约服务), not after a goal word in its clause (推动…落地, 力争…开工) and
  not after a background word in its sentence (此前, 早在, 于2012年落户), not before a
  purpose word in its clause (为…投产奠定基础), not as an attribute (新落户的…项目) and not
  as the topic of talks (就…落户事宜进行洽谈: that is a visit);
- a sentence about a period (今年以来, 前三季度, 同比) or counting projects or firms without
  a day (新签约项目156个) is a statistic, not a lead;
- a visit needs an organisation in its own sentence; a weak visit word (考察, 调研, 参观)
  also needs a cooperation word (合作, 投资, 项目 …);
- a signing or landing needs an organisation (in its sentence, the one before, or the
  one after when that one tells no event of its own) or a named project (…储能电池项目,
  not 重点项目, named no later than the event's clause); a signing also counts with its
  amount alone (集中签约…签约总额112.6亿元), a landing does not (a school the city builds,
  with its budget, is no lead);
- a planned landing right after a signing (根据协议，…将…建设，计划明年开工) is the
  signing's terms: no lead of its own, and its figures go to the signing;
- one lead per sentence: the event with the highest weight wins (signing before landing
  before visit); a wish or a stated intention (希望…, …表示，将…) halves the score;
  leads below ``min_score`` are dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .amounts import Amount, parse_amounts
from .document import Doc, Key, Part
from .matcher import (
    ASPIRATION,
    BACKGROUND,
    CONTEXT,
    HEDGE,
    LABEL,
    PHASE,
    PLACE,
    PROJECT,
    PURPOSE,
    SIGNAL,
    STATISTIC,
    SUFFIX,
    Hit,
)
from .models import Lead
from .normalize import fold, strip_pinyin
from .orgs import (
    INDUSTRY_WORDS,
    OrgMention,
    StopWords,
    find_orgs,
    industry_only,
    more_orgs,
    titles_pattern,
)
from .parties import PLACE_PREFIX, ArticleText, Slots, plausible
from .partners import PartnerHit
from .schema import EVENTS, EventConfig, LeadsConfig, PlaceConfig
from .sentences import clause_start

LARGE_AMOUNT = 10**8  # 1亿元: amounts from here on add ``score.amount_large``
POST_LABEL_WINDOW = 4  # 30亿元产值: an ignore label this close after an amount drops it
PROJECT_NAME_MIN = 4  # characters of name before 项目 for it to be a named project
PROJECT_NAME_SCAN = 12  # characters before 项目 searched for a public-facility word
_BY = "由"
_PARTY = ("一行", "率队", "带队", "率团")
_MET = ("与", "同", "会见", "接待", "欢迎")
_COMING = ("来", "莅临", "到访")  # …一行来宜考察: the party came to the city
_PROJECT_SUBJECTS = ("项目", "产业园", "基地", "中心", "工程", "园区")
_SERVICES = ("规划设计", "设计", "代建", "承建", "施工", "监理", "咨询")
_INVESTS = ("投资", "出资", "投建", "全资")
_FUTURE = ("将", "计划", "预计", "拟")
# What a sentence on a signed project's schedule may open on before 项目/该项目.
_SCHEDULE_LEAD = re.compile(
    r"(?:按照计划|根据计划|根据协议|按照协议|据悉|据了解|预计|目前)[，,]?\s*"
)
# 出席/参加…签约仪式: attending the ceremony of an event told elsewhere.
_CEREMONY = ("仪式", "活动", "现场")
_ATTENDS = ("出席", "参加", "参与", "主持", "列席")
# Collective subjects of a round-up: 各地通过以商招商等方式，引进…项目.
_ROUNDUPS = ("各地", "各市", "各县", "各区", "各板块", "各园区", "全省各地", "全市各地", "各级")
# Background words that name a period: what follows them in the sentence is a recap.
_PERIODS = ("过去的一年", "过去一年", "一年来", "近年来", "多年来", "近些年", "近几年", "近两年")
_TALKS = ("洽谈", "交流", "座谈", "探讨", "磋商", "商谈", "会谈", "对接", "共识")
SENTENCE_LIMIT = 500
PLAN_REACH = 40  # characters before an amount searched for the period of a plan
# A hedged label: 计划总投资, 拟投资, 预计投资.
_PLANNED = ("计划", "拟", "预计")
# A target for a period, not a signed figure: 十五五期间计划投资…, 未来五年, 到2030年.
_PLAN = re.compile(
    r"十[一二三四五六七八九]五|[五年]期间|未来\s*[\d一二三四五六七八九十]+\s*年"
    r"|[到至]\s*20\d\d\s*年"
)
_BUILDING = ("建成", "投产", "竣工", "开工", "运营", "投运", "完工")
PROJECT_NAME_LONG = 24  # characters before 项目 read as a project's name
MEMBER_REACH = 8  # sentences after a batch lead that may name its projects
# Words opening a sentence that goes on with the lead before it.
_CONTINUATIONS = (
    "其中",
    "此外",
    "另外",
    "另一个",
    "一个是",
    "其他项目中",
    "其他项目",
    "同时",
    "还有",
)
# 甲、乙等16个项目 / 甲、乙等战略性新兴产业项目 / 甲等5家企业: the 等 that closes a list of firms.
_LISTED = re.compile(
    r"(?:等\s*(?:[\d一二三四五六七八九十两]+\s*[个家只项])?|(?<=[^\d一二三四五六七八九十两])"
    r"[\d一二三四五六七八九十两]+\s*[个家只项])[^，。；,;、]{0,10}?(?:项目|企业)"
)
# Products a list of projects may name instead of firms (汽车玻璃、车用座椅等配套项目).
_PRODUCTS = (
    "发动机",
    "轮毂",
    "玻璃",
    "座椅",
    "电池",
    "电芯",
    "芯片",
    "薄膜",
    "零部件",
    "配件",
    "部件",
    "组件",
    "模组",
    "系统",
    "生产",
    "加工",
    "生产线",
    "装置",
    "总成",
    "门窗",
    "特种门",
    "电机",
    "轮胎",
    "模具",
    "显示屏",
)
_LIST_HEADS = (
    "既有",
    "既包括",
    "也有",
    "以及",
    "包括",
    "其中",
    "涵盖",
    "涉及",
    "有",
    "如",
    "是",
    "为",
)
_FUND = ("基金", "基金会")
_HEADLINE_INVEST = ("投资", "建", "投建", "打造")
_CN_NUMERALS = "一二三四五六七八九十两"
# Words a project's kind starts with (新型储能项目, 高端装备项目): no firm's name.
_KIND_WORDS = (
    "配套",
    "最大",
    "最",
    "新型",
    "高端",
    "智能",
    "大型",
    "重点",
    "重大",
    "先进",
    "现代",
    "新兴",
    "绿色",
    "数字",
    "新能源",
    "储能",
    "光伏",
    "风电",
    "生物",
    "医药",
    "养老",
    "康养",
    "低空",
    "智慧",
)
# A sentence opening on these goes on about the project of the sentence before.
_ANAPHORS = ("该项目", "项目", "该", "其")
_COUNT_AFTER = re.compile(r"\s*[\d一二三四五六七八九十两]+\s*[多余]?\s*[个家只项]")
_BATCH_WORDS = ("首批", "一批", "多个", "一系列")
_COUNTED = re.compile(r"[\d一二三四五六七八九十两]+\s*[个家只项]$")
# Words of industries and fields in lists (智能装备、汽车零部件、文旅等项目): no firm's name.
_INDUSTRY_ITEMS = (
    "产业",
    "装备",
    "制造",
    "零部件",
    "设备",
    "文旅",
    "旅游",
    "服务业",
    "经济",
    "机器人",
    "人工智能",
    "信息技术",
    "新材料",
    "先进",
    "现代",
    "科创",
    "工程",
    "农业",
    "物流",
    "半导体",
    "集成电路",
    "医疗",
    "健康",
    "商贸",
    "金融",
)
# What stands between two projects of a list: 甲项目、乙项目 / 甲项目和乙项目 / 甲项目、
# 投资75亿元的乙项目.
_LIST_JOIN = re.compile(
    r"\s*(?:[、和及与,，]|以及)\s*(?:(?:总投资|投资|计划投资)[约超近逾]?[\d.]+[万亿]*元的)?"
)
# Words that qualify an industry in a list (生命健康、新一代信息技术等项目).
_INDUSTRY_MODIFIERS = (
    "生命",
    "新一代",
    "未来",
    "前沿",
    "战略性",
    "新兴",
    "传统",
    "高新",
    "大健康",
    "特色",
    "海洋",
    "航天",
    "节能",
    "环保",
)
_NAME_OPENERS = (
    "标志着",
    "举行",
    "举办",
    "开展",
    "召开",
    "实施",
    "完成",
    "的",
    "是",
    "为",
    "其中",
    "包括",
    "还有",
    "有",
    "在",
    "位于",
    "对",
    "将",
    "与",
    "项目和",
    "项目",
)
_GENERIC_NAMES = (
    "重大",
    "重点",
    "签约",
    "开工",
    "产业化项",
    "这些",
    "该",
    "此次",
    "本次",
    "多个",
    "首个",
    "首批",
    "季度",
    "年度",
    "全市",
    "全区",
    "全县",
    "全省",
)
# Words that end a firm's name inside a project's name (…科技, …生物, …药业).
_FIRM_WORDS = (
    "资本",
    "科技",
    "生物",
    "药业",
    "医药",
    "医疗",
    "新材料",
    "新能源",
    "能源",
    "电子",
    "汽车",
    "集团",
    "股份",
    "控股",
    "实业",
    "智能",
    "电气",
    "数据",
    "信息",
    "机械",
    "装备",
)
_FIRM_WORD_RE = re.compile("|".join(sorted(_FIRM_WORDS, key=len, reverse=True)))
_INDUSTRY_WORD_RE = re.compile("|".join(sorted(INDUSTRY_WORDS, key=len, reverse=True)))
_CLAUSE_END = frozenset("，,；;：:")
_COUNT = re.compile(
    r"(?:项目|企业)\s*[\d一二三四五六七八九十百千两]+\s*[个家项只]"
    r"|[\d一二三四五六七八九十百千两]+\s*[个家项只][^，。；,;]{0,12}?(?:项目|企业)"
    # 16个总投资亿元、5亿元、10亿元项目: a count over a list of size classes
    r"|[\d一二三四五六七八九十百千两]+\s*[个家项只](?:[^，。；,;、]{0,10}?亿元、)+[^，。；,;]{0,12}?项目"
)
# A sentence opening on a count of projects and their total continues the event before it.
_COUNT_OPENS = re.compile(
    r"(?:其中|据悉|据了解)?[，,]?\s*(?:这|上述|以上|此|该)?\s*[\d两二三四五六七八九十]+\s*[个项]\s*项目\s*"
    r"(?:总投资|合计|共计|计划总投资|投资|总额)"
)
_PROJECT_COUNT = re.compile(
    r"项目\s*[\d一二三四五六七八九十百千两]+\s*[个项只](?!部分|方面|阶段|板块)"
    r"|[\d一二三四五六七八九十百千两]+\s*[个项只][^，。；,;]{0,12}?项目"
)
# A day or an occasion: a count of projects told with one is a batch event at a ceremony
# (此次集中开工的13个项目), not a tally (全市新签约项目35个).
_DAY = re.compile(
    r"\d{1,2}\s*月\s*\d{1,2}\s*日|[（(]\s*\d{1,2}\s*日\s*[)）]|于\s*\d{1,2}\s*日"
    r"|日前|近日|当天|当日|同日|当晚|昨日|今日|昨天|今天|现场|台上|会上|会期间|活动中|仪式|集中"
    r"|此次|本次|这次|本届"
)
# 签约项目91个 / 集中开工项目17个: a count of the projects of an event (a tally without an
# occasion, an event at one); the plain term (签约项目涵盖…) is only a kind of project.
COUNTED_EVENTS = {"签约项目": "signing", "开工项目": "landing", "竣工项目": "landing"}
# Just before a signal followed by 的, these make it this event (此次开工的…项目), not a
# kind of project (新落户的…项目).
_OCCASION_BEFORE = ("此次", "本次", "这次", "当天", "今天", "现场", "台上", "集中", "同步")
# 签约80天开工 / 签约仅3个月即投产: the first signal starts a timeline.
_DURATION = re.compile(
    r"[仅只才]?\s*(?:用了)?\s*[\d一二三四五六七八九十百几两半]+\s*(?:个)?\s*(?:天|日|周|个月|月|年)"
    r"\s*(?:时间)?\s*(?:内|后)?\s*(?:就|即|便|已|实现|完成)?\s*"
)
# 此外，还有总投资超10亿元项目2个: a size class of projects, not an amount.
_SIZE_CLASS_AFTER = re.compile(
    r"\s*(?:以上|级|的)?\s*(?:重大|重点|产业)?(?:项目|企业)\s*[\d一二三四五六七八九十两]+\s*[个家项只]"
)
_CONVERSION = re.compile(r"\s*[(（]?\s*(?:约合|约|折合|合)?\s*(?:人民币)?\s*")
_COUNT_ANY = re.compile(r"[\d一二三四五六七八九十两]+\s*[个项只家]")
_YEAR_BEFORE = re.compile(r"20\d\d\s*年\s*(?:度)?\s*$")
_AMOUNT_CHAIN = re.compile(r"(?:\s*、\s*(?:超|逾)?[\d.]+\s*(?:万亿|亿|万)元)*")
_CLASS_HEAD = re.compile(r"\s*(?:以上|级)?\s*的?\s*(?:重大|重点|产业)?项目")
# 投资额2000万元以上的正式合同项目: projects above a size, whatever their kind.
_ABOVE_HEAD = re.compile(r"\s*的?\s*[^，。；,;、\d]{0,6}?项目")
# 平均单个项目投资超16亿元: an average, not an investment.
_AVERAGE = ("平均", "单个项目", "每个项目")
# 其中…项目: a part of the sentence's total names a project of its own (其中整车项目总投资85亿元).
_NAMED_PART = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]{2,}项目")
_SIZE_CLASS_BEFORE = re.compile(r"[\d一二三四五六七八九十两]+\s*[个家项只]\s*(?:超|逾|超过)?$")
_MONTHS = re.compile(r"\d{1,2}\s*[-—~至到]\s*\d{1,2}\s*月")
_NAME_KINDS = frozenset((LABEL, PHASE, PLACE))
_EARLIER_YEAR = re.compile(r"于\s*\d{4}\s*年|\d{4}\s*年\s*(?:就|即|便|曾)")


# How a lead was made: organisations, amounts, scored organisations, owners only.
_Made = tuple[list[OrgMention], list[Amount], list[OrgMention], bool]


@dataclass(frozen=True)
class _Signal:
    start: int
    end: int
    event: str
    weak: bool


class _Facts:
    """What one sentence holds, gathered in one pass over its hits."""

    __slots__ = ("lo", "hi", "names", "signals", "marks", "suffixes")

    def __init__(self, lo: int, hi: int) -> None:
        self.lo = lo
        self.hi = hi
        self.signals: list[_Signal] = []
        self.marks: dict[str, list[int]] = {}  # kind -> start offsets
        self.names: dict[str, list[tuple[int, int, Any]]] = {}  # kind -> (start, end, ref)
        self.suffixes: list[Hit] = []


class LeadFinder:
    """Finds the leads of one article (built per article; caches per-sentence facts)."""

    def __init__(
        self,
        doc: Doc,
        cfg: LeadsConfig,
        partners: list[PartnerHit],
        partner_names: list[str],
        places: list[PlaceConfig],
        legal_suffixes: frozenset[str],
        stops: StopWords,
    ) -> None:
        self.doc = doc
        self.cfg = cfg
        self.places = places
        self.legal = legal_suffixes
        self.stops = stops
        self.configs: dict[str, EventConfig] = {e: getattr(cfg.events, e) for e in EVENTS}
        self.signals: set[Key] = set()
        for pi, part in enumerate(doc.parts):
            index = part.sentences.index
            for start, end, entry in part.hits:
                if (entry.signal and doc.accepts(pi, start, end)) or (
                    entry.term in COUNTED_EVENTS and _COUNT_AFTER.match(part.text, end)
                ):
                    self.signals.add((pi, index(start)))
        self.partners: dict[Key, list[tuple[int, int, str]]] = {}
        for pi, hit, idx in partners:
            key = (pi, doc.parts[pi].sentences.index(hit[0]))
            self.partners.setdefault(key, []).append((hit[0], hit[1], partner_names[idx]))
        self._facts: dict[Key, _Facts] = {}
        self._orgs: dict[Key, list[OrgMention]] = {}
        self._article_text: ArticleText | None = None
        self._projects: dict[Key, list[tuple[int, int, str]]] = {}
        self._first_body: tuple[Key | None] | None = None
        self._statistics: dict[Key, bool] = {}
        self._main: list[str] | None = None  # the story's company (see _protagonist)
        self._amounts: dict[tuple[Key, bool, bool], list[Amount]] = {}
        self.lead_sentences: set[Key] = set()  # the sentences of the leads found
        # lead sentence -> the sentences that gave it its terms (根据协议，…投资300亿元):
        # they tell what the lead is about, as its own sentence does
        self._terms: dict[Key, set[Key]] = {}
        self._usable_cache: dict[Key, list[_Signal]] = {}
        self._batches: dict[Key, bool] = {}
        self._titles = titles_pattern(tuple(cfg.person_titles))
        # id(lead) -> (orgs, amounts, scored orgs, whether the orgs are only project owners)
        self._made: dict[int, tuple[Lead, _Made]] = {}
        # (start, end, text) of an amount -> (label, qualifier, plan): what the text says
        self._amount_info: dict[tuple[int, int, str], tuple[str | None, str | None, bool]] = {}

    def _note(self, lead: Lead, made: _Made) -> None:
        """Remember how ``lead`` was made (its organisations, amounts, scored organisations
        and whether they are only its project's owner)."""
        self._made[id(lead)] = (lead, made)

    def _info(self, lead: Lead) -> _Made | None:
        """How ``lead`` was made; None for a lead made elsewhere (the lead is kept with its
        id, so a freed lead's id reused by another never answers for it)."""
        found = self._made.get(id(lead))
        return found[1] if found is not None and found[0] is lead else None

    # ------------------------------------------------------------ per sentence facts

    def facts(self, key: Key) -> _Facts:
        """The sentence's signals, marks, names and endings (cached)."""
        found = self._facts.get(key)
        if found is not None:
            return found
        pi, si = key
        part = self.doc.parts[pi]
        lo, hi = part.sentences.span(si)
        facts = self._facts[key] = _Facts(lo, hi)
        for hit in part.sentence_hits(si):
            start, end, entry = hit
            for kind, ref in entry.roles:
                if kind == SIGNAL:
                    if self.doc.accepts(pi, start, end):
                        facts.signals.append(_Signal(start, end, *ref))
                elif kind == SUFFIX:
                    if not facts.suffixes or facts.suffixes[-1] is not hit:
                        facts.suffixes.append(hit)
                elif kind in _NAME_KINDS:
                    facts.names.setdefault(kind, []).append((start, end, ref))
                else:
                    facts.marks.setdefault(kind, []).append(start)
            event = COUNTED_EVENTS.get(entry.term)
            if event is not None and _COUNT_AFTER.match(part.text, end):
                facts.signals.append(_Signal(start, end - 2, event, False))  # 签约项目91个
        return facts

    def orgs(self, key: Key) -> list[OrgMention]:
        """Organisations named in sentence ``key`` (cached)."""
        found = self._orgs.get(key)
        if found is None:
            part = self.doc.parts[key[0]]
            facts = self.facts(key)
            found = find_orgs(
                part.text,
                part.source,
                facts.lo,
                facts.hi,
                self.partners.get(key, []),
                facts.suffixes,
                part.words,
                self.legal,
                self.stops,
            )
            found = more_orgs(
                part.text,
                part.source,
                facts.lo,
                facts.hi,
                found,
                self._titles,
                part.words,
                self.stops,
            )
            ends = {hit[1] for hit in facts.suffixes}
            if any(m.partner is None and m.end not in ends for m in found):
                article = self._article()
                # A name known only from its place in a list or before a post: not a
                # person's (书记张某，区长李某与某公司…), a place (高新 of 高新区) or a phrase
                # (华东区域总经理); a name with an organisation's ending is none of these.
                cleaned = [
                    m if m.partner or m.end in ends else _named(part, m, article) for m in found
                ]
                found = [m for m in cleaned if m is not None]
            usable = self._usable(key, facts) if facts.signals else []
            if usable:
                slots = Slots(
                    part.text,
                    part.source,
                    part.words,
                    self.stops,
                    self._article(),
                    tuple(self.cfg.public_works),
                )
                signals = [(sig.start, sig.end, sig.event) for sig in usable]
                more = slots.parties(facts.lo, facts.hi, signals, found, CONTEXT in facts.marks)
                if more:
                    found = sorted(found + more, key=lambda m: m.start)
            self._orgs[key] = found
        return found

    def _article(self) -> ArticleText:
        """The article's folded text, for the parties' tests (built once)."""
        if self._article_text is None:
            self._article_text = ArticleText(part.text for part in self.doc.parts)
        return self._article_text

    def amounts(self, key: Key, event: str, labelled_only: bool) -> list[Amount]:
        """Investment amounts of sentence ``key`` (offsets into the part's text).

        The nearest label before an amount (within ``label_window``) decides: an
        investment label keeps it, an ignore label drops it; with no label near, it is
        kept only in a signing/landing sentence. An ignore label right after the amount
        (…亿元产值) drops it too, and so does a phase word (其中一期…) when the sentence
        or the one before already gives an amount.
        """
        cache_key = (key, labelled_only or event == "visit", event == "visit")
        cached = self._amounts.get(cache_key)
        if cached is not None:
            return cached
        part = self.doc.parts[key[0]]
        facts = self.facts(key)
        lo = facts.lo
        found = parse_amounts(part.raw[lo : facts.hi])
        kept: list[Amount] = []
        if found:
            kept = self._investments(key, facts, found, labelled_only or event == "visit")
        self._amounts[cache_key] = kept
        return kept

    def _investments(
        self, key: Key, facts: _Facts, found: list[Amount], labelled_only: bool
    ) -> list[Amount]:
        text = self.doc.parts[key[0]].text
        orgs = self.orgs(key)
        labels = [
            (s, e, invest)
            for s, e, invest in facts.names.get(LABEL, ())
            if not any(o.start < e and s < o.end for o in orgs)
        ]
        phases = [s for s, _, _ in facts.names.get(PHASE, ())]
        window = self.cfg.amounts.label_window
        kept: list[Amount] = []
        phased: list[Amount] = []
        previous: Amount | None = None
        for a in found:
            a = a._replace(start=a.start + facts.lo, end=a.end + facts.lo)
            conversion = (
                previous is not None
                and previous.currency != a.currency
                and _CONVERSION.fullmatch(text, previous.end, a.start) is not None
            )
            previous = a
            if conversion:
                continue  # 167亿美元（约1082亿元人民币）: the same figure converted
            if _size_class(text, facts.lo, a):
                continue
            if kept and _sub_total(text, kept[0].end, a.start):
                continue  # 总投资173.9亿元，其中，先进制造业项目17个，总投资144.4亿元: a part
            if kept or phased:
                prior = max(kept + phased, key=lambda x: x.start)
                if _part_of(text, prior.end, a.start, prior in phased):
                    continue  # 总投资18亿元，其中固定资产投资12亿元: a part of the total
            if any(w in text[clause_start(text, facts.lo, a.start) : a.start] for w in _AVERAGE):
                continue  # 平均单个项目投资超16亿元
            if any(
                not inv
                and a.end <= s <= a.end + POST_LABEL_WINDOW
                and not any(c in _CLAUSE_END for c in text[a.end : s])
                for s, _, inv in labels
            ):
                continue  # 30亿元产值 (but not 113.5亿元，年度计划投资…: another clause's label)
            before = [(e, s, inv) for s, e, inv in labels if e <= a.start and a.start - e <= window]
            if before:
                if not max(before)[2]:
                    continue
            elif labelled_only:
                continue
            label = max(before)[1:] if before else None
            if label is not None and _YEAR_BEFORE.search(
                text, max(facts.lo, label[0] - 6), label[0]
            ):
                continue  # 2022年计划投资约30亿元: one year's spending, not the investment
            self._describe(key, facts, a, label, phases)
            clause = clause_start(text, facts.lo, a.start)
            if any(clause <= s < a.start for s in phases):
                phased.append(a)
            else:
                kept.append(a)
        if phased and not kept:
            prev = self._neighbour(key, -1)
            if prev is None or not self.amounts(prev, "signing", labelled_only=True):
                kept = phased
        return kept

    def _describe(
        self,
        key: Key,
        facts: _Facts,
        a: Amount,
        label: tuple[int, bool] | None,
        phases: list[int],
    ) -> None:
        """Record what the text says about amount ``a``: its label (总投资, 协议引资额,
        一期总投资 …), its qualifier (约, 超 …; 计划/拟/预计 when only the label is
        hedged) and whether it is a plan (a target for a period: 十五五期间计划投资…)."""
        text = self.doc.parts[key[0]].text
        shown = None
        qualifier = a.qualifier
        if label is not None:
            ls = label[0]
            le = next(e for s, e, _ in facts.names.get(LABEL, ()) if s == ls)
            shown = text[ls:le]
            phase = [p for p in phases if ls - 3 <= p < ls]
            if phase and not shown.startswith(text[phase[-1] : ls]):
                shown = text[phase[-1] : ls] + shown  # 一期 + 总投资
            if qualifier is None:
                for word in _PLANNED:
                    if shown.startswith(word) or text[max(facts.lo, ls - 2) : ls].endswith(word):
                        qualifier = word
                        break
        start = max(facts.lo, a.start - PLAN_REACH)
        period = _PLAN.search(text, start, a.start)
        # 到2025年建成投产，总投资5亿元: the date of a project, not a plan's period.
        plan = period is not None and not any(w in text[period.end() : a.start] for w in _BUILDING)
        self._amount_info[(a.start, a.end, a.text)] = (shown, qualifier, plan)

    def place(self, key: Key) -> str | None:
        """The first specific place named in the sentence, else the first generic one."""
        hits = self.facts(key).names.get(PLACE, [])
        specific = [h for h in hits if not self.places[h[2]].generic]
        chosen = (specific or hits or [None])[0]
        return self.places[chosen[2]].name if chosen else None

    def named_project(self, key: Key, until: int) -> bool:
        """Whether the sentence names a project (…储能电池项目) before ``until`` (the end
        of the event's clause: the project is what the event is about, not a 基地 named
        clauses later), not a generic one and not a public facility the city builds
        itself (市人民医院东院区项目)."""
        facts = self.facts(key)
        text = self.doc.parts[key[0]].text
        for s in facts.marks.get(PROJECT, ()):
            if s >= until:
                break
            i = s
            while i > facts.lo and s - PROJECT_NAME_SCAN < i and text[i - 1].isalnum():
                i -= 1
            if s - i < PROJECT_NAME_MIN:
                continue
            name = text[i:s]
            if "等" in name or _COUNTED.search(name) or any(w in name for w in _BATCH_WORDS):
                continue  # 核酸药物等首批项目: a kind of projects, no name
            if text.startswith("等", s + 2) or text.startswith("等", s + 3):
                continue  # …生命健康产业园等平台: kinds of places, no project
            if not any(w in name for w in self.cfg.public_works):
                return True
        return False

    def _is_statistic(self, key: Key, facts: _Facts) -> bool:
        """Whether sentence ``key`` is a statistic, not an event (cached)."""
        found = self._statistics.get(key)
        if found is None:
            found = self._statistics[key] = self._find_statistic(key, facts)
        return found

    def _find_statistic(self, key: Key, facts: _Facts) -> bool:
        if STATISTIC in facts.marks:
            return True
        sentence = self.doc.parts[key[0]].text[facts.lo : facts.hi]
        if _MONTHS.search(sentence):
            return True
        count = _COUNT.search(sentence)
        if count is None or self._occasion(key, sentence):
            return False
        # A headline is the day's news: 两个项目落户开发区 (a count right before its event).
        return not (
            key[0] == 0
            and any(0 <= sig.start - facts.lo - count.end() <= 2 for sig in facts.signals)
        )

    def _usable(self, key: Key, facts: _Facts) -> list[_Signal]:
        """The sentence's signals that report an event (not a goal, not background),
        cached: a sentence is asked about as a lead and as its neighbours' context."""
        found = self._usable_cache.get(key)
        if found is None:
            found = self._usable_cache[key] = self._find_usable(key, facts)
        return found

    def _find_usable(self, key: Key, facts: _Facts) -> list[_Signal]:
        text = self.doc.parts[key[0]].text
        goals = facts.marks.get(ASPIRATION, ())
        purposes = facts.marks.get(PURPOSE, ())
        background = facts.marks.get(BACKGROUND, ())
        out = []
        for sig in facts.signals:
            clause = clause_start(text, facts.lo, sig.start)
            # 推进的…项目 is attributive (a project being promoted), 推进会 a meeting: no goal.
            if any(
                clause <= g < sig.start and text[g + 2 : g + 3] not in ("的", "会") for g in goals
            ):
                continue
            if any(
                b == facts.lo
                or clause <= b < sig.start
                or (b < sig.start and text.startswith(_PERIODS, b))
                for b in background
            ):
                continue  # (a period, 过去的一年 / 近年来, covers the rest of its sentence)
            if _attributive(text, sig.end, facts.hi) and not _this_occasion(
                text, clause, sig.start
            ):
                continue  # 对新落户的…项目给予补助, 落户于…园内的项目: a kind of project, not an event
            if sig.event == "landing" and text.startswith("投资建设", sig.start):
                by = text.rfind(_BY, clause, sig.start)
                if by > clause and text[clause:by].endswith(_PROJECT_SUBJECTS):
                    continue  # 某产业园项目由某公司投资建设: who builds it, not an event
            if text.startswith(_ROUNDUPS, facts.lo) or text.startswith(_ROUNDUPS, clause):
                continue  # 各地通过…引进…, 与某集团签署…: a round-up of many places, no event
            if text.startswith(_CEREMONY, sig.end) and any(
                w in text[clause : sig.start] for w in _ATTENDS
            ):
                continue  # 某公司负责人出席签约仪式: who attended, the signing is told elsewhere
            if text[sig.start - 1 : sig.start] == "其" and sig.start > facts.lo:
                continue  # 其落地标志着…: the project's event told again, not a new one
            if self._timeline_start(facts, text, sig):
                continue  # 签约80天开工: the signing starts the timeline of the 开工
            if sig.event != "visit" and _talked_about(text, facts.lo, facts.hi, sig):
                continue  # 就在宜兴投资建设…进行洽谈: the subject of talks, not an event
            # 为…年内投产奠定基础: the event is what the news prepares, not what happened.
            if any(sig.end <= p < _clause_end(text, facts.hi, sig.end) for p in purposes):
                continue
            before = text[clause : sig.start]
            if _EARLIER_YEAR.search(before):
                continue
            if "从" in before[-12:] and (
                "到" in text[sig.end : sig.end + 4] or "到" in before[-3:]
            ):
                continue  # 从签约到投产: a timeline retold, not an event
            out.append(sig)
        return out

    def _timeline_start(self, facts: _Facts, text: str, sig: _Signal) -> bool:
        """Whether ``sig`` is followed by a duration and then another signal (签约80天开工,
        签约仅3个月即投产): it tells when the timeline started, the event is the second."""
        m = _DURATION.match(text, sig.end, facts.hi)
        return (
            m is not None
            and m.end() > sig.end
            and any(o.start == m.end() for o in facts.signals if o is not sig)
        )

    def _tally(self, key: Key) -> bool:
        """Whether sentence ``key`` is a tally: a statistics word, a month range or a count
        of projects with no occasion (利用32家企业厂房屋顶 counts firms, no tally)."""
        facts = self.facts(key)
        marks = facts.marks.get(STATISTIC)
        if marks:
            found = self.amounts(key, "signing", labelled_only=True)
            first = found[0].start if found else facts.hi
            if any(m < first for m in marks):
                return True  # (…总投资6亿元，预计2026年上半年建成: a date, after the figures)
        sentence = self.doc.parts[key[0]].text[facts.lo : facts.hi]
        if _MONTHS.search(sentence):
            return True
        if _COUNT_OPENS.match(sentence):
            return False  # 两个项目总投资120亿元: the projects the sentence before named
        return bool(_PROJECT_COUNT.search(sentence)) and not self._occasion(key, sentence)

    def _occasion(self, key: Key, sentence: str) -> bool:
        """Whether sentence ``key`` tells of a day or an occasion (此次, 现场, 10月13日 …),
        or the sentence before it in its paragraph does (记者当日获悉，本届大会…。共签订合同
        项目692个，投资总额…: the count is the event's)."""
        if _DAY.search(sentence):
            return True
        prev = self._neighbour(key, -1)
        if prev is None:
            return False
        part = self.doc.parts[key[0]]
        plo, phi = part.sentences.span(prev[1])
        if "\n" in part.text[phi : self.facts(key).lo]:
            return False  # another paragraph
        pfacts = self.facts(prev)
        return STATISTIC not in pfacts.marks and _DAY.search(part.text, plo, phi) is not None

    def _batch(self, key: Key) -> bool:
        """Whether sentence ``key`` tells of a batch: it counts projects or firms (13个项目,
        项目31个) or its event is a 集中签约/集中开工."""
        found = self._batches.get(key)
        if found is None:
            found = self._batches[key] = self._find_batch(key)
        return found

    def _find_batch(self, key: Key) -> bool:
        facts = self.facts(key)
        text = self.doc.parts[key[0]].text
        if _COUNT.search(text, facts.lo, facts.hi):
            return True
        return any(
            text[max(facts.lo, sig.start - 2) : sig.start] == "集中" for sig in facts.signals
        )

    def _reports(self, key: Key) -> bool:
        """Whether sentence ``key`` reports an event of its own."""
        if key not in self.signals:
            return False
        facts = self.facts(key)
        return not self._is_statistic(key, facts) and bool(self._usable(key, facts))

    # ------------------------------------------------------------ leads

    def find(self) -> list[Lead]:
        """All leads of the article, best first.

        A lead that names no organisation and no amount of its own (only the previous
        sentence's organisations, or a project) is dropped when another lead at least as
        strong already covers its counterparts; a title lead that repeats a body lead's
        event is dropped too.
        """
        found: list[tuple[float, Key, Lead, bool]] = []
        seen: set[tuple[str, str]] = set()
        for key in sorted(self.signals):
            result = self._lead(key)
            if result is None:
                continue
            lead, own = result
            part = self.doc.parts[key[0]]
            start, end = part.sentences.span(key[1])
            dedupe = (lead.event, part.text[start:end])
            if dedupe in seen:
                continue
            seen.add(dedupe)
            found.append((lead.score, key, lead, own))
        signed = {key for _, key, lead, _ in found if lead.event == "signing"}
        keys = sorted(key for _, key, _, _ in found)
        found = [
            self._as_member(item, signed)
            for item in found
            if not self._terms_of_signing(item[1], item[2], signed, keys)
        ]
        found = self._merge_continuations(found)
        found += self._members(found)
        found = self._late_figures(found)
        for _, key, lead, _ in found:
            if self._batch(key):
                self._add_listed(key, lead)
        kept = []
        for score, key, lead, own in found:
            made = self._info(lead)
            owned = made is not None and made[3]
            parties = set() if owned else set(lead.counterparts)
            covering = [
                other
                for other_score, _, other, _ in found
                if other is not lead and other_score >= score and parties <= set(other.counterparts)
            ]
            if not own and covering:
                # (a project owner read from its name is no organisation of its own, but the
                # firm it names joins the lead of its event: 这次集中开工的还有甲生物…项目)
                same = [o for o in covering if o.event == lead.event]
                if owned and same:
                    for name in lead.counterparts:
                        if name not in same[0].counterparts:
                            same[0].counterparts.append(name)
                continue
            kept.append((score, key, lead))
        kept = self._drop_title_echoes(kept)
        for _, _, lead in kept:
            made = self._info(lead)
            owned = made is not None and made[3]
            if (owned or not lead.counterparts) and lead.event != "visit":
                # (a project's head, 拱墅起降场, is no firm: the story's company may be)
                for name in self._protagonist():
                    if name not in lead.counterparts:
                        lead.counterparts.append(name)
            self._add_full_names(lead)
        kept.sort(key=lambda t: (-t[0], t[1]))
        # One lead per event and counterparts: a sentence retelling an event (从开工到投运
        # 历时…) adds nothing to the lead that reports it.
        # A lead with an amount of its own is another event of the same parties (a batch's
        # total and a named project's): it stays.
        out: list[Lead] = []
        seen_parties: dict[tuple[str, frozenset[str]], set[tuple[str, int]]] = {}
        for _, key, lead in kept:
            parties = (lead.event, frozenset(lead.counterparts))
            figures = {(a["currency"], a["value"]) for a in lead.amounts}
            told = seen_parties.get(parties)
            if lead.counterparts and told is not None and figures <= told:
                continue
            seen_parties.setdefault(parties, set()).update(figures)
            out.append(lead)
            self.lead_sentences.add(key)
            self.lead_sentences.update(self._terms.get(key, ()))
        return out

    def _merge_continuations(
        self, found: list[tuple[float, Key, Lead, bool]]
    ) -> list[tuple[float, Key, Lead, bool]]:
        """One event, one lead: a lead whose sentence opens on the project it continues
        (…养老院项目举行奠基仪式。项目由某公司投资建设，总投资1.6亿元) is folded into the
        lead of the sentence before it when both tell the same event; its organisations and
        amounts join that lead's."""
        by_key = {key: i for i, (_, key, _, _) in enumerate(found)}
        merged: set[int] = set()
        out = list(found)
        for j, (_, key, lead, _) in enumerate(found):
            prev = self._neighbour(key, -1)
            i = by_key.get(prev) if prev is not None else None
            if i is None or i in merged or j in merged:
                continue
            first = out[i][2]
            text = self.doc.parts[key[0]].text
            if first.event != lead.event or not _anaphoric(text, self.facts(key).lo):
                continue
            made_i, made_j = self._info(first), self._info(lead)
            if made_i is None or made_j is None:
                continue
            orgs_i, amounts_i, scored_i, owned_i = made_i
            orgs_j, amounts_j, scored_j, owned_j = made_j
            if owned_i and orgs_j and not owned_j:
                orgs_i = []  # a real organisation outranks the head of the project's name
            orgs = orgs_i + [o for o in orgs_j if o.name not in {x.name for x in orgs_i}]
            amounts = amounts_i + [a for a in amounts_j if a not in amounts_i]
            ev = self.configs[first.event]
            lead_i = self._build(prev, first.event, ev, orgs, amounts, scored_i + scored_j)
            if lead_i is None:
                continue
            self._note(lead_i, (orgs, amounts, scored_i + scored_j, False))
            out[i] = (lead_i.score, prev, lead_i, True)
            merged.add(j)
        return [item for k, item in enumerate(out) if k not in merged]

    def _listed_amounts(self, amounts: list[Amount]) -> list[dict[str, Any]]:
        """The amounts as a lead lists them (see :class:`classifiers.models.Lead`); an
        amount may come from another part (a headline lead's figures from the body)."""
        out = []
        for a in amounts:
            label, qualifier, plan = self._amount_info.get(
                (a.start, a.end, a.text), (None, a.qualifier, False)
            )
            out.append(
                {
                    "value": a.value,
                    "currency": a.currency,
                    "text": a.text,
                    "qualifier": qualifier,
                    "label": label,
                    "plan": plan,
                }
            )
        return out

    def _late_figures(
        self, found: list[tuple[float, Key, Lead, bool]]
    ) -> list[tuple[float, Key, Lead, bool]]:
        """Figures told later for a lead that has none: a body sentence on the project
        (该项目整体投资50亿元; ``MEMBER_REACH`` sentences on at most) gives its amounts to
        the nearest lead before it, and a headline's figure (55亿建大数据产业园) to the
        article's first lead when no lead has one."""
        if not found:
            return found
        out = sorted(found, key=lambda item: item[1])
        taken = {key for _, key, _, _ in out}
        if len(self.doc.parts) > 1:
            body = self.doc.parts[1]
            known: tuple[str, ...] | None = None
            for si in _within_reach([(item[1], item[2]) for item in out], len(body.sentences)):
                key = (1, si)
                lo, hi = body.sentences.span(si)
                if hi <= lo or key in taken:
                    continue
                if not _anaphoric(body.text, lo):
                    if known is None:
                        known = self._known_projects(out)
                    if not body.text.startswith(known, lo):
                        continue  # (中联…产业园项目作为…: the lead's project named again)
                before = [i for i, item in enumerate(out) if item[1] < key]
                if not before:
                    continue
                i = before[-1]
                akey = out[i][1]
                distance = si + 1 if akey[0] == 0 else si - akey[1]
                if distance > MEMBER_REACH or out[i][2].amounts or self._reports(key):
                    continue
                out[i] = self._with_figures(out[i], key)
        if not any(item[2].amounts for item in out) and out[0][1][0] != 0:
            for si in range(len(self.doc.parts[0].sentences)):
                key = (0, si)
                if key not in taken and self._headline_figure(key):
                    out[0] = self._with_figures(out[0], key)
                    break
        return out

    def _continues(self, key: Key) -> bool:
        """Whether sentence ``key`` goes on about the subject of the one before: it opens,
        after a lead-in (据悉，…), on 该公司/该项目/项目/其."""
        text = self.doc.parts[key[0]].text
        lo = self.facts(key).lo
        opener = _SCHEDULE_LEAD.match(text, lo)
        return _anaphoric(text, opener.end() if opener is not None else lo)

    def _known_projects(self, leads: list[tuple[float, Key, Lead, bool]]) -> tuple[str, ...]:
        """The names (with 项目) of the projects the leads' sentences name: a later sentence
        opening on one goes on about that project."""
        names = []
        for _, key, _, _ in leads:
            text = self.doc.parts[key[0]].text
            for s, e, _ in self._project_names(key):
                names.append(text[s : e + 2])
        return tuple(names) or ("\x00",)

    def _headline_figure(self, key: Key) -> bool:
        """Whether a headline sentence states an investment: a labelled amount, or one
        next to 投资/建 (40亿元投资…产业园, 55亿建大数据产业园)."""
        if self.amounts(key, "signing", labelled_only=True):
            return True
        text = self.doc.parts[0].text
        facts = self.facts(key)
        return any(text.startswith(_HEADLINE_INVEST, a.end) for a in self._raw_amounts(key, facts))

    def _raw_amounts(self, key: Key, facts: _Facts) -> list[Amount]:
        part = self.doc.parts[key[0]]
        return [
            a._replace(start=a.start + facts.lo, end=a.end + facts.lo)
            for a in parse_amounts(part.raw[facts.lo : facts.hi])
        ]

    def _with_figures(
        self, item: tuple[float, Key, Lead, bool], key: Key
    ) -> tuple[float, Key, Lead, bool]:
        """``item`` rebuilt with the amounts of sentence ``key`` and the investors it names."""
        _, lkey, lead, _ = item
        made = self._info(lead)
        if made is None:
            return item
        orgs, amounts, scored, owned = made
        new = self.amounts(key, lead.event, labelled_only=True)
        if not new and key[0] == 0:
            new = [a for a in self._raw_amounts(key, self.facts(key)) if a.currency == "CNY"][:1]
        investors = [o for o in self._investors(key) if o.name not in {x.name for x in orgs}]
        if not new and not (investors and (owned or not orgs)):
            return item  # (项目作为某集团…布局的一环: the firm behind a lead that had none)
        if owned and investors:
            orgs = []
        orgs = orgs + investors
        rebuilt = self._build(
            lkey, lead.event, self.configs[lead.event], orgs, amounts + new, scored
        )
        if rebuilt is None:
            return item
        self._note(rebuilt, (orgs, amounts + new, scored, owned and not investors))
        self._terms.setdefault(lkey, set()).add(key)
        return (rebuilt.score, lkey, rebuilt, True)

    def _members(
        self, found: list[tuple[float, Key, Lead, bool]]
    ) -> list[tuple[float, Key, Lead, bool]]:
        """Leads of the projects a batch event lists with their own amounts.

        After a lead that counts projects (13个项目集中开工，总投资113.5亿元), or right
        after any lead when the sentence opens on 其中/此外/另一个是 …, a body sentence that
        names a project with a labelled investment amount of its own (其中，某某医疗器械
        项目总投资10亿元) is that project's lead, with the anchor's event. Firms the batch
        lists by name (有甲、乙等…项目; 丙生物等8个项目) become the anchor's counterparts.
        """
        if not found or len(self.doc.parts) < 2:
            return []
        anchors = sorted((key, lead) for _, key, lead, _ in found)
        taken = {key for _, key, _, _ in found}
        body = self.doc.parts[1]
        out: list[tuple[float, Key, Lead, bool]] = []
        for si in _within_reach(anchors, len(body.sentences)):
            key = (1, si)
            lo, hi = body.sentences.span(si)
            if hi <= lo or key in taken:
                continue
            if body.text.find("项目", lo, hi) < 0 and body.text.find("企业", lo, hi) < 0:
                continue  # names no project and lists no firm: nothing to add
            anchor = self._anchor(key, anchors)
            if anchor is None:
                continue
            akey, alead = anchor
            facts = self.facts(key)
            if BACKGROUND not in facts.marks and STATISTIC not in facts.marks:
                self._add_listed(key, alead)  # (近年来，甲、乙等一批项目相继落户: a recap)
            if self._reports(key):
                continue  # an event of its own: it is a lead or was judged not to be one
            names = self._project_names(key)
            if not names:
                continue
            # A statistic or background word before the project (去年…项目) makes it a recap;
            # one after it (…，是今年以来最大的项目) describes it. A count of projects is no
            # statistic here (内资项目2个，一个是…).
            amounts = self.amounts(key, alead.event, labelled_only=True)
            first = amounts[0].start if amounts else facts.hi
            if any(
                m < first for kind in (STATISTIC, BACKGROUND) for m in facts.marks.get(kind, ())
            ):
                continue
            orgs = self.orgs(key) or self._owners(key, names)
            if any(fold(name).endswith(_FUND) for _, _, name in names):
                amounts = []  # 鼎晖…投资基金项目，总投资20亿元: a fund's size
            if not amounts:
                for o in orgs:  # named with the batch, no figure of its own
                    if o.name not in alead.counterparts:
                        alead.counterparts.append(o.name)
                continue
            ev = self.configs[alead.event]
            lead = self._build(key, alead.event, ev, orgs, amounts, orgs)
            if lead is not None:
                out.append((lead.score, key, lead, True))
        return out

    def _anchor(self, key: Key, anchors: list[tuple[Key, Lead]]) -> tuple[Key, Lead] | None:
        """The lead a body sentence may continue: the nearest lead before it (a title lead
        counts as before the body) when that lead counts projects and lies at most
        ``MEMBER_REACH`` sentences back, or when the sentence opens on a continuation word
        and the lead is at most two sentences back."""
        opens: bool | None = None
        for akey, alead in reversed(anchors):
            if akey >= key:
                continue
            distance = key[1] + 1 if akey[0] == 0 else key[1] - akey[1]
            if distance > MEMBER_REACH:
                break
            if self._batch(akey):
                return akey, alead
            if distance <= 2:
                if opens is None:
                    body = self.doc.parts[1]
                    lo = body.sentences.span(key[1])[0]
                    # …其中整车项目总投资85亿元；动力电池项目总投资35亿元: a part after a
                    # semicolon goes on with the sentence it ends
                    opens = body.text.startswith(_CONTINUATIONS, lo) or body.text[
                        max(0, lo - 2) : lo
                    ].rstrip().endswith(("；", ";"))
                if opens:
                    return akey, alead
        return None

    def _add_listed(self, key: Key, lead: Lead) -> None:
        """Add the firms a sentence lists before 等…项目/企业 to ``lead``'s counterparts."""
        for name in (o.name for o in self._listed_firms(key)):
            if name not in lead.counterparts:
                lead.counterparts.append(name)

    def _listed_firms(self, key: Key) -> list[OrgMention]:
        """Names listed before 等 and a count or kind of projects or firms (甲、乙等16个项目;
        有甲、乙等战略性新兴产业项目): the firms behind a batch."""
        part = self.doc.parts[key[0]]
        facts = self.facts(key)
        text = part.text
        out: list[OrgMention] = []
        for m in _LISTED.finditer(text, facts.lo, facts.hi):
            if not part.words.boundary(m.start()):
                continue  # 长三角药物高等研究院: 等 inside a word
            start = clause_start(text, facts.lo, m.start())
            items = list(re.finditer("[^、和及与]+", text[start : m.start()]))
            if not text.startswith("等", m.start()) and len(items) < 2:
                continue  # 此次开工的13个项目: a count, no list
            for item in items:
                lo, hi = start + item.start(), start + item.end()
                while lo < hi and text[lo].isspace():
                    lo += 1
                for head in _LIST_HEADS:
                    if text.startswith(head, lo) and hi - lo - len(head) >= 2:
                        lo += len(head)
                        break
                lo = max(lo, text.rfind("的", lo, hi) + 1)  # 开工的泰应生物等16个项目
                if not 2 <= hi - lo <= 16 or text[lo].isdigit() or self._industry(key, lo, hi):
                    continue  # 人工智能、机器人等新赛道项目: industries, not firms
                if text.endswith(_PRODUCTS, lo, hi):
                    continue  # 汽车轮毂、车用座椅等10个配套项目: products, not firms
                # 甲物流等8家企业: a firm's name as it stands; 甲生物疫苗等6个项目: the firm
                # is the head of the project's name
                firms = text.find("家", m.start(), m.end()) >= 0 or text.endswith(
                    "企业", m.start(), m.end()
                )
                if firms:
                    name = part.source[lo:hi]
                    if plausible(fold(strip_pinyin(name))):
                        out.append(OrgMention(lo, hi, name, None))
                else:
                    out += self._owners(key, [(lo, hi, part.source[lo:hi])])
        return out

    def _industry(self, key: Key, lo: int, hi: int) -> bool:
        """Whether ``text[lo:hi]`` of sentence ``key`` names an industry, not a firm: it
        holds a sector term or an industry word, or is one dictionary word."""
        part = self.doc.parts[key[0]]
        text = part.text
        if industry_only(text, lo, hi):
            return True
        # A firm's name opens on its own trade name (百川医疗, 中翼无人机): the item is an
        # industry when its first two characters are an industry's words.
        covered = [False] * (hi - lo)
        spans = [
            (s, e)
            for s, e, entry in part.sentence_hits(key[1])
            if lo <= s and e <= hi and any(keyword for _, _, keyword in entry.sectors)
        ]
        for word in (*_INDUSTRY_ITEMS, *INDUSTRY_WORDS, *_KIND_WORDS, *_INDUSTRY_MODIFIERS):
            j = text.find(word, lo, hi)
            while j >= 0:
                spans.append((j, j + len(word)))
                j = text.find(word, j + 1, hi)
        for s, e in spans:
            for i in range(max(s, lo), min(e, hi)):
                covered[i - lo] = True
        return all(covered[:2])

    def _project_names(self, key: Key) -> list[tuple[int, int, str]]:
        """Projects the sentence names (…储能电池项目), as ``(start, end, name)`` with the
        name read back from the page, without 项目 and the words before the name (cached)."""
        found = self._projects.get(key)
        if found is None:
            found = self._projects[key] = self._find_project_names(key)
        return found

    def _find_project_names(self, key: Key) -> list[tuple[int, int, str]]:
        facts = self.facts(key)
        part = self.doc.parts[key[0]]
        text = part.text
        out = []
        for s in facts.marks.get(PROJECT, ()):
            if not text.startswith("项目", s) or _COUNT_AFTER.match(text, s + 2):
                continue  # 数字工厂, 生产基地: words; 制造业项目69个: a category of a tally
            i = s
            while i > facts.lo and s - PROJECT_NAME_LONG < i and _project_char(text[i - 1]):
                i -= 1
            i = _balanced_from(text, i, s)
            start = i
            for word in _NAME_OPENERS:  # 位于南渡镇的天星锂电池…项目: the name follows 的
                j = text.rfind(word, i, s)
                if j >= 0:
                    start = max(start, j + len(word))
            if text.startswith("了", start):
                start += 1  # 举行了…项目的奠基仪式
            counted = start < s and (
                text[start].isdigit() or _COUNT_AFTER.match(text, start, s) is not None
            )  # 2个战略合作项目, 三个项目: a count (一体化压铸件项目 is a name)
            while start < s and (text[start].isdigit() or text[start] in "的个只家项"):
                start += 1
            if counted or any(start <= m < s for m in facts.marks.get(ASPIRATION, ())):
                continue  # 2个战略合作项目: a category; 加快推进…项目: a goal, no name
            name = text[start:s]
            if "等" in name or _COUNTED.search(name):
                continue  # 机器人等6个项目: a batch, not a name
            if (
                len(name) >= PROJECT_NAME_MIN
                and not any(w in name for w in self.cfg.public_works)
                and not any(g in name for g in _GENERIC_NAMES)
            ):
                out.append((start, s, part.source[start:s]))
        return out

    def _owners(self, key: Key, names: list[tuple[int, int, str]]) -> list[OrgMention]:
        """The firms behind the named projects of sentence ``key`` (see :func:`_owners`),
        less a head that opens on a sector's term (合成生物项目落户…, 固态电池正极材料项目:
        a kind or a product, no firm)."""
        hits = [
            (s, e)
            for s, e, entry in self.doc.parts[key[0]].sentence_hits(key[1])
            if any(keyword for _, _, keyword in entry.sectors)
        ]
        return [
            o for o in _owners(names) if not any(s == o.start or (s < o.start < e) for s, e in hits)
        ]

    def _listed_owners(self, key: Key, orgs: list[OrgMention]) -> list[OrgMention]:
        """The firms behind the projects a sentence lists (甲生物…项目、乙生物…项目和丙科技
        …项目签约): projects named back to back, split only by a list mark, whose firms no
        organisation of the lead already names."""
        if len(self.facts(key).marks.get(PROJECT, ())) < 2:
            return []  # one project named at most: no list
        text = self.doc.parts[key[0]].text
        names = self._project_names(key)
        listed = [
            n
            for i, n in enumerate(names)
            if any(
                _LIST_JOIN.fullmatch(text, a[1] + 2, b[0]) is not None
                for a, b in ((names[i - 1], n), (n, names[(i + 1) % len(names)]))
                if a[0] < b[0]
            )
        ]
        return [
            o
            for o in self._owners(key, listed)
            if not any(fold(o.name) in fold(x.name) or fold(x.name) in fold(o.name) for x in orgs)
        ]

    def _as_member(
        self, item: tuple[float, Key, Lead, bool], signed: set[Key]
    ) -> tuple[float, Key, Lead, bool]:
        """A planned landing right after a batch signing (…42个项目现场签约。其中，甲公司…
        项目总投资52亿元，将落户…) is one of the batch's projects: it takes the signing's
        event."""
        _, key, lead, own = item
        prev = self._neighbour(key, -1)
        made = self._info(lead)
        if (
            lead.event != "landing"
            or prev not in signed
            or made is None
            or not self._batch(prev)
            or not self._planned_landing(key)
        ):
            return item
        orgs, amounts, scored, owned = made
        rebuilt = self._build(key, "signing", self.configs["signing"], orgs, amounts, scored)
        if rebuilt is None:
            return item
        self._note(rebuilt, made)
        return (rebuilt.score, key, rebuilt, own)

    def _terms_of_signing(self, key: Key, lead: Lead, signed: set[Key], leads: list[Key]) -> bool:
        """Whether a landing is what the signing just before it agreed: 签署…协议。项目将
        落户…园 / 根据协议，…计划明年开工 (planned, right after the signing sentence)."""
        if lead.event != "landing" or not self._planned_landing(key):
            return False
        prev = self._neighbour(key, -1)
        if prev in signed:
            # …等42个项目现场签约。其中，甲公司…项目总投资52亿元，将落户…: a member of the
            # batch with its own project and amount, not the batch's terms
            return not (
                self._batch(prev)
                and self._project_names(key)
                and self.amounts(key, "signing", True)
            )
        # 按照计划，项目一期将于三季度开工: the signed project's schedule, told later
        text = self.doc.parts[key[0]].text
        lo = self.facts(key).lo
        opener = _SCHEDULE_LEAD.match(text, lo)
        start = opener.end() if opener is not None else lo
        before = [k for k in leads if k < key]
        return bool(before) and before[-1] in signed and _anaphoric(text, start)

    def _planned_landing(self, key: Key) -> bool:
        """Whether sentence ``key`` tells only of landings still to come (将/计划/拟 …
        before the signal in its clause)."""
        text = self.doc.parts[key[0]].text
        facts = self.facts(key)
        usable = self._usable(key, facts)
        return bool(usable) and all(
            sig.event == "landing"
            and any(w in text[clause_start(text, facts.lo, sig.start) : sig.start] for w in _FUTURE)
            for sig in usable
        )

    def _protagonist(self) -> list[str]:
        """The firm a story is about, for a lead that names none (拱墅起降场项目启动建设;
        the builder, 杭州某产业发展有限公司（以下简称“某公司”）, is named around it): the
        one company the body names twice or more, by its registered or declared short
        name. None when two companies are (a round-up), or only hosts and public bodies."""
        if self._main is None:
            self._main = []
            if len(self.doc.parts) > 1:
                body = self.doc.parts[1]
                seen: dict[str, int] = {}
                shorts: dict[str, str] = {}
                for si in range(len(body.sentences)):
                    key = (1, si)
                    lo, hi = body.sentences.span(si)
                    if hi <= lo:
                        continue
                    orgs = self.orgs(key)
                    for i, o in enumerate(orgs):
                        name = body.text[o.start : o.end]
                        if o.partner or not name.endswith(_COMPANY):
                            continue
                        seen.setdefault(name, 0)
                        nxt = orgs[i + 1] if i + 1 < len(orgs) else None
                        if nxt is not None and _SHORT_FOR.match(body.text, o.end, nxt.start):
                            shorts[name] = body.text[nxt.start : nxt.end]
                counts = {
                    name: body.text.count(name)
                    + (body.text.count(shorts[name]) - 1 if name in shorts else 0)
                    for name in seen
                }
                main = [name for name, n in counts.items() if n >= 2]
                if len(main) == 1:
                    start = body.text.find(main[0])
                    self._main = [body.source[start : start + len(main[0])]]
        return list(self._main)

    def _add_full_names(self, lead: Lead) -> None:
        """Add the registered name the article gives a short counterpart elsewhere: 生合万物
        项目 … 生合万物(苏州)生物科技有限公司董事长; only industry words and a bracketed
        place may stand between the short name and the legal ending (中国电子 is not
        中国电子工程设计院股份有限公司)."""
        for name in list(lead.counterparts):
            short = fold(strip_pinyin(name))
            if len(short) < 2 or short.endswith(_LEGAL_ENDINGS):
                continue
            for part in self.doc.parts:
                full = _full_name(part.text, short)
                if full is not None:
                    spelled = part.source[full[0] : full[1]]
                    if spelled not in lead.counterparts:
                        lead.counterparts.append(spelled)
                    break

    def _drop_title_echoes(
        self, leads: list[tuple[float, Key, Lead]]
    ) -> list[tuple[float, Key, Lead]]:
        """Drop a title lead that repeats a body lead of the same event (headlines announce
        what the body tells in detail), unless the title gives an amount no body lead has
        (26个项目开工总投资118亿元 over the body's one project of 11.78亿元). The parties a
        dropped title names join the strongest body lead of its event: a lead paragraph
        read as the title (某集团子公司与某总公司签署框架协议) names them in full."""
        body = [(score, lead) for score, key, lead in leads if key[0] != 0]
        # A body sentence that tells a signing and the landing it agrees on (签约仪式，…项目
        # 正式落户) tells both events: a headline's 落户 echoes it.
        told_events = {
            id(lead): {lead.event} | {sig.event for sig in self._usable(key, self.facts(key))}
            for _, key, lead in leads
            if key[0] != 0
        }
        told = [a for _, lead in body for a in lead.amounts]
        out = []
        for item in leads:
            same = [b for b in body if item[2].event in told_events[id(b[1])]]
            if (
                item[1][0] != 0
                or not same
                or any(not any(_echoes(a, b) for b in told) for a in item[2].amounts)
            ):
                out.append(item)
                continue
            best = max(same, key=lambda b: b[0])[1]
            for name in item[2].counterparts:
                if name not in best.counterparts:
                    best.counterparts.append(name)
        return out

    def _first_body_sentence(self) -> Key | None:
        """The body's first sentence when it reports no event of its own (cached)."""
        if self._first_body is None:
            self._first_body = (self._find_first_body_sentence(),)
        return self._first_body[0]

    def _find_first_body_sentence(self) -> Key | None:
        if len(self.doc.parts) < 2:
            return None
        first = self.doc.parts[1].sentences.neighbour(-1, 1)
        if first is None:
            return None  # no body, or a blank one
        key = (1, first)
        return None if self._reports(key) else key

    def _names(self, key: Key, org: OrgMention) -> list[str]:
        """How an organisation is listed among a lead's counterparts: a known partner by
        its canonical name, followed by the page's own spelling when that differs (中国商飞,
        國藥集團): the analyst reads the name the article uses, the partner filter the
        canonical one."""
        spelled = org.spelled
        if org.partner is None or not spelled or _legal_variant(spelled, org.name):
            return [org.name]
        return [org.name, spelled]

    def _lent(self, key: Key | None, batch: bool) -> list[OrgMention]:
        """The organisations a neighbour ``key`` lends a lead: none to a batch when the
        neighbour names a project with its own amount (12个项目总投资86.5亿元。其中，某公司
        项目总投资15亿元: the total is the batch's, the firm has its own lead), and no
        contractor (参与规划设计) to anyone."""
        if key is None:
            return []
        if batch and self._project_names(key) and self.amounts(key, "signing", labelled_only=True):
            return []
        return self._not_serving(key)

    def _delegation(self, key: Key, event: str) -> bool:
        """Whether a named organisation's delegation came (某集团…一行来津考察): a visit to
        the city needs no cooperation word."""
        if event != "visit":
            return False
        text = self.doc.parts[key[0]].text
        facts = self.facts(key)
        for sig in facts.signals:
            clause = clause_start(text, facts.lo, sig.start)
            party = text.find("一行", clause, sig.start)
            if party >= 0 and any(w in text[party : sig.start] for w in _COMING):
                return any(clause <= o.start < party for o in self.orgs(key))
        return False

    def _meeting(self, key: Key) -> bool:
        """Whether a talk word (座谈, 交流 …) follows 与/同 and a named organisation in its
        clause (甲集团与乙公司开展交流座谈): a meeting with that organisation is a visit even
        when the sentence names no cooperation word."""
        text = self.doc.parts[key[0]].text
        facts = self.facts(key)
        orgs = self.orgs(key)
        for sig in facts.signals:
            if sig.event != "visit" or not text.startswith(_TALKS, sig.start):
                continue
            clause = clause_start(text, facts.lo, sig.start)
            for o in orgs:
                if clause < o.start and o.end <= sig.start and text[o.start - 1] in "与同":
                    return True
        return False

    def _not_serving(self, key: Key) -> list[OrgMention]:
        """The organisations of sentence ``key`` less the contractors (参与规划设计 …)."""
        text = self.doc.parts[key[0]].text
        return [o for o in self.orgs(key) if not _serves(text, o.end)]

    def _visited(self, key: Key, orgs: list[OrgMention]) -> list[OrgMention]:
        """The organisations a visit sentence names, less the visiting party: those
        before 一行/率队/带队 when the visit word follows (…管委会副主任一行调研某园区) are
        the ones who went."""
        text = self.doc.parts[key[0]].text
        facts = self.facts(key)
        marks = [text.find(w, facts.lo, facts.hi) for w in _PARTY]
        ends = [m for m in marks if m >= 0]
        if not ends:
            return orgs
        party_end = min(ends)
        went = [
            sig
            for sig in facts.signals
            if sig.event == "visit"
            and sig.start > party_end
            and not any(c in _CLAUSE_END for c in text[party_end : sig.start])
            and not any(w in text[party_end : sig.start] for w in _COMING)
        ]
        if not went:
            return orgs  # 会见了某公司副总裁一行, 某公司一行来宜考察: they came to us
        party_start = clause_start(text, facts.lo, party_end)
        if any(w in text[party_start:party_end] for w in _MET):
            return orgs  # 区长与某公司副总裁一行举行座谈: the party met is the counterpart
        # Only the party's own clause holds the party (在某公司，考察组一行参观…: a place).
        return [o for o in orgs if not party_start <= o.start < party_end]

    def _investors(self, key: Key) -> list[OrgMention]:
        """Organisations a sentence names as the ones behind the project (项目由X投资建设,
        中心由X与Y共建): the ``由`` of their clause comes before them."""
        orgs = self.orgs(key)
        if not orgs:
            return []
        text = self.doc.parts[key[0]].text
        lo = self.facts(key).lo
        return [
            o
            for o in orgs
            if (
                _BY in text[clause_start(text, lo, o.start) : o.start]
                or text.startswith(_INVESTS, o.end)  # 某公司投资的 / 为某公司投资
                # 项目作为某集团在华东布局的关键一环: the project is the firm's
                or text[clause_start(text, lo, o.start) : o.start].endswith("项目作为")
            )
            and not _serves(text, o.end)  # 由某设计院参与规划设计: it designs, not invests
        ]

    def _neighbour(self, key: Key, step: int) -> Key | None:
        """The sentence before/after ``key`` in the same part (news paragraphs are often
        one sentence long, so paragraph breaks are crossed)."""
        j = self.doc.parts[key[0]].sentences.neighbour(key[1], step)
        return None if j is None else (key[0], j)

    def _lead(self, key: Key) -> tuple[Lead, bool] | None:
        """The lead of sentence ``key`` and whether it has its own organisation or amount."""
        facts = self.facts(key)
        if not facts.signals or self._is_statistic(key, facts):
            return None
        usable = self._usable(key, facts)
        if not usable:
            return None
        text = self.doc.parts[key[0]].text
        events = {s.event for s in usable}
        order = sorted(events, key=lambda e: (-self.configs[e].weight, EVENTS.index(e)))
        own_orgs = self.orgs(key)
        for event in order:
            ev = self.configs[event]
            strong = any(not s.weak for s in usable if s.event == event)
            if event == "visit":
                own_orgs = self._visited(key, own_orgs)
            if (ev.needs_org or not strong) and not own_orgs:
                continue  # a visit counts only with the organisation in its own sentence
            if (
                not strong
                and CONTEXT not in facts.marks
                and not self._delegation(key, event)
                and not self._meeting(key)
            ):
                continue  # 调研 of a firm's production is no cooperation visit
            amounts = self.amounts(key, event, labelled_only=False)
            orgs = own_orgs
            nxt = self._neighbour(key, 1)
            # Only a sentence that continues this one (项目由…投资建设), or tells what the
            # signing agreed (项目将落户…，总投资5亿元), lends its figures.
            if (
                nxt is not None
                and self._reports(nxt)
                and not (event == "signing" and self._planned_landing(nxt))
            ):
                nxt = None
            batch = self._batch(key)
            if not orgs and event != "visit":
                prev = self._neighbour(key, -1)
                orgs = self._lent(prev, batch)
                if not orgs and nxt is not None:
                    orgs = self._lent(nxt, batch)
            if (
                key[0] == 0
                and event != "visit"
                and (
                    nxt is None
                    or not (self._raw_amounts(nxt, self.facts(nxt)) or self._investors(nxt))
                )
            ):
                # A headline tells what the lead paragraph says: 测试场拟落户高塍 is the
                # project that the body's first sentence names with its company (the
                # title's own next sentence, 市领导出席, may tell nothing of it).
                nxt = self._first_body_sentence() or nxt
                if not orgs and nxt is not None:
                    orgs = self._lent(nxt, batch)
            if not own_orgs and event != "visit" and self._batch(key):
                # 甲、乙等12家企业正式入驻: the firms a batch lists are its parties
                orgs = orgs + [o for o in self._listed_firms(key) if o not in orgs]
            own = bool(own_orgs or amounts)
            last = max(sig.end for sig in usable if sig.event == event)
            project = self.named_project(key, _clause_end(text, facts.hi, last))
            # A signing counts with its amount alone (集中签约…签约总额112.6亿元), and so does a
            # batch of projects at a ceremony (13个项目集中开工，总投资113.5亿元).
            if not (orgs or project or (amounts and (event == "signing" or self._batch(key)))):
                continue
            if nxt is not None and self._tally(nxt):
                nxt = None  # 全年引进项目69个，总投资近1000亿元: a tally lends nothing
            if not amounts and key[0] == 0 and event != "visit":
                # 总投资超50亿！某项目开工: a headline's figure may stand before its event.
                before = self._neighbour(key, -1)
                if before is not None and not self._reports(before):
                    amounts = self.amounts(before, event, labelled_only=True)
            if not amounts and event != "visit" and nxt is not None:
                amounts = self.amounts(nxt, event, labelled_only=True)
                if amounts:
                    self._terms.setdefault(key, set()).add(nxt)
                after = (
                    self._neighbour(nxt, 1)
                    if nxt[0] == key[0] or nxt == self._first_body_sentence()
                    else None
                )
                if not amounts and after is not None and not self._reports(after):
                    # 从签约到投产历时10个月。该项目总投资12亿元: the figures may follow
                    # one sentence of colour, as long as no other event comes between.
                    amounts = self.amounts(after, event, labelled_only=True)
                    if amounts:
                        self._terms.setdefault(key, set()).add(after)
                    if amounts and self._lent(after, batch):
                        orgs = orgs + [o for o in self._investors(after) if o not in orgs]
            if nxt is not None and event != "visit" and self._lent(nxt, batch):
                orgs = orgs + [o for o in self._investors(nxt) if o not in orgs]
                after = self._neighbour(nxt, 1)
                if after is not None and not self._reports(after) and self._continues(after):
                    # 据悉，该公司由某集团全资设立: who stands behind it, one sentence on
                    orgs = orgs + [o for o in self._investors(after) if o not in orgs]
            owned = False
            if not orgs and event != "visit":
                # 远拓科技智能传感器项目开工: the firm is the head of its project's name.
                orgs = self._owners(key, self._project_names(key))
                owned = bool(orgs)
            elif event != "visit":
                orgs = orgs + self._listed_owners(key, orgs)
            lead = self._build(key, event, ev, orgs, amounts, own_orgs)
            if lead is not None:
                self._note(lead, (orgs, amounts, own_orgs, owned))
            return (lead, own) if lead is not None else None
        return None

    def _build(
        self,
        key: Key,
        event: str,
        ev: EventConfig,
        orgs: list[OrgMention],
        amounts: list[Amount],
        scored_orgs: list[OrgMention],
    ) -> Lead | None:
        """Score and assemble a lead; organisations borrowed from a neighbouring sentence
        are listed as counterparts but add nothing to the score."""
        sc = self.cfg.score
        score = ev.weight
        listed = self._listed_amounts(amounts)
        signed = [a for a, d in zip(amounts, listed, strict=True) if not d["plan"]]
        cny = [a for a in amounts if a.currency == "CNY"]
        best = max(cny, key=lambda a: a.value) if cny else (amounts[0] if amounts else None)
        if best is not None:
            score += sc.amount
            if best.currency == "CNY" and best.value >= LARGE_AMOUNT:
                score += sc.amount_large
        # The headline is the largest signed or invested amount: a plan is never shown as one.
        cny = [a for a in signed if a.currency == "CNY"]
        chosen = max(cny, key=lambda a: a.value) if cny else (signed[0] if signed else None)
        if any(o.partner for o in scored_orgs):
            score += sc.known_partner
        elif scored_orgs:
            score += sc.unknown_org
        place = self.place(key)
        if place:
            score += sc.place
        if HEDGE in self.facts(key).marks:
            score *= sc.hedge_factor
        if score < self.cfg.min_score:
            return None
        counterparts: list[str] = []
        for o in orgs:
            for name in self._names(key, o):
                if name not in counterparts:
                    counterparts.append(name)
        part = self.doc.parts[key[0]]
        return Lead(
            event=event,
            amount_yuan=chosen.value if chosen is not None and chosen.currency == "CNY" else None,
            currency=chosen.currency if chosen is not None else "CNY",
            amount_text=chosen.text if chosen is not None else None,
            counterparts=counterparts,
            place=place,
            sentence=part.raw_sentence(key[1], SENTENCE_LIMIT),
            score=round(score, 2),
            amounts=_distinct(listed),
        )


# The endings of a company's registered name, and what declares its short name after it.
_COMPANY = ("有限公司", "有限责任公司", "股份有限公司", "集团", "株式会社")
_SHORT_FOR = re.compile(r"\s*[(（]\s*(?:以下)?(?:简称|下称)\s*[“\"「]?\s*$")
_LEGAL_ENDINGS = ("股份有限公司", "有限责任公司", "有限公司", "集团", "株式会社")
_FULL_NAME_TAIL = re.compile(
    r"((?:[(（][\u4e00-\u9fff]{2,4}[)）])?)([\u4e00-\u9fff]{0,12}?)"
    r"(?:集团)?(?:股份有限公司|有限责任公司|有限公司|集团|株式会社)"
)


def _full_name(text: str, short: str) -> tuple[int, int] | None:
    """The span of a registered name in ``text`` that starts with ``short`` and goes on
    with industry words only (and a bracketed place) to its legal ending."""
    start = text.find(short)
    while start >= 0:
        m = _FULL_NAME_TAIL.match(text, start + len(short))
        if m is not None and m.end() > start + len(short):
            middle = m.group(2)
            if not middle or industry_only(middle, 0, len(middle)):
                return start, m.end()
        start = text.find(short, start + 1)
    return None


def _named(part: Part, mention: OrgMention, article: ArticleText) -> OrgMention | None:
    """A mention found without an ending, without a verb it ran into (阿里巴巴合作共建 ->
    阿里巴巴), or None when it is no organisation's name."""
    end = mention.end
    verb = _TRAILING_VERB.search(part.text, mention.start, end)
    if verb is not None and verb.start() - mention.start >= 2:
        end = verb.start()
    name = part.text[mention.start : end]
    if not plausible(name) or article.person(name) or article.place(name):
        return None
    if end == mention.end:
        return mention
    return OrgMention(mention.start, end, part.source[mention.start : end], None)


_TRAILING_VERB = re.compile("(?:合作|共建|合资|签约|签署|投资|建设)$")


def _distinct(amounts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The lead's investment amounts, each once, in order of appearance."""
    out: list[dict[str, Any]] = []
    seen: set[tuple[str, int]] = set()
    for a in amounts:
        if (a["currency"], a["value"]) not in seen:
            seen.add((a["currency"], a["value"]))
            out.append(a)
    return out


def _within_reach(anchors: list[tuple[Key, Lead]], count: int) -> list[int]:
    """Body sentence indices at most ``MEMBER_REACH`` sentences after a lead (a title lead
    counts as standing before the body), in order."""
    found: set[int] = set()
    for (part, si), _ in anchors:
        first = 0 if part == 0 else si + 1
        last = MEMBER_REACH - 1 if part == 0 else si + MEMBER_REACH
        found.update(range(first, min(count, last + 1)))
    return sorted(found)


def _echoes(headline: dict[str, Any], body: dict[str, Any]) -> bool:
    """Whether a headline's amount tells a body amount again: the same figure, or a
    rounded one (签约总额超百亿元 over 112.6亿元: a qualifier, within a factor of two)."""
    if headline["currency"] != body["currency"]:
        return False
    if headline["value"] == body["value"]:
        return True
    return headline["qualifier"] is not None and 0.5 <= headline["value"] / body["value"] <= 2


def _legal_variant(spelled: str, canonical: str) -> bool:
    """Whether ``spelled`` is ``canonical`` up to its legal form (…设计院有限公司 for
    …设计院股份有限公司), or a part of it written the same way: no second name needed."""
    core = spelled
    for legal in ("股份有限公司", "有限责任公司", "有限公司"):
        if core.endswith(legal):
            core = core[: -len(legal)]
            break
    return core in canonical


def _serves(text: str, end: int) -> bool:
    """Whether the organisation ending at ``end`` is named for a service it renders to the
    project (参与规划设计, 设计, 代建, 承建, 施工, 监理): a contractor, not an investor."""
    clause = _clause_end(text, len(text), end)
    return any(w in text[end:clause] for w in _SERVICES)


def _anaphoric(text: str, lo: int) -> bool:
    """Whether the sentence at ``lo`` opens on the project of the one before (项目由…,
    该项目…, 其…), not on 其中/其他 (a part, or other projects)."""
    return text.startswith(_ANAPHORS, lo) and not text.startswith(("其中", "其他", "其余"), lo)


def _project_char(ch: str) -> bool:
    return ch.isalnum() or ch in "()（）"


def _balanced_from(text: str, start: int, end: int) -> int:
    """``start`` moved past any bracket in ``text[start:end]`` that the span does not both
    open and close (the name of 药明康德(成都)生命健康产业园 keeps its bracketed place)."""
    depth = 0
    cut = start
    for i in range(start, end):
        ch = text[i]
        if ch in "(（":
            depth += 1
            if ")" not in text[i:end] and "）" not in text[i:end]:
                cut = i + 1
        elif ch in ")）":
            if depth:
                depth -= 1
            else:
                cut = i + 1
    return cut


def _owners(names: list[tuple[int, int, str]]) -> list[OrgMention]:
    """The firms behind the named projects, as :class:`OrgMention` spanning the firm's part
    of the name (see :func:`_owner`); a project named by its kind only (新型储能项目) or by
    its product (年产30万辆…) has none."""
    out = []
    for s, _, name in names:
        owner = _owner(name)
        folded = fold(strip_pinyin(owner))
        if (
            len(owner) >= 2
            and not folded.startswith(_KIND_WORDS)
            and not _NOT_OWNER.search(folded)
            and plausible(folded)
        ):
            start = s + max(0, name.find(owner))
            out.append(OrgMention(start, start + len(owner), owner, None))
    return out


# A product or a phase, not a firm: 年产30万辆…, 新建…, 二期….
_NOT_OWNER = re.compile(r"^(?:年产|年处理|年加工|新建|扩建|建设|总投资|投资|首期|[一二三四]期)|\d")


def _owner(project: str) -> str:
    """The firm behind a project as its name gives it: the name before a bracketed place
    (上海药明康德(成都)生命健康产业园 -> 上海药明康德), else, after a leading place
    (上海化学工业区生合万物 -> 生合万物), up to its first firm word (千尧科技海上智能登乘
    装备基地 -> 千尧科技), else up to its first industry word (励成特医食品研发 -> 励成特医),
    else the whole name (科瑞茉高端日化产品)."""
    folded = fold(project)
    bracket = min((i for i in (folded.find("("), folded.find("（")) if i >= 2), default=-1)
    if bracket >= 2:
        return project[:bracket]
    place = PLACE_PREFIX.match(folded)
    if place is not None:
        project, folded = project[place.end() :], folded[place.end() :]
    m = _FIRM_WORD_RE.search(folded, 2)
    if m is not None:
        return project[: m.end()]
    m = _INDUSTRY_WORD_RE.search(folded, 2)
    return project[: m.start()] if m is not None else project


_ATTRIBUTE = re.compile(r"的|[于在][^，。；,;]{1,15}?的")


def _attributive(text: str, end: int, hi: int) -> bool:
    """Whether a signal ending at ``end`` is an attribute: followed by 的 (新落户的项目) or
    by 于/在 and a place and 的 (落户于生物医药产业园内的项目)."""
    return _ATTRIBUTE.match(text, end, hi) is not None


def _this_occasion(text: str, clause: int, pos: int) -> bool:
    """Whether an occasion word (此次, 现场, 集中 …) stands right before ``pos`` in its
    clause, or 此次/本次/这次 anywhere before it there: 此次集中开工的…项目 is this event."""
    before = text[clause:pos].rstrip()
    if before.endswith(_OCCASION_BEFORE):
        return True
    return any(w in before for w in ("此次", "本次", "这次"))


def _sub_total(text: str, first_end: int, start: int) -> bool:
    """Whether, after the sentence's first amount, a 其中 and a count of projects come
    before ``start``: the amount is a category's share of the total."""
    j = text.find("其中", first_end, start)
    return j >= 0 and _COUNT_ANY.search(text, j, start) is not None


def _part_of(text: str, prior_end: int, start: int, prior_phased: bool) -> bool:
    """Whether the amount at ``start`` follows 其中 after an amount of the same sentence
    and is a part of it: 总投资18亿元，其中固定资产投资12亿元 (no project named after 其中),
    or 首期投资13亿元，其中动力电池项目投资5亿元 (a part of a phase). 其中整车项目总投资
    85亿元 names a project of its own: its amount is that project's."""
    j = text.find("其中", prior_end, start)
    if j < 0:
        return False
    return prior_phased or _NAMED_PART.search(text, j + 2, start) is None


def _size_class(text: str, lo: int, a: Amount) -> bool:
    """Whether amount ``a`` names a size class of projects (2个超百亿元项目, 总投资超10亿元
    项目2个), not an investment."""
    if _SIZE_CLASS_AFTER.match(text, a.end):
        return True
    if a.qualifier == "以上" and _ABOVE_HEAD.match(text, a.end):
        return True  # 投资额10亿元以上的项目占…: a class of projects
    chain = _AMOUNT_CHAIN.match(text, a.end)  # 5亿元、10亿元、20亿元项目: classes of size
    listed = chain is not None and (chain.end() > a.end or text[a.start - 1 : a.start] == "、")
    if listed and _CLASS_HEAD.match(text, chain.end()):
        return True
    return bool(_SIZE_CLASS_BEFORE.search(text, max(lo, a.start - 8), a.start))


def _talked_about(text: str, lo: int, hi: int, sig: _Signal) -> bool:
    """Whether the signal is the topic of talks: 就…落户事宜进行洽谈, 围绕…落地等合作方向
    进行交流 (a 就 or 围绕 before it in its sentence, a talk word after it)."""
    before = text[lo : sig.start]
    return ("就" in before or "围绕" in before) and any(w in text[sig.end : hi] for w in _TALKS)


_NEXT_CLAUSE_MARK = re.compile("[，,；;：:]")


def _clause_end(text: str, hi: int, pos: int) -> int:
    """End of the clause (at the next ，；：) from ``pos`` within the sentence."""
    m = _NEXT_CLAUSE_MARK.search(text, pos, hi)
    return m.start() if m else max(pos, hi)
