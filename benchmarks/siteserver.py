"""A minimal in-memory HTTP/1.1 server on 127.0.0.1 for the crawl benchmark.

Every file of a directory is read once and served from memory with keep-alive, on an
asyncio loop in a background thread, so the server costs far less CPU per page than
the crawler it serves (crawler.devserver's ThreadingHTTPServer opens a file, a thread
and a connection per request). Only what a crawler sends is understood: GET and HEAD
without a request body.
"""

from __future__ import annotations

import asyncio
import mimetypes
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

TYPES = {".html": "text/html; charset=utf-8", ".shtml": "text/html; charset=utf-8"}


def _response(status: str, body: bytes, content_type: str, keep_alive: bool) -> bytes:
    head = (
        f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {len(body)}\r\nConnection: {'keep-alive' if keep_alive else 'close'}\r\n\r\n"
    )
    return head.encode("latin-1") + body


def load(root: Path) -> dict[str, tuple[bytes, str]]:
    """URL path -> (body, content type) for every file under ``root``."""
    pages = {}
    for path in root.rglob("*"):
        if path.is_file():
            kind = TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0]
            pages["/" + path.relative_to(root).as_posix()] = (path.read_bytes(), kind or "")
    return pages


class _Http(asyncio.Protocol):
    def __init__(
        self,
        responses: dict[tuple[str, bool], bytes],
        not_found: tuple[bytes, bytes],
        delay_s: float = 0.0,
        gates: dict[str, threading.Event] | None = None,
    ):
        self.responses, self.not_found = responses, not_found
        self.delay_s = delay_s
        self.gates = gates if gates is not None else {}
        self.buffer = b""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while b"\r\n\r\n" in self.buffer:
            head, _, self.buffer = self.buffer.partition(b"\r\n\r\n")
            method, target = head.split(b" ", 2)[:2]
            close = b"connection: close" in head.lower()
            path = unquote(urlsplit(target.decode("latin-1")).path)
            reply = self.responses.get((path, not close)) or self.not_found[close]
            if method == b"HEAD":
                reply = reply.split(b"\r\n\r\n", 1)[0] + b"\r\n\r\n"
            gate = self.gates.get(path)
            if gate is not None and not gate.is_set():
                self._reply_when_open(gate, reply, close)
                if close:
                    return
                continue
            if self.delay_s:
                # a slow server: each answer after delay_s (requests on one connection
                # keep their order: every one waits as long)
                loop = asyncio.get_running_loop()
                loop.call_later(self.delay_s, self._reply, reply, close)
                if close:
                    return
                continue
            self._reply(reply, close)
            if close:
                return

    def _reply_when_open(self, gate: threading.Event, reply: bytes, close: bool) -> None:
        if gate.is_set():
            self._reply(reply, close)
        else:
            loop = asyncio.get_running_loop()
            loop.call_later(0.01, self._reply_when_open, gate, reply, close)

    def _reply(self, reply: bytes, close: bool) -> None:
        if self.transport.is_closing():  # type: ignore[attr-defined]
            return
        self.transport.write(reply)  # type: ignore[attr-defined]
        if close:
            self.transport.close()


class MemorySite:
    """Serves ``root`` from memory on 127.0.0.1:``port`` (0 = any free port), each
    answer after ``delay_s`` (a government site's response time) if given."""

    def __init__(self, root: Path, port: int = 0, delay_s: float = 0.0):
        self.delay_s = delay_s
        pages = load(root)
        self.responses = {
            (path, keep): _response("200 OK", body, kind, keep)
            for path, (body, kind) in pages.items()
            for keep in (True, False)
        }
        missing = b"<html><body>404 Not Found</body></html>"
        self.not_found = tuple(
            _response("404 Not Found", missing, TYPES[".html"], keep) for keep in (True, False)
        )
        self.gates: dict[str, threading.Event] = {}
        self.port = port
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        asyncio.set_event_loop(self.loop)
        server = self.loop.run_until_complete(
            self.loop.create_server(
                lambda: _Http(self.responses, self.not_found, self.delay_s, self.gates),
                "127.0.0.1",
                self.port,
            )
        )
        self.port = server.sockets[0].getsockname()[1]
        self.ready.set()
        self.loop.run_forever()
        server.close()
        self.loop.run_until_complete(server.wait_closed())
        self.loop.close()

    def gate(self, path: str) -> threading.Event:
        """Hold every answer for ``path`` until the returned event is set (a test's way
        to stop a crawl at a known point). Each call closes the gate again: a server
        shared by several tests would otherwise hand the next test an open one."""
        self.gates[path] = event = threading.Event()
        return event

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> MemorySite:
        self.thread.start()
        self.ready.wait(10)
        return self

    def __exit__(self, *exc: object) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
