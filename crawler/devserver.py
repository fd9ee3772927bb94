"""A static HTTP server on 127.0.0.1 for the bundled demo site and the test fixture sites."""

from __future__ import annotations

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


class _QuietHandler(SimpleHTTPRequestHandler):
    extensions_map = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".shtml": "text/html",
        ".html": "text/html",
        ".xml": "application/xml",
    }

    def log_message(self, format: str, *args: Any) -> None:
        return None


class StaticSite:
    """Serves ``root`` on 127.0.0.1:``port`` (0 = any free port) in a background thread."""

    def __init__(self, root: Path, port: int = 0, host: str = "127.0.0.1"):
        handler = functools.partial(_QuietHandler, directory=str(root))
        self.server = ThreadingHTTPServer((host, port), handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> StaticSite:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
