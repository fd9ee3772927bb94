"""An operator's instance: made by `leadwatch init DIR`, found from anywhere, extending the
shipped sources and taxonomy without editing them, and commands that say what is wrong.

Through the real CLI (``inst.run`` / the ``leadwatch`` helper) against real SQLite files.
"""

from __future__ import annotations

import csv
import json
import logging
import os
import subprocess
import sys
import threading
import time
import tomllib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawler.config import load_config
from crawler.config.edit import mark_verified
from crawler.items import ArticleItem
from crawler.shipped import shipped_sources, shipped_taxonomy
from crawler.store import Database, repo
from tests.helpers.cli import CliResult, leadwatch, run_cli
from tests.helpers.instance import Instance

OWN_SOURCE = """
[[sources]]
name = "town-news"
kind = "municipal"
label = "某镇新闻"
start_urls = ["http://127.0.0.1:9/news/index.html"]
"""


def _env(**more: str) -> dict[str, str]:
    """The environment without any LEADWATCH_ variable (no opt-ins), plus ``more``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEADWATCH_")}
    return {**env, **more}


def _cli(*args: str, cwd: Path, **env: str) -> CliResult:
    """`leadwatch ARGS` in this process, from ``cwd``, with no LEADWATCH_ variable set
    but ``env``'s: how an operator's shell finds (or does not find) the instance."""
    unset = {k: os.environ.pop(k) for k in [k for k in os.environ if k.startswith("LEADWATCH_")]}
    try:
        return run_cli(list(args), cwd=cwd, env=env)
    finally:
        os.environ.update(unset)


@pytest.fixture
def instance(tmp_path: Path) -> Instance:
    """`leadwatch init inst` in an empty directory, with one source of its own."""
    proc = _cli("init", "inst", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    inst_dir = tmp_path / "inst"
    with (inst_dir / "sources.toml").open("a", encoding="utf-8") as fh:
        fh.write(OWN_SOURCE)
    return Instance(inst_dir, inst_dir / "leadwatch.toml", inst_dir / "data" / "leadwatch.db")


def _store(inst: Instance, count: int, source: str = "town-news") -> None:
    """``count`` plain articles (no classification) straight into the instance's store."""
    items = [
        ArticleItem(
            f"http://127.0.0.1:9/news/{i}.html",
            source,
            f"第{i}条新闻 关于招商引资工作的报道",
            datetime(2025, 6, 1, 4, 0, tzinfo=UTC),
            "某镇",
            "某镇召开招商引资工作会议。" * 20,
        )
        for i in range(count)
    ]
    database = Database(f"sqlite:///{inst.db}")
    with database.session() as session:
        repo.upsert_articles(session, items, None)
    database.close()


# --- the instance directory ----------------------------------------------------------


def test_init_makes_the_instance_and_every_command_finds_it(tmp_path: Path, instance: Instance):
    files = sorted(p.name for p in instance.dir.iterdir())
    assert files == ["data", "leadwatch.toml", "sources.toml", "taxonomy.toml"]
    assert instance.db.is_file()  # init creates the store
    # shipped files are read where they are installed, never copied or edited
    shipped = shipped_sources().read_bytes()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    found = {
        "--config DIR": _cli("--config", str(instance.dir), "sources", "list", "--json", cwd=elsewhere),
        "--config FILE": _cli("--config", str(instance.config), "sources", "list", "--json", cwd=elsewhere),
        "LEADWATCH_HOME": _cli("sources", "list", "--json", cwd=elsewhere, LEADWATCH_HOME=str(instance.dir)),
        "working directory": _cli("sources", "list", "--json", cwd=instance.dir),
    }  # fmt: skip
    for how, proc in found.items():
        assert proc.returncode == 0, (how, proc.stderr)
        names = [r["name"] for r in json.loads(proc.stdout)]
        assert names[-1] == "town-news" and "yixing-gov" in names, how  # own + shipped
    assert shipped_sources().read_bytes() == shipped

    nowhere = _cli("items", cwd=elsewhere)
    assert nowhere.returncode == 2
    assert "no leadwatch instance in this directory" in nowhere.stderr
    assert "leadwatch init DIR" in nowhere.stderr and "Traceback" not in nowhere.stderr


def test_an_instance_replaces_and_switches_shipped_sources_by_name(instance: Instance):
    with (instance.dir / "sources.toml").open("a", encoding="utf-8") as fh:
        fh.write('\n[[sources]]\nname = "wuxi-gov"\nenabled = false\n')  # a switch
        fh.write(  # a replacement, as a whole
            '\n[[sources]]\nname = "sdic"\nkind = "partner"\nverified = true\n'
            'start_urls = ["https://www.sdic.com.cn/cn/xwzx/gsyw/index.html"]\n'
        )
    config = load_config(instance.config)
    by_name = {s.name: s for s in config.sources}
    assert by_name["wuxi-gov"].state == "disabled"
    assert by_name["wuxi-gov"].label == "无锡市人民政府 · 无锡要闻"  # the shipped definition
    assert by_name["sdic"].start_urls == ["https://www.sdic.com.cn/cn/xwzx/gsyw/index.html"]
    assert by_name["sdic"].label == "" and by_name["sdic"].state == "active"
    assert list(by_name).count("sdic") == 1


def test_an_instance_taxonomy_extends_the_shipped_one(instance: Instance):
    (instance.dir / "taxonomy.toml").write_text(
        '[sectors.marine]\nlabel = "海洋经济"\nmin_score = 6.0\n'
        'keywords = { "海洋经济" = 3, "海工装备" = 3 }\n',
        encoding="utf-8",
    )
    text = instance.config.read_text(encoding="utf-8")
    instance.config.write_text(
        text.replace('sectors = ["synbio", "biomed"]', 'sectors = ["synbio", "marine"]'),
        encoding="utf-8",
    )
    check = instance.run("taxonomy", "check")
    assert check.returncode == 0, check.stdout
    assert f"{shipped_taxonomy()} + {instance.dir / 'taxonomy.toml'}: ok" in check.stdout
    sample = instance.dir / "sample.txt"
    sample.write_text(
        "宜兴发展海洋经济\n宜兴推进海洋经济发展，建设海工装备产业园。海洋经济和海工装备企业集聚。\n",
        encoding="utf-8",
    )
    tagged = json.loads(instance.run("classify", str(sample), "--json").stdout)
    assert "marine" in [s["id"] for s in tagged["sectors"]]
    # a mistake in the instance's file is reported at its own line
    (instance.dir / "taxonomy.toml").write_text(
        '[sectors.marine]\nlabel = "海洋经济"\nmin_score = 6.0\nkeywords = { "海洋经济" = -3 }\n',
        encoding="utf-8",
    )
    broken = instance.run("classify", str(sample), check=False)
    assert broken.returncode == 2
    assert f"{instance.dir / 'taxonomy.toml'}:4: sectors.marine.keywords" in broken.stderr


# --- the store ---------------------------------------------------------------------------


def test_a_missing_database_file_is_refused_not_created(instance: Instance, monkeypatch):
    monkeypatch.delenv("LEADWATCH_CREATE_DATABASE", raising=False)
    text = instance.config.read_text(encoding="utf-8")
    instance.config.write_text(
        text.replace("sqlite:///data/leadwatch.db", "sqlite:///dta/leadwatch.db"), encoding="utf-8"
    )
    typo = instance.dir / "dta" / "leadwatch.db"
    for command in (("items",), ("runs",), ("crawl", "town-news"), ("sources", "list")):
        proc = instance.run(*command, check=False)
        assert proc.returncode == 2, (command, proc.stderr)
        assert f"no database at {typo}" in proc.stderr and "leadwatch db upgrade" in proc.stderr
        assert "Traceback" not in proc.stderr
    assert not typo.exists() and not typo.parent.exists()
    assert instance.run("db", "upgrade").returncode == 0  # the explicit way
    assert typo.is_file()
    assert instance.run("items").returncode == 0


# --- sources: verified, shown as such ----------------------------------------------------


def test_an_unverified_source_is_shown_as_such_and_a_plain_crawl_says_what_to_do(
    instance: Instance,
):
    listed = {r["name"]: r for r in json.loads(instance.run("sources", "list", "--json").stdout)}
    assert listed["town-news"]["verified"] is False  # the default, without the key
    assert listed["town-news"]["state"] == "unverified"
    assert listed["demo-yixing"]["state"] == "disabled"
    row = next(
        line for line in instance.run("sources", "list").stdout.splitlines() if "town-news" in line
    )
    assert "待验证" in row and "未启用" not in row
    crawl = instance.run("crawl")
    assert crawl.returncode == 0 and crawl.stdout == ""
    assert "nothing to crawl: no source is both enabled and verified" in crawl.stderr
    assert "town-news" in crawl.stderr and "--mark-verified" in crawl.stderr


def test_mark_verified_keeps_the_files_comments_and_pins_a_shipped_source(instance: Instance):
    config = load_config(instance.config)
    before = (instance.dir / "sources.toml").read_text(encoding="utf-8")
    path, line = mark_verified(config, "town-news")
    after = path.read_text(encoding="utf-8")
    assert after.startswith(before.split("[[sources]]\nname")[0])  # the comments, unchanged
    assert after.splitlines()[line - 1] == "[[sources]]"
    path, line = mark_verified(load_config(instance.config), "yixing-gov")
    copied = tomllib.loads(path.read_text(encoding="utf-8"))["sources"][-1]
    shipped = next(
        s for s in tomllib.loads(shipped_sources().read_text("utf-8"))["sources"]
        if s["name"] == "yixing-gov"
    )  # fmt: skip
    assert copied == {**shipped, "verified": True}
    states = {s.name: s.state for s in load_config(instance.config).sources}
    assert states["town-news"] == states["yixing-gov"] == "active"
    assert "verified = true" not in shipped_sources().read_text(encoding="utf-8")


# --- times in the configured zone ---------------------------------------------------------


def test_the_configured_time_zone_reaches_cli_json_and_exports(instance: Instance):
    text = instance.config.read_text(encoding="utf-8")
    instance.config.write_text(
        text.replace('timezone = "Asia/Shanghai"', 'timezone = "America/New_York"'),
        encoding="utf-8",
    )
    _store(instance, 1)  # published 2025-06-01 04:00 UTC = 00:00 in New York (EDT)
    (item,) = json.loads(instance.run("items", "--json").stdout)
    assert item["published_at"] == "2025-06-01T00:00:00-04:00"
    assert "2025-06-01" in instance.run("items").stdout
    # a day given on the command line is a day in that zone too
    assert json.loads(instance.run("items", "--since", "2025-06-01", "--json").stdout)
    assert not json.loads(instance.run("items", "--since", "2025-06-02", "--json").stdout)
    out = instance.dir / "out.csv"
    instance.run("export", "-o", str(out))
    with out.open(encoding="utf-8-sig") as fh:
        (row,) = list(csv.DictReader(fh))
    assert row["发布时间"] == "2025-06-01 00:00"
    instance.run("digest", "--subscription", "office", "--preview", str(instance.dir / "preview"))
    preview = (instance.dir / "preview" / "digest-preview.txt").read_text(encoding="utf-8")
    assert "（America/New_York）" in preview and "北京时间" not in preview


# --- output into a pipe that closes -------------------------------------------------------


@pytest.mark.parametrize("command", ["runs --json", "items --json --limit 0"])
def test_json_into_head_ends_quietly(instance: Instance, command: str):
    _store(instance, 400)  # ~300 KB of JSON: far more than a pipe holds
    database = Database(f"sqlite:///{instance.db}")
    with database.session() as session:
        for _ in range(400):
            repo.finish_run(session, repo.start_run(session, "town-news").id, "completed", {})
    database.close()
    proc = subprocess.run(
        f"{sys.executable} -m crawler.cli {command} | head -n 1",
        shell=True,
        capture_output=True,
        text=True,
        cwd=instance.dir,
        env=_env(),
        timeout=120,
        check=False,
    )
    assert proc.stdout == "[\n"
    assert proc.stderr == ""  # no BrokenPipeError, no "Exception ignored"


# --- reclassify: a small job needs no process pool ----------------------------------------


def test_a_small_reclassify_runs_in_this_process(instance: Instance, monkeypatch):
    from crawler import reclassify as module

    class NoPool:
        def __init__(self, *args: object, **kwargs: object):
            raise AssertionError("a process pool was started")

    monkeypatch.setattr(module, "ProcessPoolExecutor", NoPool)
    _store(instance, 54)
    database = Database(f"sqlite:///{instance.db}")
    files = load_config(instance.config).taxonomy_files
    assert module.reclassify(database, files).articles == 54
    with pytest.raises(AssertionError, match="process pool"):  # more than a batch: a pool
        module.reclassify(database, files, batch_size=20)
    database.close()


# --- `schedule run` says when its configuration changed -----------------------------------


def test_schedule_run_says_a_changed_config_needs_a_restart(instance: Instance, caplog):
    from crawler.cli.digest import _say_when_changed

    config = load_config(instance.config)
    caplog.set_level(logging.WARNING, logger="leadwatch.schedule")
    threading.Thread(target=_say_when_changed, args=(config, 0.05), daemon=True).start()
    time.sleep(0.2)
    with (instance.dir / "sources.toml").open("a", encoding="utf-8") as fh:
        fh.write("\n# a comment changes the file too\n")
    deadline = time.monotonic() + 10
    while not caplog.records and time.monotonic() < deadline:
        time.sleep(0.05)
    (record,) = caplog.records
    assert str(instance.dir / "sources.toml") in record.getMessage()
    assert "restart `leadwatch schedule run` to apply it" in record.getMessage()


def test_leadwatch_helper_still_reaches_the_shipped_taxonomy_without_an_instance(tmp_path):
    sample = tmp_path / "t.txt"
    sample.write_text(
        "低空经济项目签约\n无人机研发制造基地项目签约，发展低空经济。\n", encoding="utf-8"
    )
    proc = leadwatch("classify", str(sample), "--json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "low_altitude" in proc.stdout
