"""The CJK fonts the charts and the PDF use: found with matplotlib's font manager among
the fonts the system has (Debian's fonts-noto-cjk brings Noto Sans / Serif CJK SC, the
黑体-like and 宋体-like faces). Without one, charts are left out and a PDF is refused,
each with :data:`MISSING_HINT`; the Word and Excel files name 宋体/黑体 and do not need one.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from crawler.errors import LeadwatchError

# Preferred first. 黑体-like (sans) for headings and charts, 宋体-like (serif) for text.
SANS = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Noto Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "SimHei",
    "Microsoft YaHei",
)
SERIF = (
    "Noto Serif CJK SC",
    "Source Han Serif SC",
    "Source Han Serif CN",
    "Noto Serif SC",
    "AR PL UMing CN",
    "SimSun",
)
MISSING_HINT = (
    "未找到中文字体（CJK font），图表已略去；请安装 fonts-noto-cjk"
    "（Debian/Ubuntu：apt-get install fonts-noto-cjk）后重新生成"
)


class FontMissing(LeadwatchError):
    """No CJK font on this system (the message says what to install)."""


@dataclass(frozen=True)
class Face:
    """One font face: a file, its index inside a collection (.ttc), its family."""

    path: Path
    index: int
    family: str
    bold: bool


@dataclass(frozen=True)
class CjkFonts:
    sans: Face | None
    sans_bold: Face | None
    serif: Face | None
    serif_bold: Face | None

    @property
    def found(self) -> bool:
        return self.sans is not None or self.serif is not None

    @property
    def chart_family(self) -> str | None:
        """The family the charts draw with (黑体-like preferred)."""
        face = self.sans or self.serif
        return face.family if face else None

    def body(self) -> tuple[Face, Face]:
        """(regular, bold) for running text: 宋体-like, else 黑体-like."""
        regular = self.serif or self.sans
        if regular is None:
            raise FontMissing(MISSING_HINT)
        return regular, (self.serif_bold if self.serif else self.sans_bold) or regular

    def heading(self) -> Face:
        """The face of headings: 黑体-like bold, else whatever there is."""
        face = self.sans_bold or self.sans or self.serif_bold or self.serif
        if face is None:
            raise FontMissing(MISSING_HINT)
        return face


def _pick(families: tuple[str, ...], bold: bool) -> Face | None:
    from matplotlib import font_manager

    entries = font_manager.fontManager.ttflist
    for family in families:
        faces = [
            e
            for e in entries
            if e.name == family
            and e.style == "normal"
            and (_weight(e.weight) >= 600) == bold
            and Path(e.fname).suffix.lower() in (".ttf", ".otf", ".ttc")
        ]
        if faces:
            face = faces[0]
            return Face(Path(face.fname), int(getattr(face, "index", 0) or 0), family, bold)
    return None


def _weight(weight: int | str) -> int:
    if isinstance(weight, int):
        return weight
    return 700 if str(weight).lower() in ("bold", "heavy", "black", "semibold", "demibold") else 400


@cache
def cjk_fonts() -> CjkFonts:
    """The system's CJK fonts (looked up once per process)."""
    return CjkFonts(
        _pick(SANS, False),
        _pick(SANS, True),
        _pick(SERIF, False),
        _pick(SERIF, True),
    )
