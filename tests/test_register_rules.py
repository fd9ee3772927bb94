"""The register's pure parts, rule by rule: names, places, days, stages, organisations,
the matching rule and project linking, and 今日重点's score. No database, no classifier:
reports are built by hand the way :func:`crawler.register.reports.make_report` builds them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from alerts.highlights import amount_points
from alerts.render import subject_for
from crawler.register.dates import event_when
from crawler.register.match import EventDraft, apart, cluster
from crawler.register.names import (
    core,
    is_government,
    project_names,
    related_names,
    same_project_name,
    short_forms,
)
from crawler.register.orgs import OrgIndex
from crawler.register.places import load_gazetteer
from crawler.register.projects import link_projects
from crawler.register.reports import ArticleInput, LeadInput, lead_key, make_report
from crawler.register.stages import stage_of

ROOT = Path(__file__).resolve().parents[1]
GAZETTEER = load_gazetteer(ROOT / "config" / "gazetteer.toml")


# --- names ----------------------------------------------------------------------------


def test_short_forms_of_a_firm_are_derived_step_by_step():
    assert short_forms("江苏澄远储能科技有限公司") == [
        "澄远储能科技有限公司",
        "澄远储能科技",
        "澄远储能",
        "澄远",
    ]
    assert core("澄远储能公司") == "澄远储能"
    assert short_forms("南京工业大学") == []  # a university is named in full
    assert short_forms("宜兴经济技术开发区管理委员会") == []


def test_spellings_of_one_firm_are_related_and_of_two_are_not():
    assert related_names("澄远储能公司", "江苏澄远储能科技有限公司")
    assert not related_names("澄远物流有限公司", "江苏澄远储能科技有限公司")
    assert not related_names("澄明光电公司", "江苏澄远储能科技有限公司")


def test_public_bodies_are_told_from_firms():
    assert is_government("宜兴经济技术开发区管理委员会")
    assert is_government("宜兴市人民政府")
    assert not is_government("北京首都公路发展集团")


def test_project_names_lose_lead_in_phase_and_stage_words():
    sentence = "11月5日，江苏澄远储能科技有限公司宜兴基地一期项目竣工投产。"
    assert project_names("澄远储能宜兴基地一期竣工投产") == ["澄远储能宜兴基地"]
    assert project_names("双方签署储能系统集成及电池包生产项目投资协议") == [
        "储能系统集成及电池包生产项目"
    ]
    # a name of nothing but generic words and places is any project's
    assert project_names(sentence, ["宜兴"]) == []
    assert same_project_name("宜兴交通科技产业园", "宜兴交通科技产业园项目")


# --- places, days, stages ---------------------------------------------------------------


def test_places_are_normalised_to_province_city_district():
    wujin = GAZETTEER.lookup("常州武进")
    assert wujin is not None and wujin.chain == ("江苏省", "常州市", "武进区")
    dingshu = GAZETTEER.lookup("丁蜀")
    assert dingshu.at("district") == "宜兴市" and dingshu.at("city") == "无锡市"
    yixing = GAZETTEER.lookup("宜兴")
    assert dingshu.compatible(yixing) and not dingshu.compatible(GAZETTEER.lookup("江阴"))
    # 经开区 means the office's own zone only when nothing specific is named
    assert [p.name for p in GAZETTEER.find("江阴高新区与经开区")] == ["江阴高新区"]
    assert GAZETTEER.lookup("经开区").name == "宜兴经济技术开发区"


def test_event_days_come_from_the_sentence():
    published = date(2025, 3, 12)
    when = event_when("3月10日至11日，国投一行来宜考察", published)
    assert (when.start, when.end, when.exact) == (date(2025, 3, 10), date(2025, 3, 11), True)
    assert event_when("12月30日，签约", date(2025, 1, 3)).start == date(2024, 12, 30)
    assert event_when("近日，双方签约", published).exact is False


@pytest.mark.parametrize(
    ("sentence", "stage"),
    [
        ("11月5日，宜兴基地一期项目竣工投产。", "production"),
        ("项目开工建设，预计明年投产。", "groundbreaking"),
        ("该项目拟落户经开区，总投资3亿元。", "planned"),
        ("智算中心一期建成投运。", "production"),
        ("项目由某公司投资建设。", "landing"),
    ],
)
def test_landing_stage_is_read_from_the_signal_words(sentence: str, stage: str):
    assert stage_of("landing", sentence) == stage


# --- organisations ------------------------------------------------------------------


def test_the_index_resolves_short_forms_and_respects_rejections():
    index = OrgIndex()
    index.add_partner("国家开发投资集团", ["国投", "国投集团"], "soe", None)
    assert index.resolve("国投集团") == "国家开发投资集团"
    full = index.resolve("江苏澄远储能科技有限公司")
    assert index.resolve("澄远储能公司") == full
    assert index.resolve("澄远物流有限公司") != full
    # a subsidiary is its own organisation, with the group as parent
    assert index.resolve("国投电力控股股份有限公司") == "国投电力控股股份有限公司"
    assert index.ancestors("国投电力控股股份有限公司") == ("国家开发投资集团",)

    later = OrgIndex()
    later.add_known(full, "company", [("澄远储能", "derived", False)])  # an analyst said no
    assert later.lookup("澄远储能公司") is None


# --- matching -----------------------------------------------------------------------


def _report(
    lead_id: int,
    article_id: int,
    event: str,
    sentence: str,
    counterparts: tuple[str, ...],
    published: str,
    amounts: tuple[int, ...] = (),
    source: str = "city",
    title: str = "",
    index: OrgIndex | None = None,
):
    day = datetime.fromisoformat(published).replace(tzinfo=UTC)
    lead = LeadInput(
        lead_id,
        article_id,
        event,
        sentence,
        counterparts,
        amounts[0] if amounts else None,
        tuple({"value": a, "currency": "CNY", "text": f"{a // 10**8}亿元"} for a in amounts),
    )
    article = ArticleInput(article_id, title or sentence[:20], day, day, source, source)
    return make_report(lead, article, index or OrgIndex(), GAZETTEER)


FIRM = ("江苏澄远储能科技有限公司",)


def test_one_event_told_three_ways_is_one_event():
    index = OrgIndex()
    city = _report(
        1,
        1,
        "signing",
        "1月15日，宜兴经开区与江苏澄远储能科技有限公司签署投资协议，项目总投资12亿元。",
        FIRM,
        "2025-01-16",
        (1_200_000_000,),
        index=index,
    )
    partner = _report(
        2,
        2,
        "signing",
        "近日，江苏澄远储能科技有限公司与宜兴经开区签订投资协议，计划总投资12亿元。",
        FIRM,
        "2025-01-20",
        (1_200_000_000,),
        "partner",
        index=index,
    )
    paper = _report(
        3,
        3,
        "signing",
        "1月15日，澄远储能公司储能项目在宜兴经开区签约，总投资12亿元。",
        ("澄远储能公司",),
        "2025-01-17",
        (1_200_000_000,),
        "paper",
        index=index,
    )
    events = cluster([partner, paper, city])
    assert len(events) == 1
    assert events[0].credited is city  # the earliest report is credited
    assert events[0].outlets == ["city", "paper", "partner"]


def test_two_signings_of_one_firm_are_told_apart():
    index = OrgIndex()
    yixing = _report(
        1,
        1,
        "signing",
        "1月15日，宜兴经开区与江苏澄远储能科技有限公司签约，项目总投资12亿元。",
        FIRM,
        "2025-01-16",
        (1_200_000_000,),
        index=index,
    )
    liyang = _report(
        2,
        2,
        "signing",
        "1月20日，溧阳高新区与江苏澄远储能科技有限公司签约，项目总投资8亿元。",
        FIRM,
        "2025-01-21",
        (800_000_000,),
        index=index,
    )
    same_day = _report(
        3,
        3,
        "signing",
        "1月15日，宜兴经开区与江苏澄远储能科技有限公司签署研发中心协议，投资1亿元。",
        FIRM,
        "2025-01-16",
        (100_000_000,),
        index=index,
    )
    assert apart(yixing, liyang) == "days"
    assert apart(yixing, same_day) == "amount"
    assert len(cluster([yixing, liyang, same_day])) == 3


def test_a_phase_amount_fits_the_total_and_a_reprint_fits_anything_but_the_stage():
    index = OrgIndex()
    total = _report(
        1,
        1,
        "signing",
        "9月9日，长兴县与湖州岚山新材料有限公司签约，项目总投资12亿元。",
        ("湖州岚山新材料有限公司",),
        "2025-09-10",
        (1_200_000_000,),
        index=index,
    )
    phase = _report(
        2,
        2,
        "signing",
        "近日，湖州岚山新材料有限公司与长兴县签约，一期将投资5亿元。",
        ("湖州岚山新材料有限公司",),
        "2025-09-15",
        (500_000_000,),
        index=index,
    )
    assert phase.partial and not phase.amounts
    assert apart(total, phase) is None
    other_stage = _report(
        3,
        3,
        "landing",
        "9月9日，项目开工。",
        ("湖州岚山新材料有限公司",),
        "2025-09-10",
        index=index,
    )
    assert apart(total, other_stage, reprint=True) == "stage"


def test_parties_that_differ_on_both_sides_are_two_events():
    index = OrgIndex()
    index.add_partner("国家开发投资集团", ["国投"], "soe", None)
    province = _report(
        1,
        1,
        "signing",
        "1月21日，国家开发投资集团与江苏省人民政府签署战略合作协议。",
        ("国家开发投资集团", "江苏银行股份有限公司"),
        "2025-01-22",
        index=index,
    )
    university = _report(
        2,
        2,
        "signing",
        "1月21日，国家开发投资集团与江南大学签署战略合作协议。",
        ("国家开发投资集团", "江南大学"),
        "2025-01-22",
        index=index,
    )
    assert apart(province, university) == "parties"


def test_lead_keys_ignore_punctuation_and_spaces():
    assert lead_key("signing", "1月15日，签约。") == lead_key("signing", "1月15日 签约")
    assert lead_key("signing", "签约") != lead_key("landing", "签约")


# --- projects -----------------------------------------------------------------------


def _event(*reports) -> EventDraft:
    draft = EventDraft(list(reports))
    draft.scope = "local"
    return draft


def test_stages_of_one_project_link_and_a_second_signing_starts_another():
    index = OrgIndex()
    sign = _report(
        1,
        1,
        "signing",
        "1月15日，宜兴经开区与江苏澄远储能科技有限公司签约，项目总投资12亿元。",
        FIRM,
        "2025-01-16",
        (1_200_000_000,),
        index=index,
    )
    build = _report(
        2,
        2,
        "landing",
        "4月10日，江苏澄远储能科技有限公司宜兴基地项目在宜兴经开区开工，总投资12亿元。",
        FIRM,
        "2025-04-11",
        (1_200_000_000,),
        index=index,
    )
    again = _report(
        3,
        3,
        "signing",
        "5月6日，宜兴环科园与江苏澄远储能科技有限公司签约，投资3亿元。",
        FIRM,
        "2025-05-07",
        (300_000_000,),
        index=index,
    )
    kinds = {name: info.kind for name, info in index.orgs.items()}
    projects = link_projects([_event(sign), _event(build), _event(again)], kinds)
    assert [[e.stage for e in p.events] for p in projects] == [
        ["signing", "groundbreaking"],
        ["signing"],
    ]


def test_a_central_group_alone_ties_no_project():
    index = OrgIndex()
    index.add_partner("国家开发投资集团", ["国投"], "soe", None)
    gansu = _report(
        1,
        1,
        "landing",
        "5月18日，国家开发投资集团甘肃风光储项目开工。",
        ("国家开发投资集团",),
        "2025-05-19",
        (4_560_000_000,),
        index=index,
    )
    suzhou = _report(
        2,
        2,
        "landing",
        "7月28日，国家开发投资集团苏州养老社区投入运营。",
        ("国家开发投资集团",),
        "2025-07-29",
        (860_000_000,),
        index=index,
    )
    kinds = {name: info.kind for name, info in index.orgs.items()}
    assert len(link_projects([_event(gansu), _event(suzhou)], kinds)) == 2


# --- the digest's score and subject -------------------------------------------------


def test_amount_points_and_subjects():
    assert [amount_points(v) for v in (None, 5 * 10**7, 3 * 10**8, 12 * 10**8, 500 * 10**8)] == [
        0,
        2,
        4,
        7,
        10,
    ]
    assert subject_for("2025-11-06", 3, 2) == "【招商线索】2025-11-06 · 3 条新线索 · 2 条行业动态"
    assert subject_for("2025-11-06", 0, 2) == "【招商线索】2025-11-06 · 2 条行业动态"
    assert subject_for("2025-11-06", 1) == "【招商线索】2025-11-06 · 1 条新线索"
    assert subject_for("2025-11-06", 0) == "【招商线索】2025-11-06 · 0 条新线索"  # empty
