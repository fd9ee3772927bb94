"""Real SMTP servers (aiosmtpd) on 127.0.0.1: a plain mailbox and one the test steers."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

from tests.helpers.net import free_port


@dataclass
class Mailbox:
    """Messages a real aiosmtpd server on 127.0.0.1 accepted."""

    port: int
    messages: list[EmailMessage] = field(default_factory=list)
    refuse: bool = False

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, N802 - aiosmtpd API
        if self.refuse:
            return "451 4.3.0 try again later"
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


@dataclass
class ControlledMailbox:
    """A real aiosmtpd handler the test steers.

    ``mode``: ``accept``; ``refuse`` (451 at DATA); ``drop`` (closes the connection
    mid-DATA, no reply); ``block-rcpt`` / ``block-data`` (hold the session there until
    ``release`` is set; the message is not queued) / ``block-accepted`` (queue the
    message, then hold before replying 250 — the server accepted it, the client has not
    heard yet). ``entered`` is set when a block starts, ``abandoned`` when the client
    vanished during it.
    """

    port: int
    mode: str = "accept"
    messages: list[EmailMessage] = field(default_factory=list)
    entered: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    abandoned: threading.Event = field(default_factory=threading.Event)

    async def _block(self) -> None:
        self.entered.set()
        try:
            while not self.release.is_set():
                await asyncio.sleep(0.01)
        except asyncio.CancelledError:  # aiosmtpd cancels the session when the client dies
            self.abandoned.set()
            raise

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: ANN001, N802
        if self.mode == "block-rcpt":
            await self._block()
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, N802
        if self.mode == "refuse":
            return "451 4.3.0 try again later"
        if self.mode == "drop":
            server.transport.close()
            return "250 OK"  # never reaches the client
        if self.mode == "block-data":
            await self._block()
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append(message)
        if self.mode == "block-accepted":
            await self._block()
        return "250 OK"


@contextmanager
def running_mailbox() -> Iterator[ControlledMailbox]:
    """A real aiosmtpd server on 127.0.0.1 with a :class:`ControlledMailbox` handler."""
    from aiosmtpd.controller import Controller

    box = ControlledMailbox(port=free_port())
    controller = Controller(box, hostname="127.0.0.1", port=box.port)
    controller.start()
    try:
        yield box
    finally:
        box.release.set()
        controller.stop()


@contextmanager
def running_smtp() -> Iterator[Mailbox]:
    """A real aiosmtpd server on 127.0.0.1 keeping what it accepts in a :class:`Mailbox`."""
    from aiosmtpd.controller import Controller

    mailbox = Mailbox(port=free_port())
    controller = Controller(mailbox, hostname="127.0.0.1", port=mailbox.port)
    controller.start()
    try:
        yield mailbox
    finally:
        controller.stop()
