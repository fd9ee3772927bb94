"""Every malformed configuration an operator can write, through the CLI, as a table.

Each variant edits a valid instance (leadwatch.toml, the instance's sources.toml) and
runs a command: a problem in leadwatch.toml stops any command (`items`), a problem in
one source stops the commands that need that source (`crawl NAME`). Either way: exit
status 2, one line on stderr, ``error: FILE:LINE: ENTRY: KEY: problem; fix``, with the
line of the mistake, and no traceback. A broken source is then shown to leave every
other command working (`items`, `sources list`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers.instance import Instance

CONFIG = """\
[leadwatch]
database_url = "sqlite:///data/test.db"
timezone = "Asia/Shanghai"
sources = "sources.toml"
taxonomy = "taxonomy.toml"

[crawl]
user_agent = "yixing-zsj/1.0 (it@example.gov.cn)"
obey_robots = true
download_delay = 0
retries = 0
crawl_timeout_s = 600

[smtp]
host = "127.0.0.1"
port = 2525
sender = "leadwatch@example.gov.cn"

[schedule]
crawl_every_minutes = 60
tick_s = 60

[schedule.sources.town-news]
every_minutes = 30

[[subscriptions]]
name = "office"
title = "招商局"
recipients = ["office@example.gov.cn"]
sectors = ["low_altitude"]
partners = ["国投"]
schedule = "0 8 * * mon-fri"
"""

SMTP = """\
[smtp]
host = "127.0.0.1"
port = 2525
sender = "leadwatch@example.gov.cn"
"""

SOURCES = """\
[[sources]]
name = "town-news"
kind = "municipal"
verified = true
start_urls = ["http://127.0.0.1:9/news/index.html"]
"""

# A valid source the source variants break one key of.
BAD_SOURCE = """
[[sources]]
name = "bad-src"
kind = "partner"
label = "合作方新闻"
start_urls = ["http://127.0.0.1:9/partner/index.html"]
max_pages = 3
"""

TAXONOMY = """\
# this instance's additions: one more partner
[[partners]]
name = "某某产业投资集团有限公司"
aliases = ["某某产投"]
kind = "soe"
"""


@dataclass(frozen=True)
class Variant:
    """One mistake: how to make it, where it shows, and what the error must name."""

    id: str
    file: str  # "leadwatch.toml" | "sources.toml"
    edit: Callable[[str], str]
    marker: str  # text on the line the error must point at
    entry: str | None  # e.g. '[crawl]', 'source "bad-src"'; None: the file itself
    key: str | None
    also: tuple[str, ...] = ()  # more words the message holds (the fix, a suggestion)
    command: tuple[str, ...] = ("items",)


def replace(old: str, new: str) -> Callable[[str], str]:
    def edit(text: str) -> str:
        assert old in text, old
        return text.replace(old, new, 1)

    return edit


def append(more: str) -> Callable[[str], str]:
    return lambda text: text + more


def source(old: str, new: str) -> Callable[[str], str]:
    """Append the bad source with ``old`` replaced by ``new`` (``old`` "": add a line)."""

    def edit(text: str) -> str:
        entry = BAD_SOURCE + new + "\n" if not old else BAD_SOURCE.replace(old, new, 1)
        assert old in BAD_SOURCE
        return text + entry

    return edit


CRAWL_BAD = ("crawl", "bad-src")
BAD = 'source "bad-src"'

# fmt: off
VARIANTS = [
    # --- leadwatch.toml: values of the wrong type or out of range -------------------------
    Variant("robots-yes", "leadwatch.toml", replace("obey_robots = true", 'obey_robots = "yes"'),
            'obey_robots = "yes"', "[crawl]", "obey_robots", ("true or false",)),
    Variant("timeout-1e9", "leadwatch.toml", replace("crawl_timeout_s = 600", "crawl_timeout_s = 1e9"),
            "crawl_timeout_s = 1e9", "[crawl]", "crawl_timeout_s", ("whole number", "from 10 to 86400")),
    Variant("timeout-huge", "leadwatch.toml", replace("crawl_timeout_s = 600", "crawl_timeout_s = 999999"),
            "crawl_timeout_s = 999999", "[crawl]", "crawl_timeout_s", ("out of range",)),
    Variant("user-agent-empty", "leadwatch.toml", replace('user_agent = "yixing-zsj/1.0 (it@example.gov.cn)"', 'user_agent = ""'),
            'user_agent = ""', "[crawl]", "user_agent", ("empty",)),
    Variant("user-agent-newline", "leadwatch.toml", replace('user_agent = "yixing-zsj/1.0 (it@example.gov.cn)"', 'user_agent = "a\\nb"'),
            'user_agent = "a', "[crawl]", "user_agent", ("control character",)),
    Variant("delay-negative", "leadwatch.toml", replace("download_delay = 0", "download_delay = -1"),
            "download_delay = -1", "[crawl]", "download_delay", ("out of range", "from 0 to 600")),
    Variant("retries-fraction", "leadwatch.toml", replace("retries = 0", "retries = 2.5"),
            "retries = 2.5", "[crawl]", "retries", ("whole number",)),
    Variant("log-level", "leadwatch.toml", replace("retries = 0", 'retries = 0\nlog_level = "verbose"'),
            'log_level = "verbose"', "[crawl]", "log_level", ("DEBUG",)),
    Variant("crawl-unknown-key", "leadwatch.toml", replace("obey_robots = true", "obey_robot = true"),
            "obey_robot = true", "[crawl]", "obey_robot", ("unknown key", "did you mean obey_robots?")),
    Variant("unknown-table", "leadwatch.toml", replace("[smtp]", "[smpt]"),
            "[smpt]", None, "smpt", ("unknown table", "did you mean smtp?")),
    Variant("table-as-value", "leadwatch.toml", lambda t: "smtp = 3\n" + t.replace(SMTP, ""),
            "smtp = 3", "[smtp]", None, ("must be a table, not 3",)),
    Variant("timezone-mars", "leadwatch.toml", replace('timezone = "Asia/Shanghai"', 'timezone = "Mars/Olympus"'),
            'timezone = "Mars/Olympus"', "[leadwatch]", "timezone", ("unknown time zone",)),
    Variant("timezone-empty", "leadwatch.toml", replace('timezone = "Asia/Shanghai"', 'timezone = ""'),
            'timezone = ""', "[leadwatch]", "timezone", ("Asia/Shanghai",)),
    Variant("timezone-typo", "leadwatch.toml", replace('timezone = "Asia/Shanghai"', 'timezone = "Asia/Shangai"'),
            'timezone = "Asia/Shangai"', "[leadwatch]", "timezone", ("did you mean Asia/Shanghai?",)),
    Variant("database-url-path", "leadwatch.toml", replace('database_url = "sqlite:///data/test.db"', 'database_url = "data/test.db"'),
            'database_url = "data/test.db"', "[leadwatch]", "database_url", ("not a database URL",)),
    Variant("sources-file-missing", "leadwatch.toml", replace('sources = "sources.toml"', 'sources = "sorces.toml"'),
            'sources = "sorces.toml"', "[leadwatch]", "sources", ("does not exist",)),
    Variant("shipped-sources-no", "leadwatch.toml", replace('sources = "sources.toml"', 'sources = "sources.toml"\nshipped_sources = "no"'),
            'shipped_sources = "no"', "[leadwatch]", "shipped_sources", ("true or false",)),
    Variant("smtp-port", "leadwatch.toml", replace("port = 2525", "port = 70000"),
            "port = 70000", "[smtp]", "port", ("from 1 to 65535",)),
    Variant("smtp-security", "leadwatch.toml", replace("port = 2525", 'port = 2525\nsecurity = "tls"'),
            'security = "tls"', "[smtp]", "security", ("starttls",)),
    Variant("smtp-sender", "leadwatch.toml", replace('sender = "leadwatch@example.gov.cn"', 'sender = "leadwatch"'),
            'sender = "leadwatch"', "[smtp]", "sender", ("e-mail address",)),
    Variant("tick-zero", "leadwatch.toml", replace("tick_s = 60", "tick_s = 0"),
            "tick_s = 0", "[schedule]", "tick_s", ("out of range",)),
    # --- leadwatch.toml: names that resolve to nothing, duplicates ------------------------
    Variant("schedule-nosuch", "leadwatch.toml", append("\n[schedule.sources.nosuch]\nevery_minutes = 30\n"),
            "[schedule.sources.nosuch]", "[schedule.sources.nosuch]", None, ('no source is named "nosuch"',)),
    Variant("schedule-typo", "leadwatch.toml", replace("[schedule.sources.town-news]", "[schedule.sources.town-new]"),
            "[schedule.sources.town-new]", "[schedule.sources.town-new]", None, ("did you mean town-news?",)),
    Variant("schedule-both-triggers", "leadwatch.toml", replace("every_minutes = 30", 'every_minutes = 30\ncron = "0 7 * * *"'),
            "[schedule.sources.town-news]", "[schedule.sources.town-news]", None, ("not both",)),
    Variant("schedule-cron-minute", "leadwatch.toml", replace("every_minutes = 30", 'cron = "61 * * * *"'),
            'cron = "61 * * * *"', "[schedule.sources.town-news]", "cron", ("not a valid cron",)),
    Variant("duplicate-subscription", "leadwatch.toml", append('\n[[subscriptions]]\nname = "office"\nrecipients = ["b@example.gov.cn"]\n'),
            'name = "office"\nrecipients = ["b@', 'subscription "office"', "name", ("a second subscription", "(the first is at line 26)")),
    Variant("unknown-sector", "leadwatch.toml", replace('sectors = ["low_altitude"]', 'sectors = ["low_altitud"]'),
            'sectors = ["low_altitud"]', 'subscription "office"', "sectors[0]", ('unknown sector "low_altitud"', "did you mean low_altitude?")),
    Variant("unknown-partner", "leadwatch.toml", replace('partners = ["国投"]', 'partners = ["国头"]'),
            'partners = ["国头"]', 'subscription "office"', "partners[0]", ('unknown partner "国头"',)),
    Variant("subscription-name", "leadwatch.toml", replace('name = "office"', 'name = "Office"'),
            'name = "Office"', 'subscription "Office"', "name", ("lower-case",)),
    Variant("recipient", "leadwatch.toml", replace( 'recipients = ["office@example.gov.cn"]', 'recipients = ["office at example.gov.cn"]' ),
            "recipients = [", 'subscription "office"', "recipients", ("not a plain e-mail address",)),
    Variant("no-channel", "leadwatch.toml", replace('recipients = ["office@example.gov.cn"]', "email = false"),
            "[[subscriptions]]", 'subscription "office"', None, ("no channel",)),
    Variant("webhook-two-urls", "leadwatch.toml", append('[[subscriptions.webhooks]]\nname = "wecom"\nurl = "wecombot://k"\nurl_env = "X"\n'),
            "[[subscriptions.webhooks]]", 'subscription "office"', "webhooks[0]", ("exactly one of url or url_env",)),
    Variant("min-score-text", "leadwatch.toml", replace( 'schedule = "0 8 * * mon-fri"', 'schedule = "0 8 * * mon-fri"\nmin_lead_score = "high"' ),
            'min_lead_score = "high"', 'subscription "office"', "min_lead_score", ("must be a number",)),
    # --- leadwatch.toml: cron mistakes ---------------------------------------------------
    Variant("cron-weekday-number", "leadwatch.toml", replace('schedule = "0 8 * * mon-fri"', 'schedule = "0 8 * * 1-5"'),
            'schedule = "0 8 * * 1-5"', 'subscription "office"', "schedule", ("names (mon-fri)",)),
    Variant("cron-hour", "leadwatch.toml", replace('schedule = "0 8 * * mon-fri"', 'schedule = "0 25 * * *"'),
            'schedule = "0 25 * * *"', 'subscription "office"', "schedule", ("not a valid cron",)),
    Variant("cron-words", "leadwatch.toml", replace('schedule = "0 8 * * mon-fri"', 'schedule = "every day at 8"'),
            'schedule = "every day at 8"', 'subscription "office"', "schedule", ("5-field cron",)),
    Variant("cron-six-fields", "leadwatch.toml", replace('schedule = "0 8 * * mon-fri"', 'schedule = "0 0 8 * * mon-fri"'),
            'schedule = "0 0 8', 'subscription "office"', "schedule", ("5-field cron",)),
    # --- leadwatch.toml: not TOML, not UTF-8, not text ----------------------------------
    Variant("toml-syntax", "leadwatch.toml", replace("[smtp]", "[smtp"),
            "[smtp", None, None, ("not valid TOML",)),
    Variant("toml-duplicate-key", "leadwatch.toml", replace("retries = 0", "retries = 0\nretries = 1"),
            "retries = 1", None, None, ("not valid TOML",)),
    Variant("saved-as-gbk", "leadwatch.toml", lambda t: t,
            'title = "招商局"', None, None, ("saved as GBK", "UTF-8")),
    Variant("binary", "leadwatch.toml", lambda t: t.replace("[smtp]", "[smtp]\n\x00\x01\x02"),
            "\x00", None, None, ("not a text file",)),
    # --- sources.toml: one source broken, `crawl bad-src` refuses, others work ------------
    Variant("list-link-typo", "sources.toml", source("", '[sources.selectors]\nlist_link = "ul a"'),
            'list_link = "ul a"', BAD, "selectors.list_link", ("unknown key", "did you mean list_links?"), CRAWL_BAD),
    Variant("regex", "sources.toml", source("", 'article_url_pattern = "/doc/(\\\\d+"'),
            "article_url_pattern", BAD, "article_url_pattern", ("not a valid regular expression",), CRAWL_BAD),
    Variant("regex-empty", "sources.toml", source("", 'article_url_pattern = ""'),
            'article_url_pattern = ""', BAD, "article_url_pattern", ("empty",), CRAWL_BAD),
    Variant("xpath", "sources.toml", source("", '[sources.selectors]\nlist_links = "//ul/li[@"'),
            'list_links = "//ul/li[@"', BAD, "selectors.list_links", ("not valid XPath",), CRAWL_BAD),
    Variant("css-next-page", "sources.toml", source("", '[sources.selectors]\nnext_page = "a.next[["'),
            'next_page = "a.next[["', BAD, "selectors.next_page", ("not valid CSS",), CRAWL_BAD),
    Variant("css-title", "sources.toml", source("", '[sources.selectors]\ntitle = "h1::text("'),
            'title = "h1::text("', BAD, "selectors.title", ("not valid CSS",), CRAWL_BAD),
    Variant("body-empty", "sources.toml", source("", '[sources.selectors]\nbody = ""'),
            'body = ""', BAD, "selectors.body", ("empty selector",), CRAWL_BAD),
    Variant("selectors-not-table", "sources.toml", source("", 'selectors = "h1"'),
            'selectors = "h1"', BAD, "selectors", ("must be a table",), CRAWL_BAD),
    Variant("encoding", "sources.toml", source("", 'encoding = "klingon"'),
            'encoding = "klingon"', BAD, "encoding", ("unknown encoding",), CRAWL_BAD),
    Variant("encoding-empty", "sources.toml", source("", 'encoding = ""'),
            'encoding = ""', BAD, "encoding", ("empty",), CRAWL_BAD),
    Variant("domain-url", "sources.toml", source("", 'allowed_domains = ["http://www.example.gov.cn/news"]'),
            "allowed_domains", BAD, "allowed_domains", ("not a host name", "without"), CRAWL_BAD),
    Variant("domain-port", "sources.toml", source("", 'allowed_domains = ["127.0.0.1:9"]'),
            "allowed_domains", BAD, "allowed_domains", ("not a host name",), CRAWL_BAD),
    Variant("kind", "sources.toml", source('kind = "partner"', 'kind = "blog"'),
            'kind = "blog"', BAD, "kind", ("municipal",), CRAWL_BAD),
    Variant("type", "sources.toml", source('kind = "partner"', 'kind = "partner"\ntype = "rss"'),
            'type = "rss"', BAD, "type", ("feed",), CRAWL_BAD),
    Variant("start-url-ftp", "sources.toml", source( 'start_urls = ["http://127.0.0.1:9/partner/index.html"]', 'start_urls = ["ftp://127.0.0.1/x"]', ),
            "ftp://", BAD, "start_urls", ("not an http(s) URL",), CRAWL_BAD),
    Variant("start-urls-empty", "sources.toml", source('start_urls = ["http://127.0.0.1:9/partner/index.html"]', "start_urls = []"),
            "start_urls = []", BAD, "start_urls", ("is empty",), CRAWL_BAD),
    Variant("start-url-typo", "sources.toml", source("start_urls", "start_url"),
            "start_url =", BAD, "start_url", ("did you mean start_urls?",), CRAWL_BAD),
    Variant("max-pages-zero", "sources.toml", source("max_pages = 3", "max_pages = 0"),
            "max_pages = 0", BAD, "max_pages", ("out of range",), CRAWL_BAD),
    Variant("verified-yes", "sources.toml", source("", 'verified = "yes"'),
            'verified = "yes"', BAD, "verified", ("true or false",), CRAWL_BAD),
    Variant("enabled-number", "sources.toml", source("", "enabled = 1"),
            "enabled = 1", BAD, "enabled", ("true or false",), CRAWL_BAD),
    Variant("delay-negative-source", "sources.toml", source("", "download_delay = -2"),
            "download_delay = -2", BAD, "download_delay", ("out of range",), CRAWL_BAD),
    Variant("stale-zero", "sources.toml", source("", "stale_after_days = 0"),
            "stale_after_days = 0", BAD, "stale_after_days", ("out of range",), CRAWL_BAD),
    Variant("label-number", "sources.toml", source('label = "合作方新闻"', "label = 5"),
            "label = 5", BAD, "label", ("quoted string",), CRAWL_BAD),
    Variant("duplicate-source", "sources.toml", lambda t: t + BAD_SOURCE + BAD_SOURCE,
            'name = "bad-src"', BAD, "name", ("a second source with this name",), CRAWL_BAD),
    Variant("name-not-id", "sources.toml", lambda t: t + BAD_SOURCE.replace('"bad-src"', '"Bad Src"'),
            'name = "Bad Src"', 'source "Bad Src"', "name", ("lower-case",), ("crawl", "Bad Src")),
]
# fmt: on


def _instance(tmp_path: Path) -> Instance:
    (tmp_path / "leadwatch.toml").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "sources.toml").write_text(SOURCES, encoding="utf-8")
    (tmp_path / "taxonomy.toml").write_text(TAXONOMY, encoding="utf-8")
    return Instance(tmp_path, tmp_path / "leadwatch.toml", tmp_path / "data" / "test.db")


def _line_of(text: str, marker: str, *, last: bool = False) -> int:
    lines = [i for i, line in enumerate(text.split("\n"), 1) if marker in line]
    if not lines:  # a marker spanning two lines: the line where it starts
        start = text.index(marker)
        return text[:start].count("\n") + 1
    return lines[-1] if last else lines[0]


def test_the_table_has_every_variant_the_issue_names_and_more():
    assert len(VARIANTS) >= 40
    assert len({v.id for v in VARIANTS}) == len(VARIANTS)


@pytest.mark.parametrize("variant", VARIANTS, ids=[v.id for v in VARIANTS])
def test_a_malformed_config_is_one_error_naming_file_line_entry_and_key(
    tmp_path: Path, variant: Variant
):
    inst = _instance(tmp_path)  # no store: each error comes before the store is opened
    path = tmp_path / variant.file
    text = variant.edit(path.read_text(encoding="utf-8"))
    if variant.id == "saved-as-gbk":
        path.write_bytes(text.encode("gbk"))
    else:
        path.write_text(text, encoding="utf-8")

    proc = inst.run(*variant.command, check=False)

    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr  # one message, nothing else
    line = _line_of(text, variant.marker, last=variant.id.startswith("duplicate"))
    prefix = f"error: {path}:{line}: "
    if variant.entry:
        prefix += f"{variant.entry}: "
    if variant.key:
        prefix += f"{variant.key}: "
    assert lines[0].startswith(prefix), (prefix, lines[0])
    for words in variant.also:
        assert words in lines[0], (words, lines[0])


def test_broken_sources_are_left_out_and_every_other_command_works(tmp_path: Path):
    """All the source variants at once, each under its own name: `items` and `sources
    list` run, warn once per broken source (file, line, source, key) and list it."""
    inst = _instance(tmp_path)
    inst.run("db", "upgrade")
    sources = [v for v in VARIANTS if v.file == "sources.toml" and v.command == CRAWL_BAD]
    text = SOURCES
    for i, variant in enumerate(sources):
        text += variant.edit("").replace('"bad-src"', f'"bad-{i}"')
    (tmp_path / "sources.toml").write_text(text, encoding="utf-8")

    items = inst.run("items")
    assert items.returncode == 0 and "Traceback" not in items.stderr
    warnings = [line for line in items.stderr.splitlines() if line.startswith("warning: ")]
    names = {f"bad-{i}" for i in range(len(sources))}
    # each broken source once (a duplicated name breaks that one name)
    warned = {n for n in names if any(f'source "{n}"' in w for w in warnings)}
    assert warned == names
    assert all(f"{tmp_path / 'sources.toml'}:" in w for w in warnings)
    assert all(w.endswith("(this source is left out)") for w in warnings)

    listed = {r["name"]: r for r in json.loads(inst.run("sources", "list", "--json").stdout)}
    assert {n for n, r in listed.items() if r["state"] == "broken"} == names
    assert listed["town-news"]["state"] == "active"
    crawl = inst.run("crawl", "town-news", check=False)  # the good one is still crawlable
    assert crawl.returncode == 1 and "town-news: FAILED" in crawl.stdout  # port 9: refused
