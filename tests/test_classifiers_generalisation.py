"""Rules of issue 10's generalisation round: broad patterns of Chinese investment news,
each tested on several sentences written for the test (varied wording, never copied).

Every test of what a rule finds fails with the rule taken out; the tests of what must not
be found guard the rule's filters.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from classifiers import Classifier, load_taxonomy

ROOT = Path(__file__).resolve().parents[1]
TAXONOMY = ROOT / "config" / "taxonomy.toml"


@pytest.fixture(scope="module")
def clf() -> Classifier:
    return Classifier(load_taxonomy(TAXONOMY))


def amounts(result) -> set[int]:
    """The scored amounts: union of amount_yuan and every CNY amounts[].value."""
    out = {lead.amount_yuan for lead in result.leads if lead.amount_yuan is not None}
    out |= {a["value"] for lead in result.leads for a in lead.amounts if a["currency"] == "CNY"}
    return out


def counterparts(result) -> set[str]:
    return {c for lead in result.leads for c in lead.counterparts}


def found(result, name: str) -> bool:
    """Whether a counterpart contains ``name`` or is contained in it (the realtexts metric)."""
    return any(name in c or c in name for c in counterparts(result))


# ------------------------------------------------------------------ batch events


@pytest.mark.parametrize(
    ("body", "total"),
    [
        (
            "10月13日，全县重点产业项目集中签约暨开工仪式举行。本次集中签约项目21个，总投资316.7亿元。",
            31_670_000_000,
        ),
        ("会上现场签约项目15个，协议总投资88亿元，涵盖装备制造和新材料等领域。", 8_800_000_000),
        ("5月9日上午，经开区二季度集中开工项目12个，总投资46亿元。", 4_600_000_000),
    ],
)
def test_a_count_of_signed_or_started_projects_at_an_occasion_is_a_batch_event(
    clf: Classifier, body: str, total: int
) -> None:
    result = clf.classify("", body)
    assert result.leads
    assert total in amounts(result)


def test_a_count_of_signed_projects_over_a_period_is_a_tally(clf: Classifier) -> None:
    body = "今年以来，全市签约项目35个，总投资218亿元，同比增长12%。"
    assert clf.classify("", body).leads == []
    body = "据统计，开工项目64个，竣工项目41个。"
    assert clf.classify("", body).leads == []


def test_the_occasion_of_the_sentence_before_in_its_paragraph_makes_a_count_an_event(
    clf: Classifier,
) -> None:
    body = (
        "昨日，第五届中部投资博览会在长沙闭幕，本届博览会吸引客商3000余名。"
        "湖南与国内外投资者共签订合同项目120个，投资总额860亿元。"
    )
    result = clf.classify("", body)
    assert 86_000_000_000 in amounts(result)
    # The same count in a paragraph of its own, after a line break, is a tally.
    body = "昨日，第五届中部投资博览会在长沙闭幕。\n全省共签订合同项目120个，投资总额860亿元。"
    assert 86_000_000_000 not in amounts(clf.classify("", body))


# ------------------------------------------------------------------ not amounts


@pytest.mark.parametrize(
    "body",
    [
        "9月8日，本届大会签订投资额5000万元以上的正式合同项目86个，投资总额1200亿元。",
        "当天现场签约投资1亿元以上的制造业项目30个，总投资1200亿元。",
        "此次集中签约的项目中，总投资10亿元以上的重大项目有9个，签约总额1200亿元。",
    ],
)
def test_projects_above_a_size_are_a_class_not_an_amount(clf: Classifier, body: str) -> None:
    result = clf.classify("", body)
    assert amounts(result) == {120_000_000_000}


@pytest.mark.parametrize(
    "body",
    [
        "9月8日，现场签约的20个项目总投资180亿元，平均单个项目投资9亿元。",
        "当天集中开工的12个项目总投资180亿元，每个项目投资均超过5亿元。",
        "3月2日，全区集中签约项目16个，总投资180亿元，项目平均投资额11.25亿元。",
    ],
)
def test_an_average_per_project_is_no_amount(clf: Classifier, body: str) -> None:
    assert amounts(clf.classify("", body)) == {18_000_000_000}


@pytest.mark.parametrize(
    ("body", "want"),
    [
        (
            "6月3日，安徽宏远新能源科技有限公司与经开区签约，计划总投资约18亿元，其中固定资产投资约12亿元。",
            {1_800_000_000},
        ),
        (
            "该项目由湖北拓海新能源有限公司投资建设，首期投资13亿元，其中电池模组项目投资5亿元，当天开工。",
            {1_300_000_000},
        ),
        (
            "9月3日，浙江启辰汽车集团与三江新区签约，两个项目总投资120亿元，其中整车项目总投资85亿元。",
            {12_000_000_000, 8_500_000_000},
        ),
    ],
)
def test_an_amount_after_qizhong_is_a_part_unless_it_names_a_project(
    clf: Classifier, body: str, want: set[int]
) -> None:
    assert amounts(clf.classify("", body)) == want


def test_a_batch_sum_labelled_leiji_touzie_is_its_amount(clf: Classifier) -> None:
    body = "9月16日，大会现场签约的31个重点项目，累计投资额526亿元。"
    assert amounts(clf.classify("", body)) == {52_600_000_000}
    body = "4月1日上午，开发区集中签约12个项目，累计投资额达86亿元，涵盖生物医药等领域。"
    assert amounts(clf.classify("", body)) == {8_600_000_000}
    # Progress of one project is still no amount.
    body = "截至目前，该项目累计投资12亿元，预计年底投产。"
    assert amounts(clf.classify("", body)) == set()


# ------------------------------------------------------------------ counterparts


def test_names_ending_in_a_bracketed_type_keep_the_bracket(clf: Classifier) -> None:
    body = "（记者 王明）光华食品集团子公司农垦置业(集团)与某市城投公司昨天签署框架协议，共同开发康养社区项目。"
    names = counterparts(clf.classify("", body))
    assert "农垦置业(集团)" in names
    assert not any("记者" in n or "王明" in n or n.endswith("子公司") for n in names)
    body = "7月2日，金川钴业（集团）与宜兴经开区签订投资协议，建设电池材料项目。"
    assert "金川钴业（集团）" in counterparts(clf.classify("", body))


def test_a_title_that_echoes_the_body_lends_its_parties(clf: Classifier) -> None:
    title = "华宇康养(集团)与长江文旅发展有限公司签署框架协议 携手建设康养庄园"
    body = "根据协议，双方将共同出资设立项目公司，由华宇康养控股，总投资约20亿元，签约仪式在区政府举行。"
    result = clf.classify(title, body)
    assert "华宇康养(集团)" in counterparts(result)
    assert "长江文旅发展有限公司" in counterparts(result)


@pytest.mark.parametrize(
    ("body", "firms"),
    [
        (
            "会上，唯康生物全球研发中心项目、华润禾生物健康食品总部项目、凌云生物合成生物中试基地项目等与各区签约。",
            ["唯康生物", "华润禾生物", "凌云生物"],
        ),
        (
            "9月18日，投资100亿元的西部能控集团(成都)发动机研发制造项目、投资75亿元的深圳创域(自贡)电子产品制造项目等一批项目成功签约。",
            ["西部能控集团", "深圳创域"],
        ),
        (
            "当天集中开工的还有嘉瑞生物疫苗产业化基地项目和金迈克生物流感疫苗二期产业化项目。",
            ["嘉瑞生物", "金迈克生物"],
        ),
    ],
)
def test_the_firms_behind_listed_projects_are_counterparts(
    clf: Classifier, body: str, firms: list[str]
) -> None:
    result = clf.classify("", body)
    for firm in firms:
        assert found(result, firm), firm
    assert not any(c.startswith(("年产", "举行")) for c in counterparts(result))


def test_a_place_before_a_projects_firm_is_no_part_of_the_firm(clf: Classifier) -> None:
    body = "1月17日，上海化学工业区生合元项目举行奠基仪式，另有江宁开发区新瑞科技项目同日开工。"
    names = counterparts(clf.classify("", body))
    assert any(n.startswith("生合元") for n in names)
    assert not any(n.startswith(("上海化学工业区", "江宁开发区")) for n in names)


# ------------------------------------------------------------------ parties by their slot


@pytest.mark.parametrize(
    ("body", "party", "host"),
    [
        (
            "3月5日，云峰数科与张掖市人民政府签订合作协议，将在当地建设算力中心，总投资20亿元。",
            "云峰数科",
            "张掖市人民政府",
        ),
        (
            "昨天下午，蓝湾储能同高邮市政府正式签署投资协议，项目总投资12亿元。",
            "蓝湾储能",
            "高邮市政府",
        ),
        ("近日，金陵康养集团与溧水区签约，建设康养社区项目。", "金陵康养集团", "溧水区"),
    ],
)
def test_the_sides_of_yu_before_a_signing_are_its_parties(
    clf: Classifier, body: str, party: str, host: str
) -> None:
    result = clf.classify("", body)
    assert found(result, party)
    assert host not in counterparts(result)


def test_the_sides_of_yu_before_talks_about_cooperation_make_a_visit(clf: Classifier) -> None:
    body = "2月3日，省交通投资集团与航天天翼开展交流座谈，双方就低空物流合作进行了探讨。航天天翼是无人机企业。"
    result = clf.classify("", body)
    assert [lead.event for lead in result.leads] == ["visit"]
    assert found(result, "航天天翼")


@pytest.mark.parametrize(
    "body",
    [
        "北京时间6月24日，天宫二号与神舟十一号飞船成功交会对接，航天员进入天宫二号。",
        "6月19日，市委书记会见了法国驻上海总领事一行，双方就经贸往来和职业教育合作进行了交流。",
        "同日，与新能源汽车配套的驱动电机、汽车轮毂、车用座椅等10个配套项目签约，总投资113亿元。",
        "只要原俱乐部愿意提供一份合同，球员必须接受并与原俱乐部签约。",
    ],
)
def test_what_is_not_a_party_is_no_counterpart(clf: Classifier, body: str) -> None:
    names = counterparts(clf.classify("", body))
    for bad in (
        "天宫二号",
        "神舟十一号",
        "经贸往来",
        "职业教育",
        "汽车轮毂",
        "车用座椅",
        "驱动电机",
        "俱乐部",
        "球员",
    ):
        assert not any(bad in n for n in names), (bad, names)


@pytest.mark.parametrize(
    ("body", "parties"),
    [
        (
            "4月8日，由中国华通集团下属上市公司易华通、蓬安县人民政府和烟台金禾置业共同合作的智慧养老PPP项目开工建设。",
            ["易华通", "烟台金禾置业"],
        ),
        (
            "该项目由湖北国泰青山新能源与东风江城汽车共同投资建设，当天举行了签约仪式。",
            ["湖北国泰青山新能源", "东风江城汽车"],
        ),
        (
            "产业园由华远智造、星河控股和恒信资本联合投资打造，今日开园。",
            ["华远智造", "星河控股", "恒信资本"],
        ),
    ],
)
def test_the_list_after_you_before_investing_names_the_investors(
    clf: Classifier, body: str, parties: list[str]
) -> None:
    result = clf.classify("", body)
    for party in parties:
        assert found(result, party), party
    assert not any("政府" in n for n in counterparts(result))


@pytest.mark.parametrize(
    ("body", "party"),
    [
        (
            "5月17日，宜兴经开区31个项目集中竣工。其中，中环在宜兴有4个项目竣工，总投资147亿元，中环是硅片龙头。",
            "中环",
        ),
        ("近日，投资40亿元的湖北劲锋锂能新能源电池在大冶高新区正式开工。", "湖北劲锋锂能新能源"),
        ("9月1日，星耀科技在溧阳投资建设固态电池项目，总投资30亿元，预计明年投产。", "星耀科技"),
    ],
)
def test_the_subject_of_a_landing_or_signing_clause_is_its_party(
    clf: Classifier, body: str, party: str
) -> None:
    assert found(clf.classify("", body), party)


def test_a_subject_is_no_party_when_it_is_a_project_a_place_or_a_person(clf: Classifier) -> None:
    body = "9月3日，城南实验小学新建工程正式开工，工程总投资2.3亿元。"
    assert counterparts(clf.classify("城南实验小学新建工程开工", body)) == set()
    body = "副市长王海涛主持签约仪式。王海涛在签约仪式上与远拓科技签订协议。"
    assert "王海涛" not in counterparts(clf.classify("", body))


@pytest.mark.parametrize(
    ("body", "firms"),
    [
        (
            "考察团先后走访了星驰航空总装基地和蓝鲸智能运营中心，就无人机项目合作进行洽谈。",
            ["星驰航空", "蓝鲸智能"],
        ),
        (
            "代表团实地考察了奇点商用车(滁州)制造基地，双方围绕整车项目落户进行了深入交流。",
            ["奇点商用车"],
        ),
        (
            "招商小分队先后拜访了华澜生物、启明医疗、衡康诊断等企业，就体外诊断项目合作进行洽谈。",
            ["华澜生物", "启明医疗", "衡康诊断"],
        ),
    ],
)
def test_the_firms_a_visit_word_names_are_its_counterparts(
    clf: Classifier, body: str, firms: list[str]
) -> None:
    result = clf.classify("", body)
    assert [lead.event for lead in result.leads] == ["visit"]
    for firm in firms:
        assert found(result, firm), firm
    assert not any(n.endswith(("基地", "中心", "企业")) for n in counterparts(result))


# ------------------------------------------------------------------ full names, meetings


@pytest.mark.parametrize(
    ("title", "body", "full"),
    [
        (
            "化工区禾元万物项目启动建设",
            "1月17日，上海化学工业区禾元万物项目举行奠基仪式。项目建成后将年产生物基材料5万吨。"
            "禾元万物(苏州)生物科技有限公司成立于2019年，专注合成生物。",
            "禾元万物(苏州)生物科技有限公司",
        ),
        (
            "",
            "2月28日，滁州德润新能源汽车项目签约仪式举行。项目总投资约100亿元。"
            "滁州德润新能源汽车股份有限公司由德润控股发起设立。",
            "滁州德润新能源汽车股份有限公司",
        ),
    ],
)
def test_a_short_counterpart_gets_the_registered_name_the_article_gives(
    clf: Classifier, title: str, body: str, full: str
) -> None:
    assert full in counterparts(clf.classify(title, body))


def test_a_longer_name_with_more_than_industry_words_is_another_organisation(
    clf: Classifier,
) -> None:
    body = "3月2日，中国电子与经开区签署合作协议。中国电子工程设计院股份有限公司是国内领先的工程设计企业。"
    names = counterparts(clf.classify("", body))
    assert "中国电子" in names or "中国电子科技集团" in names
    assert "中国电子工程设计院股份有限公司" not in names


@pytest.mark.parametrize(
    "body",
    [
        "2月3日，省民航机场集团与航天翼龙低空公司开展交流座谈。",
        "3月9日，市城投集团同华电新能源公司举行座谈交流。",
        "昨天，长江产业投资集团与中科星图公司进行了交流。",
    ],
)
def test_talks_between_two_named_organisations_are_a_visit(clf: Classifier, body: str) -> None:
    assert [lead.event for lead in clf.classify("", body).leads] == ["visit"]


def test_a_headline_paragraph_takes_the_investors_and_amount_of_the_body_after_its_own_colour(
    clf: Classifier,
) -> None:
    title = "8月12日，襄阳扬帆新能源发展有限公司新能源产业园项目落户签约仪式举行。市领导出席。"
    body = (
        "该项目由湖北国通青山新能源高科技有限公司与东风江城汽车(武汉)有限公司合资兴建。\n"
        "项目由新能源客车、动力电池和零部件三个部分组成，总投资42.9亿元。"
    )
    result = clf.classify(title, body)
    assert amounts(result) == {4_290_000_000}
    assert found(result, "湖北国通青山新能源高科技有限公司")
    assert found(result, "东风江城汽车(武汉)有限公司")


# ------------------------------------------------------------------ sectors


def test_the_sentence_that_gives_a_leads_terms_tells_its_sector(clf: Classifier) -> None:
    title = "11月7日，华能集团蒙西公司与阿拉善盟行政公署签订战略合作协议。"
    body = (
        "根据协议，蒙西公司将在阿拉善盟投资300亿元，建设风光储一体化新能源基地。"
        "同时，公司将加大民生供热和生产用煤供应力度。"
    )
    result = clf.classify(title, body)
    assert {s.id for s in result.sectors} == {"new_energy"}
    assert amounts(result) == {30_000_000_000}


def test_an_ancillary_facility_is_no_sector_of_the_article(clf: Classifier) -> None:
    title = "绿色算力中心项目签约落户"
    body = (
        "6月18日，经开区与江苏云港数据有限公司签署绿色算力中心项目投资协议。\n"
        "项目总投资约18亿元，规划建设5000个标准机柜，配套建设光伏发电和储能设施。"
    )
    sectors = {s.id for s in clf.classify(title, body).sectors}
    assert sectors == {"new_infra"}


@pytest.mark.parametrize(
    ("title", "sector"),
    [
        ("联通IDC五期项目签约", "new_infra"),
        ("源网荷储一体化项目签约 抽水蓄能电站同步推进", "new_energy"),
        ("年产5万吨磷酸铁锂正极材料项目开工", "new_energy"),
    ],
)
def test_data_centre_and_energy_base_vocabulary(clf: Classifier, title: str, sector: str) -> None:
    body = "9月12日，宏远集团与当地签订投资协议。" + title + "。"
    assert sector in {s.id for s in clf.classify(title, body).sectors}


def test_pension_pillars_are_social_insurance_not_silver_economy(clf: Classifier) -> None:
    body = (
        "个人养老金是养老第三支柱的重要组成部分。\n在养老第一支柱资金缺口大、养老第二支柱覆盖面窄的"
        "情况下，发展养老第三支柱十分必要，以应对老龄化。"
    )
    assert clf.classify("个人养老金制度研究", body).sectors == []


# ------------------------------------------------------------------ recaps and round-ups


@pytest.mark.parametrize(
    "body",
    [
        "过去的一年，中国电子院精心服务设计，保障雄安输变电项目顺利如期完工。",
        "近年来，该镇积极招商，华新材料、世达科技等一批项目相继落户并建成投产。",
        "各地通过以商招商、基金招商等方式，引进亿翔华东总部等一批项目，与中国电科签署战略合作协议。",
    ],
)
def test_a_recap_of_a_period_or_a_round_up_of_places_is_no_lead(clf: Classifier, body: str) -> None:
    assert clf.classify("", body).leads == []


def test_a_count_over_size_classes_is_a_tally(clf: Classifier) -> None:
    body = "16个总投资亿元、5亿元、10亿元、20亿元项目落地开工建设、投产运行。"
    assert clf.classify("", body).leads == []


# ------------------------------------------------------------------ after heldout4's first contact


@pytest.mark.parametrize(
    "body",
    [
        "凯迪生物2月26日晚间发布公告称，公司拟与重庆国际生物城开发投资有限公司签署项目投资协议，总投资15亿元。",
        "10月11日晚，凯瑞生物发布对外投资公告称，公司拟与综改区管理委员会合作，共同投资打造合成生物产业园。凯瑞生物是科创板企业。",
        "华辰新材3月2日公告，公司将与溧阳经开区签订投资协议，建设负极材料项目。",
    ],
)
def test_gongsi_before_yu_is_the_firm_that_announces(clf: Classifier, body: str) -> None:
    result = clf.classify("", body)
    assert any(found(result, firm) for firm in ("凯迪生物", "凯瑞生物", "华辰新材"))


@pytest.mark.parametrize(
    ("body", "firm"),
    [
        ("当天，华澜科技、鼎晟智能、百川医疗等12家企业与各县区签订了投资协议。", "百川医疗"),
        ("10月9日，凌云智航、中翼无人机等12家企业正式入驻低空产业园。", "中翼无人机"),
        ("当天，恒远物流、安达健康等8家企业集中签约。", "恒远物流"),
    ],
)
def test_a_listed_firm_whose_name_holds_an_industry_word_is_a_firm(
    clf: Classifier, body: str, firm: str
) -> None:
    assert firm in counterparts(clf.classify("", body))


def test_a_list_of_industries_gives_no_firm(clf: Classifier) -> None:
    body = "5月9日，人工智能、生命健康、新一代信息技术等16个项目集中签约，总投资80亿元。"
    assert counterparts(clf.classify("", body)) == set()


def test_a_firms_site_in_a_list_is_cut_off(clf: Classifier) -> None:
    body = "考察团走访了星翼科技研发总部、云鹏飞行器集团华南基地，就无人机项目合作进行洽谈。"
    names = counterparts(clf.classify("", body))
    assert "星翼科技" in names
    assert not any(n.endswith(("总部", "基地")) for n in names)


def test_yu_before_zhongguo_splits_two_names(clf: Classifier) -> None:
    body = "11月21日，常州市人民政府与中国电力建设集团有限公司在北京签署战略合作协议。"
    names = counterparts(clf.classify("", body))
    assert "中国电力建设集团有限公司" in names
    assert not any(n.startswith("常州") for n in names)


def test_before_the_signing_and_attending_it_are_no_signing(clf: Classifier) -> None:
    body = "签约前，市委书记与中国电建董事长举行会谈。"
    assert [lead.event for lead in clf.classify("", body).leads] == ["visit"]
    body = "奇瑞新能源公司负责同志及经开区有关部门负责同志出席签约仪式。"
    assert clf.classify("", body).leads == []


def test_the_projects_name_opening_a_later_sentence_gives_its_firm_and_amount(
    clf: Classifier,
) -> None:
    body = (
        "10月12日，中联芜湖新型算力产业园项目在三山经济开发区开工建设。\n"
        "三山经开区有关部门负责人参加了开工仪式。\n"
        "中联芜湖新型算力产业园项目作为中联数据集团在华东地区布局的关键一环，将建设高标准算力中心。"
        "该项目总投资额约72亿元人民币。"
    )
    result = clf.classify("中联芜湖新型算力产业园项目开工", body)
    assert found(result, "中联数据集团")
    assert 7_200_000_000 in amounts(result)


def test_a_part_after_a_semicolon_is_a_member_of_the_lead_before(clf: Classifier) -> None:
    body = (
        "9月3日，浙江启明汽车集团与三江新区签约，年产20万辆整车项目和配套电池包项目落户三江新区。\n"
        "两个项目总投资120亿元，其中整车项目总投资85亿元；动力电池包项目总投资35亿元，建设年产15GWh生产线。"
    )
    assert amounts(clf.classify("", body)) == {12_000_000_000, 8_500_000_000, 3_500_000_000}


def test_a_headline_landing_echoes_a_body_signing_that_agrees_on_it(clf: Classifier) -> None:
    title = "总投资120亿元 启明新能源整车项目落户宜宾"
    body = "9月3日，三江新区与浙江启明汽车集团举行项目签约仪式，启明年产20万辆整车项目正式落户三江新区，总投资120亿元。"
    assert [lead.event for lead in clf.classify(title, body).leads] == ["signing"]


def test_a_signed_projects_schedule_told_later_is_no_lead_of_its_own(clf: Classifier) -> None:
    body = (
        "6月5日，宜兴市人民政府与北京首发集团签署交通科技产业园项目合作协议，总投资50亿元。\n"
        "首发集团负责同志表示，集团将把产业园作为重要支点。\n"
        "按照计划，项目一期将于今年三季度开工建设。"
    )
    assert [lead.event for lead in clf.classify("", body).leads] == ["signing"]


def test_a_named_project_of_a_batch_with_its_amount_keeps_the_batchs_event(
    clf: Classifier,
) -> None:
    body = (
        "开幕式上，42个项目现场签约，总投资386.5亿元。\n"
        "其中，苏州恒远新能源科技有限公司储能电池项目总投资52亿元，将落户淮安经开区。"
    )
    result = clf.classify("", body)
    assert {lead.event for lead in result.leads} == {"signing"}
    assert amounts(result) == {38_650_000_000, 5_200_000_000}
    assert "苏州恒远新能源科技有限公司" in counterparts(result)


def test_the_parent_that_set_up_a_new_company_is_its_counterpart(clf: Classifier) -> None:
    title = "国储能源华东总部在苏州完成注册"
    body = (
        "近日，国储能源科技（苏州）有限公司在苏州工业园区完成工商注册，注册资本5亿元。\n"
        "据悉，该公司由中国国储能源集团有限公司全资设立，首批将布局独立储能电站。"
    )
    result = clf.classify(title, body)
    assert "中国国储能源集团有限公司" in counterparts(result)
    assert amounts(result) == {500_000_000}


def test_a_project_name_opening_on_a_numeral_word_is_a_name(clf: Classifier) -> None:
    body = (
        "5月20日，经开区三个零部件项目同时开工，三个项目总投资41.6亿元。\n"
        "其中，线控底盘项目总投资22亿元；一体化压铸件项目总投资11.5亿元。"
    )
    assert amounts(clf.classify("", body)) == {4_160_000_000, 2_200_000_000, 1_150_000_000}


def test_ageing_as_context_does_not_make_a_silver_article(clf: Classifier) -> None:
    title = "个人养老金政策执行研究：应对老龄化的制度选择"
    body = (
        "随着老龄化不断加深，个人养老金制度的执行效果受到关注。\n"
        "研究发现，公众对个人养老金的认同不足，应对老龄化需要完善制度设计。"
    )
    assert clf.classify(title, body).sectors == []
    body2 = "该区养老服务中心今日开业，为应对老龄化提供居家养老和社区养老服务。\n中心设有床位80张。"
    assert {s.id for s in clf.classify("养老服务中心开业", body2).sectors} == {"silver"}


def test_the_company_a_story_is_about_is_the_counterpart_of_its_unowned_project(
    clf: Classifier,
) -> None:
    title = "城北又一无人机起降场启动建设"
    body = (
        "近日，拱宸起降场项目正式启动建设。\n"
        "“这里将建成城北区域低空运输的重要枢纽。”杭城低空产业发展有限公司（以下简称“杭城低空公司”）"
        "建设负责人介绍。\n杭城低空公司是市属国企的全资子公司。杭城低空公司承担起降场等基础设施建设。"
    )
    assert "杭城低空产业发展有限公司" in counterparts(clf.classify(title, body))


def test_a_round_up_of_two_companies_lends_no_protagonist(clf: Classifier) -> None:
    body = (
        "近日，城北起降场项目正式启动建设。项目占地20亩。\n甲翼航空有限公司和乙鹰科技有限公司都在园区布局。"
        "甲翼航空有限公司去年营收增长，乙鹰科技有限公司获得融资。"
    )
    assert counterparts(clf.classify("", body)) <= {"城北起降场"}


def test_names_found_by_their_place_are_cleaned(clf: Classifier) -> None:
    body = "4月2日，海港区委书记张明辉，区长李勃与翼航智能设备(广州)有限公司副总裁、华东区域总经理王丽一行举行座谈，双方围绕无人机合作进行探讨。"
    names = counterparts(clf.classify("", body))
    assert "翼航智能设备(广州)有限公司" in names
    assert not any(n.startswith(("张明辉", "华东区域")) for n in names)
    body = "该项目由杭钢集团与阿里云合作共建，总投资158亿元，7月10日正式开工。"
    names = counterparts(clf.classify("", body))
    assert "阿里云" in names and not any(n.endswith("合作") for n in names)
    body = (
        "3月5日，副市长带队赴京，先后与中煤科工集团总经理、海油发展党委副书记座谈，就合作进行交流。"
    )
    assert "海油发展" in counterparts(clf.classify("", body))


def test_a_side_named_by_its_role_is_no_counterpart_and_no_second_lead(clf) -> None:
    """各项目方 / 双方 / 签约方 name a side by its role; 逐一, 分别 belong to the verb."""
    body = (
        "12月3日，宜兴高新区举行重点项目集中签约活动，8个项目现场签约，总投资42亿元。"
        "活动现场，高新区与各项目方逐一签署投资协议。"
    )
    result = clf.classify("宜兴高新区8个项目集中签约", body)
    assert [lead.amount_yuan for lead in result.leads] == [4_200_000_000]
    for text in (
        "会上，丁蜀镇与各签约企业分别签署了合作协议。",
        "经开区与签约方依次签署投资协议，项目总投资6亿元。",
    ):
        for lead in clf.classify("", text).leads:
            assert not any(c in ("各签约企业", "签约方", "方依次") for c in lead.counterparts)
