"""Who may talk to the web view, and which forms it accepts.

- **Host**: on loopback the host a request was addressed to must be loopback (no DNS
  rebinding). That host is the authority of an absolute-form request line when there is
  one (``GET http://evil.example/ HTTP/1.1``: RFC 9112 §3.2.2 says it overrides the Host
  header), otherwise the Host header; a missing or malformed one is refused.
- **Access token**: when configured, every request presents it (``?token=`` once, then
  an HttpOnly cookie; or ``Authorization: Bearer``).
- **Forms**: every POST must come from one of our own pages — its Origin (or, without
  one, its Referer) names this server — and carry the CSRF token of the visitor's
  session (a random value in Flask's signed session cookie, SameSite=Strict); its body is
  urlencoded UTF-8 text of bounded size.
- **Headers**: a Content-Security-Policy without scripts, no framing, no sniffing; the
  Referer goes only to this server (our own forms need their Origin; crawled sites linked
  from our pages learn nothing).
"""

from __future__ import annotations

import hmac
import ipaddress
import re
import secrets
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode, urlsplit

from flask import Flask, Response, abort, redirect, request, session
from werkzeug.exceptions import Forbidden

from crawler.web.params import decoded_pairs

TOKEN_COOKIE = "leadwatch_token"
SESSION_COOKIE = "leadwatch_session"
CSRF_FIELD = "csrf"
MAX_FORM_BYTES = 64 * 1024
FORM_TYPE = "application/x-www-form-urlencoded"
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
_AUTHORITY = re.compile(r"(\[[0-9A-Za-z:.%]+\]|[^\[\]:@/?#\s]+)(?::(\d{1,5}))?")
_LABEL = re.compile(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")
DEFAULT_PORTS = {"http": 80, "https": 443}


# --- names and addresses ---------------------------------------------------------------


def normalise_host(name: str) -> str:
    """``name`` (a bind address or the host of a request) in one canonical form: spaces
    trimmed, lower case, no brackets, no trailing dot, IPv4-mapped IPv6 as IPv4
    (``::ffff:127.0.0.1`` -> ``127.0.0.1``). Raises ValueError for anything that is
    neither an IP address nor a host name."""
    value = name.strip().lower()
    if value.startswith("[") and value.endswith("]"):
        value = value[1:-1]
    try:
        ip = ipaddress.ip_address(value)
    except ValueError:
        value = value.removesuffix(".")
        labels = value.split(".")
        if not value or len(value) > 253 or not all(_LABEL.fullmatch(x) for x in labels):
            raise ValueError(f"{name!r} is neither an IP address nor a host name") from None
        return value
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ip)


def is_loopback(name: str) -> bool:
    """True for ``localhost``, 127.0.0.0/8 and ::1, however written (``localhost.``,
    ``[::1]``, ``::ffff:127.0.0.1``, surrounding spaces)."""
    try:
        value = normalise_host(name)
    except ValueError:
        return False
    if value == "localhost":
        return True
    try:
        return ipaddress.ip_address(value).is_loopback
    except ValueError:
        return False


def split_authority(authority: str, default_port: int | None = None) -> tuple[str, int | None]:
    """``host[:port]`` as (normalised host, port); ValueError when malformed."""
    match = _AUTHORITY.fullmatch(authority or "")
    if not match:
        raise ValueError(f"malformed host {authority!r}")
    port = int(match[2]) if match[2] else default_port
    if port is not None and not 0 < port < 65536:
        raise ValueError(f"malformed port in {authority!r}")
    return normalise_host(match[1]), port


def request_authority(environ: Mapping[str, Any]) -> tuple[str, int | None]:
    """The (host, port) a request was addressed to: an absolute-form request target's
    authority, else the Host header. ValueError when it is missing or malformed."""
    default = DEFAULT_PORTS.get(str(environ.get("wsgi.url_scheme", "http")))
    target = str(environ.get("REQUEST_URI") or environ.get("RAW_URI") or "")
    if not target.startswith("/") and "://" in target:
        parts = urlsplit(target)
        if parts.scheme.lower() not in DEFAULT_PORTS:
            raise ValueError(f"unsupported request target {target[:80]!r}")
        return split_authority(parts.netloc, DEFAULT_PORTS[parts.scheme.lower()])
    host = str(environ.get("HTTP_HOST") or "")
    if not host:
        raise ValueError("no Host header")
    return split_authority(host, default)


def origin_authority(value: str) -> tuple[str, int | None] | None:
    """The (host, port) of an Origin or Referer value; None when it names no http(s)
    server (``null``, ``file://``, garbage)."""
    parts = urlsplit(value.strip())
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.netloc:
        return None
    try:
        return split_authority(parts.netloc, DEFAULT_PORTS[scheme])
    except ValueError:
        return None


# --- CSRF ------------------------------------------------------------------------------


def csrf_token() -> str:
    """This visitor's CSRF token, created with their session on first use."""
    token = session.get(CSRF_FIELD)
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        session[CSRF_FIELD] = token
    return token


def _refuse_foreign_form() -> None:
    """Abort unless this POST comes from one of our pages, with this session's token."""
    try:
        own = request_authority(request.environ)
    except ValueError:
        abort(400, "请求的主机名无效。")
    origin = request.headers.get("Origin")
    sender = origin if origin is not None else request.headers.get("Referer")
    if not sender:
        raise Forbidden("表单请求缺少 Origin/Referer 头，无法确认来自本站页面，已拒绝。")
    if origin_authority(sender) != own:
        raise Forbidden("表单来自其他网站，已拒绝；请在本站页面上提交。")
    mimetype = request.mimetype
    if mimetype != FORM_TYPE:
        abort(415, f"表单应以 {FORM_TYPE} 提交。")
    decoded_pairs(request.get_data(cache=True), "表单")
    expected = session.get(CSRF_FIELD)
    sent = request.form.get(CSRF_FIELD, "")
    if not (
        isinstance(expected, str)
        and expected
        and hmac.compare_digest(sent.encode(), expected.encode())
    ):
        raise Forbidden("表单已过期或不是本站页面提交的：请刷新页面后重试。")


# --- installing the guards -------------------------------------------------------------


def install(app: Flask, token: str | None, *, loopback: bool) -> None:
    """Add the Host, token and form guards and the security headers to ``app``.

    Register this before any other ``before_request`` hook: the guards run first.
    """
    app.secret_key = secrets.token_bytes(32)  # per process: a restart makes forms stale
    app.config.update(
        SESSION_COOKIE_NAME=SESSION_COOKIE,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        MAX_CONTENT_LENGTH=MAX_FORM_BYTES,
        MAX_FORM_MEMORY_SIZE=MAX_FORM_BYTES,
    )

    @app.context_processor
    def csrf_field() -> dict[str, str]:
        return {"csrf": csrf_token()}

    @app.before_request
    def guard() -> Response | None:
        if loopback:
            try:
                host, _ = request_authority(request.environ)
            except ValueError:
                abort(400, "请求的主机名（Host）缺失或无效。")
            if not is_loopback(host):
                abort(400, "本服务只接受以 127.0.0.1 或 localhost 访问的请求。")
        if token:
            given = (
                request.args.get("token")
                or request.cookies.get(TOKEN_COOKIE)
                or request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
            )
            if not given or not hmac.compare_digest(given.encode(), token.encode()):
                abort(401)
            if request.args.get("token") and request.method == "GET":
                args = {k: v for k, v in request.args.items(multi=True) if k != "token"}
                response = redirect(request.path + ("?" + urlencode(args) if args else ""))
                response.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="Strict")
                return response
        decoded_pairs(request.query_string, "网址参数")
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            _refuse_foreign_form()
        return None

    @app.after_request
    def headers(response: Response) -> Response:
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Cache-Control"] = "no-store"
        return response
