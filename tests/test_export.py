"""`leadwatch export`: the files are opened the way their readers open them and checked."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.helpers.instance import Instance, write_instance
from tests.helpers.store import SEARCH_ARTICLES, store_articles

HOSTILE = (
    "https://www.yixing.gov.cn/doc/2025/08/01/201.shtml",
    '=HYPERLINK("http://evil.example","点我")宜兴与国投签约\x0b合成生物项目',
    "宜兴经开区与国投生物制造创新研究院签署合成生物项目合作协议，项目总投资3亿元。",
    datetime(2025, 8, 1, 1, 30, tzinfo=UTC),
)
HEADERS = ["编号", "发布时间", "标题", "发布单位", "采集源", "行业", "合作方", "事件", "金额"]


@pytest.fixture
def inst(tmp_path: Path) -> Instance:
    instance = write_instance(tmp_path, "")
    store_articles(instance, [*SEARCH_ARTICLES, HOSTILE])
    # an analyst's mark on the article's lead travels with the export
    mark_lead(instance, HOSTILE[0], "followed", "已联系项目方")
    return instance


def mark_lead(inst: Instance, url: str, status: str, note: str) -> int:
    """Mark the event of the (first) lead of the article at ``url``, as the web view
    does; its id."""
    from sqlalchemy import select

    from crawler.config import load_config
    from crawler.register.followups import set_follow_up
    from crawler.register.steps import link
    from crawler.store import Database
    from crawler.store.models import Article, EventReport

    database = Database(f"sqlite:///{inst.db}")
    link(load_config(inst.config), database)
    with database.session() as session:
        event_id = session.scalar(
            select(EventReport.event_id)
            .join(Article, Article.id == EventReport.article_id)
            .where(Article.url == url)
        )
        set_follow_up(session, "event", event_id, status, note, "测试")
    database.close()
    return event_id


def test_xlsx_has_chinese_headers_links_widths_and_a_frozen_header(inst: Instance):
    out = inst.dir / "leads.xlsx"
    proc = inst.run("export", "--leads", "-o", str(out))
    assert "wrote 3 article(s)" in proc.stdout
    wb = load_workbook(out)
    ws = wb["线索"]
    header = [c.value for c in ws[1]]
    assert header[: len(HEADERS)] == HEADERS and header[-1] == "原文链接"
    assert all(c.font.bold for c in ws[1])
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref.startswith("A1:")
    rows = {r[0].value: r for r in ws.iter_rows(min_row=2)}
    assert len(rows) == 3
    col = {name: i for i, name in enumerate(header)}
    hostile = next(r for r in rows.values() if r[col["原文链接"]].value == HOSTILE[0])
    title = hostile[col["标题"]]
    # stored as text, not as a formula, and without the control character Excel rejects
    assert title.data_type == "s" and title.value.startswith("=HYPERLINK")
    assert "\x0b" not in title.value
    assert title.hyperlink.target == HOSTILE[0]
    assert hostile[col["原文链接"]].hyperlink.target == HOSTILE[0]
    assert hostile[col["发布时间"]].value == datetime(2025, 8, 1, 9, 30)  # Asia/Shanghai
    assert hostile[col["发布时间"]].number_format == "yyyy-mm-dd hh:mm"
    assert hostile[col["金额（元）"]].value == 300_000_000
    assert hostile[col["金额"]].value == "总投资3亿元"  # as the text gave it
    assert (
        hostile[col["跟进状态"]].value == "跟进中" and hostile[col["备注"]].value == "已联系项目方"
    )
    widths = {name: ws.column_dimensions[chr(65 + i)].width for name, i in col.items()}
    assert widths["编号"] < widths["发布时间"] < widths["标题"] <= 52  # fitted, capped
    assert widths["标题"] >= 40  # a Chinese title is twice as wide as its length
    about = {r[0].value: r[1].value for r in wb["说明"].iter_rows()}
    assert about["文章数"] == "3" and about["仅线索"] == "是"


def test_csv_is_utf8_with_bom_and_neutralises_formulas(inst: Instance):
    out = inst.dir / "leads.csv"
    inst.run("export", "--sector", "合成生物", "-o", str(out))
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads the BOM as "this is UTF-8"
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert rows[0][: len(HEADERS)] == HEADERS
    titles = [r[2] for r in rows[1:]]
    assert titles == [f"'{HOSTILE[1]}"]  # =… would run as a formula in Excel


def test_json_and_filters(inst: Instance):
    out = inst.dir / "out" / "x.json"
    (inst.dir / "out").mkdir()
    inst.run(
        "export", "--format", "json", "--query", "无人机", "--since", "2025-04-01", "-o", str(out)
    )
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [d["title"] for d in data] == [SEARCH_ARTICLES[1][1]]
    assert "body" in data[0] and data[0]["status"] is None
    inst.run("export", "--status", "followed", "-o", str(out))
    marked = json.loads(out.read_text(encoding="utf-8"))
    assert [(d["status"], d["note"]) for d in marked] == [("followed", "已联系项目方")]
    # and per lead: its event, status and note
    lead = marked[0]["leads"][0]
    assert lead["event_id"] and (lead["status"], lead["note"]) == ("followed", "已联系项目方")


def test_export_errors_keep_the_old_file_and_say_what_to_do(inst: Instance):
    out = inst.dir / "report.xlsx"
    out.write_bytes(b"last week's report")
    bad = inst.run("export", "--since", "soon", "-o", str(out), check=False)
    assert bad.returncode == 2 and "YYYY-MM-DD" in bad.stderr
    assert out.read_bytes() == b"last week's report"
    unknown = inst.run("export", "-o", str(inst.dir / "x.pdf"), check=False)
    assert unknown.returncode == 2 and "--format csv, xlsx or json" in unknown.stderr
    missing = inst.run("export", "-o", str(inst.dir / "no" / "x.csv"), check=False)
    assert missing.returncode == 2 and "does not exist" in missing.stderr
    assert not list(inst.dir.glob(".report.xlsx.*"))  # no temporary file left behind


FORMULA_TITLES = [
    "＝1+1 宜兴签约",
    "﹦SUM(A1) 合作",
    "＋86 签约",
    "－1 项目",
    "＠cmd 签约",
    "\u3000＝1 签约",
]


def test_full_width_and_odd_formula_starts_are_neutralised_in_csv_and_xlsx(tmp_path: Path):
    inst = write_instance(tmp_path, "")
    articles = [
        (f"https://www.example.gov.cn/doc/2025/09/0{i}/{i}.shtml", title, "宜兴市签署合作协议。")
        for i, title in enumerate([*FORMULA_TITLES, "宜兴 1+1 签约"], start=1)
    ]
    store_articles(inst, articles)
    inst.run("export", "-o", str(tmp_path / "all.csv"))
    raw = (tmp_path / "all.csv").read_bytes().decode("utf-8-sig")
    titles = {r[2] for r in list(csv.reader(io.StringIO(raw, newline="")))[1:]}
    assert titles == {"'" + t for t in FORMULA_TITLES} | {"宜兴 1+1 签约"}
    inst.run("export", "-o", str(tmp_path / "all.xlsx"))
    ws = load_workbook(tmp_path / "all.xlsx")["线索"]
    cells = {row[2].value: row[2] for row in ws.iter_rows(min_row=2)}
    assert set(cells) == {*FORMULA_TITLES, "宜兴 1+1 签约"}  # the text itself is kept
    for title, cell in cells.items():
        assert cell.data_type == "s"
        assert cell.quotePrefix is (title != "宜兴 1+1 签约"), title
