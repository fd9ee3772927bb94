"""The scheduler: digests owed by the deliveries table, backoff, job wiring, SIGTERM.

Timing is tested with an injected clock (``now``), never by sleeping; the one test of the
real `leadwatch schedule run` process waits on events (the SMTP handler was entered, a
crawl run row exists), not on durations.
"""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from crawler.config import load_config
from crawler.schedule import DigestRunner, build_scheduler, next_run_times
from crawler.store import Database, repo
from tests.helpers.instance import Instance, demo_sources, write_instance
from tests.helpers.smtp import ControlledMailbox, running_mailbox
from tests.helpers.store import THIRD, populate, rows

TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def mailbox() -> Iterator[ControlledMailbox]:
    with running_mailbox() as box:
        yield box


TODAY = datetime.now(TZ).date()


def at(hour: int, minute: int = 0, second: int = 0, days: int = 0) -> datetime:
    """A moment today (+days) in Shanghai, as the injected clock."""
    day = TODAY + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=TZ)


def period(days: int = 0, hhmm: str = "0800") -> str:
    return f"{TODAY + timedelta(days=days)}T{hhmm}"


def setup(
    tmp_path: Path, port: int, extra_sub: str = "", sources: str = ""
) -> tuple[Instance, DigestRunner]:
    subs = f'[[subscriptions]]\nname = "office"\nrecipients = ["a@example.gov.cn"]\n{extra_sub}'
    inst = write_instance(tmp_path, sources, smtp_port=port, subscriptions=subs)
    populate(inst)
    config = load_config(inst.config)
    return inst, DigestRunner(config, Database(config.database_url))


def delivered_ids(box: ControlledMailbox) -> list[str]:
    """Article URLs found in the received plain-text parts, one entry per occurrence."""
    urls = []
    for msg in box.messages:
        text = msg.get_body(("plain",)).get_content()
        urls += [line.strip() for line in text.splitlines() if line.strip().startswith("https://")]
    return urls


def test_digest_goes_out_at_its_slot_once(tmp_path: Path, mailbox: ControlledMailbox):
    inst, runner = setup(tmp_path, mailbox.port)
    assert runner.run(now=at(7, 59)) == []
    assert rows(inst, "select count(*) from deliveries") == [(0,)]

    (result,) = runner.run(now=at(8, 0, 5))
    assert result.status == "sent" and result.period == period()
    assert runner.run(now=at(8, 1)) == []  # the next tick: already delivered
    populate(inst, [THIRD])
    assert runner.run(now=at(12, 0)) == []  # new items wait for the next slot

    (result,) = runner.run(now=at(8, 0, 1, days=1))
    assert result.status == "sent" and result.period == period(days=1)
    assert len(mailbox.messages) == 2
    urls = delivered_ids(mailbox)
    assert len(urls) == len(set(urls)) == 3  # every item once, none repeated
    assert "银发经济" in mailbox.messages[1].get_body(("plain",)).get_content()
    assert mailbox.messages[0]["Message-ID"] == f"<digest.{period()}.office@leadwatch>"


def test_digest_missed_while_down_is_sent_on_start_up_once(
    tmp_path: Path, mailbox: ControlledMailbox
):
    inst, runner = setup(tmp_path, mailbox.port)
    # the service was down at 08:00 and comes back at 10:30 (grace: 12 h)
    (result,) = runner.run(now=at(10, 30))
    assert result.status == "sent" and result.period == period()
    # a restart a minute later (a new process, a new scheduler) owes nothing
    config = load_config(inst.config)
    again = DigestRunner(config, Database(config.database_url))
    assert again.run(now=at(10, 31)) == []
    assert len(mailbox.messages) == 1


def test_beyond_the_grace_the_slot_is_skipped_but_its_items_are_not(
    tmp_path: Path, mailbox: ControlledMailbox
):
    inst, runner = setup(tmp_path, mailbox.port)
    assert runner.run(now=at(20, 0, 1)) == []  # 08:00 + 12 h grace has passed
    assert rows(inst, "select count(*) from deliveries") == [(0,)]
    (result,) = runner.run(now=at(8, 0, days=1))
    assert result.status == "sent" and result.items == 2


def test_empty_slot_is_recorded_not_sent_unless_asked(tmp_path: Path, mailbox: ControlledMailbox):
    inst, runner = setup(tmp_path, mailbox.port)
    runner.run(now=at(8, 0))
    (result,) = runner.run(now=at(8, 0, days=1))  # nothing new since
    assert result.status == "empty"
    assert rows(inst, "select period, status from deliveries order by id") == [
        (period(), "sent"),
        (period(days=1), "empty"),
    ]
    assert runner.run(now=at(8, 5, days=1)) == []  # recorded: not owed again
    assert len(mailbox.messages) == 1


def test_send_when_empty_sends_a_zero_digest(tmp_path: Path, mailbox: ControlledMailbox):
    inst, runner = setup(tmp_path, mailbox.port, "send_when_empty = true\n")
    runner.run(now=at(8, 0))
    (result,) = runner.run(now=at(8, 0, days=1))
    assert result.status == "sent" and result.items == 0
    assert str(mailbox.messages[1]["Subject"]).endswith("· 0 条新线索")


def test_failed_send_is_retried_with_backoff(tmp_path: Path, mailbox: ControlledMailbox):
    inst, runner = setup(tmp_path, mailbox.port)
    mailbox.mode = "refuse"
    (result,) = runner.run(now=at(8, 0))
    assert result.status == "pending" and "451" in result.error
    assert result.next_attempt_at == at(8, 5)  # retry_first_minutes = 5
    assert runner.run(now=at(8, 3)) == []  # not due yet: no attempt
    assert rows(inst, "select attempts from deliveries") == [(1,)]

    (result,) = runner.run(now=at(8, 6))
    assert result.status == "pending" and result.next_attempt_at == at(8, 16)  # doubled
    mailbox.mode = "accept"
    assert runner.run(now=at(8, 10)) == []
    (result,) = runner.run(now=at(8, 16))
    assert result.status == "sent"
    assert runner.run(now=at(9, 0)) == []
    assert len(mailbox.messages) == 1
    assert rows(inst, "select status, attempts from deliveries") == [("sent", 3)]


def test_manual_send_answers_the_owed_slot(tmp_path: Path, mailbox: ControlledMailbox):
    """`digest --send` while the slot is owed fills it, so the scheduler does not resend."""
    inst, _ = setup(tmp_path, mailbox.port, 'schedule = "0 0 * * *"\n')
    # the last midnight is always within the last 24 h: with this grace it is owed now
    inst.config.write_text(
        inst.config.read_text(encoding="utf-8") + "\n[schedule]\ndigest_grace_hours = 24.5\n",
        encoding="utf-8",
    )
    inst.run("digest", "--send")
    ((manual_period,),) = rows(inst, "select period from deliveries")
    assert manual_period.endswith("T0000")
    config = load_config(inst.config)
    again = DigestRunner(config, Database(config.database_url))
    assert again.run() == []
    assert len(mailbox.messages) == 1


SOURCES = """
[[sources]]
name = "every-two-hours"
kind = "municipal"
verified = true
start_urls = ["http://127.0.0.1:9/a/"]

[[sources]]
name = "mornings"
kind = "partner"
verified = true
start_urls = ["http://127.0.0.1:9/b/"]

[[sources]]
name = "switched-off"
kind = "media"
verified = true
start_urls = ["http://127.0.0.1:9/c/"]

[[sources]]
name = "unverified"
kind = "media"
verified = false
start_urls = ["http://127.0.0.1:9/d/"]
"""
SCHEDULE = """
[schedule]
crawl_jitter_s = 0
[schedule.sources.mornings]
cron = "30 7 * * mon-fri"
jitter_s = 60
[schedule.sources.switched-off]
enabled = false
"""


def test_schedule_list_shows_every_job_with_its_next_run(tmp_path: Path):
    inst = write_instance(
        tmp_path,
        SOURCES,
        subscriptions=(
            '[[subscriptions]]\nname = "office"\nrecipients = ["a@example.gov.cn"]\n'
            'schedule = "0 8 * * mon-fri"\n'
        ),
    )
    inst.config.write_text(inst.config.read_text(encoding="utf-8") + SCHEDULE, encoding="utf-8")
    config = load_config(inst.config)
    database = Database(config.database_url)
    friday = datetime(2026, 11, 27, 9, 0, tzinfo=TZ)
    with database.session() as session:  # crawled an hour ago
        run = repo.start_run(session, "every-two-hours")
        run.started_at = friday - timedelta(hours=1)
    # a delivery for Friday 08:00 exists, so the next digest is Monday's
    with sqlite3.connect(inst.db) as db:
        db.execute(
            "insert into deliveries (subscription, period, message_id, recipients, subject,"
            " status, attempts, error, created_at, channels, claimed_by)"
            " values ('office', '2026-11-27T0800', '', '[]', '', 'empty', 0, '', ?, '{}', '')",
            ("2026-11-27 01:00:00",),
        )
    table = {
        spec.id: (spec.description, when) for spec, when in next_run_times(config, database, friday)
    }
    assert set(table) == {"crawl:every-two-hours", "crawl:mornings", "digest:office", "digest-tick"}
    assert table["crawl:every-two-hours"] == (
        "every 120 min, jitter 0s",
        friday + timedelta(hours=1),
    )
    assert table["crawl:mornings"][1] == datetime(2026, 11, 30, 7, 30, tzinfo=TZ)  # Monday
    assert table["crawl:mornings"][0] == "cron 30 7 * * mon-fri, jitter 60s"
    assert table["digest:office"][1] == datetime(2026, 11, 30, 8, 0, tzinfo=TZ)
    assert table["digest-tick"][1] == friday

    out = json.loads(inst.run("schedule", "list", "--json").stdout)
    assert [r["id"] for r in out] == list(table)
    assert all(r["next_run"] for r in out)


def test_scheduler_jobs_never_overlap_and_run_in_shanghai_time(tmp_path: Path):
    import threading

    inst = write_instance(tmp_path, SOURCES)
    inst.config.write_text(inst.config.read_text(encoding="utf-8") + SCHEDULE, encoding="utf-8")
    config = load_config(inst.config)
    scheduler, _, _ = build_scheduler(
        config, Database(config.database_url), threading.Event(), datetime.now(UTC)
    )
    assert str(scheduler.timezone) == "Asia/Shanghai"
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {"crawl:every-two-hours", "crawl:mornings", "digest:office", "digest-tick"}
    for job in jobs.values():
        assert job.max_instances == 1 and job.coalesce is True
    assert jobs["crawl:mornings"].executor == "crawl"
    assert jobs["crawl:mornings"].trigger.jitter == 60
    assert jobs["digest:office"].misfire_grace_time == 12 * 3600


@pytest.mark.integration
def test_schedule_run_crawls_sends_owed_digest_and_stops_cleanly_on_sigterm(
    tmp_path: Path, demo_site: str, mailbox: ControlledMailbox
):
    subs = (
        '[[subscriptions]]\nname = "office"\nrecipients = ["a@example.gov.cn"]\n'
        'schedule = "0 0 * * *"\n'
    )
    inst = write_instance(
        tmp_path,
        demo_sources(demo_site).replace('group = "demo"', 'group = "demo"\nverified = true'),
        smtp_port=mailbox.port,
        subscriptions=subs,
    )
    text = inst.config.read_text(encoding="utf-8").replace(
        "download_timeout_s = 10", "download_timeout_s = 10\ncrawl_timeout_s = 90"
    )  # a hung crawl is stopped, so the scheduler always gets to exit
    text += "\n[schedule]\ncrawl_jitter_s = 0\ndigest_grace_hours = 24.5\n"
    inst.config.write_text(text, encoding="utf-8")
    populate(inst)
    mailbox.mode = "block-accepted"  # hold the digest's SMTP session until we say so
    proc = subprocess.Popen(
        [sys.executable, "-m", "crawler.cli", "--config", str(inst.config), "schedule", "run"],
        cwd=inst.dir,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert mailbox.entered.wait(60), "the owed digest was not sent on start-up"
        deadline = time.monotonic() + 60
        while not rows(inst, "select id from crawl_runs"):
            assert time.monotonic() < deadline, "no crawl started"
            time.sleep(0.05)
        proc.send_signal(signal.SIGTERM)
        mailbox.release.set()
        _, stderr = proc.communicate(timeout=240)
    finally:
        if proc.poll() is None:
            proc.kill()
    # Everything the scheduler said goes with each assertion: this test failed once in a
    # slow run and nobody saw why.
    runs = rows(inst, "select source, status, articles_new, message from crawl_runs")
    said = f"runs: {runs}\nstderr:\n{stderr[-4000:]}"
    assert proc.returncode == 0, said
    assert "SIGTERM: no new jobs; waiting for running jobs to finish" in stderr, said
    assert "scheduler stopped" in stderr, said
    # the digest that was in flight finished and was recorded, exactly once
    assert len(mailbox.messages) == 1, said
    sent = rows(inst, "select period, status from deliveries")
    assert sent == [(period(hhmm="0000"), "sent")], said
    # the crawl that had started was stopped cleanly (SIGTERM forwarded to its process)
    # and recorded so; the queued one did not start
    assert len(runs) == 1 and runs[0][1:] == ("failed", runs[0][2], "stopped (SIGTERM)"), said


@pytest.mark.parametrize(
    ("line", "key", "words"),
    [
        ('schedule = "0 8 * * 1-5"', 'subscription "office": schedule', "names (mon-fri)"),
        ('schedule = "8 o\'clock"', 'subscription "office": schedule', "5-field cron"),
        ("email = false", 'subscription "office"', "no channel"),
    ],
)
def test_bad_subscription_schedule_is_a_clear_config_error(
    tmp_path: Path, line: str, key: str, words: str
):
    from crawler.errors import ConfigError

    subs = f'[[subscriptions]]\nname = "office"\nrecipients = ["a@example.gov.cn"]\n{line}\n'
    inst = write_instance(tmp_path, "", subscriptions=subs)
    with pytest.raises(ConfigError) as err:
        load_config(inst.config)
    # the line of the key, or of the subscription's [[subscriptions]] header
    text = inst.config.read_text(encoding="utf-8").splitlines()
    at = next(i for i, t in enumerate(text, 1) if (line if "schedule" in key else "[[subs") in t)
    assert f"leadwatch.toml:{at}: {key}:" in str(err.value) and words in str(err.value)


@pytest.mark.integration
def test_a_delivery_being_sent_by_a_live_process_is_not_sent_again(
    tmp_path: Path, mailbox: ControlledMailbox
):
    import os
    import socket

    inst, runner = setup(tmp_path, mailbox.port)
    mailbox.mode = "refuse"
    runner.run(now=at(8, 0))
    mailbox.mode = "accept"
    host = socket.gethostname()
    with sqlite3.connect(inst.db) as db:  # another live process holds the lease
        db.execute(
            "update deliveries set claimed_by = ?, claimed_until = ?",
            (f"{host}:{os.getppid()}", "2999-01-01 00:00:00"),
        )
    (result,) = runner.run(now=at(8, 10))
    assert result.status == "pending" and "being sent by" in result.error
    assert mailbox.messages == [] and rows(inst, "select attempts from deliveries") == [(1,)]

    finished = subprocess.Popen([sys.executable, "-c", "pass"])
    finished.wait()
    with sqlite3.connect(inst.db) as db:  # its holder died without releasing it
        db.execute("update deliveries set claimed_by = ?", (f"{host}:{finished.pid}",))
    (result,) = runner.run(now=at(8, 11))
    assert result.status == "sent" and len(mailbox.messages) == 1
