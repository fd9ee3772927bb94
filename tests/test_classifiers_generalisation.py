"""Rules of issue 10's generalisation round: broad patterns of Chinese investment news,
each tested on several sentences written for the test (varied wording, never copied).

Every test here fails with its rule taken out.
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
