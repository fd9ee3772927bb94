"""What an analyst found reading the demo digest (issue 10), each checked on the crawled
demo store through the CLI, an export and the digest preview.

合作方 is a lead's counterpart, not every partner an article mentions; a designer is not
an investor; a batch's total is the batch's; amounts keep their labels and qualifiers; a
plan reads as a plan; one groundbreaking is one lead.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from crawler.present.records import fold_aliases
from tests.helpers.instance import Instance, copy_store, demo_sources, write_instance

pytestmark = pytest.mark.integration  # the session's real crawl of the demo site


@pytest.fixture(scope="module")
def store(
    tmp_path_factory: pytest.TempPathFactory, demo_site: str, crawled_demo: Instance
) -> Instance:
    inst = write_instance(tmp_path_factory.mktemp("analyst"), demo_sources(demo_site))
    return copy_store(crawled_demo, inst)


@pytest.fixture(scope="module")
def articles(store: Instance) -> dict[str, dict]:
    """Stored articles by the last part of their URL."""
    items = json.loads(store.run("items", "--json", "--limit", "0").stdout)
    return {a["url"].rsplit("/", 1)[1]: a for a in items}


def test_the_counterpart_column_shows_who_the_lead_is_with_not_who_is_mentioned(
    store: Instance, articles: dict[str, dict]
):
    visit = articles["1109856.shtml"]  # 福康颐养 visits; 中国电子院 designed what they saw
    (lead,) = visit["leads"]
    assert fold_aliases(lead["counterparts"]) == ["江苏福康颐养集团有限公司"]
    table = store.run("items", "--leads", "--limit", "0").stdout
    row = next(line for line in table.splitlines() if "福康颐养集团来宜考察" in line)
    assert "江苏福康颐养" in row and "中国电子工程设计院" not in row
    # filtering by a counterpart that is in no taxonomy works, and by a partner's alias
    by_firm = json.loads(store.run("items", "--partner", "福康颐养", "--json").stdout)
    assert [a["id"] for a in by_firm] == [visit["id"]]
    by_alias = json.loads(store.run("items", "--partner", "国投", "--json", "--limit", "0").stdout)
    assert articles["t20250122_5735.html"]["id"] in {a["id"] for a in by_alias}


def test_a_designer_is_not_the_investor(articles: dict[str, dict]):
    park = articles["1109186.shtml"]  # 中国电子院 only 参与规划设计 the park
    assert park["leads"], "the groundbreaking is a lead"
    for lead in park["leads"]:
        assert not any("中国电子" in c for c in lead["counterparts"]), lead


def test_a_batch_total_belongs_to_the_batch_not_to_one_firm(articles: dict[str, dict]):
    batch = articles["1110012.shtml"]
    by_amount = {lead["amount_yuan"]: lead for lead in batch["leads"]}
    assert set(by_amount) == {8_650_000_000, 1_500_000_000, 320_000_000}
    assert by_amount[1_500_000_000]["counterparts"] == ["江苏澜拓储能科技有限公司"]
    assert not any("澜拓" in c for c in by_amount[8_650_000_000]["counterparts"])


def test_a_department_or_a_centre_alone_is_not_a_counterpart(articles: dict[str, dict]):
    for name, unwanted in (
        ("1108841.shtml", "学校生物与制药工程学院"),
        ("1109720.shtml", "医疗器械创新中心"),
    ):
        for lead in articles[name]["leads"]:
            assert unwanted not in lead["counterparts"], (name, lead["counterparts"])


def test_amounts_keep_their_labels_and_qualifiers_and_a_plan_reads_as_one(
    store: Instance, articles: dict[str, dict], tmp_path: Path
):
    evtol = articles["1108913.shtml"]
    shown = store.run("show", str(evtol["id"])).stdout
    assert "总投资8亿元、协议引资额6亿元" in shown
    plan = articles["t20250122_5735.html"]  # 十五五期间…计划在江苏投资超过500亿元
    (lead,) = plan["leads"]
    assert lead["amount_yuan"] is None  # a plan is never the signed headline amount
    assert [(a["qualifier"], a["plan"]) for a in lead["amounts"]] == [("超", True)]
    assert "超500亿元（规划目标）" in store.run("show", str(plan["id"])).stdout

    out = tmp_path / "leads.csv"
    store.run("export", "--leads", "-o", str(out))
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = {row["编号"]: row for row in csv.DictReader(handle)}
    assert rows[str(evtol["id"])]["金额"] == "总投资8亿元"
    assert rows[str(evtol["id"])]["合作方"] == "苏州峰翼航空科技有限公司"
    assert rows[str(plan["id"])]["金额（元）"] == ""  # nothing signed to sum

    store.run("digest", "--preview", str(tmp_path / "preview"))
    digest = (tmp_path / "preview" / "digest-preview.txt").read_text("utf-8")
    assert "总投资8亿元、协议引资额6亿元" in digest
    assert "投资超500亿元（规划目标）" in digest


def test_one_groundbreaking_is_one_lead(articles: dict[str, dict]):
    for name in ("1109186.shtml", "1109968.shtml"):  # told in the title and again in the body
        events = [lead["event"] for lead in articles[name]["leads"]]
        assert events == ["landing"], (name, events)
