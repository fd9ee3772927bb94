"""Organisations named by their place in an event's clause, not by a legal ending.

News names the parties of an event by short forms and brands as often as by registered
names: 世纪互联与某市政府签订协议, 项目由甲、乙和丙共同投资, 中环有4个项目竣工, 考察团走访了
萝卜快跑运营基地. Four slots of a clause hold a party:

- the two sides of 与/同/和 before a signing or talk word (甲与乙签署…, 甲与乙开展交流座谈);
- the list after 由 and before a verb of investing or building (由甲、乙和丙共同投资建设);
- the subject of a signing or landing clause (甲将投资…在…建设, 甲有4个项目竣工), when the
  article names it again or it carries a firm word (科技, 生物 …);
- the objects of a visit word (走访了甲科技研发总部、乙集团华南基地), facilities cut off.

A slot's text is a party only when it looks like a name: not a host (…市, …区, …政府), not
a person (a post before it somewhere in the article: 市长王某), not generic (双方, 该公司),
no post, no project, no meeting.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import ahocorasick

from .normalize import Source
from .orgs import GENERIC_HEADS, OrgMention, StopWords
from .posts import POSTS
from .sentences import clause_start
from .words import JiebaWords, TextWords

MAX_PARTY = 20  # characters of a name known only from its slot
# 上海化学工业区生合万物项目, 武汉经开区新能源汽车…项目: a place before the firm's name.
PLACE_PREFIX = re.compile(
    r"[\u4e00-\u9fffA-Za-z?;]{2,10}?(?:经济技术开发区|经开区|高新区|开发区|工业区|工业园区|新区|市|县|区|镇)"
    r"(?=[\u4e00-\u9fffA-Za-z]{2})"
)
# Time and lead-in words a clause may open on before its subject.
_LEAD_IN = re.compile(
    r"\s*(?:(?:[\d一二三四五六七八九十〇]{1,4}\s*年\s*)?(?:[\d一二三四五六七八九十]{1,2}\s*月\s*)?"
    r"(?:[\d一二三四五六七八九十]{1,3}\s*日)(?:\s*(?:上午|下午|晚间|晚上|早上|中午|晚))?"
    r"|近日|日前|昨天|昨日|今天|今日|当天|当日|同日|随后|会上|会前|会后|现场|期间|其间|此外|另外"
    r"|同时|此次|本次|这次|据悉|据了解|据介绍|记者获悉|记者了解到|上午|下午|晚间|目前|其中"
    r"|活动中|活动现场|仪式上|签约仪式上|与此同时|近年来|去年|今年|此前)\s*[，,、]?"
)
# 投资40亿元的甲新能源电池…开工: the amount that qualifies the subject.
_AMOUNT_OF = re.compile(r"(?:总投资|计划总投资|计划投资|投资)[约超近逾达]?[\d.,]+\s*[万亿]*元的")
_WITH = re.compile("[与同和跟]")
_TOPIC = re.compile("就|围绕|关于|针对")
# The firm a sentence's 公司 refers to: the one that announces (甲发布公告称，公司拟与…).
_ANAPHORS = frozenset(("公司", "该公司", "企业", "该企业", "集团", "该集团", "其"))
_ADVERB_END = re.compile(
    r"(?:拟|将|计划|正式|已经|已|再次|也|还|均|首次|逐一|分别|依次|一一|一同|同时)$"
)
_JOINTLY = re.compile("共同|合资|合作|联合|携手")
_ANNOUNCES = re.compile(r"发布|公告|宣布|披露|称|表示|[（(]|\d")
_PROJECTS_LISTED = re.compile(r"等\s*[\d一二三四五六七八九十两]*\s*[个项家]?[^、，,]{0,6}项目")
# Where a party after 与 ends: the verb phrase or a place starts.
_PARTY_END = re.compile(
    r"在|于|就|围绕|正式|共同|联合|签|举行|开展|进行|达成|召开|座谈|会谈|洽谈|交流|合作|再次|首次"
    r"|成功|顺利|举办|逐一|分别|依次|一一|[，,；;：:]"
)
# Where a subject ends: its verb phrase starts.
_SUBJECT_END = re.compile(
    r"与|同|将|拟|计划|正式|成功|已经|已|在|于|投资|出资|有|宣布|发布|举行|签|共同|联合|携手|就|向"
    r"|把|通过|再次|首次|顺利|全面|总投资|[，,；;：:]"
)
# Verbs after a 由-list that make its items the project's investors or builders.
_BY_VERBS = re.compile(r"共同|联合|合资|合作|投资|出资|建设|兴建|打造|开发|运营|牵头")
_ITEM_SPLIT = re.compile(r"、|以及|及|和|与")
_VISIT_WORDS = ("走访", "拜访", "考察", "参观", "调研", "来到", "走进")
_VISIT_SKIP = re.compile(r"\s*(?:了|先后|实地|深入|重点|专程|一行)*\s*")
_VISIT_END = re.compile(r"[，,；;：:。]|就|围绕|并|与|，")
# A list of visited firms closed by its kind: 甲、乙、丙等企业.
_CLOSED = re.compile(
    r"等\s*(?:[\d一二三四五六七八九十]+\s*家)?\s*(?:企业|公司|单位|机构|科研院所|高校)"
)
# Facilities named after their firm: 甲科技研发总部, 乙集团华南基地, 丙航空运营中心.
_FACILITY = re.compile(
    r"(?:[(（][^()（）]{1,6}[)）])?(?:华东|华南|华北|华中|西南|西北|东北|全球|亚太|区域|中国)*"
    r"(?:运营|制造|生产|研发|产业|智能|数字化|总装|物流|测试)?"
    r"(?:总部|基地|工厂|运营中心|研发中心|展厅|展示中心|实验室|生产线|车间)$"
)
_HOST_ENDINGS = (
    "区",
    "县",
    "市",
    "省",
    "镇",
    "乡",
    "村",
    "街道",
    "政府",
    "公署",
    "管委会",
    "管理委员会",
    "园",
    "市委",
    "区委",
    "县委",
    "港",
)
_HOST_STARTS = (
    "市",
    "区",
    "县",
    "省",
    "镇",
    "我市",
    "我县",
    "我区",
    "我省",
    "我镇",
    "全市",
    "本市",
    "全省",
)
_NOT_NAMES = (
    "项目",
    *POSTS,
    "董事",
    "总裁",
    "负责人",
    "一行",
    "同志",
    "领导",
    "代表",
    "嘉宾",
    "客商",
    "专家",
    "院士",
    "教授",
    "记者",
    "人员",
    "企业",
    "团队",
    "考察团",
    "招商团",
    "小分队",
    "员",
    "开发区",
    "经开区",
    "高新区",
    "园区",
    "一期",
    "二期",
    "三期",
    "首期",
    "双方",
    "三方",
    "各方",
    "协议",
    "合同",
    "备忘录",
    "情况",
    "工作",
    "活动",
)
_MEETINGS = (
    "会",
    "仪式",
    "论坛",
    "典礼",
    "大会",
    "峰会",
    "活动",
    "展会",
    "车展",
    "产业",
    "载体",
    "平台",
    "行业",
    "领域",
    "周",
    "队",
    "俱乐部",
    "球员",
)
_GENERIC = frozenset(
    (
        "公司",
        "企业",
        "集团",
        "大家",
        "我们",
        "他们",
        "对方",
        "该地",
        "当地",
        "各地",
        "现场",
        "深入",
        "实地",
        "集中",
        "对接",
        "合资公司",
        "集团公司",
        "项目公司",
        "子公司",
        "总公司",
        "国际组织",
        "研究院",
        "研究所",
        "大学",
        "高校",
        "学院",
        "协会",
        "商会",
        "医院",
        "银行",
        "机构",
    )
)
_BAD_STARTS = (
    "各",  # 各企业, 各签约单位: every one of them, none by name
    "集团",
    "公司",
    "以",
    "于",
    "及",
    "等",
    "对",
    "向",
    "在",
    "从",
    "了",
    "受",
    "团",
    "组",
    "全球",
    "全国",
    "国内",
    "首个",
    "首批",
    "第一",
)
# Function words and verbs that do not occur in a short name: a slot holding one is a clause.
_CLAUSE_CHARS = frozenset("并也还都就要被让把着过得")
_CLAUSE_WORDS = re.compile(
    "必须|接受|愿意|提供|已经|正在|能够|可以|需要|表示|认为|希望|致辞|时间|发现|看中|选择|来到|前往"
    "|及时|帮助|解决|围绕|位于|不含|创造|完成|季度|区域|地区|片区|的|级|合作|往来|交流|新建|改扩建"
    r"|\d+\s*[个月年天日周项家名位只亿万]"
)
# Words of firms' names (甲科技, 乙生物): a subject with one is a firm's short name.
_FIRM_WORD = re.compile(
    "科技|生物|药业|医药|医疗|新材料|新材|新能源|能源|电子|汽车|集团|股份|控股|实业|智能|电气|数据|信息"
    "|机械|装备|航空|动力|半导体|材料|云|网络|互联|通信|物流|置业|地产|投资|资本|基金|制造|化学|化工"
)
# What a subject may end on that is its product, not its name (甲锂能新能源电池…开工).
_PRODUCT_END = re.compile(r"(?:电池|电芯|材料|芯片|整车|汽车|装备|设备|产品|基地|工厂|项目|工程)$")
# A firm word the name ends on: a firm's short name (华熙生物, 湖北某某新能源).
_FIRM_END = re.compile("(?:" + _FIRM_WORD.pattern + ")$")
_POST_WORDS = (
    *POSTS,
    "董事长",
    "总裁",
    "委员",
    "院士",
    "教授",
    "记者",
    "秘书长",
    "负责人",
    "同志",
)
# The posts written before people's names (市长王翔): every place the article has one.
_POST_AUTOMATON = ahocorasick.Automaton()
for _post in _POST_WORDS:
    _POST_AUTOMATON.add_word(_post, _post)
_POST_AUTOMATON.make_automaton()
_SAYS = ("说", "表示", "指出", "介绍", "强调", "致辞", "认为")


_ADMIN_ENDINGS = frozenset("省市县区州盟镇乡村")


class ArticleText:
    """The folded texts of an article, for the tests a slot's text must pass: whether the
    article names it again, and whether it is a person's name (a post before it)."""

    def __init__(self, texts: Iterable[str]) -> None:
        self.text = "\n".join(texts)
        self._persons: dict[str, bool] = {}
        self._titled: frozenset[str] | None = None

    def place(self, name: str) -> bool:
        """Whether ``name`` is a place: the article writes it with an administrative
        ending somewhere (四川省, 无锡市, 乌兰察布市政府, 高新区)."""
        text = self.text
        start = text.find(name)
        while start >= 0:
            if text[start + len(name) : start + len(name) + 1] in _ADMIN_ENDINGS:
                return True
            start = text.find(name, start + 1)
        return False

    def repeated(self, name: str) -> bool:
        """Whether ``name`` occurs at least twice in the article."""
        first = self.text.find(name)
        return first >= 0 and self.text.find(name, first + 1) >= 0

    def person(self, name: str) -> bool:
        """Whether ``name`` is a person's: a post stands right before it somewhere (市长王翔),
        or it speaks (秦强说); a slot that opens on a person's name (书记张某，区长李某 read as
        张某李某) is a person's too."""
        found = self._persons.get(name)
        if found is None:
            titled = self._titled_heads()
            found = any(name[:k] in titled for k in (2, 3, 4) if k <= len(name))
            if not found and len(name) <= 4:
                start = self.text.find(name)
                while start >= 0 and not found:
                    after = self.text[start + len(name) : start + len(name) + 2]
                    found = any(after.startswith(w) for w in _SAYS)
                    start = self.text.find(name, start + 1)
            self._persons[name] = found
        return found

    def _titled_heads(self) -> frozenset[str]:
        """The two to four characters after every post in the article (市长王翔表示 ->
        王翔, 王翔表, 王翔表示): the heads of people's names (one scan, once)."""
        if self._titled is None:
            text = self.text
            heads = set()
            for end, _ in _POST_AUTOMATON.iter_long(text):
                for k in (2, 3, 4):
                    heads.add(text[end + 1 : end + 1 + k])
            self._titled = frozenset(heads)
        return self._titled


# Posts, projects, function words, verbs: what no short name holds (one scan).
_NOT_IN_NAME = re.compile(
    "|".join(re.escape(w) for w in _NOT_NAMES)
    + "|["
    + "".join(sorted(_CLAUSE_CHARS))
    + "]|"
    + _CLAUSE_WORDS.pattern
)


# A side of an agreement named by its role (各项目方, 双方, 签约方, 中方), not by its name.
_ROLE = re.compile(r"(?:[各双多该本])?(?:项目|企业|签约|投资|合作|甲|乙|对|外|中)?方")


def plausible(name: str) -> bool:
    """Whether a slot's text may be an organisation's name (see the module docstring)."""
    if not 2 <= len(name) <= MAX_PARTY or name in _GENERIC or _ROLE.fullmatch(name):
        return False
    if not all(ch.isalnum() or ch in "()（）·&-" for ch in name) or name[0].isdigit():
        return False
    if name.count("(") + name.count("（") != name.count(")") + name.count("）"):
        return False  # 无菌制剂): a cut through a bracket
    if name.endswith(_HOST_ENDINGS) or name.endswith(_MEETINGS) or name.startswith(_HOST_STARTS):
        return False
    if name.startswith(GENERIC_HEADS) or name.startswith(_BAD_STARTS):
        return False
    return _NOT_IN_NAME.search(name) is None


def _lead_in_end(text: str, start: int, end: int) -> int:
    """``start`` moved past the time words and lead-ins a clause opens on."""
    while start < end:
        m = _LEAD_IN.match(text, start, end)
        if m is None or m.end() == start:
            break
        start = m.end()
    m = _AMOUNT_OF.match(text, start, end)
    return m.end() if m is not None else start


def _covered(taken: list[OrgMention], start: int, end: int) -> bool:
    """Whether an organisation already found lies inside ``[start, end)`` and fills most
    of it: the slot holds a name found by its ending."""
    return any(
        start <= m.start and m.end <= end and (m.end - m.start) * 2 > end - start for m in taken
    )


def _items(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The spans of a list's items in ``text[start:end]`` (split on 、 和 及 与 以及)."""
    out = []
    pos = start
    for m in _ITEM_SPLIT.finditer(text, start, end):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, end))
    return [(s, e) for s, e in out if e > s]


class Slots:
    """Finds the parties of one sentence's event clauses (see the module docstring)."""

    def __init__(
        self,
        text: str,
        raw: Source | str,
        words: TextWords | JiebaWords,
        stops: StopWords,
        article: ArticleText,
        public_works: tuple[str, ...] = (),
    ) -> None:
        self.text = text
        self.raw = raw
        self.words = words
        self.stops = stops
        self.article = article
        self.public_works = public_works  # 小学, 医院 …: what the city builds for itself

    def parties(
        self,
        lo: int,
        hi: int,
        signals: list[tuple[int, int, str]],
        taken: list[OrgMention],
        cooperation: bool,
    ) -> list[OrgMention]:
        """Parties of the sentence ``text[lo:hi]`` for its ``signals`` ``(start, end,
        event)``, less any overlapping an organisation already ``taken``; a talk word
        (会谈, 交流 …) gives the sides of its 与 only in a sentence about ``cooperation``
        (合作, 投资, 项目 …: 天宫一号与神舟九号对接 is no meeting)."""
        spans: list[tuple[int, int]] = []
        sentence = self.text[lo:hi]
        withs = any(w in sentence for w in "与同和跟")  # no 与: no sides to look at
        by = "由" in sentence
        done: set[tuple[int, str]] = set()  # (clause, event): two signals of one clause look once
        for start, end, event in signals:
            clause = clause_start(self.text, lo, start)
            if (clause, event) in done and event != "visit":
                continue
            done.add((clause, event))
            if withs and (event == "signing" or (event == "visit" and cooperation)):
                spans += self._with(clause, start, lo, taken)
            elif withs and event == "landing":
                spans += self._with(lo, start, lo, taken, jointly=True)
            if event in ("signing", "landing"):
                if by:
                    spans += self._by(lo, start)
                spans += self._subject(clause, start, taken)
            if (
                event == "visit"
                and self.text.startswith(_VISIT_WORDS, start)
                and self.text[end : end + 1] not in ("团", "组", "队")  # 考察团: a noun
            ):
                spans += self._visited(end, hi, taken)
        out: list[OrgMention] = []
        seen: list[tuple[int, int]] = [(m.start, m.end) for m in taken]
        for s, e in spans:
            if any(a < e and s < b for a, b in seen):
                continue
            seen.append((s, e))
            out.append(OrgMention(s, e, self.raw[s:e], None))
        return out

    def _accept(self, s: int, e: int, evidence: bool = True) -> bool:
        name = self.text[s:e]
        if not plausible(name) or any(w in name for w in self.public_works):
            return False
        if not (evidence or self.article.repeated(name) or _FIRM_WORD.search(name)):
            return False
        if self.article.place(name) or self.article.person(name):
            return False
        return not any(
            self.words.boundary(a) and self.words.boundary(b)
            for a, b in self.stops.scan(self.text, s, e)
        )  # 开工, 签约: a verb standing as a word, no name

    def _trim(self, s: int, e: int) -> tuple[int, int]:
        """A slot's span after the last stop word that stands as a word in it (来自甲 ->
        甲) and without blanks."""
        for a, b in reversed(self.stops.scan(self.text, s, e)):
            if b < e and self.words.boundary(a) and self.words.boundary(b):
                s = b
                break
        s = max(s, _lead_in_end(self.text, s, e))
        while s < e and self.text[s].isspace():
            s += 1
        while e > s and self.text[e - 1].isspace():
            e -= 1
        return s, e

    def _with(
        self, clause: int, sig: int, lo: int, taken: list[OrgMention], jointly: bool = False
    ) -> list[tuple[int, int]]:
        """甲与乙签署… / 甲与乙开展交流座谈: the two sides of 与 before the signal; 公司
        on the first side is the firm that opens the sentence (甲发布公告称，公司拟与乙签署…)."""
        text = self.text
        start = _lead_in_end(text, clause, sig)
        m = _WITH.search(text, start, sig)
        while m is not None and not (
            self.words.boundary(m.start()) and self.words.boundary(m.end())
        ):
            m = _WITH.search(text, m.end(), sig)
        if m is None or _TOPIC.search(text, start, m.start()):
            return []  # 双方就经贸往来和教育合作进行交流: 和 joins topics, not parties
        if jointly and not _JOINTLY.search(text, m.end(), sig):
            return []  # a landing's 与 counts only for partners who build together
        out = []
        start = max(start, clause_start(text, lo, m.start()))
        for s, e in _items(text, start, m.start()):
            if _covered(taken, s, e):
                continue  # named already (甲有限公司与…)
            s, e = self._trim(s, e)
            adverb = _ADVERB_END.search(text, s, e)
            if adverb is not None:
                e = adverb.start()  # 公司拟与…: the adverb belongs to the verb
            if text[s:e] in _ANAPHORS:
                out += self._announcer(lo, s)
            elif self._accept(s, e):
                out.append((s, e))
        end = _PARTY_END.search(text, m.end(), sig)
        b_end = end.start() if end is not None else sig
        if m.start() == start and sig - b_end > 4:
            return out  # 与新能源汽车配套的…项目签约: 与 opens a phrase, not a party
        if _PROJECTS_LISTED.search(text, m.end(), b_end):
            return out  # 与甲、乙等10个配套项目: projects, not parties
        for s, e in _items(text, m.end(), b_end):
            if _covered(taken, s, e):
                continue
            s, e = self._trim(s, e)
            if self._accept(s, e):
                out.append((s, e))
        return out

    def _announcer(self, lo: int, end: int) -> list[tuple[int, int]]:
        """The firm that opens the sentence before a verb of announcing (甲发布公告称，…;
        甲2月26日晚间公告，…), when the article names it again or it ends on a firm word."""
        text = self.text
        start = _lead_in_end(text, lo, end)
        m = _ANNOUNCES.search(text, start, end)
        if m is None or m.start() == start:
            return []
        s, e = self._trim(start, m.start())
        name = text[s:e]
        if not (self.article.repeated(name) or _FIRM_END.search(name)):
            return []
        return [(s, e)] if self._accept(s, e) else []

    def _by(self, lo: int, sig: int) -> list[tuple[int, int]]:
        """由甲、乙和丙共同投资建设: the items between 由 and a verb of investing."""
        text = self.text
        by = text.rfind("由", lo, sig)
        if by < 0 or not self.words.boundary(by + 1):
            return []
        verb = _BY_VERBS.search(text, by + 1, min(sig + 8, by + 60))
        if verb is None or any(c in "，,；;。" for c in text[by : verb.start()]):
            return []
        out = []
        for s, e in _items(text, by + 1, verb.start()):
            s, e = self._trim(s, e)
            if self._accept(s, e):
                out.append((s, e))
        return out

    def _subject(self, clause: int, sig: int, taken: list[OrgMention]) -> list[tuple[int, int]]:
        """甲将投资…建设 / 甲有4个项目竣工: the clause's subject, when the article names it
        again or it carries a firm word (and no organisation found already stands there)."""
        text = self.text
        if any(clause <= m.start < sig for m in taken):
            return []  # 某某有限公司在…开工: the subject is named already
        start = _lead_in_end(text, clause, sig)
        m = _SUBJECT_END.search(text, start, sig)
        if m is None or m.start() == start or text[m.start()] in "与同":
            return []
        s, e = self._trim(start, m.start())
        place = PLACE_PREFIX.match(text, s, e)
        if place is not None:
            s = place.end()  # 上海化学工业区生合万物项目: the firm after its place
        product = _PRODUCT_END.search(text, s, e)
        if product is not None and product.start() - s >= 2:
            e = product.start()  # 甲锂能新能源电池: the firm before its product
        name = text[s:e]
        if not (self.article.repeated(name) or _FIRM_END.search(name)):
            return []
        return [(s, e)] if self._accept(s, e) else []

    def _visited(self, end: int, hi: int, taken: list[OrgMention]) -> list[tuple[int, int]]:
        """走访了甲科技研发总部、乙集团华南基地和丙公司等企业: the firms visited."""
        text = self.text
        start = _VISIT_SKIP.match(text, end, hi).end()
        stop = _VISIT_END.search(text, start, hi)
        last = stop.start() if stop is not None else hi
        closed = _CLOSED.search(text, start, last)
        if closed is not None:
            last = closed.start()
        out = []
        for s, e in _items(text, start, last):
            if _covered(taken, s, e):
                continue
            s, e = self._trim(s, e)
            facility = _FACILITY.search(text, s, e)
            if facility is not None and facility.start() > s + 1:
                e = facility.start()
            if self._accept(s, e, evidence=closed is not None or facility is not None):
                out.append((s, e))
        return out
