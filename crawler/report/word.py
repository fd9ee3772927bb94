"""The report as a Word file (python-docx): 黑体 title and headings (Word's Heading 1/2
styles, so the navigation pane lists the sections), 宋体 text, grid tables, charts as
pictures with numbered captions. Word draws the fonts, so none is embedded."""

from __future__ import annotations

import io
from pathlib import Path

from crawler.report.document import Block, Figure, Heading, Para, Table, Title

BODY_FONT = "宋体"
HEADING_FONT = "黑体"
LATIN_FONT = "Times New Roman"


def _fonts(run_or_style, east_asia: str, size: float | None = None, bold: bool | None = None):  # noqa: ANN001, ANN202
    from docx.oxml.ns import qn
    from docx.shared import Pt

    font = run_or_style.font
    font.name = LATIN_FONT
    rpr = run_or_style.element.get_or_add_rPr()
    rfonts = rpr.get_or_add_rFonts()
    rfonts.set(qn("w:eastAsia"), east_asia)
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold


TABLE_TEXT = "Table Text"  # 宋体 9 pt: every cell but the header's
TABLE_HEAD = "Table Head"  # 黑体 9 pt


def _styles(doc) -> None:  # noqa: ANN001
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import RGBColor

    _fonts(doc.styles["Normal"], BODY_FONT, 10.5)
    for name, size in (("Title", 18), ("Heading 1", 14), ("Heading 2", 12)):
        style = doc.styles[name]
        _fonts(style, HEADING_FONT, size, bold=name != "Title")
        style.font.color.rgb = RGBColor(0, 0, 0)
        style.font.italic = False
    # Cells take their fonts from a paragraph style, not from formatting on each run.
    for name, east_asia in ((TABLE_TEXT, BODY_FONT), (TABLE_HEAD, HEADING_FONT)):
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = doc.styles["Normal"]
        style.paragraph_format.first_line_indent = 0
        _fonts(style, east_asia, 9, bold=False)


def _set_style(paragraph, style_id: str) -> None:  # noqa: ANN001
    """Give ``paragraph`` the style ``style_id`` on the XML: python-docx's own
    ``paragraph.style = …`` (and ``add_heading``) scans the whole style table per call,
    which was most of a report's writing time."""
    paragraph._p.style = style_id  # noqa: SLF001


def _table(doc, block: Table) -> None:  # noqa: ANN001
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm

    table = doc.add_table(rows=1 + len(block.rows), cols=len(block.header))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    total = sum(block.widths)
    widths = [Cm(16.0 * w / total) for w in block.widths]
    head, text = doc.styles[TABLE_HEAD].style_id, doc.styles[TABLE_TEXT].style_id
    for n, (row, values) in enumerate(zip(table.rows, [block.header, *block.rows], strict=True)):
        for i, (cell, value) in enumerate(zip(row.cells, values, strict=True)):
            cell.width = widths[i]
            paragraph = cell.paragraphs[0]
            _set_style(paragraph, text if n else head)
            paragraph.add_run(value)
            if n and i in block.numeric:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    doc.add_paragraph()


def write_docx(path: Path, blocks: list[Block]) -> None:
    """Write ``blocks`` to ``path`` as a .docx."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt, RGBColor

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin, section.bottom_margin = Cm(2.5), Cm(2.2)
    _styles(doc)
    headings = {level: doc.styles[f"Heading {level}"].style_id for level in (1, 2)}
    figures = 0
    for block in blocks:
        if isinstance(block, Title):
            doc.core_properties.title = block.text
            title = doc.add_paragraph(style="Title")
            title.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _fonts(title.add_run(block.text), HEADING_FONT, 18, bold=True)
            for line in block.lines:
                p = doc.add_paragraph()
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                _fonts(p.add_run(line), BODY_FONT, 10.5)
        elif isinstance(block, Heading):
            _set_style(doc.add_paragraph(block.text), headings[block.level])
        elif isinstance(block, Para):
            p = doc.add_paragraph()
            run = p.add_run(block.text)
            _fonts(run, BODY_FONT, 9 if block.muted else 10.5)
            if block.muted:
                run.font.color.rgb = RGBColor(0x59, 0x59, 0x59)
            else:
                p.paragraph_format.first_line_indent = Pt(21)
        elif isinstance(block, Table):
            _table(doc, block)
        elif isinstance(block, Figure) and block.chart.png:
            figures += 1
            doc.add_picture(io.BytesIO(block.chart.png), width=Cm(16))
            doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
            caption = doc.add_paragraph()
            caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _fonts(caption.add_run(f"图{figures}　{block.chart.title}"), HEADING_FONT, 9)
    doc.save(str(path))
