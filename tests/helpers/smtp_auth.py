"""A real aiosmtpd server on 127.0.0.1 that asks for a login, optionally over TLS, and a
careless one that quotes the credentials it was sent in its 535 reply."""

from __future__ import annotations

import base64
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

from tests.helpers.net import free_port


@dataclass
class LoginMailbox:
    """aiosmtpd handler: accepts ``password`` (any user); otherwise refuses with 535 and,
    if ``echo``, quotes in that reply everything the client sent (the AUTH PLAIN string
    as sent and decoded, AUTH LOGIN's base64 user and password and the password)."""

    port: int
    password: str = ""
    echo: bool = False
    messages: list[EmailMessage] = field(default_factory=list)
    replies: list[str] = field(default_factory=list)  # every AUTH reply sent
    logins: int = 0  # AUTH commands received

    def _verdict(self, password: str, quoted: str) -> str:
        if self.password and password == self.password:
            reply = "235 2.7.0 Authentication successful"
        elif self.echo:
            reply = f"535 5.7.8 Authentication credentials invalid: {quoted}"
        else:
            reply = "535 5.7.8 Authentication credentials invalid"
        self.replies.append(reply)
        return reply

    async def handle_AUTH(self, server, session, envelope, args):  # noqa: ANN001, N802 - aiosmtpd API
        self.logins += 1
        mechanism, initial = args[0], (args[1] if len(args) > 1 else "")
        if mechanism == "PLAIN":
            raw = base64.b64decode(initial) if initial else await server.challenge_auth("")
            blob, plain = base64.b64encode(raw).decode(), raw.decode()
            reply = self._verdict(plain.split("\0")[-1], f"{blob} = {plain}")
        else:  # LOGIN: the user came base64-encoded with the command, the password next
            user = base64.b64decode(initial) if initial else await server.challenge_auth("User:")
            user_b64 = base64.b64encode(user).decode()
            password = (await server.challenge_auth("Password:")).decode()
            password_b64 = base64.b64encode(password.encode()).decode()
            reply = self._verdict(password, f"user {user_b64} password {password_b64} ({password})")
        if reply.startswith("235"):
            session.authenticated = True
        return reply

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, N802
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 2.0.0 OK queued"


@contextmanager
def running_login_smtp(
    *,
    password: str = "",
    echo: bool = False,
    starttls: ssl.SSLContext | None = None,
    implicit_tls: ssl.SSLContext | None = None,
    mechanisms: tuple[str, ...] = ("PLAIN", "LOGIN"),
) -> Iterator[LoginMailbox]:
    """A real aiosmtpd server on 127.0.0.1 with :class:`LoginMailbox`. ``starttls``: the
    server's TLS context for STARTTLS (then AUTH only after it); ``implicit_tls``: TLS
    from the first byte (port-465 style); neither: AUTH offered over plain TCP."""
    from aiosmtpd.controller import Controller

    box = LoginMailbox(port=free_port(), password=password, echo=echo)
    controller = Controller(
        box,
        hostname="127.0.0.1",
        port=box.port,
        tls_context=starttls,
        require_starttls=starttls is not None,
        ssl_context=implicit_tls,
        auth_require_tls=starttls is not None,
        auth_exclude_mechanism=[m for m in ("PLAIN", "LOGIN") if m not in mechanisms],
    )
    controller.start()
    try:
        yield box
    finally:
        controller.stop()


@contextmanager
def silent_listener() -> Iterator[socket.socket]:
    """A TCP port on 127.0.0.1 that accepts connections (into its backlog) and never
    says a word: an SMTP client waits for a greeting until its timeout. Whether anyone
    connected is seen with :func:`was_connected`."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    try:
        yield sock
    finally:
        sock.close()


def was_connected(listener: socket.socket) -> bool:
    """True if a client connected to ``listener`` (a connection waits in its backlog)."""
    listener.setblocking(False)
    try:
        conn, _ = listener.accept()
    except BlockingIOError:
        return False
    finally:
        listener.setblocking(True)
    conn.close()
    return True
