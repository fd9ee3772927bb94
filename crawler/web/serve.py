"""Bind and run the web view: loopback by default, anything else only with a token."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable

from crawler.config import Config
from crawler.errors import LeadwatchError
from crawler.store import Database
from crawler.web.security import is_loopback, normalise_host

TOKEN_ENV = "LEADWATCH_WEB_TOKEN"
MIN_TOKEN_LENGTH = 16


def bind_address(host: str) -> str:
    """``--host`` normalised before anything checks or binds it: ``"127.0.0.1 "`` ->
    ``127.0.0.1``, ``localhost.`` -> ``localhost``, ``[::1]`` -> ``::1``,
    ``::ffff:127.0.0.1`` -> ``127.0.0.1``; anything else that is not an address or a
    host name is a clear error."""
    try:
        return normalise_host(host)
    except ValueError:
        name, _, port = host.strip().rpartition(":")
        hint = f"; give the port with --port {port}" if port.isdigit() and name else ""
        raise LeadwatchError(
            f"--host {host!r} is neither an IP address nor a host name{hint}; "
            "use e.g. 127.0.0.1 (the default), ::1 or 0.0.0.0"
        ) from None


def access_token(host: str) -> str | None:
    """The configured token (``LEADWATCH_WEB_TOKEN``); required when ``host`` is not
    loopback, because the store's crawled leads and analysts' notes are internal."""
    host = bind_address(host)
    token = os.environ.get(TOKEN_ENV, "").strip() or None
    if token is not None and len(token) < MIN_TOKEN_LENGTH:
        raise LeadwatchError(
            f"{TOKEN_ENV} is shorter than {MIN_TOKEN_LENGTH} characters; set a long random one, "
            "e.g. `python -c 'import secrets; print(secrets.token_urlsafe(32))'`"
        )
    if token is None and not is_loopback(host):
        raise LeadwatchError(
            f"--host {host} would expose the store beyond this machine without a password; "
            f"set {TOKEN_ENV} to a long random secret "
            "(`python -c 'import secrets; print(secrets.token_urlsafe(32))'`), "
            "or keep the default --host 127.0.0.1"
        )
    return token


def serve(
    config: Config,
    database: Database,
    host: str,
    port: int,
    *,
    token: str | None,
    threads: int = 4,
    say: Callable[[str], None] = print,
) -> int:
    """Serve the web view until interrupted; ``say``s the URL first (``port`` 0 picks
    one). ``token`` comes from :func:`access_token`."""
    from waitress.server import create_server

    from crawler.web.app import create_app

    host = bind_address(host)
    app = create_app(config, database, token, loopback=is_loopback(host))
    try:
        server = create_server(app, host=host, port=port, threads=threads, ident="leadwatch")
    except OSError as exc:
        if exc.errno in (98, 48):  # EADDRINUSE on Linux / macOS
            raise LeadwatchError(
                f"port {port} on {host} is in use; choose another with --port (0 picks a free one)"
            ) from None
        if isinstance(exc, socket.gaierror) or exc.errno == 99:
            raise LeadwatchError(f"cannot bind {host}: {exc.strerror}; check --host") from None
        raise
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{server.effective_port}/"
    say(f"serving {url} (Ctrl+C to stop)")
    if token:
        say(f"open {url}?token=… with the token from {TOKEN_ENV}")
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
    return 0
