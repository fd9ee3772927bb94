"""Where a crawl may go (spiders.scope), meta refreshes read from elements only
(crawler.crawl.redirect), and runs whose process is gone (crawler.crawl.liveness,
migration 0006). Pure functions and a real SQLite file; no crawl."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from crawler.config import load_config
from crawler.crawl.launch import claim
from crawler.crawl.liveness import close_dead_runs, process_alive, this_host
from crawler.crawl.redirect import meta_refresh
from crawler.store import Database, repo
from crawler.store.db import upgrade
from spiders.scope import CrawlScope, Origin, origin_of
from tests.helpers.instance import write_instance

SITE = CrawlScope.of(["http://127.0.0.1:8000/news/index.html"])


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/doc/1.shtml",
        "HTTP://127.0.0.1:8000/doc/1.shtml",  # scheme case does not matter
        "http://127.0.0.1:8000/../doc/2.shtml?x=1#y",
        "http://user@127.0.0.1:8000/doc/3.shtml",  # userinfo is not the host
    ],
)
def test_the_start_urls_origin_is_in_scope(url: str):
    assert SITE.allows(url)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8001/doc/1.shtml",  # another port of the host
        "HTTP://127.0.0.1:8001/doc/1.shtml",
        "https://127.0.0.1:8000/doc/1.shtml",  # another scheme
        "http://x.127.0.0.1:8000/doc/1.shtml",  # no subdomains of an IP address
        "http://127.0.0.1.:8000/doc/1.shtml",  # a trailing dot is a DNS name
        "http://localhost:8000/doc/1.shtml",
        "http://127.0.0.1:0/doc/1.shtml",  # port 0
        "http://127.0.0.1:99999/doc/1.shtml",  # port out of range
        "http://127.0.0.1:8000@evil.example:8000/doc/1.shtml",  # the host is evil.example
        "ftp://127.0.0.1:8000/doc/1.shtml",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "http:///doc/1.shtml",
    ],
)
def test_everything_else_is_out_of_scope(url: str):
    assert not SITE.allows(url)
    assert SITE.refusal(url)


def test_allowed_domains_add_hosts_and_subdomains_on_default_ports_only():
    scope = CrawlScope.of(
        ["https://www.yixing.gov.cn/yxzx/index.shtml"],
        domains=["yixing.gov.cn", "10.0.0.5", "宜兴.政府.cn"],
    )
    assert scope.allows("https://www.yixing.gov.cn/a")
    assert scope.allows("http://news.yixing.gov.cn/a")  # a subdomain, http on 80
    assert scope.allows("https://WWW.YIXING.GOV.CN:443/a")
    assert not scope.allows("https://www.yixing.gov.cn:8443/a")  # not a default port
    assert not scope.allows("https://evilyixing.gov.cn/a")
    assert scope.allows("http://10.0.0.5/a")
    assert not scope.allows("http://x.10.0.0.5/a")
    # an IDN host matches its punycode form, and the other way round
    assert scope.allows("http://www.宜兴.政府.cn/a")
    assert scope.allows("http://www.xn--e6q70w.xn--mxtq1m.cn/a")


def test_allowed_origins_add_exact_origins():
    scope = CrawlScope.of(["http://127.0.0.1:8000/"], origins=["http://127.0.0.1:8001"])
    assert scope.allows("http://127.0.0.1:8001/a")
    assert not scope.allows("http://127.0.0.1:8002/a")
    assert origin_of("HTTPS://Example.COM/x") == Origin("https", "example.com", 443)


def test_allowed_origins_in_the_sources_file_are_checked(tmp_path: Path):
    from crawler.errors import ConfigError

    inst = write_instance(
        tmp_path,
        '[[sources]]\nname = "a"\nkind = "media"\nstart_urls = ["http://127.0.0.1:8000/"]\n'
        'allowed_origins = ["http://127.0.0.1:8001/news/"]\n',
    )
    config = load_config(inst.config)  # a broken source is left out, with its error
    error = config.broken["a"]
    assert isinstance(error, ConfigError)
    assert (
        'source "a"' in str(error) and "allowed_origins" in str(error) and "no path" in str(error)
    )


REFRESH = '<meta http-equiv="Refresh" content="0; URL=http://127.0.0.1:9/x">'


@pytest.mark.parametrize(
    ("html", "found"),
    [
        (f"<html><head>{REFRESH}</head><body>正文</body></html>", (0.0, "http://127.0.0.1:9/x")),
        (f"<p>正文</p>{REFRESH}", (0.0, "http://127.0.0.1:9/x")),  # in the body, still a tag
        (
            "<head><meta http-equiv=refresh content=\"5;url='/next.html'\"></head>",
            (5.0, "/next.html"),
        ),
        # text, not elements: quoted, in a textarea, in a comment, in a script, in noscript
        ("<p>" + REFRESH.replace("<", "&lt;").replace(">", "&gt;") + "</p>", None),
        (f"<body><textarea>{REFRESH}</textarea></body>", None),
        (f"<head><!-- {REFRESH} --></head>", None),
        (f"<head><script>document.write('{REFRESH}')</script></head>", None),
        (f"<head><noscript>{REFRESH}</noscript></head>", None),
        ('<head><meta http-equiv="refresh" content="30"></head>', None),  # reload only
        ("<head><title>no refresh here</title></head>", None),
    ],
)
def test_meta_refresh_is_read_from_elements_only(html: str, found):
    assert meta_refresh(html.encode("utf-8"), "utf-8") == found


# --- runs whose process is gone --------------------------------------------------------


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_process_alive_tells_a_live_process_from_a_dead_or_reused_id():
    import os

    assert process_alive(os.getpid())
    assert not process_alive(dead_pid())
    # a live process that started after the run did is not the run's (reused id)
    assert not process_alive(os.getpid(), datetime.now(UTC) - timedelta(days=365 * 30))


@pytest.fixture
def instance(tmp_path: Path):
    inst = write_instance(
        tmp_path, '[[sources]]\nname = "a"\nkind = "media"\nstart_urls = ["http://127.0.0.1:9/"]\n'
    )
    config = load_config(inst.config)
    return config, Database(config.database_url)


def test_a_run_whose_process_is_gone_is_closed_at_once_and_does_not_block(instance):
    config, database = instance
    with database.session() as session:
        run_id = repo.start_run(session, "a", pid=dead_pid(), host=this_host()).id
    with ExitStack() as locks:
        assert claim(config, database, "a", locks) is None  # not busy
    with database.session() as session:
        run = repo.last_run(session, "a")
    assert run.id == run_id and run.status == "failed"
    assert "abandoned: its process" in run.message and "is gone" in run.message


def test_a_run_whose_process_lives_blocks_a_second_crawl(instance):
    import os

    config, database = instance
    with database.session() as session:
        repo.start_run(session, "a", pid=os.getpid(), host=this_host())
    with ExitStack() as locks:
        assert "being crawled already" in (claim(config, database, "a", locks) or "")
    assert close_dead_runs(database, "a") == []


def test_a_run_of_another_host_is_judged_by_its_age(instance):
    config, database = instance
    with database.session() as session:
        run = repo.start_run(session, "a", pid=dead_pid(), host="elsewhere")
    with ExitStack() as locks:
        assert claim(config, database, "a", locks)  # may still be running there
    with database.session() as session:
        session.get(type(run), run.id).started_at = datetime.now(UTC) - timedelta(days=1)
    with ExitStack() as locks:
        assert claim(config, database, "a", locks) is None


def test_a_lossy_run_is_no_reference_for_the_incremental_crawl(instance):
    _, database = instance
    with database.session() as session:
        clean = repo.start_run(session, "a")
        repo.finish_run(session, clean.id, "completed", {"counters": {}})
        lossy = repo.start_run(session, "a")
        repo.finish_run(session, lossy.id, "completed", {"counters": {"lost": 3}})
        assert repo.last_clean_run(session, "a").id == clean.id


def test_migration_0006_upgrades_a_populated_store(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    database = Database(url, migrate=False)
    upgrade(database.engine, "0005")
    with sqlite3.connect(tmp_path / "old.db") as db:
        db.execute(
            "insert into crawl_runs (source, status, started_at, pages_fetched,"
            " articles_fetched, articles_new, articles_updated, errors, message, counters)"
            " values ('a', 'running', '2026-01-01 00:00:00', 1, 1, 1, 0, 0, '', '{}')"
        )
    upgrade(database.engine)
    with sqlite3.connect(tmp_path / "old.db") as db:
        assert db.execute("select source, status, pid, host from crawl_runs").fetchall() == [
            ("a", "running", None, None)
        ]
    database.close()
