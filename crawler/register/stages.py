"""A lead's stage in a project's life: visit → signing → 拟落户 → 落地 → 开工 → 投产.

The classifier tells three events (signing, landing, visit); a project's life needs the
landing split by what happened: a groundbreaking (开工) and a production start (投产) of one
project are two events, one project. The stage is read from the signal words of the
lead's sentence; a word after 将/预计/计划 is a plan, not what happened.
"""

from __future__ import annotations

import re

STAGES = ("visit", "signing", "planned", "landing", "groundbreaking", "production")
RANK = {stage: i for i, stage in enumerate(STAGES)}
# Checked in this order; the earliest word in the sentence that is not a plan wins.
_WORDS = {
    "production": (
        "竣工投产",
        "建成投产",
        "正式投产",
        "投产",
        "竣工",
        "建成投运",
        "投运",
        "投入运营",
        "投入使用",
        "建成",
        "开业",
        "试生产",
        "下线",
        "完工",
        "启用",
    ),
    "groundbreaking": ("开工", "奠基", "动工", "开建", "破土"),
    "landing": ("落户", "落地", "入驻", "注册", "揭牌", "开园", "投资建设", "设立"),
}
_FUTURE = re.compile(
    r"(?:将|预计|计划|拟|力争|争取|有望|准备|明年|年内|年底前|下半年|即将)[^，。；]{0,8}$"
)
_PLANNED = re.compile(r"(?:拟|将|计划|准备|有望)[^，。；]{0,6}(?:落户|落地|入驻|建设)")


def stage_of(event: str, sentence: str) -> str:
    """The stage of a lead of ``event`` (signing | landing | visit) told by ``sentence``."""
    if event in ("signing", "visit"):
        return event
    found: list[tuple[int, str]] = []
    for stage, words in _WORDS.items():
        for word in words:
            for match in re.finditer(word, sentence):
                if (
                    match.group(0) in ("投产", "竣工")
                    and sentence[match.end() : match.end() + 1] == "后"
                ):
                    continue
                if not _FUTURE.search(sentence[: match.start()]):
                    found.append((match.start(), stage))
    if found:
        return min(found)[1]
    return "planned" if _PLANNED.search(sentence) else "landing"


def stages_compatible(a: str, b: str) -> bool:
    """Whether two reports' stages can be one event: equal, or a bare 落地 report and a
    more precise one (开工/投产) of the same landing."""
    if a == b:
        return True
    precise = ("groundbreaking", "production")
    return (a == "landing" and b in precise) or (b == "landing" and a in precise)
