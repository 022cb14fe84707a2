"""The HTTP door: what an unsigned, oversized, malformed or slow request gets, and what is logged.

The first tests call the WSGI app the way gunicorn does; the last ones start ``partnerbot run``
and speak to it over loopback sockets.
"""

from __future__ import annotations

import http.client
import io
import json
import logging
import signal
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any
from wsgiref.util import setup_testing_defaults

import pytest

from bot.server import COMPLETE, INCOMPLETE, MAX_BODY_BYTES, Arrival, make_wsgi
from sandbox import requests as rq
from tests.bench.harness import CHANNEL, SECRET, VENDOR
from tests.test_server import free_port, partnerbot, served_env, wait_healthy

MiB = 1024 * 1024


class Input(io.BytesIO):
    """``wsgi.input`` that remembers how much the app asked for."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.asked = 0

    def read(self, size: int | None = -1) -> bytes:
        self.asked += len(self.getvalue()) if size is None or size < 0 else size
        return super().read(size)


def call(
    wsgi: Any,
    body: bytes | Input,
    headers: dict[str, str],
    *,
    length: int | str | None = "auto",
    method: str = "POST",
    path: str = "/slack/events",
) -> tuple[int, bytes]:
    stream = body if isinstance(body, Input) else Input(body)
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "CONTENT_TYPE": headers.get("content-type", ""),
        "wsgi.input": stream,
    }
    if length == "auto":
        environ["CONTENT_LENGTH"] = str(len(stream.getvalue()))
    elif length is not None:
        environ["CONTENT_LENGTH"] = str(length)
    environ.update({"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items()})
    setup_testing_defaults(environ)
    seen: dict[str, int] = {}

    def start_response(status: str, _headers: list[tuple[str, str]]) -> None:
        seen["status"] = int(status.split()[0])

    answer = b"".join(wsgi(environ, start_response))
    return seen["status"], answer


def command(fake_slack: Any, text: str = "") -> str:
    return rq.command_body(
        "/partner",
        text,
        user="U_TM",
        team=VENDOR,
        channel=CHANNEL,
        response_url=fake_slack.response_url(),
    )


@pytest.fixture
def wsgi(bench, engine):
    return make_wsgi(bench.app, engine)


# -- what is logged -------------------------------------------------------------------------


def quiet_bolt_is_not_luck(caplog: pytest.LogCaptureFixture) -> None:
    """Bolt's loggers copy the root level when the app is built: INFO in production."""
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="slack_bolt.RequestVerification")


def test_a_refused_request_is_logged_without_its_body(wsgi, bench, fake_slack, caplog):
    body = command(fake_slack, "secret plans") + "&x=\n2026-01-01 INFO forged entry"
    quiet_bolt_is_not_luck(caplog)
    status, _ = call(wsgi, body.encode(), rq.signed_headers("rotated-secret", body))
    assert status == 401
    logged = "\n".join(f"{r.name} {r.getMessage()}" for r in caplog.records)
    assert "secret+plans" not in logged and "forged" not in logged
    assert "response_url" not in logged and "hooks" not in logged
    [line] = [r for r in caplog.records if r.name == "bot.server"]
    assert line.levelno == logging.WARNING
    assert line.getMessage() == (
        f"refused POST /slack/events ({len(body)} bytes): signature does not match"
    )


def test_refusal_reasons_are_named(wsgi, fake_slack, caplog):
    body = command(fake_slack)
    stale = rq.signed_headers(SECRET, body, timestamp=int(time.time()) - 301)
    cases = [
        ({}, "not signed"),
        ({"x-slack-request-timestamp": "soon", "x-slack-signature": "v0=ab"}, "timestamp"),
        (stale, "timestamp more than 5 minutes off"),
    ]
    caplog.set_level(logging.INFO)
    for headers, reason in cases:
        caplog.clear()
        status, _ = call(wsgi, body.encode(), headers)
        assert status == 401, headers
        [line] = [r.getMessage() for r in caplog.records if r.name == "bot.server"]
        assert reason in line and str(len(body)) in line


def test_bolts_own_log_line_with_the_body_is_silenced(wsgi, caplog):
    """Bolt's verifier logs the whole body at INFO: that logger must drop it wherever used."""
    from slack_bolt.middleware.request_verification import RequestVerification

    quiet_bolt_is_not_luck(caplog)
    verifier = RequestVerification(SECRET)
    verifier._debug_log_error("v0=00", "1", "token=legacy&response_url=https://hooks.example")
    assert "hooks.example" not in caplog.text


def test_logging_as_configured_in_production_drops_it_too(capsys):
    from slack_bolt.middleware.request_verification import RequestVerification

    from bot.logs import BOLT_BODY_LOGGERS, DropRecords, configure_logging
    from bot.settings import load_settings

    root = logging.getLogger()
    saved = root.handlers[:], root.level
    bolt = logging.getLogger(BOLT_BODY_LOGGERS[0])
    bolt.filters = [f for f in bolt.filters if not isinstance(f, DropRecords)]
    try:
        configure_logging(load_settings(_env_file=None, log_level="DEBUG"))
        RequestVerification(SECRET)._debug_log_error("v0=00", "1", "response_url=https://hooks")
        logging.getLogger("slack_bolt.Other").info("other Bolt lines still pass")
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)
    err = capsys.readouterr().err
    assert "hooks" not in err and "other Bolt lines still pass" in err


def test_a_non_numeric_timestamp_is_401_not_500(wsgi, fake_slack):
    body = command(fake_slack)
    for timestamp in ("soon", "", " 12", "1e9", "9" * 5000, "١٢٣"):
        headers = rq.signed_headers(SECRET, body) | {"x-slack-request-timestamp": timestamp}
        status, _ = call(wsgi, body.encode(), headers)
        assert status == 401, timestamp


def test_a_signed_request_still_works(wsgi, bench, fake_slack):
    body = command(fake_slack)
    status, _ = call(wsgi, body.encode(), rq.signed_headers(SECRET, body))
    bench.executor.wait_idle()
    assert status == 200
    assert fake_slack.calls_to("views.open")


# -- size --------------------------------------------------------------------------------------


def test_a_body_over_one_mib_is_refused_unread(wsgi, caplog):
    stream = Input(b"")  # nothing behind it: the app must not even try
    caplog.set_level(logging.INFO)
    status, _ = call(wsgi, stream, {}, length=10 * MiB)
    assert status == 413
    assert stream.asked == 0
    assert "413" in caplog.text or "too large" in caplog.text


def test_a_body_of_exactly_one_mib_is_read_and_checked(wsgi):
    body = b"x" * MAX_BODY_BYTES
    assert MiB == MAX_BODY_BYTES
    status, _ = call(wsgi, body, {})
    assert status == 401  # read, then refused as unsigned


def test_a_body_of_unknown_length_is_read_at_most_one_mib_and_a_byte(wsgi):
    stream = Input(b"x" * (3 * MiB))
    status, _ = call(wsgi, stream, {}, length=None)
    assert status == 413
    assert stream.asked <= MiB + 1


def test_a_malformed_content_length_is_400(wsgi):
    for length in ("ten", "-5"):
        status, _ = call(wsgi, b"x", {}, length=length)
        assert status == 400, length


def test_health_is_not_limited_by_the_door(wsgi):
    status, answer = call(wsgi, b"", {}, method="GET", path="/healthz")
    assert status == 200 and json.loads(answer) == {"ok": True}


# -- framing in the event loop (bot.server.Arrival) -------------------------------------------


def feed_bytewise(data: bytes) -> list[str]:
    arrival = Arrival(deadline=0)
    return [arrival.feed(data[i : i + 1]) for i in range(len(data))]


def test_a_request_trickled_byte_by_byte_is_complete_exactly_at_its_last_byte():
    head = b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n"
    verdicts = feed_bytewise(head + b"hello")
    assert verdicts[-1] == COMPLETE and set(verdicts[:-1]) == {INCOMPLETE}

    chunked = (
        b"POST /slack/events HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n"
    )
    verdicts = feed_bytewise(chunked)
    assert verdicts[-1] == COMPLETE and set(verdicts[:-1]) == {INCOMPLETE}
    assert feed_bytewise(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")[-1] == COMPLETE


def test_framing_refusals():
    def verdict(data: bytes) -> str:
        return Arrival(deadline=0).feed(data)

    post = b"POST /slack/events HTTP/1.1\r\n"
    assert verdict(post + b"Content-Length: 1048577\r\n\r\n").startswith("413")
    assert verdict(post + b"Content-Length: 1048576\r\n\r\n") == INCOMPLETE
    assert verdict(post + b"Content-Length: 5\r\nContent-Length: 6\r\n\r\n").startswith("400")
    assert verdict(post + b"Content-Length: -5\r\n\r\n").startswith("400")
    assert verdict(post + b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n")[:3] == ("400")
    assert verdict(post + b"Transfer-Encoding: gzip, chunked\r\n\r\n").startswith("400")
    chunked = post + b"Transfer-Encoding: chunked\r\n\r\n"
    assert verdict(chunked + b"0x10\r\n").startswith("400")
    assert verdict(chunked + b"100000\r\n" + b"x" * 10) == INCOMPLETE  # exactly 1 MiB: fine
    assert verdict(chunked + b"100001\r\n" + b"x" * 10).startswith("413")  # 1 MiB + 1
    assert verdict(post + b"X-Big: " + b"a" * 40_000).startswith("431")


# -- the real server ---------------------------------------------------------------------------

SLOW_CONNECTIONS = 100
ARRIVAL_S = 4


@pytest.fixture
def server(tmp_path, fake_slack) -> Iterator[tuple[int, list[str]]]:
    port = free_port()
    env = served_env(tmp_path, fake_slack, port, REQUEST_ARRIVAL_TIMEOUT_SECONDS=str(ARRIVAL_S))
    process = partnerbot("run", env=env, cwd=tmp_path)
    output: list[str] = []
    try:
        wait_healthy(port, process)
        yield port, output
    finally:
        process.send_signal(signal.SIGTERM)
        out, _ = process.communicate(timeout=40)
        output.append(out)
    assert process.returncode == 0, out


def timed_get(port: int, path: str = "/healthz", timeout: float = 1.0) -> tuple[int, float]:
    started = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path)
        status = connection.getresponse().status
    finally:
        connection.close()
    return status, time.monotonic() - started


def timed_post(port: int, body: bytes, headers: dict[str, str], timeout: float = 1.0):
    started = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("POST", "/slack/events", body=body, headers=headers)
        response = connection.getresponse()
        status = response.status
        response.read()
    finally:
        connection.close()
    return status, time.monotonic() - started


def open_slow(port: int, count: int) -> list[socket.socket]:
    """Sockets that announced a 100 kB body and will send it a byte at a time."""
    head = (
        b"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\n"
    )
    sockets = []
    for _ in range(count):
        s = socket.create_connection(("127.0.0.1", port), timeout=2)
        s.sendall(head)
        sockets.append(s)
    return sockets


@pytest.mark.slow
def test_slow_bodies_do_not_stall_health_or_slack(server, fake_slack):
    port, _ = server
    sockets = open_slow(port, SLOW_CONNECTIONS)
    stop = threading.Event()
    closed_by_server: list[bytes] = []

    def trickle() -> None:
        deadline = time.monotonic() + ARRIVAL_S + 4  # bounded in time whatever happens
        while not stop.is_set() and time.monotonic() < deadline and sockets:
            for s in list(sockets):
                try:
                    s.sendall(b"a")
                except OSError:
                    sockets.remove(s)
            stop.wait(1.0)

    trickler = threading.Thread(target=trickle, daemon=True)
    trickler.start()
    try:
        time.sleep(1.5)  # let every slow connection reach the server and start its body
        health = [timed_get(port) for _ in range(3)]
        assert all(status == 200 for status, _ in health), health
        assert max(elapsed for _, elapsed in health) < 1.0, health

        body = command(fake_slack).encode()
        status, elapsed = timed_post(port, body, rq.signed_headers(SECRET, body.decode()))
        assert status == 200 and elapsed < 1.0, (status, elapsed)

        # After the arrival bound each slow connection is answered 408 and closed.
        time.sleep(ARRIVAL_S)
        for s in list(sockets):
            s.settimeout(3)
            try:
                closed_by_server.append(s.recv(200))
            except OSError:
                closed_by_server.append(b"")
    finally:
        stop.set()
        trickler.join(timeout=5)
        for s in sockets:
            s.close()
    assert len(closed_by_server) == SLOW_CONNECTIONS
    assert all(answer.startswith(b"HTTP/1.1 408") for answer in closed_by_server)
    assert timed_get(port)[0] == 200


@pytest.mark.slow
def test_oversized_and_unsigned_requests_over_http(server, fake_slack):
    port, _ = server
    # Headers announcing 10 MB are answered 413 at once, without the body ever being sent.
    with socket.create_connection(("127.0.0.1", port), timeout=3) as s:
        s.sendall(b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: 10485760\r\n\r\n")
        assert s.recv(100).startswith(b"HTTP/1.1 413")

    # A chunked body is cut at 1 MiB + 1.
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    chunks = (b"x" * 65536 for _ in range(40))  # 2.5 MiB
    connection.request("POST", "/slack/events", body=chunks, encode_chunked=True)
    assert connection.getresponse().status == 413
    connection.close()

    # An unsigned body with a forged log line is refused and only its size is logged.
    body = command(fake_slack, "x\n2026-01-01 INFO forged entry").encode()
    status, _ = timed_post(port, body, {"x-slack-request-timestamp": "soon"}, timeout=5)
    assert status == 401
    status, _ = timed_get(port)
    assert status == 200

    # Kept-alive connections, a chunked signed request, and "Expect: 100-continue" work.
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=3)
    for _ in range(3):
        connection.request("GET", "/healthz")
        assert connection.getresponse().read() == b'{"ok": true}'
    body = command(fake_slack).encode()
    headers = rq.signed_headers(SECRET, body.decode())
    connection.request(
        "POST",
        "/slack/events",
        body=iter([body[:40], body[40:]]),
        headers=headers,
        encode_chunked=True,
    )
    answer = connection.getresponse()
    assert answer.status == 200
    answer.read()
    connection.request(
        "POST", "/slack/events", body=b"x" * 2000, headers={"Expect": "100-continue"}
    )
    answer = connection.getresponse()  # http.client skips the 100 Continue
    assert answer.status == 401
    answer.read()
    connection.close()
    with socket.create_connection(("127.0.0.1", port), timeout=3) as s:
        s.sendall(
            b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n"
            b"Expect: 100-continue\r\n\r\n"
        )
        assert s.recv(100) == b"HTTP/1.1 100 Continue\r\n\r\n"  # before the body is sent
        s.sendall(b"abc")
        answer_bytes = b""
        while b" 401 " not in answer_bytes and (chunk := s.recv(200)):
            answer_bytes += chunk
        assert b"HTTP/1.1 401 " in answer_bytes

    # A signed request that arrives in two packets is served once it is complete.
    body = command(fake_slack).encode()
    headers = rq.signed_headers(SECRET, body.decode())
    with socket.create_connection(("127.0.0.1", port), timeout=3) as s:
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        start = f"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: {len(body)}\r\n"
        s.sendall((start + head + "\r\n").encode() + body[:10])
        time.sleep(0.3)
        s.sendall(body[10:])
        assert s.recv(100).startswith(b"HTTP/1.1 200")


@pytest.mark.slow
def test_server_output_never_holds_a_refused_body(tmp_path, fake_slack):
    """What a rotated signing secret leaves in the real server's output: sizes, no bodies."""
    port = free_port()
    env = served_env(tmp_path, fake_slack, port)
    process = partnerbot("run", env=env, cwd=tmp_path)
    try:
        wait_healthy(port, process)
        body = command(fake_slack, "x\n2026-01-01 INFO forged entry").encode()
        status, _ = timed_post(port, body, rq.signed_headers("rotated", body.decode()), timeout=5)
        assert status == 401
    finally:
        process.send_signal(signal.SIGTERM)
        out, _ = process.communicate(timeout=40)
    assert "forged" not in out and "response_url" not in out and "hooks" not in out
    assert f"refused POST /slack/events ({len(body)} bytes): signature does not match" in out


def test_every_configured_secret_is_masked_in_logs(capsys):
    from cryptography.fernet import Fernet

    from bot.logs import configure_logging
    from bot.settings import load_settings

    key = Fernet.generate_key().decode()
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        configure_logging(
            load_settings(
                _env_file=None,
                slack_client_id="123.456",
                slack_client_secret="client-secret-value",
                token_encryption_key=key,
            )
        )
        logging.getLogger("bot.test").warning("leak %s %s", "client-secret-value", key)
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)
    err = capsys.readouterr().err
    assert "client-secret-value" not in err and key not in err and "leak *** ***" in err
