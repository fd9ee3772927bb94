"""How amounts, counterparts and labels read on every surface (crawler/present/)."""

from __future__ import annotations

from types import SimpleNamespace

from crawler.present.amounts import amount_phrase, headline_amount, lead_amounts


def _entry(value, text, qualifier=None, label=None, plan=False, currency="CNY"):
    return {
        "value": value,
        "currency": currency,
        "text": text,
        "qualifier": qualifier,
        "label": label,
        "plan": plan,
    }


def test_an_amount_keeps_its_label_and_qualifier_where_the_text_put_them():
    assert amount_phrase(_entry(50_000_000_000, "500亿元", "超", "总投资")) == "总投资超500亿元"
    assert amount_phrase(_entry(800_000_000, "8亿元", "约", "协议引资额")) == "协议引资额约8亿元"
    assert amount_phrase(_entry(10_000_000_000, "100亿元", "以上", "投资")) == "投资100亿元以上"
    assert amount_phrase(_entry(30_000_000_000, "300亿元", "余", "总投资")) == "总投资300余亿元"
    assert amount_phrase(_entry(200_000_000, "2亿元", "计划", "总投资")) == "计划总投资2亿元"
    assert amount_phrase(_entry(200_000_000, "2亿元", "计划", "计划投资")) == "计划投资2亿元"
    assert amount_phrase(_entry(None, "5000万美元", currency="USD")) == "5000万美元"
    assert amount_phrase(_entry(12_000_000, "1200万元")) == "1200万元"


def test_a_plan_reads_as_a_plan_and_is_never_the_headline():
    plan = _entry(30_000_000_000, "300亿元", None, "计划投资", plan=True)
    assert amount_phrase(plan) == "计划投资300亿元（规划目标）"
    signed = _entry(1_500_000_000, "15亿元", None, "总投资")
    lead = SimpleNamespace(
        amount_yuan=1_500_000_000,
        currency="CNY",
        amount_text="15亿元",
        amounts=[signed, plan],
    )
    assert headline_amount(lead) == "总投资15亿元"
    assert lead_amounts(lead) == "总投资15亿元、计划投资300亿元（规划目标）"


def test_leads_stored_before_amounts_were_listed_show_their_headline():
    lead = SimpleNamespace(amount_yuan=300_000_000, currency="CNY", amount_text="3亿元", amounts=[])
    assert headline_amount(lead) == lead_amounts(lead) == "3亿元"
