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
