"""The report as an Excel workbook (openpyxl) whose charts are Excel's own: each chart
points at the cells of its data table (趋势 sheet: one row per week or month, one column
per sector or stage), so an analyst can re-style or re-plot it, and the numbers behind a
bar are the cells beside it. The 事件明细 sheet lists every event of the period.

Crawled text is data, never a formula (the export's rule, :mod:`crawler.present.export`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from crawler.present.export import display_width, set_cell
from crawler.present.labels import (
    EVENT_LABELS,
    HEALTH_LABELS,
    ORG_KIND_LABELS,
    SCOPE_LABELS,
    STAGE_LABELS,
    STATUS_LABELS,
    label,
)
from crawler.report.charts import STAGE_ORDER, titles
from crawler.report.data import ReportData
from crawler.report.document import amounts_text, figure_rows, money_text, section_title
from crawler.timeutil import local

YI = 10**8
BODY_FONT = "宋体"
HEADING_FONT = "黑体"


class _Sheet:
    """A worksheet written row by row, with the house fonts and fitted widths."""

    def __init__(self, wb: Any, title: str):
        self.ws = wb.create_sheet(title)
        self.row = 1
        self.widths: dict[int, int] = {}

    def put(self, row: int, col: int, value: Any, *, bold: bool = False, fmt: str = "") -> None:
        from openpyxl.styles import Font

        cell = self.ws.cell(row=row, column=col)
        set_cell(cell, value)
        cell.font = Font(name=HEADING_FONT if bold else BODY_FONT, size=10, bold=False)
        if fmt:
            cell.number_format = fmt
        shown = display_width(str(value)) if value is not None else 0
        self.widths[col] = max(self.widths.get(col, 0), min(shown, 60))

    def line(
        self, values: list[Any], *, bold: bool = False, fmts: dict[int, str] | None = None
    ) -> int:
        """Write ``values`` on the next row; returns its number."""
        for col, value in enumerate(values, start=1):
            self.put(self.row, col, value, bold=bold, fmt=(fmts or {}).get(col, ""))
        self.row += 1
        return self.row - 1

    def header(self, values: list[str]) -> int:
        from openpyxl.styles import PatternFill

        row = self.line(values, bold=True)
        for col in range(1, len(values) + 1):
            self.ws.cell(row=row, column=col).fill = PatternFill("solid", fgColor="DDEBF7")
        return row

    def heading(self, text: str) -> None:
        from openpyxl.styles import Font

        self.put(self.row, 1, text, bold=True)
        self.ws.cell(row=self.row, column=1).font = Font(name=HEADING_FONT, size=12)
        self.row += 2

    def fit(self) -> None:
        from openpyxl.utils import get_column_letter

        for col, width in self.widths.items():
            self.ws.column_dimensions[get_column_letter(col)].width = max(width, 6) + 2


def _bar(title: str, y_title: str, *, stacked: bool = True, horizontal: bool = False):  # noqa: ANN202
    from openpyxl.chart import BarChart

    chart = BarChart()
    chart.type = "bar" if horizontal else "col"
    chart.title = title
    chart.y_axis.title = y_title
    if stacked:
        chart.grouping = "stacked"
        chart.overlap = 100
    chart.width, chart.height = 22, 9
    chart.legend.position = "b"
    return chart


def _trend_table(
    sheet: _Sheet, heading: str, periods: list[str], columns: list[tuple[str, list]], fmt: str = ""
) -> tuple[int, int]:
    """A table of periods (rows) × series (columns) under ``heading``; (header row, last row)."""
    sheet.heading(heading)
    top = sheet.header(["期间"] + [name for name, _ in columns])
    for i, period in enumerate(periods):
        sheet.line(
            [period] + [values[i] for _, values in columns],
            fmts={c: fmt for c in range(2, len(columns) + 2)} if fmt else None,
        )
    last = sheet.row - 1
    sheet.row += 1
    return top, last


def _chart_of(sheet: _Sheet, chart: Any, top: int, last: int, columns: int, anchor: str) -> int:
    """Add ``chart`` over the table's columns; 0 (no chart) for a table without any."""
    from openpyxl.chart import Reference

    if columns == 0 or last <= top:
        return 0

    data = Reference(sheet.ws, min_col=2, max_col=columns + 1, min_row=top, max_row=last)
    cats = Reference(sheet.ws, min_col=1, min_row=top + 1, max_row=last)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(cats)
    sheet.ws.add_chart(chart, anchor)
    return 1


def write_xlsx(path: Path, data: ReportData) -> int:
    """Write the report to ``path`` as an .xlsx with native charts; returns how many."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    p = data.period
    names = titles(data.trend)

    # 概况: the summary figures
    s = _Sheet(wb, "概况")
    s.heading(data.title)
    s.line([f"报告期：{p.start.isoformat()} 至 {p.last_day.isoformat()}"])
    if data.scope.title:
        s.line([f"订阅：{data.scope.title}"])
    s.line([f"生成时间：{local(data.generated_at)}（北京时间）"])
    s.row += 1
    s.heading(section_title(0))
    s.header(["指标", f"本{p.unit}", f"上{p.unit}", "环比"])
    for name, now, before, change in figure_rows(data.figures, data.before):
        s.line([name.strip("　"), now, before, change])
    s.fit()
    s.ws.column_dimensions["A"].width = 30

    # 趋势: the charts' data and the charts themselves
    t = _Sheet(wb, "趋势")
    trend = data.trend
    ticks = [x.key for x in trend.periods]
    sectors = [(lbl, trend.events[sid]) for sid, lbl in trend.sectors]
    top, last = _trend_table(t, names["events"], ticks, sectors)
    charts = _chart_of(t, _bar(names["events"], "事件数"), top, last, len(sectors), "J2")
    amounts = [(lbl, [v / YI for v in trend.amounts[sid]]) for sid, lbl in trend.sectors]
    top2, last2 = _trend_table(t, names["amounts"], ticks, amounts, "0.00")
    charts += _chart_of(t, _bar(names["amounts"], "亿元"), top2, last2, len(amounts), "J22")
    stages = [(STAGE_LABELS[k], trend.stages[k]) for k in STAGE_ORDER]
    top3, last3 = _trend_table(t, names["stages"], ticks, stages)
    charts += _chart_of(t, _bar(names["stages"], "事件数"), top3, last3, len(stages), "J42")
    t.heading(names["counterparts"])
    top4 = t.header(["合作方", "事件数"])
    for name, n in trend.counterparts:
        t.line([name, n])
    last4 = t.row - 1
    chart = _bar(names["counterparts"], "事件数", stacked=False, horizontal=True)
    charts += _chart_of(t, chart, top4, last4, 1 if trend.counterparts else 0, "J62")
    t.fit()

    # 分行业: the period's sectors by stage
    g = _Sheet(wb, "分行业")
    g.heading(section_title(1))
    g.header(
        ["行业", "事件"]
        + [STAGE_LABELS[k] for k in STAGE_ORDER]
        + ["签约/投资额（亿元）", "含约数", "未计入合计的金额"]
    )
    for row in data.sectors:
        g.line(
            [row.label, row.events]
            + [row.stages.get(k, 0) for k in STAGE_ORDER]
            + [
                row.signed / YI,
                "是" if row.approx else "",
                "；".join(money_text(m) for m in row.plans + row.foreign),
            ],
            fmts={9: "0.00"},
        )
    g.fit()

    # 事件明细: every event of the period
    e = _Sheet(wb, "事件明细")
    e.header(
        [
            "日期",
            "类型",
            "阶段",
            "行业",
            "事件（首发标题）",
            "合作方",
            "地点",
            "范围",
            "金额（按原文）",
            "计入合计（元）",
            "含约数",
            "报道数",
            "项目",
            "跟进",
            "备注",
            "原文链接",
        ]
    )
    for line in data.events:
        e.line(
            [
                line.day.isoformat(),
                label(EVENT_LABELS, line.event),
                label(STAGE_LABELS, line.stage),
                line.sector_label,
                line.title,
                "、".join(line.parties),
                line.place_label or line.place,
                label(SCOPE_LABELS, line.scope),
                amounts_text(line),
                line.signed if line.stage != "visit" else None,
                "是" if line.approx else "",
                line.reports,
                line.project,
                label(STATUS_LABELS, line.status),
                line.note,
                line.url,
            ],
            fmts={10: "#,##0"},
        )
    e.ws.freeze_panes = "A2"
    e.fit()

    # 项目推进, 关注企业, 周边城市, 信息源, 跟进记录
    j = _Sheet(wb, "项目推进")
    j.header(["项目", "原阶段", "新阶段", "日期", "地点", "金额（元）", "进展"])
    for step in data.projects:
        j.line(
            [
                step.name,
                label(STAGE_LABELS, step.before) if step.before else "（新项目）",
                label(STAGE_LABELS, step.after),
                step.day.isoformat(),
                step.place,
                step.signed,
                " → ".join(f"{STAGE_LABELS.get(st, st)} {d.isoformat()}" for st, d in step.path),
            ],
            fmts={6: "#,##0"},
        )
    j.fit()
    o = _Sheet(wb, "关注企业")
    o.header(["企业", "类型", "日期", "阶段", "事件", "金额（按原文）"])
    for org in data.orgs:
        for line in org.events:
            o.line(
                [
                    org.name,
                    label(ORG_KIND_LABELS, org.kind),
                    line.day.isoformat(),
                    label(STAGE_LABELS, line.stage),
                    line.title,
                    amounts_text(line),
                ]
            )
    o.fit()
    r = _Sheet(wb, "周边城市")
    r.header(["城市", "日期", "类型", "事件", "地点", "金额（按原文）"])
    for group in data.peers:
        for line in group.events:
            r.line(
                [
                    group.name,
                    line.day.isoformat(),
                    label(EVENT_LABELS, line.event),
                    line.title,
                    line.place_label,
                    amounts_text(line),
                ]
            )
    r.fit()
    h = _Sheet(wb, "信息源")
    h.header(["信息源", "名称", "状态", f"本{p.unit}文章", "最近新文章", "说明"])
    for src in data.sources:
        h.line(
            [
                src.name,
                src.label,
                label(HEALTH_LABELS, src.status),
                src.articles,
                local(src.last_new),
                src.reason,
            ]
        )
    h.fit()
    f = _Sheet(wb, "跟进记录")
    f.header(["时间", "经办人", "对象", "状态", "事项", "备注"])
    for item in data.followups:
        f.line(
            [
                local(item.at),
                item.by,
                "事件" if item.subject == "event" else "项目",
                label(STATUS_LABELS, item.status) if item.status else "清除标记",
                item.about,
                item.note,
            ]
        )
    f.fit()
    wb.save(str(path))
    return charts
