"""Write stored articles to CSV (UTF-8 with BOM, for Excel), XLSX (openpyxl) or JSON.

Every file is written to a temporary name beside the target and renamed into place only
when complete, so a failed export never leaves a truncated file or clobbers an old one.
Crawled text is data, never a formula: cells that a spreadsheet would evaluate
(=, +, -, @ first, also full-width ＝ and after leading blanks) are neutralised: a ' in
CSV, a text cell with the quote-prefix style in XLSX.
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from crawler.present.labels import STATUS_LABELS
from crawler.present.links import safe_url
from crawler.present.records import (
    Marks,
    amount_text,
    article_dict,
    event_labels,
    fold_aliases,
    sector_labels,
)
from crawler.store.models import Article
from crawler.timeutil import display_zone, local, zone_label

FORMATS = ("csv", "xlsx", "json")


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # Chinese, as the office's reports use
    max_width: int  # characters of a CJK font; longer cells wrap (xlsx)


COLUMNS = (
    Column("id", "编号", 8),
    Column("published_at", "发布时间", 17),
    Column("title", "标题", 50),
    Column("publisher", "发布单位", 16),
    Column("source", "采集源", 14),
    Column("sectors", "行业", 16),
    Column("counterparts", "合作方", 30),
    Column("events", "事件", 10),
    Column("amount", "金额", 12),
    Column("amount_yuan", "金额（元）", 16),
    Column("place", "地点", 10),
    Column("sentence", "线索原文", 60),
    Column("mentioned", "文中提及伙伴", 30),
    Column("status", "跟进状态", 9),
    Column("note", "备注", 30),
    Column("url", "原文链接", 50),
)


def article_row(
    article: Article, status: tuple[str, str] | None, tz: ZoneInfo | None = None
) -> dict[str, Any]:
    """One article as a flat row keyed by :data:`COLUMNS` (times in ``tz``, default the
    configured zone, naive)."""
    tz = tz or display_zone()
    leads = sorted(article.leads, key=lambda x: -x.score)
    best = leads[0] if leads else None
    amounts = [x.amount_yuan for x in leads if x.amount_yuan and x.currency == "CNY"]
    published = (
        article.published_at.astimezone(tz).replace(tzinfo=None) if article.published_at else None
    )
    return {
        "id": article.id,
        "published_at": published,
        "title": article.title,
        "publisher": article.publisher,
        "source": article.source,
        "sectors": sector_labels(article),
        "events": event_labels(article),
        "amount": amount_text(article),
        "amount_yuan": max(amounts) if amounts else None,
        "counterparts": "、".join(fold_aliases([c for x in leads for c in x.counterparts])),
        "mentioned": "、".join(t.name for t in article.tags if t.kind == "partner"),
        "place": (best.place or "") if best else "",
        "sentence": best.sentence if best else "",
        "status": STATUS_LABELS.get(status[0], status[0]) if status else "",
        "note": status[1] if status else "",
        "url": article.url,
    }


_FORMULA_START = frozenset("=+-@\u2212")  # U+2212 MINUS SIGN: Excel reads it as "-"
_CONTROL_START = ("\t", "\r", "\n")


def is_formula_like(value: str) -> bool:
    """True when a spreadsheet could read ``value`` as a formula: it starts, after any
    spaces or invisible characters, with ``= + - @`` in any width (full-width ``＝``,
    small ``﹦`` … fold to them under NFKC), or with a tab or line break."""
    if value.startswith(_CONTROL_START):
        return True
    for ch in value:
        if ch.isspace() or unicodedata.category(ch) in ("Cf", "Zs"):
            continue  # leading blanks, zero-width and BOM characters are skipped
        return unicodedata.normalize("NFKC", ch)[:1] in _FORMULA_START
    return False


def neutralise(value: str) -> str:
    """A text cell that a spreadsheet would run as a formula, prefixed with ' (OWASP)."""
    return "'" + value if is_formula_like(value) else value


def set_cell(cell: Any, value: Any) -> None:
    """Put ``value`` into an openpyxl cell; text stays text. openpyxl would store "=…"
    as a formula and refuses control characters; Excel would make "=…" a formula when the
    cell is edited, unless the cell is quoted."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, str):
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.data_type = "s"
        cell.quotePrefix = is_formula_like(value)
    else:
        cell.value = value


def write_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """Call ``write`` with a temporary path beside ``path``, then rename it into place
    (removed on any failure)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_csv(path: Path, rows: Sequence[dict[str, Any]]) -> None:
    """CSV in UTF-8 with a BOM, so Excel detects the encoding of the Chinese text."""

    def cell(value: Any) -> Any:
        if isinstance(value, datetime):
            return value.strftime("%Y-%m-%d %H:%M")
        if isinstance(value, str):
            return neutralise(value)
        return "" if value is None else value

    def write(tmp: Path) -> None:
        with tmp.open("w", encoding="utf-8-sig", newline="") as fh:
            out = csv.writer(fh)
            out.writerow([c.header for c in COLUMNS])
            for row in rows:
                out.writerow([cell(row[c.key]) for c in COLUMNS])

    write_atomically(path, write)


def display_width(text: str) -> int:
    """Width in character cells: CJK (wide/fullwidth) characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def write_xlsx(path: Path, rows: Sequence[dict[str, Any]], about: dict[str, str]) -> None:
    """A workbook with the articles (frozen bold header row, autofilter, clickable titles
    and links, column widths fitted to the content) and a sheet describing the export."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "线索"
    ws.append([c.header for c in COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(vertical="center")
    widths = [display_width(c.header) for c in COLUMNS]
    link = Font(color="0563C1", underline="single")
    for r, row in enumerate(rows, start=2):
        for i, col in enumerate(COLUMNS):
            value = row[col.key]
            cell = ws.cell(row=r, column=i + 1)
            set_cell(cell, value)
            if isinstance(value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
                widths[i] = max(widths[i], 16)
            elif col.key == "amount_yuan" and value is not None:
                cell.number_format = "#,##0"
                widths[i] = max(widths[i], len(f"{value:,}"))
            elif value is not None:
                widths[i] = max(widths[i], display_width(str(value)))
            if col.key in ("title", "url") and safe_url(row["url"]) != "#":
                cell.hyperlink = row["url"]
                cell.font = link
            if col.key in ("sentence", "note") and display_width(str(value or "")) > col.max_width:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    for i, col in enumerate(COLUMNS):
        ws.column_dimensions[get_column_letter(i + 1)].width = min(widths[i], col.max_width) + 2
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{max(len(rows) + 1, 1)}"

    meta = wb.create_sheet("说明")
    for key, value in about.items():
        meta.append([key, value])
        meta.cell(row=meta.max_row, column=2).data_type = "s"
    meta.column_dimensions["A"].width = 14
    meta.column_dimensions["B"].width = 60
    write_atomically(path, lambda tmp: wb.save(tmp))


def write_json(
    path: Path,
    articles: Sequence[Article],
    statuses: dict[int, tuple[str, str]],
    marks: Marks | None = None,
) -> None:
    """The articles as `items --json` prints them (each lead with its event's status and
    note), plus the article's status and note."""
    data = []
    for a in articles:
        status = statuses.get(a.id)
        data.append(
            {
                **article_dict(a, body=True, marks=marks),
                "status": status[0] if status else None,
                "note": status[1] if status else None,
            }
        )

    def write(tmp: Path) -> None:
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    write_atomically(path, write)


def export(
    path: Path,
    fmt: str,
    articles: Sequence[Article],
    statuses: dict[int, tuple[str, str]],
    about: dict[str, str],
    marks: Marks | None = None,
) -> None:
    """Write ``articles`` to ``path`` as ``fmt`` (csv, xlsx or json)."""
    if fmt == "json":
        write_json(path, articles, statuses, marks)
        return
    rows = [article_row(a, statuses.get(a.id)) for a in articles]
    if fmt == "csv":
        write_csv(path, rows)
    elif fmt == "xlsx":
        write_xlsx(path, rows, about)
    else:
        raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")


def describe(filters: dict[str, Any], count: int, now: datetime) -> dict[str, str]:
    """The "说明" sheet: when, how many, with which filters."""
    about = {"导出时间": f"{local(now)}（{zone_label()}）", "文章数": str(count)}
    about.update({k: str(v) for k, v in filters.items() if v not in (None, "", False)})
    return about


def write_table(
    path: Path,
    fmt: str,
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    about: dict[str, str],
    sheet: str = "列表",
) -> None:
    """Any list (events, projects, organisations …) as CSV, XLSX or JSON, with the same
    care as the article export: atomic, formulas neutralised, widths fitted (xlsx), one
    object per row keyed by ``header`` (json)."""
    if fmt == "json":
        data = [dict(zip(header, row, strict=True)) for row in rows]

        def write_json_rows(tmp: Path) -> None:
            text = json.dumps(data, ensure_ascii=False, indent=2, default=str)
            tmp.write_text(text + "\n", encoding="utf-8")

        write_atomically(path, write_json_rows)
        return
    if fmt == "csv":

        def write_csv_rows(tmp: Path) -> None:
            with tmp.open("w", encoding="utf-8-sig", newline="") as fh:
                out = csv.writer(fh)
                out.writerow(header)
                for row in rows:
                    out.writerow(
                        [
                            neutralise(v) if isinstance(v, str) else ("" if v is None else v)
                            for v in row
                        ]
                    )

        write_atomically(path, write_csv_rows)
        return
    if fmt != "xlsx":
        raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(list(header))
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    widths = [display_width(h) for h in header]
    for r, row in enumerate(rows, start=2):
        for i, value in enumerate(row):
            cell = ws.cell(row=r, column=i + 1)
            set_cell(cell, value)
            widths[i] = max(widths[i], min(display_width(str(value or "")), 60))
    for i, width in enumerate(widths):
        ws.column_dimensions[get_column_letter(i + 1)].width = width + 2
    ws.freeze_panes = "A2"
    meta = wb.create_sheet("说明")
    for key, value in about.items():
        meta.append([key, value])
        meta.cell(row=meta.max_row, column=2).data_type = "s"
    write_atomically(path, lambda tmp: wb.save(tmp))
