"""One source-health verdict, one "quiet for too long" key (`stale_after_days`).

The three surfaces that show a source's health — `leadwatch sources list`, the web view's
sources page and the digest's 信息源状态 section — are checked against one store built
by the real CLI crawling the demo site from a real HTTP server on 127.0.0.1.
"""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy

from crawler.config import ConfigWarning, load_config
from crawler.health import judge
from crawler.store.models import CrawlRun
from tests.helpers.badserver import BadServer, crawl_stats, set_crawl_options
from tests.helpers.instance import Instance, copy_store, demo_sources, write_instance
from tests.helpers.paths import SITES
from tests.helpers.web import Server, wait_for

pytestmark = pytest.mark.integration  # real crawls, servers or processes

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def _age(inst: Instance, source: str, days: float) -> None:
    """Make every article of ``source`` first seen ``days`` ago (UTC, as the store keeps it)."""
    then = (datetime.now(UTC) - timedelta(days=days)).replace(tzinfo=None).isoformat(" ")
    with sqlite3.connect(inst.db) as db:
        db.execute("update articles set first_seen_at = ? where source = ?", (then, source))


def _digest_section(text: str) -> dict[str, str]:
    """The digest's 信息源状态 lines as {source name: problem}."""
    section = text.partition("== 信息源状态 ==")[2]
    return dict(re.findall(r"^- .*?（([a-z0-9_-]+)）：(.*)$", section, flags=re.M))


@pytest.fixture(scope="module")
def quiet_store(
    tmp_path_factory: pytest.TempPathFactory, demo_site: str, crawled_demo: Instance
) -> Instance:
    """demo-yixing with stale_after_days = 7, demo-sdic on the [crawl] default of 30, both
    quiet for 10 days; `broken` cannot be reached at all."""
    sources = demo_sources(demo_site).replace(
        'name = "demo-yixing"\n', 'name = "demo-yixing"\nstale_after_days = 7\n'
    )
    sources += '\n[[sources]]\nname = "broken"\nkind = "media"\n'
    sources += 'start_urls = ["http://127.0.0.1:9/index.html"]\n'
    sources = sources.replace(
        "kind = ", "verified = true\nkind = "
    )  # the digest lists verified ones
    inst = write_instance(tmp_path_factory.mktemp("health"), sources)
    set_crawl_options(inst.config, stale_after_days=30)
    copy_store(crawled_demo, inst)  # demo-yixing and demo-sdic crawled
    inst.run("crawl", "broken", check=False)
    for name in ("demo-yixing", "demo-sdic"):
        _age(inst, name, 10.04)
    return inst


def test_cli_web_and_digest_agree_on_one_store(
    quiet_store: Instance, request: pytest.FixtureRequest, tmp_path: Path
):
    from selenium.webdriver.common.by import By

    inst = quiet_store
    driver = request.getfixturevalue("browser")  # test_web's headless Chromium
    ours = {"demo-yixing", "demo-sdic", "broken"}  # not the shipped sources it extends
    listed = {
        r["name"]: r
        for r in json.loads(inst.run("sources", "list", "--json").stdout)
        if r["name"] in ours
    }
    assert listed["demo-yixing"]["health"] == "stale: nothing new for 10 days"
    assert listed["demo-yixing"]["stale_after_days"] == 7
    assert listed["demo-sdic"]["health"] == "ok" and listed["demo-sdic"]["stale_after_days"] == 30
    assert listed["broken"]["health"].startswith("failing: ")
    assert "无新文章：10 天无新文章" in inst.run("sources", "list").stdout
    cli_flagged = {n for n, r in listed.items() if r["health_status"] != "ok"}

    inst.run("digest", "--preview", str(tmp_path / "preview"))
    digest = _digest_section((tmp_path / "preview" / "digest-preview.txt").read_text("utf-8"))
    assert digest["demo-yixing"] == "10 天无新文章（预期每 7 天至少一篇）"
    html = (tmp_path / "preview" / "digest-preview.html").read_text("utf-8")
    assert "10 天无新文章（预期每 7 天至少一篇）" in html and "信息源状态" in html

    server = Server(inst, "--port", "0")
    try:
        driver.get(server.url + "sources")
        wait_for(driver, "#sources")
        web = {}
        for name in listed:
            row = driver.find_element(By.ID, f"source-{name}")
            label = row.find_element(By.CSS_SELECTOR, ".health")
            reasons = row.find_elements(By.CSS_SELECTOR, ".health-reason")
            web[name] = (label.get_attribute("class"), label.text, [r.text for r in reasons])
    finally:
        server.stop()
    assert web["demo-yixing"] == ("health health-stale", "无新文章", [digest["demo-yixing"]])
    assert web["demo-sdic"] == ("health health-ok", "正常", [])
    assert web["broken"][:2] == ("health health-failing", "失败")
    assert web["broken"][2] == [digest["broken"]]

    web_flagged = {n for n, (css, _, _) in web.items() if css != "health health-ok"}
    assert cli_flagged == web_flagged == set(digest) == {"demo-yixing", "broken"}


OLD_KEYS = """
[schedule]
expect_new_days = 3

[schedule.sources.site-a]
expect_new_days = 2

[schedule.sources.site-c]
expect_new_days = 5
"""

SOURCES = """
[[sources]]
name = "site-a"
kind = "municipal"
start_urls = ["http://127.0.0.1:9/a/index.html"]

[[sources]]
name = "site-b"
kind = "municipal"
start_urls = ["http://127.0.0.1:9/b/index.html"]

[[sources]]
name = "site-c"
kind = "partner"
stale_after_days = 9
start_urls = ["http://127.0.0.1:9/c/index.html"]
"""


def test_the_replaced_expect_new_days_key_warns_and_is_honoured(tmp_path: Path):
    inst = write_instance(tmp_path, SOURCES)
    with inst.config.open("a", encoding="utf-8") as fh:
        fh.write(OLD_KEYS)
    with pytest.warns(ConfigWarning) as caught:
        config = load_config(inst.config)
    by_key = {w.message.key: w.message for w in caught}  # type: ignore[union-attr]
    assert set(by_key) == {
        "schedule.expect_new_days",
        "schedule.sources.site-a.expect_new_days",
        "schedule.sources.site-c.expect_new_days",
    }
    assert [str(w) for w in config.warnings] == [str(w.message) for w in caught]
    first = str(by_key["schedule.expect_new_days"])
    assert first.startswith(f"{inst.config}: schedule.expect_new_days: replaced by [crawl]")
    assert "its value 3 is still used" in first
    assert "fix: write `stale_after_days = 3` under [crawl]" in first
    site_a = str(by_key["schedule.sources.site-a.expect_new_days"])
    assert "its value 2 is still used" in site_a and str(tmp_path / "sources.toml") in site_a
    assert 'fix: add `stale_after_days = 2` to the [[sources]] entry name = "site-a"' in site_a
    assert "ignored, because source 'site-c' sets stale_after_days = 9" in str(
        by_key["schedule.sources.site-c.expect_new_days"]
    )
    # the old values are honoured where the new key is not set
    assert config.stale_after_days("site-a") == 2
    assert config.stale_after_days("site-b") == 3
    assert config.stale_after_days("site-c") == 9
    assert config.stale_after_days("not-configured") == 3

    # the CLI prints the same warnings on stderr and keeps stdout clean JSON
    proc = inst.run("sources", "list", "--json")
    listed = {r["name"]: r["stale_after_days"] for r in json.loads(proc.stdout)}
    assert {k: v for k, v in listed.items() if k.startswith("site-")} == {
        "site-a": 2,
        "site-b": 3,
        "site-c": 9,
    }
    for warning in config.warnings:
        assert f"warning: {warning}" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_the_new_key_wins_over_the_old_global_one(tmp_path: Path):
    inst = write_instance(tmp_path, SOURCES)
    text = inst.config.read_text(encoding="utf-8")
    text = text.replace("[crawl]\n", "[crawl]\nstale_after_days = 12\n")
    inst.config.write_text(text + "\n[schedule]\nexpect_new_days = 3\n", encoding="utf-8")
    with pytest.warns(ConfigWarning, match=r"ignored, because \[crawl\] stale_after_days = 12"):
        config = load_config(inst.config)
    assert config.stale_after_days("site-b") == 12


def test_a_config_with_only_the_new_key_loads_without_warnings(tmp_path: Path):
    inst = write_instance(tmp_path, SOURCES)  # filterwarnings = error: any warning fails
    config = load_config(inst.config)
    assert config.warnings == []
    assert config.stale_after_days("site-b") == 7  # the default
    assert "warning" not in inst.run("sources", "list").stderr


def _run(status: str, *, errors: int = 0, message: str = "", age_s: float = 60) -> CrawlRun:
    return CrawlRun(
        source="s",
        status=status,
        errors=errors,
        message=message,
        started_at=NOW - timedelta(seconds=age_s),
    )


@pytest.mark.parametrize(
    ("run", "quiet_days", "status", "health", "reason_zh"),
    [
        (None, None, "never", "never run", "从未抓取"),
        (_run("running"), None, "running", "running", "正在抓取"),
        (
            _run("running", age_s=1800 + 11 * 60),
            None,
            "failing",
            "failing: last run never finished",
            "抓取未结束（进程可能已中断）",
        ),
        (
            _run("failed", message="crawl timed out after 1800 s"),
            1,
            "failing",
            "failing: last run failed",
            "最近一次抓取失败：crawl timed out after 1800 s",
        ),
        (
            _run("completed"),
            None,
            "failing",
            "failing: no article found yet; run `leadwatch sources check`",
            "从未发现新文章（预期每 7 天至少一篇），请运行 leadwatch sources check",
        ),
        (
            _run("completed"),
            7,
            "stale",
            "stale: nothing new for 7 days",
            "7 天无新文章（预期每 7 天至少一篇）",
        ),
        (
            _run("completed", errors=2),
            6.9,
            "warning",
            "warning: 2 error(s) in the last run",
            "最近一次抓取有 2 个错误",
        ),
        (_run("completed"), 6.9, "ok", "ok", "正常"),
    ],
)
def test_judge(
    run: CrawlRun | None, quiet_days: float | None, status: str, health: str, reason_zh: str
):
    last_new = None if quiet_days is None else NOW - timedelta(days=quiet_days)
    verdict = judge("s", run, last_new, stale_after_days=7, crawl_timeout_s=1800, now=NOW)
    assert (verdict.status, verdict.health, verdict.reason_zh) == (status, health, reason_zh)
    assert verdict.attention == (status in ("never", "failing", "stale"))


# --- finer run counters (crawl_runs.counters) -----------------------------------------


def test_runs_json_keeps_the_finer_counters_of_the_crawl_log(tmp_path: Path):
    with BadServer(SITES / "broken") as server:
        sources = f"""
[[sources]]
name = "bad"
kind = "municipal"
start_urls = ["{server.url}/list/index.html", "{server.url}/bad/status/500.shtml"]
download_delay = 0
[sources.selectors]
list_links = "ul.list li a"
"""
        inst = write_instance(tmp_path, sources)
        set_crawl_options(inst.config, retries=1)
        inst.run("crawl", "bad", check=False)
    (run,) = inst.runs()
    counters = run["counters"]
    assert counters["pages/legacy_encoding"] == 1  # the GBK page
    assert counters["pages/charset_mismatch"] == 1  # says gb2312, is UTF-8
    assert counters["errors/http_404"] == 1 and counters["errors/http_500"] == 1
    assert counters["retries"] == 1  # the 500, once ([crawl] retries = 1)
    assert counters["list_pages"] == 1 and counters["errors"] == run["errors"]
    # every integer leadwatch/* stat of the crawl log, nothing made up
    log = next((inst.dir / "data" / "logs").glob("crawl-bad-*.log"))
    logged = {
        key.removeprefix("leadwatch/"): int(value)
        for key, value in crawl_stats(log.read_text("utf-8")).items()
        if key.startswith("leadwatch/") and not key.startswith("leadwatch/article_worker/")
    }
    assert logged["pages/charset_mismatch"] == 1  # the log was read
    assert {k: v for k, v in counters.items() if k in logged} == logged


def test_a_source_whose_list_page_robots_forbids_is_failing_for_that_reason(tmp_path: Path):
    with BadServer(SITES / "broken") as server:  # its robots.txt disallows /private/
        sources = f"""
[[sources]]
name = "forbidden"
kind = "media"
verified = true
start_urls = ["{server.url}/private/index.html"]
download_delay = 0
"""
        inst = write_instance(tmp_path, sources)
        inst.run("crawl", "forbidden", check=False)
        assert server.paths("/private/") == []
    (run,) = inst.runs()
    assert run["counters"]["robots_forbidden"] == 1 and "list_pages" not in run["counters"]
    assert run["status"] == "failed" and "robots_forbidden x1" in run["message"]
    (listed,) = [
        r
        for r in json.loads(inst.run("sources", "list", "--json").stdout)
        if r["name"] == "forbidden"
    ]
    assert listed["health"] == "failing: robots.txt forbids the list pages"
    inst.run("digest", "--preview", str(tmp_path / "preview"))
    digest = _digest_section((tmp_path / "preview" / "digest-preview.txt").read_text("utf-8"))
    assert digest == {
        "forbidden": "robots.txt 禁止抓取栏目列表页（请与网站联系，或换一个允许抓取的栏目地址）"
    }


def test_a_populated_store_upgrades_runs_get_empty_counters_and_leads_no_amounts_list(
    tmp_path: Path,
):
    """Revisions 0004 (crawl_runs.counters) and 0005 (leads.amounts) on a store with rows
    in it: an article pointing at its run, and a lead (a rebuild of crawl_runs would be
    refused by the foreign key)."""
    from crawler.store import Database
    from crawler.store.db import upgrade
    from crawler.store.models import Lead

    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = sqlalchemy.create_engine(url)
    upgrade(engine, "0003")
    with engine.begin() as conn:
        conn.exec_driver_sql("PRAGMA foreign_keys = ON")
        for sql in (
            "insert into crawl_runs (source, status, started_at, pages_fetched,"
            " articles_fetched, articles_new, articles_updated, errors, message)"
            " values ('old', 'completed', '2026-01-01 00:00:00', 3, 2, 2, 0, 0, 'finished')",
            "insert into articles (url, source, title, publisher, body, fingerprint,"
            " first_seen_at, updated_at, run_id) values ('http://127.0.0.1/a.html', 'old',"
            " '签约', '', '正文', 'h', '2026-01-01 00:00:00', '2026-01-01 00:00:00', 1)",
            "insert into leads (article_id, event, amount_yuan, currency, amount_text,"
            " counterparts, sentence, score) values (1, 'signing', 300000000, 'CNY',"
            " '3亿元', '[]', '签约。', 5.0)",
        ):
            conn.execute(sqlalchemy.text(sql))
    engine.dispose()
    database = Database(url)  # upgrades on open, foreign keys on
    with database.session() as session:
        (run,) = session.scalars(sqlalchemy.select(CrawlRun)).all()
        assert run.counters == {} and run.articles_new == 2
        (lead,) = session.scalars(sqlalchemy.select(Lead)).all()
        assert lead.amounts == [] and lead.amount_yuan == 300_000_000
    database.close()
