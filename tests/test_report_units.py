"""The report's pure parts: periods, amounts as text, the inline SVG's sanitising, and
migration 0008 on a populated store."""

from __future__ import annotations

import re
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from crawler.errors import LeadwatchError
from crawler.report.data import Money, Trend, moneys, signed_figure
from crawler.report.document import change_text, money_text, sum_text
from crawler.report.period import (
    from_key,
    last_complete,
    month_of,
    parse_month,
    parse_week,
    week_of,
    window,
)


def test_periods():
    week = week_of(date(2025, 6, 25))
    assert (week.start, week.end, week.key) == (date(2025, 6, 23), date(2025, 6, 30), "2025-W26")
    assert week.label == "2025年第26周（6月23日—6月29日）"
    december = month_of(2025, 12)
    assert december.end == date(2026, 1, 1) and december.following() == month_of(2026, 1)
    assert month_of(2025, 1).previous() == month_of(2024, 12)
    assert last_complete("week", date(2025, 3, 2)) == week_of(date(2025, 2, 17))  # a Sunday
    assert last_complete("month", date(2025, 3, 1)) == month_of(2025, 2)
    assert [p.key for p in window(month_of(2025, 2), 3)] == ["2024-12", "2025-01", "2025-02"]
    for p in (week, december, week_of(date(2021, 1, 3))):  # ISO week 53 of 2020
        assert from_key(p.kind, p.key) == p
    assert parse_week(None, date(2025, 6, 25)) == week_of(date(2025, 6, 16))
    assert parse_month("2025-6", date(2025, 6, 25)) == month_of(2025, 6)
    for bad in ("2025-13", "June", "2025-00"):
        with pytest.raises(LeadwatchError, match="YYYY-MM"):
            parse_month(bad, date(2025, 6, 25))
    with pytest.raises(LeadwatchError, match="YYYY-MM-DD"):
        parse_week("25/6", date(2025, 6, 25))


def test_amounts_keep_their_words_and_plans_are_never_summed():
    leads = [
        (
            2_000_000_000,
            "CNY",
            None,
            [
                {
                    "value": 2_000_000_000,
                    "currency": "CNY",
                    "text": "约20亿元人民币",
                    "qualifier": "约",
                    "label": "总投资",
                    "plan": False,
                }
            ],
        ),
        (
            2_000_000_000,
            "CNY",
            None,
            [
                {
                    "value": 2_000_000_000,
                    "currency": "CNY",
                    "text": "约20亿元人民币",
                    "qualifier": "约",
                    "label": "总投资",
                    "plan": False,
                }
            ],
        ),
        (
            None,
            "CNY",
            None,
            [
                {
                    "value": 50_000_000_000,
                    "currency": "CNY",
                    "text": "超过500亿元",
                    "qualifier": "超",
                    "label": "计划投资",
                    "plan": True,
                }
            ],
        ),
        (
            None,
            "USD",
            "5000万美元",
            [
                {
                    "value": 50_000_000,
                    "currency": "USD",
                    "text": "5000万美元",
                    "qualifier": None,
                    "label": None,
                    "plan": False,
                }
            ],
        ),
    ]
    found = moneys(leads)
    assert [money_text(m) for m in found] == [
        "总投资约20亿元人民币",  # one figure, though two reports give it
        "5000万美元",
        "计划投资超过500亿元（计划目标，未计入合计）",
    ]
    assert signed_figure((lead[0] for lead in leads if lead[1] == "CNY"), found) == (
        2_000_000_000,
        True,
    )
    assert signed_figure([None], found) == (None, False)
    assert sum_text(8_200_000_000, True) == "82亿元（含约数）" and sum_text(0, False) == "—"
    assert money_text(Money(300_000_000, "CNY", "")) == "3亿元"
    assert [change_text(3, 1), change_text(1, 3), change_text(2, 2), change_text(2, 0)] == [
        "+2（+200%）",
        "−2（−67%）",
        "持平",
        "新增",
    ]


def test_inline_svg_has_no_script_no_style_and_own_ids():
    from crawler.report.charts import render
    from crawler.report.fonts import cjk_fonts
    from crawler.report.period import window as periods

    if not cjk_fonts().found:
        pytest.skip("no CJK font (apt-get install fonts-noto-cjk)")
    ps = periods(month_of(2025, 6), 3)
    hostile = "--><script>alert(1)</script><!--"
    trend = Trend(
        ps,
        [("a", "新能源$x$"), ("other", "其他")],
        {"a": [1, 2, 3], "other": [0, 1, 0]},
        {"a": [10**8, 0, 3 * 10**8], "other": [0, 0, 0]},
        {
            s: [0, 1, 0]
            for s in ("visit", "signing", "planned", "landing", "groundbreaking", "production")
        },
        [(hostile, 3), ("国投$1$", 2)],
    )
    charts = render(trend, png=True, svg=True)
    assert [c.key for c in charts] == ["events", "amounts", "stages", "counterparts"]
    for chart in charts:
        assert chart.png[:8] == b"\x89PNG\r\n\x1a\n"
        svg = chart.svg
        assert svg.startswith("<svg") and "<script" not in svg and "<!--" not in svg
        assert " style=" not in svg and "<style" not in svg
        ids = re.findall(r'\sid="([^"]+)"', svg)
        assert ids and all(i.startswith(f"chart-{chart.key}-") for i in ids)
        assert 'fill="#' in svg  # colours survive as attributes


def test_migration_0008_marks_existing_deliveries_as_digests(tmp_path: Path):
    from sqlalchemy import create_engine

    from crawler.store.db import upgrade

    path = tmp_path / "old.db"
    engine = create_engine(f"sqlite:///{path}")
    upgrade(engine, "0007")
    with sqlite3.connect(path) as db:
        db.execute(
            "insert into deliveries (subscription, period, message_id, recipients, subject, status, "
            "attempts, error, created_at, channels, claimed_by) values ('office', '2025-03-01', "
            "'<m>', '[]', '', 'sent', 1, '', '2025-03-01 00:00:00', '{}', '')"
        )
    upgrade(engine, "0008")
    engine.dispose()
    with sqlite3.connect(path) as db:
        assert db.execute("select kind, period from deliveries").fetchall() == [
            ("digest", "2025-03-01")
        ]
        assert db.execute("select version_num from alembic_version").fetchone()[0] == "0008"
