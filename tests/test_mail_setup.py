"""Mail set-up that says what is wrong, and never repeats the password.

Real aiosmtpd servers on 127.0.0.1 (tests.helpers.smtp_auth): one that wants a login —
over plain TCP, after STARTTLS or over TLS from the start, with certificates made in the
test — and a careless one that quotes the credentials it was sent in its 535 reply. The
commands run through the real CLI (in-process) with LEADWATCH_SMTP_PASSWORD set as an
operator would set it.
"""

from __future__ import annotations

import base64
import json
import re
import sqlite3
from pathlib import Path

import pytest

from alerts.scrub import HIDDEN, scrub, secret_forms
from tests.helpers.cli import CliResult, run_cli
from tests.helpers.instance import Instance, write_instance
from tests.helpers.net import free_port
from tests.helpers.smtp import running_smtp
from tests.helpers.smtp_auth import running_login_smtp, silent_listener, was_connected
from tests.helpers.store import populate, rows
from tests.helpers.tls import TestCA, self_signed_pem, server_context

USER = "zhaoshang-bot@example.gov.cn"
PASSWORD = "Tr0ub4dor&3-s3cr3t!"
TO = "analyst@example.gov.cn"


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


# every form in which the credentials travel over the wire, and may come back
WIRE_FORMS = {
    "password": PASSWORD,
    "AUTH PLAIN string": b64(f"\0{USER}\0{PASSWORD}"),
    "AUTH LOGIN user": b64(USER),
    "AUTH LOGIN password": b64(PASSWORD),
}


def instance(directory: Path, port: int, **smtp: object) -> Instance:
    """An instance whose [smtp] table has ``smtp``'s keys too (values as TOML literals)."""
    directory.mkdir(parents=True, exist_ok=True)
    inst = write_instance(directory, "", smtp_port=port, create_db=False)
    table = "".join(f"{k} = {json.dumps(v)}\n" for k, v in {"timeout_s": 10, **smtp}.items())
    text = inst.config.read_text(encoding="utf-8").replace("\ntimeout_s = 10\n", "\n" + table)
    inst.config.write_text(text, encoding="utf-8")
    return inst


def leadwatch(inst: Instance, *args: str, password: str = PASSWORD, **env: str) -> CliResult:
    """The CLI in-process, with the password (or none) in its environment."""
    return run_cli(
        ["--config", str(inst.config), *args],
        cwd=inst.dir,
        env={"LEADWATCH_SMTP_PASSWORD": password, "SSL_CERT_FILE": "", **env},
    )


def leaked(text: str) -> list[str]:
    return [name for name, form in WIRE_FORMS.items() if form in text]


# --- the scrubbing rule ----------------------------------------------------------------


def test_every_form_of_the_credentials_is_scrubbed():
    forms = secret_forms(USER, PASSWORD)
    for name, form in WIRE_FORMS.items():
        assert form in forms, name
        assert scrub(f"535 rejected {form} (bad)", USER, PASSWORD) == f"535 rejected {HIDDEN} (bad)"
    authzid = b64(f"{USER}\0{USER}\0{PASSWORD}")
    unpadded = b64(PASSWORD).rstrip("=")
    as_repr = repr(f"\0{USER}\0{PASSWORD}".encode())  # b'\x00…' as str(exception) shows it
    for text in (authzid, unpadded, as_repr, f"\0{USER}\0{PASSWORD}"):
        assert not leaked(scrub(text, USER, PASSWORD)), text
        assert PASSWORD not in scrub(text, USER, PASSWORD)
    assert scrub("nothing secret here", USER, PASSWORD) == "nothing secret here"
    assert secret_forms(USER, "") == []  # no password, nothing to hide


@pytest.mark.parametrize("mechanism", ["PLAIN", "LOGIN"])
def test_a_server_quoting_the_credentials_in_its_535_reply_leaks_nothing(
    tmp_path: Path, mechanism: str
):
    with running_login_smtp(echo=True, mechanisms=(mechanism,)) as server:
        inst = instance(tmp_path, server.port, user=USER, allow_plaintext_auth=True)
        populate(inst)
        sent = leadwatch(inst, "digest", "--send")
        tested = leadwatch(inst, "digest", "--test", "--to", TO)
    # the server did quote them: the test would see a leak
    quoted = " ".join(server.replies)
    expected = (
        {"password", "AUTH PLAIN string"}
        if mechanism == "PLAIN"
        else {"password", "AUTH LOGIN user", "AUTH LOGIN password"}
    )
    assert expected <= set(leaked(quoted)), quoted
    assert server.logins == 2 and not server.messages

    assert sent.returncode == 1 and "PENDING" in sent.stdout
    assert tested.returncode == 2
    for result in (sent, tested):
        output = result.stdout + result.stderr
        assert not leaked(output), output
        assert f"refused the login of {USER!r}: 535 5.7.8" in output and HIDDEN in output
        assert "LEADWATCH_SMTP_PASSWORD" in output
    ((error, channels),) = rows(inst, "select error, channels from deliveries")
    assert not leaked(error) and not leaked(channels), (error, channels)
    assert error.startswith(f"email: 127.0.0.1:{server.port} refused the login")
    listed = leadwatch(inst, "deliveries", "--json").stdout
    assert not leaked(listed) and json.loads(listed)[0]["error"] == error


def test_errors_stored_before_scrubbing_are_scrubbed_when_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    with running_login_smtp(echo=True, mechanisms=("PLAIN",)) as server:
        inst = instance(tmp_path, server.port, user=USER, allow_plaintext_auth=True)
        populate(inst)
        leadwatch(inst, "digest", "--send")
    # a row as an older leadwatch stored it: the reply as the server sent it
    with sqlite3.connect(inst.db) as db:
        db.execute("update deliveries set error = ?", (f"email: 535 {server.replies[0]}",))
    assert leaked(rows(inst, "select error from deliveries")[0][0])
    for args in (("deliveries", "--json"), ("deliveries",)):
        shown = leadwatch(inst, *args)
        assert shown.returncode == 0 and not leaked(shown.stdout), shown.stdout
    # the web view's deliveries page, as `leadwatch serve` would render it
    from crawler.config import load_config
    from crawler.store import Database
    from crawler.web.app import create_app

    monkeypatch.setenv("LEADWATCH_SMTP_PASSWORD", PASSWORD)
    database = Database(f"sqlite:///{inst.db}")
    page = (
        create_app(load_config(inst.config), database)
        .test_client()
        .get("http://127.0.0.1/deliveries")
    )
    database.close()
    assert page.status_code == 200 and HIDDEN in page.text and not leaked(page.text)


# --- refused before any connection ----------------------------------------------------


def test_a_user_without_password_is_an_error_before_any_connection(tmp_path: Path):
    with silent_listener() as listener:
        port = listener.getsockname()[1]
        inst = instance(tmp_path, port, user=USER, security="starttls")
        populate(inst)
        tested = leadwatch(inst, "digest", "--test", "--to", TO, password="")
        sent = leadwatch(inst, "digest", "--send", password="")
        assert not was_connected(listener)  # nothing waited for a server: no ~31 s timeout
    assert tested.returncode == 2
    assert "LEADWATCH_SMTP_PASSWORD is empty or unset" in tested.stderr
    assert "connecting" not in tested.stdout
    # digest --send: the digest stays pending with the same clear reason, for every try
    assert sent.returncode == 1 and "LEADWATCH_SMTP_PASSWORD" in sent.stdout
    ((status, error),) = rows(inst, "select status, error from deliveries")
    assert status == "pending" and "LEADWATCH_SMTP_PASSWORD is empty or unset" in error
    pending = json.loads(leadwatch(inst, "deliveries", "--pending", "--json").stdout)
    assert "LEADWATCH_SMTP_PASSWORD" in pending[0]["error"]


def test_a_login_over_an_unencrypted_connection_is_refused_unless_allowed(tmp_path: Path):
    with running_login_smtp(password=PASSWORD) as server:
        inst = instance(tmp_path, server.port, user=USER)  # security = "none" by default
        populate(inst)
        refused = leadwatch(inst, "digest", "--test", "--to", TO)
        sent = leadwatch(inst, "digest", "--send")
        assert server.logins == 0 and not server.messages  # the password never left
        assert refused.returncode == 2
        assert 'security = "none" would send the password' in refused.stderr
        assert "allow_plaintext_auth = true" in refused.stderr
        ((status, error),) = rows(inst, "select status, error from deliveries")
        assert status == "pending" and "allow_plaintext_auth" in error and sent.returncode == 1

        allowed = instance(tmp_path / "allowed", server.port, user=USER, allow_plaintext_auth=True)
        result = leadwatch(allowed, "digest", "--test", "--to", TO)
        assert result.returncode == 0, result.stderr
        assert server.logins == 1 and len(server.messages) == 1


# --- digest --test: each step as it happens ----------------------------------------------


def test_digest_test_reports_each_step_and_records_nothing(tmp_path: Path):
    with running_smtp() as mailbox:
        inst = instance(tmp_path, mailbox.port)
        result = leadwatch(inst, "digest", "--test", "--to", TO, "--to", "second@example.gov.cn")
        by_subscription = leadwatch(inst, "digest", "--test", "--subscription", "office")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"test mail to {TO}, second@example.gov.cn"
    assert lines[1] == f"  connecting to 127.0.0.1:{mailbox.port} (no encryption, timeout 10 s)"
    assert lines[2].startswith(f"  connected to 127.0.0.1:{mailbox.port}: ")
    assert lines[3] == f"  accepted by the server for {TO}, second@example.gov.cn"
    assert re.fullmatch(r"sent: test mail <.+@leadwatch> accepted for delivery", lines[4])
    first = mailbox.messages[0]
    assert first["Subject"] == "leadwatch 测试邮件 / test mail"
    assert first["To"] == f"{TO}, second@example.gov.cn"
    assert "测试邮件" in first.get_body(("plain",)).get_content()
    assert by_subscription.returncode == 0
    assert mailbox.messages[1]["To"] == "zhaoshang@example.gov.cn"  # the subscription's
    assert not inst.db.exists()  # nothing recorded, no store needed


def test_digest_test_names_what_is_wrong(tmp_path: Path):
    port = free_port()  # nothing listens there
    inst = instance(tmp_path, port)
    refused = leadwatch(inst, "digest", "--test", "--to", TO)
    assert refused.returncode == 1
    assert f"cannot connect to 127.0.0.1:{port}: Connection refused" in refused.stderr
    bad = [
        (("--to", "not an address"), "is not an e-mail address"),
        (("--to", "a@example.cn\r\nBcc: x@evil.example"), "is not an e-mail address"),
        (("--subscription", "nosuch"), "nosuch"),
    ]
    for args, message in bad:
        result = leadwatch(inst, "digest", "--test", *args)
        assert result.returncode == 2 and message in result.stderr, result.stderr
    misuse = leadwatch(inst, "digest", "--send", "--to", TO)
    assert misuse.returncode == 2 and "--to goes with --test" in misuse.stderr


def test_a_server_that_never_answers_is_a_timeout_named_as_such(tmp_path: Path):
    with silent_listener() as listener:
        port = listener.getsockname()[1]
        inst = instance(tmp_path, port, timeout_s=0.5)
        result = leadwatch(inst, "digest", "--test", "--to", TO)
        assert was_connected(listener)
    assert result.returncode == 1
    assert f"no answer from 127.0.0.1:{port} within 0.5 s while connecting" in result.stderr
    assert "Traceback" not in result.stderr


# --- TLS: verification stays on ----------------------------------------------------------


@pytest.fixture
def ca(tmp_path: Path) -> TestCA:
    return TestCA.create(tmp_path)


def test_starttls_with_a_certificate_made_trusted_for_the_test(tmp_path: Path, ca: TestCA):
    tls = server_context(ca.server_pem("127.0.0.1", "localhost"))
    with running_login_smtp(password=PASSWORD, starttls=tls) as server:
        inst = instance(tmp_path / "i", server.port, user=USER, security="starttls")
        untrusted = leadwatch(inst, "digest", "--test", "--to", TO)
        assert server.logins == 0  # the password is never sent to an unverified server
        trusted = leadwatch(inst, "digest", "--test", "--to", TO, SSL_CERT_FILE=str(ca.ca_pem))
    assert untrusted.returncode == 2
    assert f"the TLS certificate of 127.0.0.1:{server.port} is not trusted" in untrusted.stderr
    assert "SSL_CERT_FILE" in untrusted.stderr

    assert trusted.returncode == 0, trusted.stderr
    steps = [line.strip() for line in trusted.stdout.splitlines()]
    assert steps[1].startswith(f"connecting to 127.0.0.1:{server.port} (STARTTLS")
    assert steps[2].startswith(f"connected to 127.0.0.1:{server.port}: ")
    assert re.fullmatch(r"STARTTLS: TLSv1\.[23], certificate verified for 127\.0\.0\.1", steps[3])
    assert steps[4] == f"logged in as {USER}"
    assert steps[5] == f"accepted by the server for {TO}"
    assert server.logins == 1 and len(server.messages) == 1


def test_self_signed_and_wrong_host_certificates_are_refused(tmp_path: Path, ca: TestCA):
    cases = [
        (self_signed_pem(tmp_path, "127.0.0.1"), "self-signed certificate"),
        (ca.server_pem("mail.example.gov.cn"), "mismatch"),  # trusted CA, other name
    ]
    for pem, reason in cases:
        with running_login_smtp(password=PASSWORD, starttls=server_context(pem)) as server:
            inst = instance(tmp_path / reason[:4], server.port, user=USER, security="starttls")
            result = leadwatch(inst, "digest", "--test", "--to", TO, SSL_CERT_FILE=str(ca.ca_pem))
            assert server.logins == 0 and not server.messages
        assert result.returncode == 2
        assert "is not trusted" in result.stderr and reason in result.stderr, result.stderr


def test_implicit_tls_port_with_a_trusted_certificate(tmp_path: Path, ca: TestCA):
    tls = server_context(ca.server_pem("127.0.0.1"))
    with running_login_smtp(password=PASSWORD, implicit_tls=tls) as server:
        inst = instance(tmp_path / "i", server.port, user=USER, security="ssl")
        result = leadwatch(inst, "digest", "--test", "--to", TO, SSL_CERT_FILE=str(ca.ca_pem))
        plain = instance(tmp_path / "p", server.port, user=USER, security="starttls", timeout_s=1)
        wrong = leadwatch(plain, "digest", "--test", "--to", TO, SSL_CERT_FILE=str(ca.ca_pem))
    assert result.returncode == 0, result.stderr
    assert re.search(
        r"connected to 127\.0\.0\.1:\d+ over TLSv1\.[23], certificate verified", result.stdout
    )
    assert f"logged in as {USER}" in result.stdout and len(server.messages) == 1
    # "starttls" against a TLS port: named, quickly, not a traceback
    assert wrong.returncode in (1, 2) and "Traceback" not in wrong.stderr
    assert "127.0.0.1" in wrong.stderr


def test_a_non_ascii_password_is_named_without_quoting_it(tmp_path: Path):
    with running_login_smtp(password=PASSWORD) as server:
        inst = instance(tmp_path, server.port, user=USER, allow_plaintext_auth=True)
        result = leadwatch(inst, "digest", "--test", "--to", TO, password="密码Geheimnis")
    assert result.returncode == 2 and "non-ASCII characters" in result.stderr
    assert "密" not in result.stderr and "Geheimnis" not in result.stderr
