"""The CLI's output contracts (`extract`, `classify`, `items`, `show`) and `scrapy list`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.cli import leadwatch
from tests.helpers.instance import Instance, write_instance
from tests.helpers.paths import DEMO_SITE, REPO
from tests.helpers.store import populate

MUNICIPAL = DEMO_SITE / "doc" / "2025" / "02" / "26" / "1108880.shtml"
GBK_PAGE = DEMO_SITE / "doc" / "2025" / "05" / "21" / "1109240.shtml"


def test_extract_json_prints_one_object_per_page():
    proc = leadwatch("extract", str(MUNICIPAL), str(GBK_PAGE), "--json")
    assert proc.returncode == 0, proc.stderr
    records = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["path"] for r in records] == [str(MUNICIPAL), str(GBK_PAGE)]
    first = records[0]
    assert first["title"] == "我市主要领导赴京拜访央企名企 推动未来产业合作项目落地"
    assert first["published_at"] == "2025-02-26T09:30:00+08:00"
    assert first["source"] == "宜兴日报"
    assert "国投生物制造创新研究院" in first["body"]
    assert "相关新闻" not in first["body"]
    assert "医疗器械" in records[1]["title"]  # GBK bytes decoded


def test_extract_reports_a_missing_file_and_goes_on(tmp_path: Path):
    proc = leadwatch("extract", str(tmp_path / "nope.html"), str(MUNICIPAL), "--json")
    assert proc.returncode == 1
    records = [json.loads(line) for line in proc.stdout.splitlines()]
    assert "error" in records[0] and records[1]["source"] == "宜兴日报"


@pytest.mark.integration
def test_classify_json_from_stdin_without_importing_scrapy():
    text = "宜兴与国投签约\n宜兴经开区与国投生物制造创新研究院签署合成生物项目合作协议，项目总投资3亿元。"
    code = (
        "import sys, runpy; sys.argv=['leadwatch','classify','--json','-'];"
        "from crawler.cli import main; rc = main(sys.argv[1:]);"
        "assert 'scrapy' not in sys.modules, 'classify imported scrapy'; sys.exit(rc)"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        input=text,
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    record = json.loads(proc.stdout)
    assert set(record) == {"path", "sectors", "partners", "leads"}
    assert record["path"] == "-"
    assert [s["id"] for s in record["sectors"]] == ["synbio"]
    assert {"id", "label", "score", "evidence"} <= set(record["sectors"][0])
    assert "国家开发投资集团" in [p["name"] for p in record["partners"]]
    lead = record["leads"][0]
    assert lead["event"] == "signing" and lead["amount_yuan"] == 300_000_000
    assert "国投生物制造创新研究院有限公司" in lead["counterparts"]


def test_items_filters_and_show(tmp_path: Path):
    inst: Instance = write_instance(tmp_path, "")
    populate(inst)
    items = json.loads(inst.run("items", "--sector", "low_altitude", "--json").stdout)
    by_label = json.loads(inst.run("items", "--sector", "低空经济", "--json").stdout)
    assert by_label == items
    assert [i["title"] for i in items] == ["<script>alert('x')</script>低空经济项目签约落户丁蜀"]
    assert json.loads(inst.run("items", "--since", "2099-01-01", "--json").stdout) == []
    for day in ("2000/01/01", "2000年1月1日"):  # as government pages write dates
        assert len(json.loads(inst.run("items", "--since", day, "--json").stdout)) == 2
    assert json.loads(inst.run("items", "--since", "2099/01/01", "--json").stdout) == []
    leads = json.loads(inst.run("items", "--leads", "--json").stdout)
    assert len(leads) == 2 and all(i["leads"] for i in leads)
    shown = inst.run("show", str(items[0]["id"])).stdout
    assert "无人机研发制造基地" in shown
    missing = inst.run("show", "999", check=False)
    assert missing.returncode == 2 and "leadwatch items" in missing.stderr
    bad = inst.run("items", "--since", "yesterday", check=False)
    assert bad.returncode == 2 and "YYYY-MM-DD" in bad.stderr


def test_items_partner_alias(tmp_path: Path):
    inst = write_instance(tmp_path, "")
    populate(
        inst,
        [
            (
                "https://x.gov.cn/doc/2025/01/01/9.shtml",
                "宜兴与国家开发投资集团座谈",
                "市领导与国家开发投资集团有关负责同志座谈，就合成生物产业合作进行洽谈。",
            )
        ],
    )
    by_alias = json.loads(inst.run("items", "--partner", "国投", "--json").stdout)
    assert [i["title"] for i in by_alias] == ["宜兴与国家开发投资集团座谈"]


@pytest.mark.integration
def test_scrapy_list_shows_every_configured_source():
    proc = subprocess.run(
        [str(Path(sys.executable).with_name("scrapy")), "list"],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert {"demo-yixing", "demo-sdic", "yixing-gov"} <= set(proc.stdout.split())


def test_init_writes_the_config_once(tmp_path: Path):
    proc = leadwatch("--config", str(tmp_path / "leadwatch.toml"), "init", cwd=tmp_path)
    assert proc.returncode == 0
    again = leadwatch("--config", str(tmp_path / "leadwatch.toml"), "init", cwd=tmp_path)
    assert again.returncode == 1 and "--force" in again.stderr


@pytest.mark.integration
def test_database_url_from_the_environment_wins(tmp_path: Path):
    inst = write_instance(tmp_path, "", create_db=False)
    other = tmp_path / "elsewhere.db"
    env_proc = subprocess.run(
        [sys.executable, "-m", "crawler.cli", "--config", str(inst.config), "db", "upgrade"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        check=False,
        env={**__import__("os").environ, "LEADWATCH_DATABASE_URL": f"sqlite:///{other}"},
    )
    assert env_proc.returncode == 0, env_proc.stderr
    assert other.exists() and not inst.db.exists()
