"""The mistakes operators make, through the real CLI: each ends in one line that says what
to fix and the documented exit status, never a traceback, and loses nothing.

Crawl tests run real Scrapy against a loopback BadServer whose `gate` holds the list page,
so a crawl is reliably "in progress" when the test interrupts it or starts a second one.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler.store import Database, repo
from tests.helpers.badserver import BadServer
from tests.helpers.cli import leadwatch
from tests.helpers.instance import Instance, demo_sources, write_instance
from tests.helpers.net import free_port
from tests.helpers.paths import DEMO_SITE, REPO
from tests.helpers.store import populate


def one_line_error(proc: subprocess.CompletedProcess[str], status: int, *words: str) -> str:
    """The last stderr line of a failed command: an `error:` naming ``words``."""
    assert proc.returncode == status, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr, proc.stderr
    line = proc.stderr.strip().splitlines()[-1]
    for word in words:
        assert word in line, (word, line)
    return line


@pytest.fixture
def stored(tmp_path: Path) -> Instance:
    """An instance with the demo sources configured and a few classified articles."""
    inst = write_instance(tmp_path, demo_sources("http://127.0.0.1:9"))
    populate(inst, source="demo-yixing")
    return inst


# --- names, dates, limits --------------------------------------------------------------


@pytest.mark.integration
@pytest.mark.parametrize(
    "command",
    [
        ("crawl", "demo-yixng"),
        ("items", "--source", "demo-yixng"),
        ("runs", "--source", "demo-yixng"),
        ("search", "低空", "--source", "demo-yixng"),
        ("export", "-o", "out.csv", "--source", "demo-yixng"),
        ("reclassify", "--source", "demo-yixng"),
    ],
)
def test_a_misspelt_source_is_an_error_with_a_suggestion(stored: Instance, command):
    proc = stored.run(*command, check=False)
    one_line_error(proc, 2, "unknown source 'demo-yixng'", "did you mean demo-yixing?")
    assert "crawling" not in proc.stdout  # nothing announced, nothing started
    assert not (stored.dir / "out.csv").exists()
    assert stored.runs() == []


def test_a_source_only_in_the_store_is_still_a_valid_filter(stored: Instance):
    retired = [("https://x.gov.cn/old/1.shtml", "旧栏目文章", "宜兴经开区新能源项目开工。")]
    populate(stored, retired, source="retired-column")  # not in sources.toml any more
    items = json.loads(stored.run("items", "--source", "retired-column", "--json").stdout)
    assert items and {i["source"] for i in items} == {"retired-column"}


@pytest.mark.integration
def test_a_misspelt_subscription_is_an_error(stored: Instance):
    proc = stored.run("deliveries", "--subscription", "ofice", check=False)
    one_line_error(proc, 2, "unknown subscription 'ofice'", "did you mean office?")


@pytest.mark.parametrize(
    ("command", "option"),
    [
        (("items", "--limit", "-5"), "--limit"),
        (("runs", "--limit", "0"), "--limit"),
        (("search", "低空", "--limit", "0"), "--limit"),
        (("export", "-o", "x.csv", "--limit", "-1"), "--limit"),
        (("serve", "--port", "99999"), "--port"),
        (("demo", "--port", "-1"), "--port"),
        (("reclassify", "--workers", "-1"), "--workers"),
    ],
)
def test_impossible_numbers_are_usage_errors(tmp_path: Path, command, option):
    inst = write_instance(tmp_path, "", create_db=False)
    proc = inst.run(*command, check=False)
    assert proc.returncode == 2 and f"argument {option}:" in proc.stderr, proc.stderr
    assert not inst.db.exists()  # refused before anything was opened


@pytest.mark.integration
def test_markup_in_input_and_in_crawled_text_is_printed_as_is(stored: Instance, tmp_path):
    bad_date = stored.run("items", "--since", "[/x]", check=False)
    one_line_error(bad_date, 2, "--since '[/x]'", "YYYY-MM-DD")
    text = tmp_path / "notice.txt"
    text.write_text("[/]通知 [bold]国投低空经济签约\n正文。\n", encoding="utf-8")
    classified = leadwatch("classify", str(text))
    assert classified.returncode == 0, classified.stderr
    assert "[/]通知 [bold]国投低空经济签约" in classified.stdout
    page = tmp_path / "page.html"
    page.write_text("<title>[/]通知</title><h1>[/]通知 [red]x</h1><p>正文内容。</p>", "utf-8")
    extracted = leadwatch("extract", str(page))
    assert extracted.returncode == 0, extracted.stderr
    assert "title: [/]通知" in extracted.stdout


def test_a_config_that_is_a_directory_without_an_instance(tmp_path: Path):
    # --config may name the instance directory; one without leadwatch.toml is named
    proc = leadwatch("--config", str(tmp_path), "items")
    one_line_error(proc, 2, f"{tmp_path / 'leadwatch.toml'}: config file not found", "init")


# --- files: encodings, unwritable places ------------------------------------------------


def test_classify_reads_gbk_and_bom_files_and_reports_a_binary_one(tmp_path: Path):
    text = "国投与宜兴签约低空经济项目\n总投资5亿元的eVTOL研发制造基地项目签约落户宜兴。\n"
    gbk, bom, binary = tmp_path / "gbk.txt", tmp_path / "bom.txt", tmp_path / "photo.jpg"
    gbk.write_bytes(text.encode("gbk"))
    bom.write_bytes(text.encode("utf-8-sig"))
    binary.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)))
    proc = leadwatch("classify", "--json", str(gbk), str(binary), str(bom))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    first, broken, last = (json.loads(line) for line in proc.stdout.splitlines())
    assert first["sectors"][0]["id"] == "low_altitude" and first["leads"]
    assert first["sectors"][0]["evidence"]["terms"]["低空经济"]["title"] == 1
    assert broken == {"path": str(binary), "error": broken["error"]}
    assert "not a text file" in broken["error"]
    assert {k: v for k, v in last.items() if k != "path"} == {
        k: v for k, v in first.items() if k != "path"
    }  # the BOM is not part of the title


@pytest.mark.integration
def test_classify_reads_gbk_from_stdin(tmp_path: Path):
    proc = subprocess.run(
        [sys.executable, "-m", "crawler.cli", "classify", "--json"],
        input="宜兴与国投签约\n合成生物项目总投资3亿元。".encode("gbk"),
        capture_output=True,
        cwd=REPO,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr.decode()
    assert "国家开发投资集团" in proc.stdout.decode("utf-8")


@pytest.mark.integration
def test_a_database_that_cannot_be_opened(tmp_path: Path):
    inst = write_instance(tmp_path, "")
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the data directory should be")
    cases = {
        "foo": ("'foo'", "is not a database URL", "LEADWATCH_DATABASE_URL"),
        # a store that is not there is never created in passing (only by `db upgrade`)
        f"sqlite:///{blocker}/x.db": ("no database at", "db upgrade"),
        f"sqlite:///{tmp_path}": ("cannot open the database", "unable to open database file"),
    }
    for url, words in cases.items():
        proc = subprocess.run(
            [sys.executable, "-m", "crawler.cli", "--config", str(inst.config), "runs"],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            timeout=120,
            env={**os.environ, "LEADWATCH_DATABASE_URL": url},
            check=False,
        )
        one_line_error(proc, 2, *words)


@pytest.mark.integration
def test_digest_preview_into_an_impossible_place(stored: Instance):
    blocker = stored.dir / "report.txt"
    blocker.write_text("not a directory")
    proc = stored.run("digest", "--preview", str(blocker / "out"), check=False)
    one_line_error(proc, 1, str(blocker / "out"), "Not a directory")


# --- empty results ----------------------------------------------------------------------


def test_an_empty_store_says_so_and_how_to_fill_it(tmp_path: Path):
    inst = write_instance(tmp_path, "")
    for command in (("items",), ("search", "低空"), ("runs",)):
        proc = inst.run(*command)
        assert proc.stdout == "" and "leadwatch crawl" in proc.stderr, (command, proc.stderr)
    assert json.loads(inst.run("items", "--json").stdout) == []


def test_filters_that_match_nothing_and_a_cut_list(stored: Instance):
    none = stored.run("items", "--since", "2099-01-01")
    assert none.stdout == "" and "none of the 2 stored articles match" in none.stderr
    cut = stored.run("items", "--limit", "1")
    assert "the newest 1 item(s); more with --limit 2" in cut.stdout
    whole = stored.run("items", "--limit", "2")
    assert whole.stdout.rstrip().endswith("\n2 item(s)")


# --- export to standard output ----------------------------------------------------------


@pytest.mark.integration
def test_export_to_stdout(stored: Instance):
    as_json = stored.run("export", "--format", "json", "-o", "-")
    assert len(json.loads(as_json.stdout)) == 2  # nothing but the data on stdout
    assert "wrote 2 article(s) to standard output (json)" in as_json.stderr
    assert not (stored.dir / "-").exists()
    as_csv = stored.run("export", "--format", "csv", "-o", "-")
    assert as_csv.stdout.startswith("\ufeff编号,发布时间,标题")
    guess = stored.run("export", "-o", "-", check=False)
    one_line_error(guess, 2, "add --format")
    directory = stored.run("export", "-o", str(stored.dir), check=False)
    one_line_error(directory, 2, "is a directory", "give a file name")


# --- extract and init -------------------------------------------------------------------


@pytest.mark.integration
def test_extract_of_a_refused_url_is_one_record_without_scrapy_logs():
    url = f"http://127.0.0.1:{free_port()}/news/1.html"
    proc = leadwatch("extract", url, "--json")
    assert proc.returncode == 1
    record = json.loads(proc.stdout)
    assert record["path"] == url and "refused" in record["error"].lower()
    assert proc.stderr == ""  # no Scrapy retry/robots log, no traceback


@pytest.mark.integration
def test_init_in_a_new_directory_gives_a_working_instance(tmp_path: Path):
    config = tmp_path / "leadwatch.toml"
    proc = leadwatch("--config", str(config), "init", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    # the instance's own files; the shipped sources and taxonomy stay in the package
    for name in ("sources.toml", "taxonomy.toml"):
        own = (tmp_path / name).read_text(encoding="utf-8")
        assert own.startswith("# This instance's") and tomllib.loads(own) == {}
    assert (tmp_path / "data" / "leadwatch.db").is_file()
    assert not (tmp_path / "config").exists()
    assert leadwatch("--config", str(config), "taxonomy", "check", cwd=tmp_path).returncode == 0
    listed = leadwatch("--config", str(config), "sources", "list", cwd=tmp_path)
    assert listed.returncode == 0 and "demo-yixing" in listed.stdout
    (tmp_path / "sources.toml").write_text("# ours\n", encoding="utf-8")
    forced = leadwatch("--config", str(config), "init", "--force", cwd=tmp_path)
    assert forced.returncode == 0  # leadwatch.toml replaced, an edited sources file kept
    assert (tmp_path / "sources.toml").read_text(encoding="utf-8") == "# ours\n"
    again = leadwatch("--config", str(config), "init", cwd=tmp_path)
    assert again.returncode == 1 and "edit it, or use --force" in again.stderr


# --- crawls: Ctrl-C and two at once -----------------------------------------------------


@pytest.fixture
def held_site() -> Iterator[tuple[BadServer, object]]:
    """The demo site on loopback with its municipal list page held until released."""
    with BadServer(DEMO_SITE) as server:
        release = server.gate("/yxzx/index.html")
        try:
            yield server, release
        finally:
            release.set()


def start_crawl(inst: Instance, *names: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k != "LEADWATCH_DATABASE_URL"}
    return subprocess.Popen(
        [sys.executable, "-m", "crawler.cli", "--config", str(inst.config), "crawl", *names],
        cwd=inst.dir,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for_request(server: BadServer, path: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not any(hit.path == path for hit in server.hits):
        assert time.monotonic() < deadline, f"the crawl never asked for {path}"
        time.sleep(0.05)


@pytest.mark.integration
def test_ctrl_c_during_a_crawl_records_the_run_as_failed(tmp_path: Path, held_site):
    server, release = held_site
    inst = write_instance(tmp_path, demo_sources(server.url))
    # Scrapy's graceful stop waits for the held page until its download times out
    config = inst.config.read_text("utf-8")
    assert "download_timeout_s = 10" in config
    inst.config.write_text(
        config.replace("download_timeout_s = 10", "download_timeout_s = 2"), "utf-8"
    )
    crawl = start_crawl(inst, "demo-yixing")
    wait_for_request(server, "/yxzx/index.html")
    crawl.send_signal(signal.SIGINT)
    out, err = crawl.communicate(timeout=60)
    assert crawl.returncode == 130, (out, err)
    assert "Traceback" not in err and "run 1 stopped and marked failed" in err
    [run] = inst.runs()
    assert (run["status"], run["message"]) == ("failed", "interrupted (Ctrl-C)")
    release.set()  # the source is not left locked: the next crawl runs
    inst.run("crawl", "demo-yixing")
    assert inst.runs()[0]["status"] == "completed"


@pytest.mark.integration
def test_a_second_crawl_of_a_source_being_crawled_does_not_start(tmp_path: Path, held_site):
    server, release = held_site
    inst = write_instance(tmp_path, demo_sources(server.url))
    first = start_crawl(inst, "demo-yixing")
    wait_for_request(server, "/yxzx/index.html")
    second = inst.run("crawl", "demo-yixing", check=False)
    assert second.returncode == 1 and "crawling" not in second.stdout
    assert "demo-yixing is being crawled already" in second.stderr
    release.set()
    out, err = first.communicate(timeout=120)
    assert first.returncode == 0, (out, err)
    [run] = inst.runs()  # one run, one pass over the site
    assert run["status"] == "completed" and run["articles_new"] > 0
    assert sum(hit.path == "/yxzx/index.html" for hit in server.hits) == 1


@pytest.mark.integration
def test_a_crawl_the_scheduler_is_running_is_not_started_twice(tmp_path: Path):
    with BadServer(DEMO_SITE) as server:
        inst = write_instance(tmp_path, demo_sources(server.url))
        inst.run("db", "upgrade")
        database = Database(f"sqlite:///{inst.db}")
        with database.session() as session:  # what `schedule run` records while it crawls
            run_id = repo.start_run(session, "demo-sdic").id
        database.close()
        proc = inst.run("crawl", "demo-sdic", "demo-yixing", check=False)
        assert proc.returncode == 1
        assert f"demo-sdic is being crawled already (run {run_id}" in proc.stderr
        assert "crawling 1 source(s): demo-yixing" in proc.stdout
        assert not any(hit.path.startswith("/sdic/") for hit in server.hits)
