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
