"""The report as a PDF (fpdf2), with a CJK font embedded (subset): 宋体-like Noto Serif
CJK for text, 黑体-like Noto Sans CJK for the title, headings and table heads, found by
:mod:`crawler.report.fonts`. Tables wrap by character (Chinese has no spaces), charts
are the PNGs Word gets too.

Why fpdf2: pure Python (fontTools and Pillow, which matplotlib brings anyway), no system
library (WeasyPrint needs Pango) and no office suite (LibreOffice headless is hundreds of
MB and seconds per start); it embeds OpenType/CFF fonts from a .ttc collection, which
ReportLab cannot (it embeds TrueType outlines only). Nothing is drawn by hand.
"""

from __future__ import annotations

import io
from pathlib import Path

from crawler.report.document import Block, Figure, Heading, Para, Table, Title
from crawler.report.fonts import cjk_fonts

GREY = (89, 89, 89)


def _document(title: str):  # noqa: ANN202
    from fpdf import FPDF

    class Report(FPDF):
        def footer(self) -> None:
            self.set_y(-12)
            self.set_font("body", size=8)
            self.set_text_color(*GREY)
            self.cell(0, 8, f"{title}　第 {self.page_no()} 页", align="C")

    fonts = cjk_fonts()
    regular, _ = fonts.body()  # FontMissing (with the hint) when there is none
    head = fonts.heading()
    pdf = Report(format="A4")
    pdf.set_margins(20, 18, 20)
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_font("body", "", regular.path, collection_font_number=regular.index)
    pdf.add_font("head", "", head.path, collection_font_number=head.index)
    pdf.set_title(title)
    pdf.set_creator("leadwatch")
    pdf.set_lang("zh-CN")
    return pdf


def _table(pdf, block: Table) -> None:  # noqa: ANN001
    from fpdf.enums import TableCellFillMode, WrapMode
    from fpdf.fonts import FontFace

    total = sum(block.widths)
    align = ["RIGHT" if i in block.numeric else "LEFT" for i in range(len(block.header))]
    pdf.set_font("body", size=8.5)
    with pdf.table(
        col_widths=[pdf.epw * w / total for w in block.widths],
        text_align=align,
        headings_style=FontFace(family="head", size_pt=8.5, fill_color=(221, 235, 247)),
        line_height=4.6,
        wrapmode=WrapMode.CHAR,
        cell_fill_mode=TableCellFillMode.NONE,
        padding=1,
    ) as table:
        row = table.row()
        for text in block.header:
            row.cell(text)
        for values in block.rows:
            row = table.row()
            for text in values:
                row.cell(text)
    pdf.ln(3)


def write_pdf(path: Path, blocks: list[Block]) -> None:
    """Write ``blocks`` to ``path`` as a PDF (raises FontMissing without a CJK font)."""
    title = next((b.text for b in blocks if isinstance(b, Title)), "leadwatch")
    pdf = _document(title)
    pdf.add_page()
    figures = 0
    for block in blocks:
        if isinstance(block, Title):
            pdf.set_font("head", size=18)
            pdf.multi_cell(0, 10, block.text, align="C", new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("body", size=10)
            for line in block.lines:
                pdf.cell(0, 6, line, align="C", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(4)
        elif isinstance(block, Heading):
            size = 13 if block.level == 1 else 11
            if pdf.will_page_break(size * 3):
                pdf.add_page()
            pdf.ln(2 if block.level == 1 else 1)
            pdf.set_font("head", size=size)
            pdf.multi_cell(0, size * 0.6, block.text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1.5)
        elif isinstance(block, Para):
            pdf.set_font("body", size=8.5 if block.muted else 10.5)
            pdf.set_text_color(*(GREY if block.muted else (0, 0, 0)))
            text = block.text if block.muted else "　　" + block.text
            pdf.multi_cell(0, 5.2 if block.muted else 6.4, text, new_x="LMARGIN", new_y="NEXT")
            pdf.set_text_color(0, 0, 0)
            pdf.ln(1.5)
        elif isinstance(block, Table):
            _table(pdf, block)
        elif isinstance(block, Figure) and block.chart.png:
            figures += 1
            height = pdf.epw * 3.4 / 7.2
            if pdf.will_page_break(height + 8):
                pdf.add_page()
            pdf.image(io.BytesIO(block.chart.png), w=pdf.epw)
            pdf.set_font("head", size=9)
            pdf.cell(0, 6, f"图{figures}　{block.chart.title}", align="C")
            pdf.ln(8)
    pdf.output(str(path))
