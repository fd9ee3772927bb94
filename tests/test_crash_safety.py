"""SIGKILL the digest process at every step of a send, run it again, count what arrived.

Kill points come from two sides:

- the client kills itself at a named step (``LEADWATCH_TEST_KILL_AT``, read by the test
  hook in alerts/digest.py): inside the recording transaction, after the commit, after the
  server accepted the message, after that was recorded, at the very end;
- the SMTP server (real aiosmtpd on 127.0.0.1) holds the session at RCPT, in DATA before
  the message is queued, or after it is queued but before it says 250 — and the test
  kills the client while it waits.

Then the digest runs again with a healthy server. Every item must have arrived, exactly
once — except when the kill fell after the server accepted the message and before that
was recorded, where exactly one repeat (same Message-ID, same items) is the price.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from alerts.digest import KILL_ENV
from tests.helpers.instance import Instance, write_instance
from tests.helpers.smtp import ControlledMailbox, running_mailbox
from tests.helpers.store import ARTICLES, THIRD, populate, rows

pytestmark = pytest.mark.integration  # real crawls, servers or processes

ALL = [*ARTICLES, THIRD]
REPEATS = {"email-accepted", "block-accepted"}  # accepted by the server, not yet recorded


@pytest.fixture(scope="module")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One classified database, copied for each case (classifying is the slow part)."""
    directory = tmp_path_factory.mktemp("template")
    inst = write_instance(directory, "")
    populate(inst, ALL)
    return inst.db


@pytest.fixture
def mailbox() -> Iterator[ControlledMailbox]:
    with running_mailbox() as box:
        yield box


def digest_process(inst: Instance, kill_at: str | None = None) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("LEADWATCH_DATABASE_URL", KILL_ENV)}
    if kill_at:
        env[KILL_ENV] = kill_at
    return subprocess.Popen(
        [sys.executable, "-m", "crawler.cli", "--config", str(inst.config), "digest", "--send"],
        cwd=inst.dir,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def received_urls(box: ControlledMailbox) -> list[str]:
    urls = []
    for msg in box.messages:
        text = msg.get_body(("plain",)).get_content()
        urls += [line.strip() for line in text.splitlines() if line.strip().startswith("https://")]
    return urls


CLIENT_STEPS = ["selected", "recorded", "email-accepted", "email-recorded", "done"]
SERVER_BLOCKS = ["block-rcpt", "block-data", "block-accepted"]


@pytest.mark.parametrize("kill_point", CLIENT_STEPS + SERVER_BLOCKS)
def test_sigkill_at_any_point_loses_nothing_and_repeats_only_after_acceptance(
    tmp_path: Path, template_db: Path, mailbox: ControlledMailbox, kill_point: str
):
    inst = write_instance(tmp_path, "", smtp_port=mailbox.port)
    inst.db.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(template_db, inst.db)
    assert not template_db.with_name(template_db.name + "-wal").exists()  # fully checkpointed

    if kill_point in CLIENT_STEPS:
        proc = digest_process(inst, kill_at=kill_point)
        proc.communicate(timeout=120)
    else:
        mailbox.mode = kill_point
        proc = digest_process(inst)
        assert mailbox.entered.wait(60), "the client never reached the server"
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=60)
        assert mailbox.abandoned.wait(30), "the server did not notice the client died"
        mailbox.release.set()
    assert proc.returncode == -signal.SIGKILL

    # what survived the kill
    deliveries = rows(inst, "select status from deliveries")
    if kill_point == "selected":  # killed inside the recording transaction: rolled back
        assert deliveries == []
    elif kill_point == "done":  # killed after everything was recorded
        assert deliveries == [("sent",)]
    else:
        assert deliveries == [("pending",)]
    arrived_before = len(mailbox.messages)
    assert arrived_before == (1 if kill_point in REPEATS | {"email-recorded", "done"} else 0)

    # the next run, against a healthy server
    mailbox.mode = "accept"
    rerun = digest_process(inst)
    out, err = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, out + err

    urls = received_urls(mailbox)
    assert set(urls) == {url for url, _, _ in ALL}  # nothing lost
    expected_messages = 2 if kill_point in REPEATS else 1
    assert len(mailbox.messages) == expected_messages
    assert len(urls) == expected_messages * len(ALL)
    if expected_messages == 2:  # the repeat is the same mail, recognisably
        first, second = mailbox.messages
        assert first["Message-ID"] == second["Message-ID"]
        assert first["Subject"] == second["Subject"]
    assert rows(inst, "select status from deliveries") == [("sent",)]
    assert rows(inst, "select count(*), count(distinct article_id) from delivery_items") == [
        (len(ALL), len(ALL))
    ]
    # and a third run sends nothing
    third = digest_process(inst)
    third.communicate(timeout=120)
    assert third.returncode == 0
    assert len(mailbox.messages) == expected_messages
