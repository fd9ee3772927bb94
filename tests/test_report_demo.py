"""`leadwatch report` on the crawled demo store, read back as a reader would get it.

The store is a copy of the session's crawl of the demo site (real Scrapy, worker,
classifier, register); an analyst follows one organisation and marks one event inside
the month. The report of June 2025 is written as .docx, .xlsx and .pdf by the real CLI;
the Word file is read back with python-docx, the workbook with openpyxl (its native
charts and the cells they point at), the PDF through poppler (pdftoppm pages kept as PNG
artefacts in the test's directory, pdffonts, pdftotext). The figures are checked against
plain SQL on the same SQLite file.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawler.report.document import SECTIONS, section_title
from tests.helpers.instance import Instance, copy_store, demo_sources, write_instance

pytestmark = pytest.mark.integration  # renders Word, Excel and PDF files (seconds)

MONTH = "2025-06"
FOLLOWED = "江苏云枢算力科技有限公司"  # a party of the 2025-06-27 signing
NOTE = "已约谈项目方，下周赴现场"
# June 2025 in UTC: the month's bounds at midnight in Asia/Shanghai
JUNE = ("2025-05-31 16:00:00", "2025-06-30 16:00:00")
SUBSCRIPTIONS = """
[[subscriptions]]
name = "office"
recipients = ["zhaoshang@example.gov.cn"]

[[subscriptions]]
name = "infra"
title = "新基建专报"
recipients = ["xinjijian@example.gov.cn"]
sectors = ["new_infra"]
"""


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, crawled_demo: Instance) -> Instance:
    inst = write_instance(
        tmp_path_factory.mktemp("report"),
        demo_sources("http://127.0.0.1:9"),
        subscriptions=SUBSCRIPTIONS,
    )
    copy_store(crawled_demo, inst)
    inst.run("org", "follow", FOLLOWED, "--by", "王科长")
    from crawler.config import load_config
    from crawler.register.followups import set_follow_up
    from crawler.store import Database

    database = Database(load_config(inst.config).database_url)
    with database.session() as session:
        event_id = session.execute(
            __import__("sqlalchemy").text("select id from events where day = '2025-06-27'")
        ).scalar_one()
        set_follow_up(
            session,
            "event",
            event_id,
            "followed",
            NOTE,
            "王科长",
            now=datetime(2025, 6, 28, 2, 0, tzinfo=UTC),
        )
    database.close()
    return inst


@pytest.fixture(scope="module")
def reports(store: Instance, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("report-files")
    files = {}
    for fmt in ("docx", "xlsx", "pdf"):
        path = out / f"月报-{MONTH}.{fmt}"
        result = store.run("report", "--month", MONTH, "-o", str(path))
        assert f"wrote {path}" in result.stdout
        assert path.stat().st_size > 5_000
        files[fmt] = path
    return files


def sql(inst: Instance, query: str, *params: object) -> list[tuple]:
    with sqlite3.connect(inst.db) as db:
        return db.execute(query, params).fetchall()


def store_figures(inst: Instance) -> dict[str, int]:
    """The month's figures by plain SQL: events, signings, the signed sum (each event's
    largest CNY headline over its leads, visits and plans left out), articles."""
    events = sql(
        inst,
        "select stage from events where day >= '2025-06-01' and day < '2025-07-01'",
    )
    signed = sql(
        inst,
        "select max(l.amount_yuan) from events e join event_reports r on r.event_id = e.id "
        "join leads l on l.id = r.lead_id where e.day >= '2025-06-01' and e.day < '2025-07-01' "
        "and e.stage != 'visit' and l.currency = 'CNY' group by e.id",
    )
    articles = sql(
        inst,
        "select count(*) from articles where coalesce(published_at, first_seen_at) >= ? "
        "and coalesce(published_at, first_seen_at) < ?",
        *JUNE,
    )[0][0]
    return {
        "events": len(events),
        "signing": sum(1 for (s,) in events if s == "signing"),
        "signed": sum(v for (v,) in signed if v),
        "articles": articles,
    }


def test_word_report_has_numbered_sections_figures_and_charts(store: Instance, reports):
    from docx import Document
    from docx.oxml.ns import qn

    doc = Document(str(reports["docx"]))
    title = doc.paragraphs[0].text
    assert title == "宜兴招商月报（2025年6月）"
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings == [section_title(i) for i in range(len(SECTIONS))]
    assert headings[0] == "一、总体情况" and headings[-1] == "七、跟进情况"
    # 宋体 text, 黑体 headings (East Asian font of the styles)
    assert doc.styles["Normal"].element.rPr.rFonts.get(qn("w:eastAsia")) == "宋体"
    assert doc.styles["Heading 1"].element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"
    # table cells in 9 pt: 黑体 header, 宋体 rows, numbers right-aligned
    events = doc.tables[1]
    fonts = {
        cell.paragraphs[0].style.element.rPr.rFonts.get(qn("w:eastAsia"))
        for row in events.rows[1:]
        for cell in row.cells
    }
    assert fonts == {"宋体"}
    assert {c.paragraphs[0].style.font.size.pt for c in events.rows[0].cells} == {9.0}
    assert (
        events.rows[0].cells[0].paragraphs[0].style.element.rPr.rFonts.get(qn("w:eastAsia"))
        == "黑体"
    )
    # the summary table against the store
    expected = store_figures(store)
    summary = {row.cells[0].text.strip("　"): row.cells[1].text for row in doc.tables[0].rows}
    assert summary["监测事件"] == str(expected["events"])
    assert summary["其中：签约"] == str(expected["signing"])
    assert summary["采集文章"] == str(expected["articles"])
    assert summary["签约/投资额（不含计划目标）"] == "82亿元（含约数）"  # 50 + 约20 + 约12
    # four charts, each a picture with its caption
    assert len(doc.inline_shapes) == 4
    captions = [p.text for p in doc.paragraphs if p.text.startswith("图")]
    assert [c[:2] for c in captions] == ["图1", "图2", "图3", "图4"]
    text = "\n".join(p.text for p in doc.paragraphs) + "\n".join(
        c.text for t in doc.tables for r in t.rows for c in r.cells
    )
    assert "总投资约20亿元人民币" in text  # the amount as the article gives it
    assert FOLLOWED in text  # 四、关注企业动态
    assert NOTE in text and "王科长" in text  # 七、跟进情况
    assert "宜兴交通科技产业园" in text  # advanced from a visit to a signing in June


def test_excel_report_charts_point_at_their_data(store: Instance, reports):
    from openpyxl import load_workbook
    from openpyxl.utils.cell import range_boundaries

    wb = load_workbook(reports["xlsx"])
    assert wb.sheetnames[:4] == ["概况", "趋势", "分行业", "事件明细"]
    trend = wb["趋势"]
    charts = trend._charts
    assert len(charts) == 4
    assert [type(c).__name__ for c in charts] == ["BarChart"] * 4

    def values(ref: str) -> list:
        sheet, _, cells = ref.partition("!")
        assert sheet.strip("'") == "趋势"
        min_col, min_row, max_col, max_row = range_boundaries(cells.replace("$", ""))
        return [
            trend.cell(row=r, column=c).value
            for r in range(min_row, max_row + 1)
            for c in range(min_col, max_col + 1)
        ]

    events_chart = charts[0]
    cat = events_chart.series[0].cat
    months = values((cat.strRef or cat.numRef).f)
    assert months[0] == "2024-07" and months[-1] == MONTH and len(months) == 12
    # the stacked series of the last month add up to the month's events in the store
    june = sum(values(s.val.numRef.f)[-1] for s in events_chart.series)
    expected = store_figures(store)
    assert june == expected["events"]
    # every series is named by the header cell above its column
    for s in events_chart.series:
        header = values(s.tx.strRef.f)[0]
        assert header and header != "期间"
    amounts_chart = charts[1]
    june_yi = sum(values(s.val.numRef.f)[-1] for s in amounts_chart.series)
    assert round(june_yi * 10**8) == expected["signed"]
    # 分行业 and 事件明细 agree with the store too
    detail = wb["事件明细"]
    header = [c.value for c in detail[1]]
    rows = [
        dict(zip(header, (c.value for c in r), strict=True)) for r in detail.iter_rows(min_row=2)
    ]
    assert len(rows) == expected["events"]
    assert sum(r["计入合计（元）"] or 0 for r in rows) == expected["signed"]
    assert any(r["金额（按原文）"] == "总投资约12亿元" and r["含约数"] == "是" for r in rows)
    sectors = wb["分行业"]
    assert sum(r[1].value for r in sectors.iter_rows(min_row=4) if r[1].value) == expected["events"]


def test_pdf_report_embeds_a_cjk_font_and_renders_to_pages(reports, tmp_path: Path):
    for tool in ("pdftoppm", "pdffonts", "pdftotext"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is missing: apt-get install poppler-utils (.ci/run does)")
    pdf = reports["pdf"]
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True)
    embedded = [line for line in fonts.stdout.splitlines()[2:] if "CJK" in line]
    assert embedded and all(" yes yes " in line for line in embedded), fonts.stdout
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    for i in range(len(SECTIONS)):
        assert section_title(i) in text
    assert "宜兴招商月报（2025年6月）" in text
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= 3
    for page in pages:  # kept in the test's directory as artefacts
        data = page.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5_000


def test_plans_and_foreign_currency_are_shown_never_summed(store: Instance, tmp_path: Path):
    from openpyxl import load_workbook

    january = tmp_path / "2025-01.xlsx"
    store.run("report", "--month", "2025-01", "-o", str(january))
    wb = load_workbook(january)
    rows = list(wb["事件明细"].iter_rows(min_row=2, values_only=True))
    plan = [r for r in rows if "超过500亿元" in (r[8] or "")]
    assert plan and "计划目标，未计入合计" in plan[0][8] and plan[0][9] is None
    summary = {r[0]: r[1] for r in wb["概况"].iter_rows(min_row=1, values_only=True) if r[0]}
    assert summary["签约/投资额（不含计划目标）"] == "12亿元"  # not 512亿元

    april = tmp_path / "2025-04.xlsx"
    store.run("report", "--month", "2025-04", "-o", str(april))
    wb = load_workbook(april)
    notes = [r[-1] for r in wb["分行业"].iter_rows(min_row=4, values_only=True) if r[-1]]
    assert any("5000万美元" in n for n in notes)


def test_rival_city_events_are_listed_under_their_city(store: Instance, tmp_path: Path):
    from openpyxl import load_workbook

    path = tmp_path / "2025-10.xlsx"
    store.run("report", "--month", "2025-10", "-o", str(path))
    rows = list(load_workbook(path)["周边城市"].iter_rows(min_row=2, values_only=True))
    assert rows and rows[0][0] == "江阴市" and "30亿元" in rows[0][5]


def test_bad_periods_and_file_names_are_clear_errors(store: Instance, tmp_path: Path):
    cases = (
        (("--month", "2025-13", "-o", str(tmp_path / "a.pdf")), "--month '2025-13'"),
        (("--week", "2025/06/01", "-o", str(tmp_path / "a.pdf")), "YYYY-MM-DD"),
        (("--month", MONTH, "-o", str(tmp_path / "a.txt")), ".docx (Word), .xlsx (Excel) or .pdf"),
        (("--month", MONTH, "--subscription", "nobody", "-o", str(tmp_path / "a.xlsx")), "nobody"),
    )
    for args, words in cases:
        result = store.run("report", *args, check=False)
        assert result.returncode != 0 and words in result.stderr, result.stderr
    assert not list(tmp_path.iterdir())  # nothing half-written


def test_a_week_report_and_a_subscription_narrow_it(store: Instance, tmp_path: Path):
    from docx import Document

    path = tmp_path / "week.docx"
    out = store.run("report", "--week", "2025-06-25", "-o", str(path)).stdout
    assert "2025年第26周（6月23日—6月29日）" in out
    doc = Document(str(path))
    summary = {r.cells[0].text: r.cells[1].text for r in doc.tables[0].rows}
    assert summary["监测事件"] == "2"  # 06-24 and 06-27

    infra = tmp_path / "infra.docx"
    store.run("report", "--month", MONTH, "--subscription", "infra", "-o", str(infra))
    doc = Document(str(infra))
    assert "订阅：新基建专报" in [p.text for p in doc.paragraphs[:4]]
    expected = sql(
        store,
        "select count(distinct e.id) from events e join tags t on t.article_id = e.article_id "
        "where t.kind = 'sector' and t.name = 'new_infra' "
        "and e.day >= '2025-06-01' and e.day < '2025-07-01'",
    )[0][0]
    summary = {r.cells[0].text: r.cells[1].text for r in doc.tables[0].rows}
    assert summary["监测事件"] == str(expected) != "0"
