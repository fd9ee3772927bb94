"""The report's charts, drawn by matplotlib from a :class:`~crawler.report.data.Trend`:
events and signed amounts per sector per period, events per stage per period, and the
busiest counterparts. PNG for Word and PDF; SVG for the web view's 趋势 page.

The SVG goes inline into a page whose Content-Security-Policy allows no inline styles
and no scripts, so :func:`inline_svg` rewrites matplotlib's ``style="…"`` attributes as
presentation attributes (``fill="…"``), drops its ``<style>`` block and comments, keeps
only drawing elements, and prefixes every id so two charts on one page cannot clash.
Text is drawn as paths (no font is needed to view it, and a crawled name is never text
in the page).
"""

from __future__ import annotations

import functools
import io
import re
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from crawler.report.fonts import cjk_fonts

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from crawler.report.data import Trend

KINDS = ("events", "amounts", "stages", "counterparts")
STAGE_ORDER = ("visit", "signing", "planned", "landing", "groundbreaking", "production")
# Office colours: readable in grey print too (dark to light).
PALETTE = ("#1f4e79", "#c0392b", "#2e8b57", "#d4a017", "#6c3483", "#17a2b8", "#7f8c8d")
STAGE_COLOURS = {
    "visit": "#95a5a6",
    "signing": "#1f4e79",
    "planned": "#5dade2",
    "landing": "#2e8b57",
    "groundbreaking": "#d4a017",
    "production": "#c0392b",
}
_LOCK = threading.Lock()  # rcParams are global: one chart at a time per process
YI = 10**8


@dataclass
class Chart:
    key: str  # events | amounts | stages | counterparts
    title: str
    png: bytes | None = None
    svg: str | None = None
    empty: bool = False  # nothing to draw in the window


def _plain(text: str) -> str:
    """Text matplotlib draws as it is: ``$`` would start mathtext."""
    return text.replace("$", r"\$")


def titles(trend: Trend) -> dict[str, str]:
    n = len(trend.periods)
    unit = "周" if trend.periods and trend.periods[-1].kind == "week" else "个月"
    return {
        "events": f"各行业事件数（近{n}{unit}）",
        "amounts": f"各行业签约/投资额（亿元，近{n}{unit}，计划目标不计入）",
        "stages": f"项目阶段进展：各阶段事件数（近{n}{unit}）",
        "counterparts": f"主要合作方（近{n}{unit}事件数）",
    }


def _stacked(ax, ticks: list[str], series: list[tuple[str, list[float], str]]) -> None:  # noqa: ANN001
    bottoms = [0.0] * len(ticks)
    for label, values, colour in series:
        ax.bar(ticks, values, bottom=bottoms, label=_plain(label), color=colour, width=0.7)
        bottoms = [b + v for b, v in zip(bottoms, values, strict=True)]
    if series:
        ax.legend(loc="upper left", fontsize=8, ncols=min(len(series), 4), frameon=False)
    ax.set_ylim(0, max(max(bottoms, default=0) * 1.35, 1))
    ax.tick_params(axis="x", labelsize=8, rotation=0)
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)


def draw(trend: Trend, kind: str) -> tuple[Figure, bool]:
    """The figure of chart ``kind`` and whether it is empty (nothing in the window)."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    from crawler.present.labels import STAGE_LABELS

    fig = Figure(figsize=(7.2, 3.4), layout="constrained")
    ax = fig.add_subplot()
    ticks = [p.short for p in trend.periods]
    empty = False
    if kind == "events":
        series = [
            (label, trend.events[sid], PALETTE[i % len(PALETTE)])
            for i, (sid, label) in enumerate(trend.sectors)
        ]
        empty = not any(sum(v) for _, v, _ in series)
        _stacked(ax, ticks, series)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylabel("事件数")
    elif kind == "amounts":
        series = [
            (label, [v / YI for v in trend.amounts[sid]], PALETTE[i % len(PALETTE)])
            for i, (sid, label) in enumerate(trend.sectors)
        ]
        empty = not any(sum(v) for _, v, _ in series)
        _stacked(ax, ticks, series)
        ax.set_ylabel("亿元")
    elif kind == "stages":
        series = [
            (STAGE_LABELS[s], trend.stages[s], STAGE_COLOURS[s])
            for s in STAGE_ORDER
            if any(trend.stages.get(s, ()))
        ]
        empty = not series
        _stacked(ax, ticks, series)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylabel("事件数")
    elif kind == "counterparts":
        names = [_plain(name) for name, _ in reversed(trend.counterparts)]
        counts = [n for _, n in reversed(trend.counterparts)]
        empty = not counts
        ax.barh(names, counts, color=PALETTE[0], height=0.6)
        for y, n in enumerate(counts):
            ax.text(n, y, f" {n}", va="center", fontsize=8)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.tick_params(axis="y", labelsize=8)
        ax.spines[["top", "right"]].set_visible(False)
        ax.set_xlabel("事件数")
    else:
        raise ValueError(f"unknown chart {kind!r}; one of {', '.join(KINDS)}")
    if empty:
        ax.text(0.5, 0.5, "本期无数据", transform=ax.transAxes, ha="center", color="#888888")
    return fig, empty


def _rc() -> dict[str, object]:
    family = cjk_fonts().chart_family
    return {
        "font.family": [family, "DejaVu Sans"] if family else ["DejaVu Sans"],
        "axes.unicode_minus": False,
        "svg.fonttype": "path",
        "svg.hashsalt": "leadwatch",
        "font.size": 9,
    }


def render(trend: Trend, *, png: bool = True, svg: bool = False, dpi: int = 150) -> list[Chart]:
    """Every chart of ``trend``, as PNG and/or SVG; none when no CJK font is installed
    (the caller says so with :data:`crawler.report.fonts.MISSING_HINT`).

    Drawing is the dear part of a report and a chart depends on nothing but its data, so
    the last few are kept by value (the web view redraws the same trend on every visit)."""
    if not cjk_fonts().found:
        return []
    charts = _render_cached(repr(trend), trend, png, svg, dpi)
    return [Chart(c.key, c.title, c.png, c.svg, c.empty) for c in charts]


class _Keyed:
    """``trend`` compared and hashed by its repr (lists inside are unhashable)."""

    def __init__(self, key: str, trend: Trend):
        self.key, self.trend = key, trend

    def __hash__(self) -> int:
        return hash(self.key)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Keyed) and other.key == self.key


def _render_cached(key: str, trend: Trend, png: bool, svg: bool, dpi: int) -> tuple[Chart, ...]:
    return _cached(_Keyed(key, trend), png, svg, dpi)


@functools.lru_cache(maxsize=32)
def _cached(keyed: _Keyed, png: bool, svg: bool, dpi: int) -> tuple[Chart, ...]:
    return tuple(_draw_all(keyed.trend, png, svg, dpi))


def _draw_all(trend: Trend, png: bool, svg: bool, dpi: int) -> list[Chart]:
    import matplotlib

    names = titles(trend)
    charts = []
    with _LOCK, matplotlib.rc_context(_rc()):
        for kind in KINDS:
            fig, empty = draw(trend, kind)
            chart = Chart(kind, names[kind], empty=empty)
            if png:
                buffer = io.BytesIO()
                fig.savefig(buffer, format="png", dpi=dpi)
                chart.png = buffer.getvalue()
            if svg:
                buffer = io.BytesIO()
                fig.savefig(buffer, format="svg")
                chart.svg = inline_svg(buffer.getvalue(), f"chart-{kind}-")
            charts.append(chart)
    return charts


# --------------------------------------------------------------------------- inline SVG

_DRAWING = frozenset(
    ("svg", "g", "defs", "path", "use", "clipPath", "rect", "line", "polyline", "polygon")
)
_PROPERTY = re.compile(r"^[a-z-]+$")
_URL_REF = re.compile(r"url\(#([^)]+)\)")


def inline_svg(data: bytes, prefix: str) -> str:
    """matplotlib's SVG made fit for an inline ``<svg>`` under a no-inline-style,
    no-script CSP (see the module's docstring)."""
    from lxml import etree

    svg_ns = "http://www.w3.org/2000/svg"
    xlink = "{http://www.w3.org/1999/xlink}href"
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)
    root = etree.fromstring(data, parser)
    for element in list(root.iter()):
        if not isinstance(element.tag, str):
            element.getparent().remove(element)
            continue
        local = etree.QName(element).localname
        if etree.QName(element).namespace != svg_ns or local not in _DRAWING:
            if element is not root and element.getparent() is not None:
                element.getparent().remove(element)
            continue
        style = element.attrib.pop("style", "")
        for declaration in style.split(";"):
            name, _, value = declaration.partition(":")
            name, value = name.strip(), value.strip()
            if _PROPERTY.match(name) and value:
                element.set(name, value)
        for attr in list(element.attrib):
            if attr.startswith("on") or attr in ("class",):
                del element.attrib[attr]
        if "id" in element.attrib:
            element.set("id", prefix + element.get("id"))
        href = element.get(xlink) or element.get("href")
        if href is not None:
            element.attrib.pop("href", None)
            if href.startswith("#"):
                element.set(xlink, "#" + prefix + href[1:])
            else:
                element.attrib.pop(xlink, None)
        for attr in ("clip-path", "fill", "mask"):
            value = element.get(attr)
            if value and "url(" in value:
                element.set(attr, _URL_REF.sub(lambda m: f"url(#{prefix}{m.group(1)})", value))
    # what the removed <style> block set for every element, inherited from the root
    root.set("stroke-linejoin", "round")
    root.set("stroke-linecap", "butt")
    for attr in ("width", "height"):
        root.attrib.pop(attr, None)
    root.set("role", "img")
    return etree.tostring(root, encoding="unicode")
