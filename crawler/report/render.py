"""Write a report to a file, the format told by its extension (.docx, .xlsx, .pdf).

The file is written beside the target and renamed into place when complete (as every
export is), so a failed report never leaves half a file or clobbers an older one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from crawler.config import Config
from crawler.errors import LeadwatchError
from crawler.present.export import write_atomically
from crawler.report.data import ReportData, Scope, gather
from crawler.report.fonts import MISSING_HINT, FontMissing, cjk_fonts
from crawler.report.period import Period
from crawler.store import Database

if TYPE_CHECKING:
    from crawler.register.context import RegisterContext

FORMATS = ("docx", "xlsx", "pdf")
MEDIA_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


@dataclass
class Written:
    path: Path
    fmt: str
    charts: int
    notes: list[str] = field(default_factory=list)  # what the reader should know (no font …)


def format_of(path: Path) -> str:
    """docx | xlsx | pdf from the file name, or a clear error."""
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise LeadwatchError(
            f"{path}: the report is written as .docx (Word), .xlsx (Excel) or .pdf; "
            "give -o a file name ending in one of them"
        )
    return fmt


def file_name(data: ReportData, fmt: str) -> str:
    """招商月报-2025-02.pdf (what the web view offers and the mail attaches)."""
    return f"招商{data.period.name}-{data.period.key}.{fmt}"


def write_report(path: Path, data: ReportData, fmt: str | None = None) -> Written:
    """Render ``data`` to ``path`` (.docx, .xlsx or .pdf)."""
    fmt = fmt or format_of(path)
    written = Written(path, fmt, 0)
    if fmt == "xlsx":
        from crawler.report.excel import write_xlsx

        counted: list[int] = []
        write_atomically(path, lambda tmp: counted.append(write_xlsx(tmp, data)))
        written.charts = counted[0]
        return written
    from crawler.report.charts import render
    from crawler.report.document import build

    fonts = cjk_fonts()
    if fmt == "pdf" and not fonts.found:
        raise FontMissing(
            "a PDF report needs a Chinese font to embed and none is installed: "
            "apt-get install fonts-noto-cjk (or write .docx / .xlsx, which need none)"
        )
    charts = render(data.trend, png=True)
    if not fonts.found:
        written.notes.append(MISSING_HINT)
    written.charts = len(charts)
    blocks = build(data, charts, fonts_missing=not fonts.found)
    if fmt == "docx":
        from crawler.report.word import write_docx

        write_atomically(path, lambda tmp: write_docx(tmp, blocks))
    else:
        from crawler.report.pdf import write_pdf

        write_atomically(path, lambda tmp: write_pdf(tmp, blocks))
    return written


def report_data(
    config: Config,
    database: Database,
    period: Period,
    *,
    scope: Scope | None = None,
    now: datetime | None = None,
    context: RegisterContext | None = None,
) -> ReportData:
    """The register brought up to date, then the report of ``period`` gathered
    (``context``: the register's, when the caller keeps one)."""
    from crawler.register.context import register_context
    from crawler.register.steps import link

    link(config, database)
    context = context or register_context(config)
    with database.session() as session:
        return gather(session, config, period, scope=scope, context=context, now=now)
