"""Rules added for real news (issue 10), each on a sentence written for the test.

Every test here fails with its rule taken out: the texts are the smallest ones that show
the case the rule is for.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from classifiers import Classifier, fold, load_taxonomy
from classifiers.normalize import Source, strip_pinyin

ROOT = Path(__file__).resolve().parents[1]
TAXONOMY = ROOT / "config" / "taxonomy.toml"


@pytest.fixture(scope="module")
def clf() -> Classifier:
    return Classifier(load_taxonomy(TAXONOMY))


def events(result) -> list[str]:
    return [lead.event for lead in result.leads]


def amounts(result) -> set[int]:
    """The scored amounts: union of amount_yuan and every CNY amounts[].value."""
    out = {lead.amount_yuan for lead in result.leads if lead.amount_yuan is not None}
    out |= {a["value"] for lead in result.leads for a in lead.amounts if a["currency"] == "CNY"}
    return out


def counterparts(result) -> set[str]:
    return {c for lead in result.leads for c in lead.counterparts}


# ------------------------------------------------------------------ folding


def test_fold_covers_traditional_characters_outside_the_news_table() -> None:
    # 産 (a variant of 產), 島 and 這 were left as they are: 産業/半島 hid their terms.
    assert fold("這個半島産業園") == "这个半岛产业园"


def test_pinyin_glosses_are_removed_and_spans_read_back_as_written() -> None:
    source = Source("溧水產(chǎn)業(yè)園與華聯(lián)集團簽約")
    assert source.text == "溧水產業園與華聯集團簽約"
    start = source.text.index("華聯集團")
    assert source[start : start + 4] == "華聯(lián)集團"
    assert strip_pinyin("附件(a)與項(xiàng)目") == "附件(a)與項目"  # no tone mark: no gloss


def test_a_traditional_page_with_pinyin_glosses_gives_its_lead(clf: Classifier) -> None:
    body = "5月8日,華聯(lián)控股集團與溧水經(jīng)濟開發(fā)區簽署投資協(xié)議,總投資12億元建設鋰電池隔膜項(xiàng)目。"
    result = clf.classify("", body)
    assert events(result) == ["signing"]
    assert amounts(result) == {1_200_000_000}
    assert "華聯(lián)控股集團" in counterparts(result)


# ------------------------------------------------------------------ sectors


def sector_ids(result) -> set[str]:
    return {s.id for s in result.sectors}


def test_new_energy_vehicles_are_transport_tech_not_new_energy(clf: Classifier) -> None:
    title = "年产20万辆新能源汽车整车项目落户滨湖"
    body = (
        "6月3日，江苏驰远汽车有限公司新能源汽车整车项目在滨湖开发区签约落户。\n"
        "项目将建设冲压、焊装、涂装和总装四大工艺车间，生产新能源乘用车和新能源商用车。"
    )
    result = clf.classify(title, body)
    assert "transport_tech" in sector_ids(result)
    assert "new_energy" not in sector_ids(result)


def test_charging_networks_stay_new_energy(clf: Classifier) -> None:
    body = (
        "4月2日，东林区与华通电力公司签署充电基础设施建设合作协议。\n"
        "双方将新建公共充电站30座，推进光储充一体化示范。"
    )
    assert "new_energy" in sector_ids(clf.classify("", body))


def test_a_car_sales_campaign_is_not_the_vehicle_industry(clf: Classifier) -> None:
    title = "新能源汽车下乡活动走进南岭镇"
    body = "活动现场，十余家经销商展出新能源汽车40余款，市民购车可享补贴。\n活动将持续到月底。"
    assert "transport_tech" not in sector_ids(clf.classify(title, body))


def test_a_sector_that_is_one_item_of_a_long_list_is_a_passing_mention(clf: Classifier) -> None:
    title = "东林区举行产业发展大会"
    body = (
        "大会聚焦智能装备、光伏发电、新材料、文化旅游等领域，发布了一批应用场景。\n"
        "会议还表彰了一批优秀企业，介绍了新材料、储能电池、电子信息和现代物流等产业的发展情况。"
    )
    assert "new_energy" not in sector_ids(clf.classify(title, body))


def test_a_list_of_one_sectors_items_still_counts(clf: Classifier) -> None:
    title = "东林区新能源产业链加快集聚"
    body = (
        "今年，东林区围绕光伏组件、储能电池、风电装备和氢能等环节招引企业。\n"
        "区内光伏和储能企业已达40家。"
    )
    assert "new_energy" in sector_ids(clf.classify(title, body))


# ------------------------------------------------------------------ batch events


def test_a_batch_groundbreaking_at_a_ceremony_is_a_lead_with_its_total(clf: Classifier) -> None:
    body = "5月9日，滨湖开发区举行二季度重大项目集中开工仪式，12个项目总投资56亿元。"
    result = clf.classify("", body)
    assert events(result) == ["landing"]
    assert amounts(result) == {5_600_000_000}


def test_a_tally_of_projects_without_an_occasion_stays_a_statistic(clf: Classifier) -> None:
    body = "全区全年新开工产业项目48个，完成投资120亿元。"
    assert clf.classify("", body).leads == []


def test_this_occasions_projects_started_is_the_event(clf: Classifier) -> None:
    # 开工的 is an attribute (新开工的项目可享补贴), unless 此次/这次 makes it this event.
    body = "此次开工的9个项目总投资32亿元，涵盖装备制造和新材料等领域。"
    assert amounts(clf.classify("", body)) == {3_200_000_000}
    assert clf.classify("", "对新开工的项目，区里给予用地支持。").leads == []


def test_signing_then_days_then_groundbreaking_is_a_timeline(clf: Classifier) -> None:
    result = clf.classify("从签约到开工仅用60天", "东林区华瑞储能电池项目签约60天即开工。")
    assert events(result) == ["landing"]


def test_a_meeting_named_after_a_goal_word_is_no_goal(clf: Classifier) -> None:
    title = "东林区召开重大项目现场推进会 9个项目开工总投资41亿元"
    assert amounts(clf.classify(title, "")) == {4_100_000_000}


def test_size_classes_of_projects_are_not_amounts(clf: Classifier) -> None:
    body = (
        "6月1日，东林区12个重大项目集中签约，总投资88亿元，其中超10亿元项目3个，"
        "另有2个超百亿元项目正在洽谈。"
    )
    assert amounts(clf.classify("", body)) == {8_800_000_000}


@pytest.mark.parametrize(
    "body",
    [
        "9月2日，华瑞新能源钠离子电池项目动工仪式在滨湖开发区举行。",
        "9月2日，华瑞新能源钠离子电池项目在滨湖开发区正式启动建设。",
        "9月2日，华瑞新能源分布式光伏项目首批机组并网发电。",
        "9月2日，华瑞新能源研发中心项目在滨湖开发区落成。",
    ],
)
def test_more_words_for_a_landing(clf: Classifier, body: str) -> None:
    assert events(clf.classify("", body)) == ["landing"]


# ------------------------------------------------------------------ projects of a batch


def test_each_named_project_of_a_batch_gives_its_own_amount_and_firm(clf: Classifier) -> None:
    body = (
        "3月8日，滨湖开发区8个项目集中签约，总投资66亿元。\n"
        "其中，远拓科技智能传感器项目总投资12亿元；另一个是华瑞生物创新药产业化项目，总投资8亿元。"
    )
    result = clf.classify("", body)
    assert amounts(result) == {6_600_000_000, 1_200_000_000, 800_000_000}
    assert {"远拓科技", "华瑞生物"} <= counterparts(result)


def test_a_fund_of_a_batch_is_its_firm_not_an_amount(clf: Classifier) -> None:
    body = (
        "3月8日，滨湖开发区5个项目集中签约，总投资30亿元。\n"
        "基金项目1个，为和远资本产业投资基金项目，总投资10亿元。"
    )
    result = clf.classify("", body)
    assert amounts(result) == {3_000_000_000}
    assert any("和远资本" in c for c in counterparts(result))


def test_firms_listed_before_a_count_of_projects_are_counterparts(clf: Classifier) -> None:
    body = "昨天，滨湖开发区举行集中开工仪式，远拓科技、华瑞生物等6个项目开工，总投资30亿元。"
    assert {"远拓科技", "华瑞生物"} <= counterparts(clf.classify("", body))


def test_industries_listed_before_projects_are_not_counterparts(clf: Classifier) -> None:
    body = "昨天，滨湖开发区举行集中签约仪式，人工智能、机器人等6个项目签约，总投资30亿元。"
    assert counterparts(clf.classify("", body)) == set()


def test_the_firm_of_a_project_is_read_from_its_name(clf: Classifier) -> None:
    body = "9月2日，远拓科技智能传感器产业化项目在滨湖开发区开工，总投资12亿元。"
    assert "远拓科技" in counterparts(clf.classify("", body))


# ------------------------------------------------------------------ organisations


def test_a_short_name_with_a_weak_ending_counts_after_a_conjunction(clf: Classifier) -> None:
    body = "6月3日，滨湖开发区与华电集团签署合作协议。"
    assert "华电集团" in counterparts(clf.classify("", body))
    assert clf.classify("", "会议要求，推动落实集团部署的项目在本月落地。").leads == []


def test_a_sentence_going_on_about_the_project_is_the_same_event(clf: Classifier) -> None:
    body = (
        "9月12日，滨湖颐康苑项目举行奠基仪式。\n"
        "项目由远拓康养服务有限公司投资建设，总投资2.4亿元，规划床位800张。"
    )
    (lead,) = clf.classify("", body).leads
    assert (lead.event, lead.amount_yuan) == ("landing", 240_000_000)
    assert lead.counterparts == ["远拓康养服务有限公司"]
    assert lead.sentence.startswith("9月12日")


def test_the_others_of_a_list_that_holds_an_organisation_are_organisations(
    clf: Classifier,
) -> None:
    body = "6月3日，远拓重工集团、华瑞汽车、东岭股份和滨湖产投有限公司联合签署合资协议。"
    assert {"华瑞汽车", "东岭股份"} <= counterparts(clf.classify("", body))


def test_the_host_of_a_list_is_not_a_counterpart(clf: Classifier) -> None:
    body = "6月3日，滨湖经济开发区与远拓重工集团签署投资协议。"
    assert counterparts(clf.classify("", body)) == {"远拓重工集团"}


def test_a_name_before_a_post_is_an_organisation(clf: Classifier) -> None:
    body = "3月5日，市长一行赴京，与华瑞能源董事长王明、东岭科技总经理李强座谈，洽谈项目合作。"
    assert {"华瑞能源", "东岭科技"} <= counterparts(clf.classify("", body))


def test_the_firm_that_invests_in_the_project_two_sentences_on(clf: Classifier) -> None:
    body = (
        "7月1日，滨湖云数据中心项目正式开工。"
        "该项目是全市数字经济的重点工程，其落地标志着新基建进入快车道。"
        "据了解，该项目由远拓重工集团投资建设，总投资30亿元。"
    )
    result = clf.classify("", body)
    assert len(result.leads) == 1
    assert amounts(result) == {3_000_000_000}
    assert "远拓重工集团" in counterparts(result)


# ------------------------------------------------------------------ not events, not amounts


def test_a_project_settled_in_a_park_is_an_attribute(clf: Classifier) -> None:
    body = "落户于滨湖生物医药产业园内的远拓药业项目近日被列入省重大项目，总投资约20亿元。"
    assert clf.classify("", body).leads == []


def test_who_builds_a_project_is_no_event(clf: Classifier) -> None:
    body = "滨湖云谷产业园项目由远拓数据系统有限公司投资建设，项目总投资60亿元。"
    assert clf.classify("", body).leads == []
    planned = "公司拟由全资子公司在滨湖开发区投资建设储能电池项目，项目总投资8亿元。"
    assert events(clf.classify("", planned)) == ["landing"]


def test_a_list_of_amounts_before_projects_is_size_classes(clf: Classifier) -> None:
    body = "6月5日，滨湖开发区举行集中开工仪式，其中5亿元、10亿元、20亿元项目各有2个开工。"
    assert amounts(clf.classify("", body)) == set()


def test_an_ignore_label_in_the_next_clause_does_not_drop_the_total(clf: Classifier) -> None:
    body = "此次开工的8个项目总投资52亿元，年度计划投资9.5亿元，涵盖新材料和装备制造。"
    assert amounts(clf.classify("", body)) == {5_200_000_000}


def test_the_party_that_goes_is_not_the_counterpart(clf: Classifier) -> None:
    body = "4月6日，滨湖开发区管理委员会副主任一行调研远拓数据中心园区，了解项目建设情况。"
    assert clf.classify("", body).leads == []
    came = "远拓重工集团董事长一行来滨湖考察，就设立研发中心进行洽谈。"
    assert counterparts(clf.classify("", came)) == {"远拓重工集团"}


def test_hosts_accompanying_an_inspection_make_no_visit(clf: Classifier) -> None:
    body = "3月1日，镇领导一行莅临远拓数据中心项目考察指导，远拓数据系统有限公司负责人陪同考察。"
    assert clf.classify("", body).leads == []


def test_kinds_of_projects_in_a_list_are_no_named_project(clf: Classifier) -> None:
    body = "园区将建强滨湖创新园、生命健康产业园等平台，目前已签约核酸药物等首批项目。"
    assert clf.classify("", body).leads == []


def test_a_tally_lends_no_amount_to_the_lead_before_it(clf: Classifier) -> None:
    body = "各地与远拓重工集团签署战略合作协议。全年引进项目69个，总投资近900亿元。"
    assert amounts(clf.classify("", body)) == set()


# ------------------------------------------------------------------ what an amount says


def test_each_amount_carries_its_qualifier_and_label(clf: Classifier) -> None:
    body = "6月3日，滨湖开发区与远拓重工集团签约，项目计划总投资约18亿元，协议引资额超过12亿元。"
    (lead,) = clf.classify("", body).leads
    assert lead.amounts == [
        {
            "value": 1_800_000_000,
            "currency": "CNY",
            "text": "约18亿元",
            "qualifier": "约",
            "label": "计划总投资",
            "plan": False,
        },
        {
            "value": 1_200_000_000,
            "currency": "CNY",
            "text": "超过12亿元",
            "qualifier": "超",
            "label": "协议引资额",
            "plan": False,
        },
    ]
    assert lead.amount_yuan == 1_800_000_000


def test_a_phase_names_its_label_and_a_hedged_label_its_qualifier(clf: Classifier) -> None:
    body = "9月2日，远拓科技传感器项目在滨湖开发区开工，一期总投资6亿元。"
    (lead,) = clf.classify("", body).leads
    assert lead.amounts[0]["label"] == "一期总投资"
    body = "6月3日，滨湖开发区与远拓重工集团签约，项目拟投资5亿元。"
    (lead,) = clf.classify("", body).leads
    assert (lead.amounts[0]["qualifier"], lead.amounts[0]["label"]) == ("拟", "投资")


def test_a_plan_for_a_period_is_marked_and_never_the_headline(clf: Classifier) -> None:
    body = (
        "1月8日，远拓重工集团与滨湖市人民政府签署战略合作协议。"
        "根据协议，“十五五”期间，远拓重工集团计划在滨湖投资超过300亿元。"
    )
    (lead,) = clf.classify("", body).leads
    assert lead.amount_yuan is None and lead.amount_text is None
    assert [(a["value"], a["plan"], a["qualifier"]) for a in lead.amounts] == [
        (30_000_000_000, True, "超")
    ]
    dated = "6月3日，远拓重工集团储能项目签约，计划到2027年建成投产，总投资12亿元。"
    (lead,) = clf.classify("", dated).leads
    assert lead.amount_yuan == 1_200_000_000 and not lead.amounts[0]["plan"]


def test_amounts_written_with_yu_after_the_unit_are_parsed() -> None:
    from classifiers import parse_amounts

    (amount,) = parse_amounts("总投资215亿余元")
    assert (amount.value, amount.qualifier) == (21_500_000_000, "余")


def test_a_designer_is_not_the_investor(clf: Classifier) -> None:
    body = (
        "5月8日，滨湖康养产业园一期项目开工。"
        "产业园由远拓工程设计研究院有限公司参与规划设计，总投资15亿元，其中一期投资6亿元。"
    )
    (lead,) = clf.classify("", body).leads
    assert "远拓工程设计研究院有限公司" not in lead.counterparts
    assert [a["value"] for a in lead.amounts] == [1_500_000_000]


def test_a_name_of_industry_words_only_is_no_organisation(clf: Classifier) -> None:
    body = "9月3日，滨湖开发区与远拓精准医学研究院签署合作协议，双方将共建医疗器械创新中心。"
    assert counterparts(clf.classify("", body)) == {"远拓精准医学研究院"}


def test_a_batch_total_is_not_pinned_on_one_firm_of_the_batch(clf: Classifier) -> None:
    body = (
        "3月28日，滨湖开发区12个重大项目集中签约，总投资86.5亿元。"
        "其中，江苏远拓新能源科技有限公司储能电池项目总投资15亿元。"
    )
    leads = clf.classify("", body).leads
    by_amount = {lead.amount_yuan: lead.counterparts for lead in leads}
    assert by_amount[8_650_000_000] == []
    assert by_amount[1_500_000_000] == ["江苏远拓新能源科技有限公司"]


# ------------------------------------------------------------------ the demo site (ours)

DEMO = ROOT / "demo" / "site"


def demo_page(clf: Classifier, path: str):
    from crawler.extract import extract_article

    page = extract_article((DEMO / path).read_bytes(), "http://127.0.0.1/" + path)
    return clf.classify(page.title, page.body)


def test_demo_designer_is_not_shown_as_the_investor(clf: Classifier) -> None:
    result = demo_page(clf, "doc/2025/05/09/1109186.shtml")
    assert "中国电子工程设计院股份有限公司" not in counterparts(result)
    assert amounts(result) == {1_500_000_000}


def test_demo_bodies_that_are_only_kinds_are_no_counterparts(clf: Classifier) -> None:
    assert "医疗器械创新中心" not in counterparts(demo_page(clf, "doc/2025/09/04/1109720.shtml"))
    school = counterparts(demo_page(clf, "doc/2025/02/11/1108841.shtml"))
    assert not any(c.endswith("学院") for c in school)


def test_demo_plan_of_the_next_five_years_is_not_a_signed_amount(clf: Classifier) -> None:
    (lead,) = demo_page(clf, "sdic/xwzx/202501/t20250122_5735.html").leads
    assert lead.amount_yuan is None
    assert [(a["value"], a["plan"]) for a in lead.amounts] == [(50_000_000_000, True)]


def test_demo_amounts_carry_their_labels(clf: Classifier) -> None:
    (lead,) = demo_page(clf, "doc/2025/03/05/1108913.shtml").leads
    assert [(a["text"], a["label"]) for a in lead.amounts] == [
        ("8亿元", "总投资"),
        ("6亿元", "协议引资额"),
    ]


def test_demo_one_groundbreaking_gives_one_lead(clf: Classifier) -> None:
    for path in ("doc/2025/05/09/1109186.shtml", "doc/2025/09/18/1109784.shtml"):
        assert [lead.event for lead in demo_page(clf, path).leads] == ["landing"]


def test_a_known_partner_is_listed_canonically_then_as_the_page_spells_it(
    clf: Classifier,
) -> None:
    body = "6月3日，滨湖开发区与國藥集團簽署戰略合作協議。"
    (lead,) = clf.classify("", body).leads
    assert lead.counterparts == ["中国医药集团", "國藥集團"]
    full = "6月3日，滨湖开发区与中国医药集团有限公司签署战略合作协议。"
    assert clf.classify("", full).leads[0].counterparts == ["中国医药集团"]


def test_a_headline_amount_ending_in_an_exclamation_counts(clf: Classifier) -> None:
    title = "总投资超30亿！滨湖无人机产业园项目开工"
    assert amounts(clf.classify(title, "近日，滨湖无人机产业园项目开工仪式举行。")) == {
        3_000_000_000
    }


def test_a_delegation_that_came_is_a_visit_without_a_cooperation_word(clf: Classifier) -> None:
    body = "6月6日，远拓重工集团首席科学家一行来滨湖考察生物制造产业发展情况。"
    assert events(clf.classify("", body)) == ["visit"]
    met = (
        "3月25日，区长与远拓航空科技有限公司副总裁一行举行工作座谈，双方围绕低空经济合作深入交流。"
    )
    assert counterparts(clf.classify("", met)) == {"远拓航空科技有限公司"}


def test_a_count_of_projects_against_last_year_is_a_statistic(clf: Classifier) -> None:
    body = "新型储能项目数量超过600个，较去年同期增长50%，其中已投运项目210个。"
    assert clf.classify("", body).leads == []


def test_people_from_trade_bodies_are_no_organisation(clf: Classifier) -> None:
    body = "来自各行业协会的代表围绕研究院项目合作座谈交流。"
    assert clf.classify("", body).leads == []


def test_figures_told_later_about_the_project_are_the_leads(clf: Classifier) -> None:
    body = (
        "12月20日，远拓数字科技产业园项目一期在滨湖落成。"
        "园区将成为区域智算中心。"
        "项目建设历时一年。"
        "该项目整体投资50亿元，总用地面积117亩。"
    )
    assert amounts(clf.classify("", body)) == {5_000_000_000}


def test_a_headline_figure_goes_to_the_lead_when_the_body_has_none(clf: Classifier) -> None:
    title = "40亿元投资滨湖合成生物产业园 远拓生物布局新赛道"
    body = "10月11日晚，远拓生物发布公告称，公司拟与滨湖开发区管理委员会合作，共同投资打造合成生物产业园。"
    assert amounts(clf.classify(title, body)) == {4_000_000_000}


def test_a_headline_count_right_before_its_event_is_news(clf: Classifier) -> None:
    assert amounts(clf.classify("总投资3亿元的两个项目落户滨湖开发区", "")) == {300_000_000}


def test_projects_under_negotiation_are_no_lead(clf: Classifier) -> None:
    body = (
        "3月8日，滨湖开发区8个项目集中签约，总投资66亿元。"
        "另有重点在谈的无人机整机项目20多个，总投资200多亿元。"
    )
    assert amounts(clf.classify("", body)) == {6_600_000_000}


def test_a_tally_for_the_quarter_is_no_projects_lead(clf: Classifier) -> None:
    body = (
        "3月8日，滨湖开发区6个生物医药项目集中开工，总投资55亿元。"
        "据悉，一季度全市项目总投资1156亿元，97个亿元以上项目开工建设。"
    )
    assert amounts(clf.classify("", body)) == {5_500_000_000}


def test_the_short_name_a_text_declares_is_listed_too(clf: Classifier) -> None:
    body = "6月3日，远拓能源建设集团有限公司（以下简称远拓能建）与滨湖开发区签署投资协议。"
    assert {"远拓能源建设集团有限公司", "远拓能建"} <= counterparts(clf.classify("", body))


def test_a_headline_total_over_one_project_of_the_body_stays(clf: Classifier) -> None:
    title = "滨湖举行重大项目现场推进会 20个项目开工总投资96亿元"
    body = "其中，远拓科技传感器项目总投资8亿元，规划用地60亩。"
    assert amounts(clf.classify(title, body)) == {9_600_000_000, 800_000_000}


def test_a_rounded_headline_figure_echoes_the_body_total(clf: Classifier) -> None:
    title = "滨湖重大项目集中签约 签约总额超百亿元"
    body = "3月28日，滨湖开发区举行重大项目集中签约活动，现场签约项目22个，签约总额112.6亿元。"
    assert amounts(clf.classify(title, body)) == {11_260_000_000}


def test_a_headline_leads_figures_from_the_body_keep_their_label(clf: Classifier) -> None:
    title = "11月7日，华瑞能源集团与滨湖市人民政府签订战略合作协议。"
    body = "根据协议，“十四五”期间，华瑞能源集团将在滨湖投资300亿元，建设新能源基地。"
    (lead,) = clf.classify(title, body).leads
    assert lead.amount_yuan is None
    assert [(a["label"], a["plan"]) for a in lead.amounts] == [("投资", True)]


def test_a_converted_figure_is_the_same_amount(clf: Classifier) -> None:
    body = "7月8日，滨湖开发区在香港签订外商投资项目36个，投资总额12亿美元（约78亿元人民币）。"
    result = clf.classify("", body)
    assert amounts(result) == set()
    assert [(a["currency"], a["value"]) for a in result.leads[0].amounts] == [
        ("USD", 1_200_000_000)
    ]


def test_a_category_share_after_qizhong_is_a_part(clf: Classifier) -> None:
    body = "据悉，此次滨湖区集中开工重大项目22个，总投资173亿元，其中，先进制造业项目17个，总投资144亿元。"
    assert amounts(clf.classify("", body)) == {17_300_000_000}


def test_one_years_spending_and_a_change_are_no_amounts(clf: Classifier) -> None:
    body = "9月1日，远拓科技传感器项目在滨湖开工，总投资约73亿元，2025年计划投资约30亿元。"
    assert amounts(clf.classify("", body)) == {7_300_000_000}
    fair = "7月1日，滨湖投资大会集中签约项目60个，签约总额320亿元，比上届增加60亿元。"
    assert amounts(clf.classify("", fair)) == {32_000_000_000}


def test_projects_above_a_size_are_a_class(clf: Classifier) -> None:
    body = "7月1日，滨湖投资大会集中签约项目60个，签约总额320亿元，投资额10亿元以上的项目占七成。"
    assert amounts(clf.classify("", body)) == {32_000_000_000}


def test_vehicles_inside_a_new_energy_article_are_part_of_its_subject(clf: Classifier) -> None:
    title = "评论：新能源产业的竞争力从何而来"
    body = (
        "我国新能源产业快速发展，光伏组件、锂电池和新能源汽车出口持续增长。\n"
        "新能源产业的优势来自完整的产业链，光伏和储能企业不断加大研发投入。\n"
        "新能源汽车的普及也带动了动力电池和充电桩的发展，新能源产业链日益完善。\n"
        "新能源汽车企业正在加快布局海外市场。"
    )
    result = clf.classify(title, body)
    assert "new_energy" in sector_ids(result)
    assert "transport_tech" not in sector_ids(result)
