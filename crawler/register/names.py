"""Organisation and project names as reports write them: short forms, cores, kinds.

The same firm is 江苏澄远储能科技有限公司 in the city's report, 澄远储能 in the paper and
澄远 in a headline. Its short forms are derived by taking off, in turn, the legal form
(有限公司), the region in front (江苏) and trade words at the end (科技, 储能): each step
that leaves a name of at least two characters is an alias. Two spellings are one firm when
the core of one (legal form and region off) is among the short forms of the other.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

LEGAL_FORMS = (
    "股份有限公司",
    "有限责任公司",
    "集团有限公司",
    "集团股份有限公司",
    "有限公司",
    "股份公司",
    "集团公司",
    "公司",
)
# Trade words firms put after their name; taken off one at a time, shortest first, so
# every step is a short form (康屹医疗器械 -> 康屹医疗 -> 康屹).
TRADE_WORDS = tuple(
    sorted(
        (
            "科技",
            "技术",
            "储能",
            "能源",
            "新能源",
            "电力",
            "电气",
            "材料",
            "新材料",
            "医疗器械",
            "器械",
            "医疗",
            "医药",
            "制药",
            "生物",
            "生物科技",
            "电子",
            "信息",
            "智能",
            "智能装备",
            "装备",
            "机械",
            "航空",
            "航天",
            "汽车",
            "环保",
            "环境",
            "化工",
            "实业",
            "投资",
            "控股",
            "集团",
            "发展",
            "网络",
            "软件",
            "通信",
            "数据",
            "算力",
            "半导体",
            "光电",
            "光伏",
            "精密",
            "制造",
            "工业",
            "产业",
            "健康",
            "养老",
            "颐养",
            "康养",
            "物流",
            "动力",
            "电池",
            "无人机",
            "通用航空",
            "食品",
            "农业",
            "建设",
            "工程",
            "设备",
            "系统",
            "自动化",
            "微电子",
            "芯片",
            "新型",
            "绿色",
            "国际",
            "中国",
        ),
        key=len,
    )
)
# Regions in front of a firm's name. The gazetteer's names are added at run time.
REGIONS = (
    "江苏",
    "浙江",
    "安徽",
    "上海",
    "北京",
    "天津",
    "重庆",
    "广东",
    "山东",
    "深圳",
    "苏州",
    "无锡",
    "常州",
    "南京",
    "宜兴",
    "杭州",
    "合肥",
    "湖州",
    "江阴",
    "中国",
    "中科",
)
# Endings of public bodies: the office's own side of most events, never a counterpart
# that tells two events apart.
GOVERNMENT_ENDINGS = (
    "人民政府",
    "管理委员会",
    "管委会",
    "委员会",
    "办公室",
    "街道办事处",
    "办事处",
    "发展改革委",
    "发改委",
    "商务局",
    "招商局",
    "局",
    "厅",
    "开发区",
    "高新区",
    "经开区",
    "园区",
    "镇",
    "街道",
    "政府",
)
FIRM_ENDINGS = ("公司", "集团", "企业")
MIN_ALIAS = 2  # characters: 澄远 is a usable short form, 澄 is not
# Short forms too general to tell firms apart.
GENERIC_NAMES = frozenset(
    (*TRADE_WORDS, *REGIONS, "公司", "集团", "企业", "有限", "股份", "项目", "中心", "基地")
)
_SPACE = re.compile(r"[\s\u3000·•]+")


def clean(name: str) -> str:
    """A counterpart as written, without spaces and brackets' spacing."""
    return _SPACE.sub("", name or "").replace("（", "(").replace("）", ")")


def is_government(name: str) -> bool:
    """Whether ``name`` is a public body (宜兴经济技术开发区管理委员会, 宜兴市人民政府)."""
    name = clean(name)
    return name.endswith(GOVERNMENT_ENDINGS) and not name.endswith(FIRM_ENDINGS)


def is_firm(name: str) -> bool:
    """Whether ``name`` is a company (its short forms may be derived)."""
    name = clean(name)
    return name.endswith(FIRM_ENDINGS) or any(name.endswith(f) for f in LEGAL_FORMS)


def strip_legal(name: str) -> str:
    """``name`` without its legal form: 江苏澄远储能科技有限公司 -> 江苏澄远储能科技."""
    name = clean(name)
    for form in LEGAL_FORMS:
        if name.endswith(form) and len(name) - len(form) >= MIN_ALIAS:
            return name[: -len(form)]
    return name


@lru_cache(maxsize=64)
def _regions(extra: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """Region names by their first character, longest first."""
    by_first: dict[str, list[str]] = {}
    for region in sorted({*REGIONS, *extra}, key=len, reverse=True):
        by_first.setdefault(region[0], []).append(region)
    return {c: tuple(names) for c, names in by_first.items()}


def strip_region(name: str, regions: Iterable[str] = ()) -> str:
    """``name`` without the regions in front (江苏澄远储能科技 -> 澄远储能科技); a name
    that would be left too short keeps them."""
    known = _regions(tuple(regions))
    changed = True
    while changed and name:
        changed = False
        for region in known.get(name[0], ()):
            rest = name[len(region) :]
            if name.startswith(region) and len(rest) >= MIN_ALIAS + 1:
                name, changed = rest, True
                break
    return name


def core(name: str, regions: Iterable[str] = ()) -> str:
    """The part of a firm's name that identifies it: legal form and region off."""
    name = clean(name)
    if not is_firm(name):
        return name
    return strip_region(strip_legal(name), regions)


def short_forms(name: str, regions: Iterable[str] = ()) -> list[str]:
    """Derived aliases of a firm's name, longest first: 江苏澄远储能科技有限公司 ->
    [澄远储能科技有限公司, 澄远储能科技, 澄远储能, 澄远]. Only firms get short forms (a
    研究院 or a 大学 is named in full)."""
    name = clean(name)
    if not is_firm(name) or is_government(name):
        return []
    out: list[str] = []
    legal = strip_legal(name)
    base = strip_region(legal, regions)
    if base != legal:
        out.append(base + name[len(legal) :])  # 澄远储能科技有限公司
    current = base
    while True:
        if current not in out and current != name:
            out.append(current)
        for word in TRADE_WORDS:
            if current.endswith(word) and len(current) - len(word) >= MIN_ALIAS:
                current = current[: -len(word)]
                break
        else:
            break
    return [a for a in out if len(a) >= MIN_ALIAS and a not in GENERIC_NAMES]


def related_names(a: str, b: str, regions: Iterable[str] = ()) -> bool:
    """Whether two spellings name one firm: the core of one is a short form of the
    other (澄远储能公司 and 江苏澄远储能科技有限公司)."""
    if clean(a) == clean(b):
        return True
    ca, cb = core(a, regions), core(b, regions)
    if ca == cb and len(ca) >= MIN_ALIAS and ca not in GENERIC_NAMES:
        return True
    return ca in short_forms(b, regions) or cb in short_forms(a, regions)


# --------------------------------------------------------------------------- projects

PROJECT_ENDINGS = ("项目", "基地", "产业园", "中心", "工厂", "社区", "园区")
_PROJECT = re.compile(
    r"([\u4e00-\u9fffA-Za-z0-9（）()]{2,40}?(?:" + "|".join(PROJECT_ENDINGS) + r"))"
)
# Words in front of a project's name that are not part of it.
_LEAD_IN = re.compile(
    r"^.*(?:签署|签订|签约|举行|推进|建设|开工|投资|打造|就|与|和|的|在|了解|了|为|对|将|拟|共建|"
    r"投产|竣工|落户|启动|围绕|实施|参观|考察|了解|推动|引进|布局|设立|公司|集团|院|大学|"
    r"管委会|政府|开发区|签下|总投资|共同|来到|走进|先后|前往|一行)"
)
_PHASE = re.compile(r"(?:一|二|三|四|首)期|[（(][^）)]*[）)]")
_STAGE_WORDS = re.compile(r"(?:竣工|投产|开工|签约|落户|奠基|建成|投运|启用|开业)")
GENERIC_PROJECTS = frozenset(
    (
        "项目",
        "重点项目",
        "重大项目",
        "产业项目",
        "合作项目",
        "签约项目",
        "投资项目",
        "该项目",
        "此项目",
        "本项目",
        "中心",
        "基地",
        "产业园",
        "研发中心",
        "生产基地",
        "工厂",
        "社区",
        "园区",
        "一期项目",
        "二期项目",
    )
)


# Words a project's name may consist of without saying which project it is (中试基地 or
# 宜兴产业合作项目 could be anyone's). Sector words stay: 宜兴交通科技产业园 is one park.
GENERIC_PROJECT_WORDS = tuple(
    sorted(
        (
            *PROJECT_ENDINGS,
            "产业",
            "合作",
            "发展",
            "创新",
            "示范",
            "未来",
            "投资",
            "招商",
            "重大",
            "重点",
            "战略",
            "化",
            "类",
            "相关",
            "一批",
            "多个",
            "新",
            "中试",
            "研发",
            "生产",
            "制造",
            "总部",
            "运营",
            "一体化",
            "智能",
            "数字",
            "绿色",
            "综合",
            "联合",
            "实验室",
            "华东",
            "华南",
            "长三角",
        ),
        key=len,
        reverse=True,
    )
)


def is_generic_project(name: str, places: Iterable[str] = ()) -> bool:
    """Whether a project's name says nothing but generic words and places (宜兴基地,
    中试基地): such a name is any project's."""
    rest = name
    for word in _generic_words(tuple(places)):
        rest = rest.replace(word, "")
    return len(rest) < 2


@lru_cache(maxsize=64)
def _generic_words(places: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted({*GENERIC_PROJECT_WORDS, *places}, key=len, reverse=True))


def project_names(text: str, places: Iterable[str] = ()) -> list[str]:
    """Named projects in ``text`` (储能系统集成项目, 澄远储能宜兴基地), normalised: the
    words leading into the name, phases (一期) and stage words taken off."""
    out: list[str] = []
    for match in _PROJECT.finditer(text or ""):
        name = normalise_project(match.group(1))
        if name and name not in out and not is_generic_project(name, places):
            out.append(name)
    return out


def normalise_project(name: str) -> str:
    """A project's name as compared: lead-in, phase and stage words off; '' when what
    is left is generic (重点项目)."""
    name = _LEAD_IN.sub("", clean(name))
    name = _STAGE_WORDS.sub("", _PHASE.sub("", name))
    if len(name) < 4 or name in GENERIC_PROJECTS or name.endswith(("该项目", "等项目")):
        return ""
    if is_generic_project(name):
        return ""
    return name


@lru_cache(maxsize=65536)
def bigrams(text: str) -> frozenset[str]:
    """The name's character pairs (cached: names are compared again and again)."""
    return frozenset(text[i : i + 2] for i in range(len(text) - 1))


def same_project_name(a: str, b: str) -> bool:
    """Whether two project names are one: equal, one inside the other (宜兴基地 in
    澄远储能宜兴基地), or most of their character pairs shared."""
    if not a or not b:
        return False
    if a == b or (min(len(a), len(b)) >= 4 and (a in b or b in a)):
        return True
    x, y = bigrams(a), bigrams(b)
    return len(x & y) / max(min(len(x), len(y)), 1) >= 0.75
