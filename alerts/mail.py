"""Build the MIME message and hand it to an SMTP server (verified TLS, timeouts).

Sending goes step by step — connect, STARTTLS, login, hand over the message — and can
report each step as it happens (`leadwatch digest --test`). A failure is a
:class:`MailError` that names the server, the step and the fix, with the password (in
every form a server might echo it, see :mod:`alerts.scrub`) removed. Two set-ups are
refused before any connection: a user without ``LEADWATCH_SMTP_PASSWORD``, and a login
over an unencrypted connection unless ``[smtp] allow_plaintext_auth = true``.
"""

from __future__ import annotations

import smtplib
import socket
import ssl
from collections.abc import Callable
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses

from alerts.scrub import scrub
from crawler.config import SMTP_PASSWORD_ENV, SmtpSettings
from crawler.errors import LeadwatchError

Progress = Callable[[str], None]
CA_ENV = "SSL_CERT_FILE"
SECURITY_NAMES = {"none": "no encryption", "starttls": "STARTTLS", "ssl": "TLS"}


class MailError(LeadwatchError):
    """Sending failed; the message names the server, the step and the fix, and holds no
    secret. ``transient`` failures (timeouts, 4xx replies, dropped connections) may pass
    on their own: exit status 1; the others need a change of set-up: exit status 2."""

    def __init__(self, message: str, *, transient: bool = False):
        super().__init__(message)
        self.transient = transient
        self.exit_code = 1 if transient else 2


def build_message(
    *,
    subject: str,
    sender: str,
    recipients: list[str],
    text: str,
    html: str,
    message_id: str,
    date: datetime,
) -> EmailMessage:
    """A multipart/alternative message (plain text first, then HTML), UTF-8 throughout."""
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = sender
    msg["To"] = ", ".join(recipients)
    msg["Date"] = format_datetime(date)
    msg["Message-ID"] = message_id
    msg.set_content(text, charset="utf-8")
    msg.add_alternative(html, subtype="html", charset="utf-8")
    return msg


def check_settings(smtp: SmtpSettings) -> None:
    """Refuse, before any connection, a set-up that cannot log in or would leak the
    password: a user without ``LEADWATCH_SMTP_PASSWORD``; a login without TLS unless
    ``allow_plaintext_auth``."""
    if not smtp.user:
        return
    if not smtp.password:
        raise MailError(
            f"[smtp] user = {smtp.user!r} is set but {SMTP_PASSWORD_ENV} is empty or unset; "
            f"export {SMTP_PASSWORD_ENV}=… where leadwatch runs (the systemd unit's "
            "EnvironmentFile), or remove `user` if the server needs no login"
        )
    if smtp.security == "none" and not smtp.allow_plaintext_auth:
        raise MailError(
            f'[smtp] security = "none" would send the password of {smtp.user!r} '
            f'unencrypted to {smtp.host}:{smtp.port}; set security = "starttls" '
            '(port 587) or "ssl" (port 465), or — only for a server on this machine or a '
            "trusted network — allow_plaintext_auth = true"
        )


def _reply(code: int, text: bytes | str) -> str:
    raw = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {' '.join(raw.split())}"


def _explain(exc: BaseException, step: str, smtp: SmtpSettings) -> MailError:
    """The :class:`MailError` for ``exc`` raised while ``step``."""
    where = f"{smtp.host}:{smtp.port}"
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return MailError(
            f"{where} refused the login of {smtp.user!r}: "
            f"{_reply(exc.smtp_code, exc.smtp_error)}; check [smtp] user and "
            f"{SMTP_PASSWORD_ENV}"
        )
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        what = "STARTTLS" if step == "STARTTLS" else "AUTH (login)"
        return MailError(
            f"{where} does not offer {what} on this connection ({exc}); check [smtp] "
            "security and port, or remove `user` if the server needs no login"
        )
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        refused = "; ".join(f"{a}: {_reply(c, t)}" for a, (c, t) in exc.recipients.items())
        transient = all(400 <= c < 500 for c, _ in exc.recipients.values())
        return MailError(f"{where} refused recipients: {refused}", transient=transient)
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return MailError(
            f"{where} refused the sender {exc.sender}: {_reply(exc.smtp_code, exc.smtp_error)}; "
            "check [smtp] sender",
            transient=400 <= exc.smtp_code < 500,
        )
    if isinstance(exc, smtplib.SMTPResponseException):
        return MailError(
            f"{type(exc).__name__}: {where} answered {_reply(exc.smtp_code, exc.smtp_error)} "
            f"while {step}",
            transient=400 <= exc.smtp_code < 500,
        )
    if isinstance(exc, UnicodeEncodeError) and step == "logging in":
        return MailError(  # the exception's text would quote a character of the password
            "the SMTP user or password has non-ASCII characters, which SMTP AUTH as "
            "Python's smtplib sends it cannot carry; use an ASCII password"
        )
    if isinstance(exc, smtplib.SMTPServerDisconnected) and isinstance(
        exc.__context__, TimeoutError
    ):  # smtplib reports a reply that never came as a disconnection
        exc = exc.__context__
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return MailError(f"SMTPServerDisconnected: {exc} (while {step}, {where})", transient=True)
    if isinstance(exc, ssl.SSLCertVerificationError):
        return MailError(
            f"the TLS certificate of {where} is not trusted ({exc.verify_message}); "
            "leadwatch always verifies it: if the server uses an internal certificate "
            f"authority, point {CA_ENV} at its CA certificate (PEM), or use the host name "
            "the certificate was issued for"
        )
    if isinstance(exc, ssl.SSLError):
        return MailError(
            f"TLS with {where} failed while {step} ({exc.reason or exc}); check [smtp] "
            'security: "ssl" is TLS from the start (port 465), "starttls" upgrades a plain '
            "connection (port 587)"
        )
    if isinstance(exc, TimeoutError):
        return MailError(
            f"no answer from {where} within {smtp.timeout_s:g} s while {step}; check [smtp] "
            "host, port and security (a TLS port stays silent to a plain connection), or "
            "raise [smtp] timeout_s",
            transient=True,
        )
    if isinstance(exc, socket.gaierror):
        return MailError(f"cannot resolve {smtp.host!r} ({exc.strerror}); check [smtp] host")
    if isinstance(exc, ConnectionRefusedError):
        return MailError(
            f"cannot connect to {where}: Connection refused; is the mail server running "
            "there? check [smtp] host and port",
            transient=True,
        )
    if isinstance(exc, OSError):
        return MailError(
            f"{type(exc).__name__}: {exc.strerror or exc} (while {step}, {where})",
            transient=True,
        )
    return MailError(f"{type(exc).__name__}: {exc} (while {step}, {where})")


def _recipients(msg: EmailMessage) -> list[str]:
    fields = [v for name in ("To", "Cc", "Bcc") for v in msg.get_all(name, [])]
    return [address for _, address in getaddresses(fields) if address]


def _first_line(text: bytes) -> str:
    lines = text.decode("utf-8", "replace").splitlines()
    return lines[0] if lines else ""


def send_message(
    smtp: SmtpSettings, msg: EmailMessage, progress: Progress | None = None
) -> list[str]:
    """Send ``msg``; return the recipients the server accepted. ``progress`` is told
    each step as it happens. Raises :class:`MailError` (no secret in it) on any
    refusal or failure, so the caller keeps the delivery pending."""
    check_settings(smtp)
    say = progress or (lambda _line: None)
    where = f"{smtp.host}:{smtp.port}"
    step = "connecting"
    try:
        say(
            f"connecting to {where} ({SECURITY_NAMES[smtp.security]}, timeout {smtp.timeout_s:g} s)"
        )
        context = ssl.create_default_context()  # certificate and host name verified
        client: smtplib.SMTP
        if smtp.security == "ssl":
            client = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=smtp.timeout_s, context=context)
        else:
            client = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout_s)
        try:
            step = "greeting the server (EHLO)"
            _, banner = client.ehlo()
            tls = (
                f" over {client.sock.version()}, certificate verified"
                if smtp.security == "ssl"
                else ""
            )
            say(f"connected to {where}{tls}: {_first_line(banner)}")
            if smtp.security == "starttls":
                step = "STARTTLS"
                client.starttls(context=context)
                say(f"STARTTLS: {client.sock.version()}, certificate verified for {smtp.host}")
            if smtp.user:
                step = "logging in"
                client.login(smtp.user, smtp.password)
                say(f"logged in as {smtp.user}")
            step = "sending the message"
            refused = client.send_message(msg)
            if refused:
                raise smtplib.SMTPRecipientsRefused(refused)
            accepted = _recipients(msg)
            say(f"accepted by the server for {', '.join(accepted)}")
        except BaseException:
            client.close()
            raise
        try:  # the server has the message: a failing goodbye changes nothing
            client.quit()
        except (smtplib.SMTPException, OSError):
            client.close()
        return accepted
    except Exception as exc:
        error = _explain(exc, step, smtp)
        raise MailError(
            scrub(str(error), smtp.user, smtp.password), transient=error.transient
        ) from None
