"""A broken page is logged and counted, never kills a crawl (tests/sites/broken)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.helpers.instance import write_instance

pytestmark = pytest.mark.integration  # real crawls, servers or processes


def test_bad_pages_are_counted_and_the_crawl_completes(tmp_path: Path, broken_site: str):
    inst = write_instance(
        tmp_path,
        f"""
[[sources]]
name = "broken"
kind = "municipal"
start_urls = ["{broken_site}/list/index.html"]
download_delay = 0
""",
    )
    inst.run("crawl", "broken")
    run = inst.runs()[0]
    assert run["status"] == "completed"
    assert run["articles_fetched"] == 6  # the 404 is not a fetched article
    assert run["articles_new"] == 5
    assert run["errors"] == 2  # the empty page and the 404

    with sqlite3.connect(inst.db) as db:
        titles = {
            url.rsplit("/", 1)[1]: title
            for url, title in db.execute("select url, title from articles")
        }
    assert titles["2000003.shtml"] == "丁蜀镇低空飞行服务站启用"
    assert titles["2000006.shtml"] == "江苏昇宏生物科技有限公司合成生物项目开工"  # GBK bytes
    assert titles["2000007.shtml"] == "宜兴市召开一季度重点项目推进会"  # says gb2312, is UTF-8
