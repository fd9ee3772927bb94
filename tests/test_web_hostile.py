"""The web view under hostile requests: every route, every parameter, no 500.

The parameter walk drives the real Flask app over a real SQLite store through Flask's
test client (fast, in-process; the routes are read from the app's URL map, so a page
added later is walked too). What is about the server itself — an absolute-form request
line, the Host header, a cross-origin form — is also checked against a real
`leadwatch serve` process over HTTP.
"""

from __future__ import annotations

import re
import socket
import urllib.parse
from collections.abc import Iterator
from typing import Any

import pytest

from crawler.config import load_config
from crawler.store import Database
from crawler.web.app import create_app
from crawler.web.security import is_loopback, normalise_host
from tests.helpers.instance import Instance, write_instance
from tests.helpers.store import ARTICLES, SEARCH_ARTICLES, rows, store_articles
from tests.helpers.web import Server

BASE = "http://127.0.0.1:8600"
CJK = re.compile(r"[\u4e00-\u9fff]")

# Values a parameter may be given by a hostile or careless client. Each is sent
# percent-encoded as UTF-8, except RAW ones, which go into the query string as they are.
HOSTILE_VALUES = [
    "",
    "0",
    "-1",
    "1e9",
    "99999999999999999999",
    "9223372036854775808",
    "１２",  # full-width digits
    "y0000",
    "y9999",
    "9999-12-31",
    "0001-01-01",
    "2025-02-30",
    "２０２５-０１-０１",
    "'; drop table articles; --",
    '"',
    "*",
    'NEAR("a" "b")',
    "<script>alert(1)</script>",
    "a\x00b",
    "line\r\nbreak",
    "\u202e\u200b\ufeff",
    "😀" * 50,
    "x" * 5000,
]
RAW_VALUES = ["%FF%FE", "%00", "%C0%AF", "%ED%A0%80", "%E4%BD", "%", "%zz", "a%2"]
PARAMETERS = [
    "page",
    "sort",
    "q",
    "sector",
    "partner",
    "source",
    "event",
    "since",
    "until",
    "date",
    "leads",
    "status",
    "saved",
    "unknown",
]
HOSTILE_IDS = ["0", "1", "9223372036854775807", "9223372036854775808", "99999999999999999999"]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Instance:
    inst = write_instance(tmp_path_factory.mktemp("hostile-web"), "")
    inst.run("db", "upgrade")
    store_articles(inst, [*ARTICLES, *SEARCH_ARTICLES])
    return inst


@pytest.fixture(scope="module")
def app(store: Instance) -> Iterator[Any]:
    database = Database(f"sqlite:///{store.db}")
    yield create_app(load_config(store.config), database)
    database.close()


@pytest.fixture
def client(app: Any) -> Any:
    return app.test_client()


def form_token(client: Any, event_id: int = 1) -> str:
    """The CSRF token of ``client``'s session, as an event page's follow-up form carries it."""
    client.get(f"{BASE}/events")  # the register is built from the stored leads
    page = client.get(f"{BASE}/event/{event_id}")
    assert page.status_code == 200
    return re.search(r'name="csrf" value="([^"]+)"', page.text)[1]


def assert_answered(response: Any, what: str) -> None:
    """No 500; a refusal is our own error page with a short Chinese message."""
    assert response.status_code < 500, f"{what}: {response.status_code}"
    assert "Content-Security-Policy" in response.headers, what
    if response.status_code >= 400:
        message = re.search(r'<p class="problem">([^<]+)</p>', response.text)
        assert message and CJK.search(message[1]), f"{what}: {response.text[:300]}"


ROUTE_ARGUMENT = re.compile(r"<(?:(?P<converter>\w+)(?:\([^)]*\))?:)?(?P<name>\w+)>")
HOSTILE_SEGMENTS = ["x", "%FF", "..%2F..", "a" * 300]


def route_urls(app: Any) -> list[tuple[str, str, bool]]:
    """(method, path, walk) for every route of ``app``: once with ordinary URL parts (id 1),
    on which every parameter is walked (``walk``), then once per hostile URL part."""
    out = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        args = list(ROUTE_ARGUMENT.finditer(rule.rule))
        ordinary = {a[0]: "1" if a["converter"] == "int" else "x" for a in args}

        def path(values: dict[str, str], rule: Any = rule) -> str:
            text = rule.rule
            for placeholder, value in values.items():
                text = text.replace(placeholder, value, 1)
            return text

        for method in sorted(rule.methods & {"GET", "POST"}):
            out.append((method, path(ordinary), True))
            for a in args:
                for value in HOSTILE_IDS if a["converter"] == "int" else HOSTILE_SEGMENTS:
                    out.append((method, path({**ordinary, a[0]: value}), False))
    assert {m for m, _, _ in out} == {"GET", "POST"}, out
    return out


# --- the walk --------------------------------------------------------------------------


@pytest.mark.integration  # in-process, but ~3,000 requests: seconds long
def test_every_route_and_parameter_with_hostile_values_answers_without_a_500(app: Any):
    client = app.test_client()
    token = form_token(client)
    same_origin = {"Origin": BASE}
    seen: dict[int, int] = {}
    queries = [
        f"{name}={urllib.parse.quote(value)}" for name in PARAMETERS for value in HOSTILE_VALUES
    ] + [f"{name}={value}" for name in PARAMETERS for value in RAW_VALUES]
    for method, path, walk in route_urls(app):
        if method == "GET":
            for query in queries if walk else [""]:
                response = client.get(f"{BASE}{path}?{query}")
                assert_answered(response, f"GET {path}?{query[:80]}")
                seen[response.status_code] = seen.get(response.status_code, 0) + 1
            continue
        if not walk:
            form = {"status": "clear", "csrf": token}
            response = client.post(f"{BASE}{path}", data=form, headers=same_origin)
            assert_answered(response, f"POST {path}")
            seen[response.status_code] = seen.get(response.status_code, 0) + 1
            continue
        for field in ("status", "note", "csrf", "unknown"):
            for value in HOSTILE_VALUES:
                form = {"status": "clear", "note": "", "csrf": token, field: value}
                response = client.post(f"{BASE}{path}", data=form, headers=same_origin)
                assert_answered(response, f"POST {path} {field}={value[:40]!r}")
                seen[response.status_code] = seen.get(response.status_code, 0) + 1
            for value in RAW_VALUES:
                body = f"status=clear&csrf={token}&{field}={value}".encode()
                response = client.post(
                    f"{BASE}{path}",
                    data=body,
                    headers={**same_origin, "Content-Type": "application/x-www-form-urlencoded"},
                )
                assert_answered(response, f"POST {path} {field}={value} (raw)")
        for content_type, body in (
            ("multipart/form-data; boundary=x", b"--x--"),
            ("application/json", b'{"status": "followed"}'),
            ("text/plain", b"status=followed"),
            ("application/x-www-form-urlencoded", b"note=" + b"a" * 100_000),
            ("application/x-www-form-urlencoded", b"&".join([b"a=1"] * 500)),
        ):
            response = client.post(
                f"{BASE}{path}",
                data=body,
                headers={**same_origin, "Content-Type": content_type},
            )
            assert_answered(response, f"POST {path} as {content_type}")
            assert response.status_code in (400, 403, 404, 413, 415), content_type
    # the walk met both answers: pages that were fine and hostile values that were refused
    assert seen.get(200, 0) > 100 and seen.get(400, 0) > 500 and seen.get(303, 0) > 10, seen


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("page=99999999999999999999", "page"),
        ("page=0", "page"),
        ("page=abc", "page"),
        ("until=9999-12-31", "until"),
        ("since=0001-01-01", "since"),
        ("since=2025-02-30", "since"),
        ("since=2025-05-01&until=2025-04-01", "since"),
        ("date=y0000", "date"),
        ("date=y9999", "date"),
        ("date=tomorrow", "date"),
        ("sort=price", "sort"),
        ("leads=yes", "leads"),
        ("status=maybe", "status"),
        ("q=" + "长" * 501, "q"),
        ("sector=a%00b", "sector"),
    ],
)
def test_the_reported_list_parameters_are_a_400_naming_the_parameter(
    client: Any, query: str, parameter: str
):
    response = client.get(f"{BASE}/?{query}")
    assert response.status_code == 400
    assert f"参数 {parameter}：" in response.text


def test_bounded_values_at_the_edges_are_accepted(client: Any):
    for query in (
        "page=10000",
        "since=1900-01-01&until=2999-12-31",
        "date=y1900",
        "date=y2999",
        "date=365d",
        "q=" + urllib.parse.quote("低空经济"),
        "sort=date&leads=1&status=none",
    ):
        assert client.get(f"{BASE}/?{query}").status_code == 200, query
    # the day after until is included: an article of 2025-03-05 is found with until that day
    shown = client.get(f"{BASE}/?since=2025-03-05&until=2025-03-05").text
    assert SEARCH_ARTICLES[0][1] in shown


def test_an_id_past_64_bits_is_a_400_on_every_route(client: Any, store: Instance):
    big = "9223372036854775808"
    response = client.get(f"{BASE}/article/{big}")
    assert response.status_code == 400 and "参数 article_id：" in response.text
    token = form_token(client)
    response = client.post(
        f"{BASE}/event/{big}/status",
        data={"status": "followed", "csrf": token},
        headers={"Origin": BASE},
    )
    assert response.status_code == 400
    assert client.get(f"{BASE}/article/9223372036854775807").status_code == 404


def test_a_note_that_is_not_utf8_is_refused_and_nothing_is_stored(client: Any, store: Instance):
    token = form_token(client)
    before = rows(store, "select * from follow_ups")
    for note in (b"%FF%FE%00", b"%FF%FE", b"ok%00"):
        response = client.post(
            f"{BASE}/event/1/status",
            data=b"status=followed&csrf=" + token.encode() + b"&note=" + note,
            headers={"Origin": BASE, "Content-Type": "application/x-www-form-urlencoded"},
        )
        assert response.status_code == 400, note
        assert "UTF-8" in response.text or "控制字符" in response.text
    response = client.post(
        f"{BASE}/event/1/status",
        data={"status": "followed", "csrf": token, "note": "x" * 2001},
        headers={"Origin": BASE},
    )
    assert response.status_code == 400 and "最多 2000 个字符" in response.text
    assert rows(store, "select * from follow_ups") == before
    # a good note with line breaks and full-width text is stored as it was typed
    note = "已联系项目方\r\n下周赴沪考察（第２次）"
    response = client.post(
        f"{BASE}/event/1/status",
        data={"status": "followed", "csrf": token, "note": note},
        headers={"Origin": BASE},
    )
    assert response.status_code == 303
    assert rows(store, "select status, note from follow_ups where subject = 'event'") == [
        ("followed", note)
    ]
    client.post(
        f"{BASE}/event/1/status",
        data={"status": "clear", "csrf": token},
        headers={"Origin": BASE},
    )


# --- forms: a token per session, and the Origin ---------------------------------------


def test_csrf_tokens_are_per_session_and_cross_origin_forms_are_refused(app: Any, store: Instance):
    alice, mallory = app.test_client(), app.test_client()
    alice_token, mallory_token = form_token(alice), form_token(mallory)
    assert alice_token != mallory_token
    assert form_token(alice) == alice_token  # stable within the session
    url = f"{BASE}/event/2/status"
    form = {"status": "dismissed", "csrf": alice_token}
    refused = [
        ("another session's token", mallory_token, {"Origin": BASE}),
        ("no token", "", {"Origin": BASE}),
        ("a cross-origin form with a valid token", alice_token, {"Origin": "http://evil.example"}),
        ("same host, other port", alice_token, {"Origin": "http://127.0.0.1:8601"}),
        ("an opaque origin", alice_token, {"Origin": "null"}),
        ("no Origin, foreign Referer", alice_token, {"Referer": "http://evil.example/x"}),
        ("no Origin and no Referer", alice_token, {}),
        (
            "a foreign Origin and our Referer",
            alice_token,
            {"Origin": "http://evil.example", "Referer": f"{BASE}/event/2"},
        ),
    ]
    for what, token, headers in refused:
        response = alice.post(url, data={**form, "csrf": token}, headers=headers)
        assert response.status_code == 403, what
        assert_answered(response, what)
    assert rows(store, "select * from follow_ups where status = 'dismissed'") == []
    # without alice's session cookie her token is worth nothing
    fresh = app.test_client()
    assert fresh.post(url, data=form, headers={"Origin": BASE}).status_code == 403
    # from our own page: Origin, or (older browsers) only a Referer of ours
    assert alice.post(url, data=form, headers={"Origin": BASE}).status_code == 303
    assert (
        alice.post(
            url, data={**form, "status": "clear"}, headers={"Referer": f"{BASE}/event/2"}
        ).status_code
        == 303
    )
    cookie = alice.get_cookie("leadwatch_session", domain="127.0.0.1")
    assert cookie.http_only and cookie.same_site == "Strict"


# --- the Host a request was addressed to ------------------------------------------------


@pytest.mark.parametrize(
    ("host", "status"),
    [
        ("127.0.0.1:8600", 200),
        ("localhost:8600", 200),
        ("localhost.:8600", 200),
        ("LOCALHOST", 200),
        ("[::1]:8600", 200),
        ("127.0.0.2", 200),
        ("evil.example", 400),
        ("127.0.0.1.evil.example", 400),
        ("localhost.evil.example:8600", 400),
        ("127.0.0.1@evil.example", 400),
        ("127.0.0.1:8600, evil.example", 400),
        ("127.0.0.1:99999", 400),
        ("[::ffff:127.0.0.1]", 200),
        ("", 400),
    ],
)
def test_only_loopback_hosts_are_answered(client: Any, host: str, status: int):
    response = client.get("/", headers={"Host": host})
    assert response.status_code == status, host
    assert_answered(response, host)


@pytest.mark.parametrize(
    ("given", "normal", "loopback"),
    [
        ("127.0.0.1 ", "127.0.0.1", True),
        (" localhost.", "localhost", True),
        ("::ffff:127.0.0.1", "127.0.0.1", True),
        ("[::1]", "::1", True),
        ("0:0:0:0:0:0:0:1", "::1", True),
        ("127.1.2.3", "127.1.2.3", True),
        ("0.0.0.0", "0.0.0.0", False),
        ("::ffff:192.0.2.10", "192.0.2.10", False),
        ("Office-PC.local.", "office-pc.local", False),
        ("localhost.evil.example", "localhost.evil.example", False),
    ],
)
def test_bind_addresses_are_normalised_before_the_loopback_check(
    given: str, normal: str, loopback: bool
):
    assert normalise_host(given) == normal
    assert is_loopback(given) is loopback


def test_a_bind_address_that_is_no_address_is_a_clear_error(store: Instance):
    for host in ("bad host", "127.0.0.1:8600", "", "[::1"):
        result = store.run("serve", "--host", host, "--port", "0", check=False)
        assert result.returncode == 2, host
        assert "neither an IP address nor a host name" in result.stderr
        assert "Traceback" not in result.stderr
    assert "--port 8600" in store.run("serve", "--host", "127.0.0.1:8600", check=False).stderr


# --- the same guards in the real server over HTTP ----------------------------------------


def _exchange(port: int, request: bytes) -> tuple[int, bytes]:
    """One raw HTTP/1.1 exchange: the status code and the whole answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
        conn.sendall(request)
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
    return int(answer.split(b" ", 2)[1]), answer


@pytest.mark.integration
def test_the_real_server_checks_the_effective_host_and_the_origin(store: Instance):
    token = "t0k3n-" + "z" * 26
    server = Server(store, "--host", "127.0.0.1 ", "--port", "0")  # normalised, not a traceback
    try:
        port = int(server.url.rstrip("/").rsplit(":", 1)[1])
        plain = f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
        assert _exchange(port, plain.encode())[0] == 200
        absolute = (
            f"GET http://evil.example/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            "Connection: close\r\n\r\n"
        )
        status, answer = _exchange(port, absolute.encode())
        assert status == 400 and "只接受".encode() in answer
        own_absolute = (
            f"GET http://127.0.0.1:{port}/sources HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            "Connection: close\r\n\r\n"
        )
        assert _exchange(port, own_absolute.encode())[0] == 200
        rebinding = f"GET / HTTP/1.1\r\nHost: evil.example:{port}\r\nConnection: close\r\n\r\n"
        assert _exchange(port, rebinding.encode())[0] == 400
        assert _exchange(port, b"GET / HTTP/1.0\r\n\r\n")[0] == 400  # no Host at all

        # a cross-origin form that carries the visitor's cookie and valid token
        page = f"GET /event/3 HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
        _, answer = _exchange(port, page.encode())
        cookie = re.search(rb"Set-Cookie: (leadwatch_session=[^;]+)", answer)[1].decode()
        csrf = re.search(rb'name="csrf" value="([^"]+)"', answer)[1].decode()
        body = urllib.parse.urlencode({"status": "dismissed", "csrf": csrf}).encode()

        def post(origin: str) -> int:
            request = (
                f"POST /event/3/status HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                f"Origin: {origin}\r\nCookie: {cookie}\r\n"
                "Content-Type: application/x-www-form-urlencoded\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
            ).encode()
            return _exchange(port, request + body)[0]

        assert post("http://evil.example") == 403
        assert (
            rows(store, "select * from follow_ups where subject = 'event' and status = 'dismissed'")
            == []
        )
        assert post(f"http://127.0.0.1:{port}") == 303
        assert rows(
            store, "select status from follow_ups where subject = 'event' and status = 'dismissed'"
        ) == [("dismissed",)]
    finally:
        server.stop()
    # with a token, the odd spellings of loopback bind instead of ending in a traceback
    for host in ("::ffff:127.0.0.1", "127.0.0.1 "):
        server = Server(store, "--host", host, "--port", "0", env={"LEADWATCH_WEB_TOKEN": token})
        server.stop()
