"""The report as a list of blocks (title, numbered headings, paragraphs, tables, charts),
built once from :class:`~crawler.report.data.ReportData`; the Word and PDF writers only
lay these blocks out, so both say exactly the same thing.

Amounts are written as the articles give them (总投资约20亿元), a plan marked as one and
left out of every sum; a sum that holds a qualified figure says 含约数.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from crawler.present.amounts import format_yuan
from crawler.present.labels import (
    EVENT_LABELS,
    HEALTH_LABELS,
    ORG_KIND_LABELS,
    SCOPE_LABELS,
    STAGE_LABELS,
    STATUS_LABELS,
    label,
)
from crawler.register.stages import RANK
from crawler.report.charts import Chart
from crawler.report.data import EventLine, Figures, Money, ReportData
from crawler.report.fonts import MISSING_HINT
from crawler.timeutil import local

EVENTS_PER_SECTOR = 8  # listed per sector in Word and PDF; the Excel file lists them all
NUMERALS = "一二三四五六七八九十"
SECTIONS = (
    "总体情况",
    "分行业、分类型事件",
    "项目推进",
    "关注企业动态",
    "周边城市动态",
    "信息源状态",
    "跟进情况",
)


@dataclass
class Title:
    text: str
    lines: list[str]  # under the title: period, scope, when made


@dataclass
class Heading:
    text: str
    level: int = 1  # 1: 一、总体情况; 2: （一）新能源


@dataclass
class Para:
    text: str
    muted: bool = False


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    widths: list[float]  # relative column widths
    numeric: set[int] = field(default_factory=set)  # right-aligned columns


@dataclass
class Figure:
    chart: Chart


Block = Title | Heading | Para | Table | Figure


def section_title(index: int) -> str:
    """一、总体情况 … (index from 0)."""
    return f"{NUMERALS[index]}、{SECTIONS[index]}"


def money_text(money: Money) -> str:
    """总投资约20亿元; a plan: 计划投资超过500亿元（计划目标，未计入合计）."""
    text = money.text or format_yuan(money.value, money.currency, None)
    if money.label and not text.startswith(money.label):
        text = money.label + text
    return text + ("（计划目标，未计入合计）" if money.plan else "")


def amounts_text(line: EventLine) -> str:
    return "；".join(money_text(m) for m in line.amounts) or "—"


def sum_text(yuan: int, approx: bool) -> str:
    if not yuan:
        return "—"
    return format_yuan(yuan) + ("（含约数）" if approx else "")


def change_text(now: int, before: int) -> str:
    """+3（+50%）, −2（−40%）, 持平, or 新增 when the previous period had none."""
    return _change(now, before, str)


def money_change(now: int, before: int) -> str:
    """As :func:`change_text`, the difference written as an amount (+2亿元（+40%）)."""
    return _change(now, before, format_yuan)


def _change(now: int, before: int, written: Callable[[int], str]) -> str:
    if now == before:
        return "持平"
    if before == 0:
        return "新增"
    diff = now - before
    sign = "+" if diff > 0 else "−"
    return f"{sign}{written(abs(diff))}（{sign}{abs(diff) * 100 / before:.0f}%）"


def figure_rows(now: Figures, before: Figures) -> list[tuple[str, str, str, str]]:
    """(指标, 本期, 上期, 环比) — the summary table, shared by every format."""
    counts = (
        ("监测事件", now.events, before.events),
        ("其中：签约", now.signing, before.signing),
        ("　　　落地/开工/投产", now.landing, before.landing),
        ("　　　考察/洽谈", now.visit, before.visit),
        ("推进阶段的项目", now.advanced, before.advanced),
        ("周边城市事件", now.peer, before.peer),
        ("采集文章", now.articles, before.articles),
        ("跟进记录", now.followups, before.followups),
    )
    rows = [(name, str(a), str(b), change_text(a, b)) for name, a, b in counts]
    rows.insert(
        4,
        (
            "签约/投资额（不含计划目标）",
            sum_text(now.signed, now.approx),
            sum_text(before.signed, before.approx),
            money_change(now.signed, before.signed),
        ),
    )
    return rows


def summary_sentence(data: ReportData) -> str:
    f, b = data.figures, data.before
    unit = data.period.unit
    text = (
        f"本{unit}共监测到招商相关事件{f.events}项（上{unit}{b.events}项），其中签约{f.signing}项、"
        f"落地/开工/投产{f.landing}项、考察/洽谈{f.visit}项"
    )
    if f.signed:
        text += f"，涉及签约/投资额{sum_text(f.signed, f.approx)}"
    text += f"；{f.advanced}个项目推进到新阶段，周边城市事件{f.peer}项。"
    top = [s for s in data.sectors if s.sector != "other"][:3]
    if top:
        text += "活跃行业：" + "、".join(f"{s.label}（{s.events}项）" for s in top) + "。"
    return text


def _event_row(line: EventLine) -> list[str]:
    project = f"（项目：{line.project}）" if line.project else ""
    return [
        line.day.strftime("%m-%d"),
        label(STAGE_LABELS, line.stage),
        line.title + project,
        "、".join(line.parties[:4]) or "—",
        line.place or label(SCOPE_LABELS, line.scope),
        amounts_text(line),
    ]


EVENT_HEADER = ["日期", "阶段", "事件", "合作方", "地点", "金额（按原文）"]
EVENT_WIDTHS = [0.7, 0.8, 3.4, 2.2, 1.1, 1.8]


def _chart(charts: dict[str, Chart], key: str) -> list[Block]:
    chart = charts.get(key)
    return [Figure(chart)] if chart is not None and chart.png else []


def build(data: ReportData, charts: list[Chart], *, fonts_missing: bool = False) -> list[Block]:
    """The report's blocks, in reading order."""
    by_key = {c.key: c for c in charts}
    p = data.period
    lines = [f"报告期：{p.start.isoformat()} 至 {p.last_day.isoformat()}"]
    if data.scope.title:
        lines.append(f"订阅：{data.scope.title}")
    lines.append(f"生成时间：{local(data.generated_at)}（北京时间）")
    blocks: list[Block] = [Title(data.title, lines)]
    if fonts_missing:
        blocks.append(Para(MISSING_HINT, muted=True))

    # 一、总体情况
    blocks += [Heading(section_title(0)), Para(summary_sentence(data))]
    blocks.append(
        Table(
            ["指标", f"本{p.unit}", f"上{p.unit}", "环比"],
            [list(r) for r in figure_rows(data.figures, data.before)],
            [2.6, 1.6, 1.6, 1.6],
            {1, 2, 3},
        )
    )
    blocks += _chart(by_key, "events") + _chart(by_key, "amounts")

    # 二、分行业、分类型事件
    blocks.append(Heading(section_title(1)))
    if not data.sectors:
        blocks.append(Para(f"本{p.unit}没有监测到事件。"))
    else:
        stage_cols = ["visit", "signing", "planned", "landing", "groundbreaking", "production"]
        rows = []
        for s in data.sectors:
            rows.append(
                [s.label, str(s.events)]
                + [str(s.stages.get(k, 0) or "") for k in stage_cols]
                + [sum_text(s.signed, s.approx)]
            )
        blocks.append(
            Table(
                ["行业", "事件"] + [STAGE_LABELS[k] for k in stage_cols] + ["签约/投资额"],
                rows,
                [1.6, 0.7] + [0.75] * 6 + [1.7],
                set(range(1, 9)),
            )
        )
        notes = []
        for s in data.sectors:
            extra = [money_text(m) for m in s.plans] + [money_text(m) for m in s.foreign]
            if extra:
                notes.append(f"{s.label}另有：" + "；".join(extra) + "（均未计入合计）。")
        blocks += [Para(n, muted=True) for n in notes]
        for i, s in enumerate(data.sectors):
            events = [e for e in data.events if e.sector == s.sector]
            events.sort(key=lambda e: (-(e.signed or 0), -RANK[e.stage], e.day, e.id))
            shown = events[:EVENTS_PER_SECTOR]
            blocks.append(Heading(f"（{NUMERALS[i % 10]}）{s.label}（{s.events}项）", level=2))
            blocks.append(Table(EVENT_HEADER, [_event_row(e) for e in shown], EVENT_WIDTHS, set()))
            if len(events) > len(shown):
                blocks.append(
                    Para(
                        f"另有{len(events) - len(shown)}项，见 Excel 版「事件明细」或网页「事件」。",
                        muted=True,
                    )
                )

    # 三、项目推进
    blocks.append(Heading(section_title(2)))
    if data.projects:
        blocks.append(
            Table(
                ["项目", "原阶段", "新阶段", "日期", "地点", "金额", "进展"],
                [
                    [
                        s.name,
                        label(STAGE_LABELS, s.before) if s.before else "（新项目）",
                        label(STAGE_LABELS, s.after),
                        s.day.isoformat(),
                        s.place or "—",
                        format_yuan(s.signed) if s.signed else "—",
                        " → ".join(f"{STAGE_LABELS.get(st, st)} {d:%m-%d}" for st, d in s.path),
                    ]
                    for s in data.projects
                ],
                [2.0, 0.8, 0.8, 1.0, 1.0, 0.9, 3.0],
            )
        )
    else:
        blocks.append(Para(f"本{p.unit}没有项目推进到新阶段。"))
    blocks += _chart(by_key, "stages")

    # 四、关注企业动态
    blocks.append(Heading(section_title(3)))
    if data.orgs:
        rows = []
        for org in data.orgs:
            for e in org.events:
                rows.append(
                    [
                        org.name,
                        label(ORG_KIND_LABELS, org.kind),
                        e.day.strftime("%m-%d"),
                        label(STAGE_LABELS, e.stage),
                        e.title,
                        amounts_text(e),
                    ]
                )
        blocks.append(
            Table(
                ["企业", "类型", "日期", "阶段", "事件", "金额"],
                rows,
                [2.0, 0.9, 0.7, 0.8, 3.6, 1.6],
            )
        )
    else:
        blocks.append(Para(f"关注名单中的企业本{p.unit}没有新动态。"))
    if data.followed_quiet and data.orgs:
        blocks.append(
            Para(f"其余{data.followed_quiet}家关注企业本{p.unit}没有新动态。", muted=True)
        )
    blocks += _chart(by_key, "counterparts")

    # 五、周边城市动态
    blocks.append(Heading(section_title(4)))
    active = [g for g in data.peers if g.events]
    quiet = [g.name for g in data.peers if not g.events]
    if active:
        rows = [
            [
                g.name,
                e.day.strftime("%m-%d"),
                label(EVENT_LABELS, e.event),
                e.title,
                amounts_text(e),
            ]
            for g in active
            for e in g.events
        ]
        blocks.append(
            Table(["城市", "日期", "类型", "事件", "金额"], rows, [1.1, 0.7, 0.9, 4.6, 1.8])
        )
    else:
        blocks.append(Para(f"本{p.unit}未监测到周边城市的招商事件。"))
    if quiet and active:
        blocks.append(Para("无动态：" + "、".join(quiet) + "。", muted=True))

    # 六、信息源状态
    blocks.append(Heading(section_title(5)))
    attention = [s for s in data.sources if s.status in ("never", "failing", "stale")]
    blocks.append(
        Para(
            f"共{len(data.sources)}个信息源，"
            + (f"{len(attention)}个需要处理。" if attention else "均运行正常。")
        )
    )
    blocks.append(
        Table(
            ["信息源", "状态", f"本{p.unit}文章", "最近新文章", "说明"],
            [
                [
                    s.label or s.name,
                    label(HEALTH_LABELS, s.status),
                    str(s.articles),
                    local(s.last_new, fmt="%Y-%m-%d") or "—",
                    s.reason,
                ]
                for s in data.sources
            ],
            [1.8, 0.9, 0.9, 1.2, 4.2],
            {2},
        )
    )

    # 七、跟进情况
    blocks.append(Heading(section_title(6)))
    if data.followups:
        blocks.append(
            Table(
                ["时间", "经办人", "对象", "状态", "事项", "备注"],
                [
                    [
                        local(f.at, fmt="%m-%d %H:%M"),
                        f.by or "—",
                        "事件" if f.subject == "event" else "项目",
                        label(STATUS_LABELS, f.status) if f.status else "清除标记",
                        f.about,
                        f.note,
                    ]
                    for f in data.followups
                ],
                [1.1, 0.9, 0.6, 0.8, 3.0, 2.6],
            )
        )
    else:
        blocks.append(Para(f"本{p.unit}没有新的跟进记录。"))
    blocks.append(
        Para(
            "说明：事件由多家媒体的报道合并而成，按首发报道计；金额按原文表述，"
            "「计划目标」类金额及外币金额不计入合计；行业按首发报道的主要行业归类。",
            muted=True,
        )
    )
    return blocks
