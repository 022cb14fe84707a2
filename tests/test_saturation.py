"""Past capacity, partnerbot fails fast and says so: bot.saturation, its server and its app."""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace
from typing import Any

import pytest
from slack_bolt import Ack, App, BoltRequest
from slack_sdk import WebClient

from bot.listening import answer_on_ack
from bot.saturation import Saturation
from bot.server import BufferingThreadWorker, held_by_kernel, make_wsgi
from sandbox import requests as rq
from sandbox.slack import FakeSlack, Fault
from tests.bench.harness import CHANNEL, SECRET, TOKEN, VENDOR
from tests.test_server import free_port, partnerbot, served_env, wait_healthy


class Conn(SimpleNamespace):
    __hash__ = object.__hash__  # a connection is itself, as gunicorn's are


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_request_waiting_past_the_limit_makes_the_process_saturated_until_it_recovers(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = Clock()
    saturation = Saturation(limit_s=2.5, clock=clock)
    saturation.waiting("first")
    clock.now += 1
    assert saturation.status() == {
        "saturated": False,
        "waiting": 1,
        "oldest_wait_s": 1.0,
        "limit_s": 2.5,
    }
    clock.now += 2  # still waiting, 3 s on: saturated before it even starts
    with caplog.at_level(logging.WARNING, logger="partnerbot.capacity"):
        assert saturation.saturated()
        assert saturation.started("first") == 3.0
        assert saturation.saturated()  # it got its thread too late: it still counts
        clock.now += 4.9
        saturation.waiting("quick")
        assert saturation.started("quick") == 0.0
        assert saturation.saturated()  # for twice the limit after the late one
        clock.now += 0.2
        assert not saturation.saturated()
    said = [r.getMessage() for r in caplog.records]
    assert said[0].startswith("saturated: requests wait or are answered after more than 2.5 s; 1")
    assert said[-1].startswith("no longer saturated")


def test_answers_that_keep_coming_late_make_the_process_saturated_one_alone_does_not() -> None:
    clock = Clock()
    saturation = Saturation(limit_s=2.5, clock=clock)
    saturation.answered(2.0)
    saturation.answered(2.8)  # one slow listener
    assert not saturation.saturated()
    clock.now += 1
    saturation.answered(2.6)
    assert not saturation.saturated()
    clock.now += 1
    saturation.answered(3.1)  # the third within 5 s: every thread crawls
    assert saturation.saturated()
    clock.now += 5.1
    assert not saturation.saturated()


def test_healthz_answers_503_with_the_figures_while_saturated(bench: Any) -> None:
    clock = Clock()
    saturation = Saturation(limit_s=0.5, clock=clock)
    wsgi = make_wsgi(bench.app, bench.sessions.kw["bind"], saturation=saturation)
    seen: list[str] = []

    def get() -> dict[str, Any]:
        environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/healthz"}
        body = b"".join(wsgi(environ, lambda status, _headers: seen.append(status)))
        return json.loads(body)

    assert get() == {"ok": True} and seen[-1].startswith("200")
    saturation.waiting("stuck")
    clock.now += 0.6
    assert get() == {
        "ok": False,
        "saturated": True,
        "waiting": 1,
        "oldest_wait_s": 0.6,
        "limit_s": 0.5,
    }
    assert seen[-1].startswith("503")


def test_the_server_answers_503_at_once_to_a_request_slack_gave_up_on() -> None:
    clock = Clock()
    worker: Any = BufferingThreadWorker.__new__(BufferingThreadWorker)
    worker.saturation = Saturation(clock=clock)
    ours, theirs = socket.socketpair()
    conn = Conn(sock=ours, client=("203.0.113.9", 4000))
    worker.saturation.waiting(conn)
    clock.now += 3.5  # every server thread was busy meanwhile
    try:
        assert worker.handle(conn) == (False, conn)
        answer = theirs.recv(4096)
    finally:
        ours.close()
        theirs.close()
    assert answer.startswith(b"HTTP/1.1 503 ")
    assert worker.saturation.saturated()


def test_the_wait_counts_from_when_the_bytes_reached_the_machine() -> None:
    listener = socket.create_server(("127.0.0.1", 0))
    client = socket.create_connection(listener.getsockname())
    try:
        client.sendall(b"POST /slack/events HTTP/1.1\r\n")
        time.sleep(0.2)  # the process is busy: the request waits to be accepted
        accepted, _ = listener.accept()
        with accepted:
            assert held_by_kernel(accepted) >= 0.15  # at least that long (the clock ticks in ms)
    finally:
        client.close()
        listener.close()


@pytest.fixture
def one_thread() -> Any:
    executor = ThreadPoolExecutor(max_workers=1)
    yield executor
    executor.shutdown(wait=True, cancel_futures=True)


def command(channel: str) -> BoltRequest:
    body = rq.command_body(
        "/partner", "", user="U_TM", team=VENDOR, channel=channel, response_url="http://x/r"
    )
    return BoltRequest(body=body, headers=rq.signed_headers(SECRET, body))


def test_a_listener_that_never_got_a_thread_in_time_is_answered_503_and_never_runs(
    fake_slack: FakeSlack, one_thread: ThreadPoolExecutor
) -> None:
    app = App(
        signing_secret=SECRET,
        client=WebClient(token=TOKEN, base_url=fake_slack.url),
        token_verification_enabled=False,
        listener_executor=one_thread,
    )
    release = threading.Event()
    ran: list[str] = []

    @app.command("/partner")
    def busy(ack: Ack, command: dict[str, Any]) -> None:
        ack()
        ran.append(command["channel_id"])
        if command["channel_id"] == "C_FIRST":
            release.wait(timeout=30)  # holds the only listener thread

    app._listeners[-1].ack_timeout = 0.3  # Slack's 3 s, shortened for the test
    saturation = Saturation(limit_s=0.1)
    answer_on_ack(app, saturation)
    assert app.dispatch(command("C_FIRST")).status == 200
    late = app.dispatch(command("C_SECOND"))  # waits for the thread C_FIRST holds
    assert late.status == 503
    assert saturation.status()["saturated"] and saturation.status()["waiting"] == 1
    release.set()
    one_thread.submit(lambda: None).result(timeout=30)  # the queue has drained
    assert ran == ["C_FIRST"]  # C_SECOND was dropped: Slack had told its person it failed
    assert saturation.status()["waiting"] == 0


def healthz(port: int) -> tuple[int, dict[str, Any]]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as refused:
        return refused.code, json.loads(refused.read())


def post(port: int, body: str) -> int:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/slack/events",
        data=body.encode(),
        headers=rq.signed_headers(SECRET, body),
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status
    except urllib.error.HTTPError as refused:
        return refused.code


def until(check: Any, timeout: float = 15) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := check():
            return value
        time.sleep(0.05)
    raise AssertionError("never happened")


@pytest.mark.slow
def test_a_saturated_partnerbot_says_so_on_healthz_and_recovers(
    tmp_path: Any, fake_slack: FakeSlack
) -> None:
    """One listener thread, held by a modal Slack is slow to open: the next command waits."""
    port = free_port()
    env = served_env(
        tmp_path, fake_slack, port, LISTENER_THREADS="1", SATURATED_AFTER_SECONDS="0.3"
    )
    fake_slack.fail("views.open", Fault(delay=4))
    process = partnerbot("run", env=env, cwd=tmp_path)
    try:
        wait_healthy(port, process)
        assert healthz(port) == (200, {"ok": True})

        def partner(channel: str) -> str:
            return rq.command_body(
                "/partner",
                "",
                user="U_TM",
                team=VENDOR,
                channel=channel,
                response_url=fake_slack.response_url(),
            )

        assert post(port, partner(CHANNEL)) == 200  # answered; its modal takes 4 s to open
        second: list[int] = []
        waiting = threading.Thread(target=lambda: second.append(post(port, partner("C0OTHER"))))
        waiting.start()
        _, said = until(lambda: (h := healthz(port))[0] == 503 and h)
        assert said["ok"] is False and said["saturated"] is True and said["waiting"] >= 1
        waiting.join(timeout=15)
        assert second == [503]  # Slack's 3 s passed before its listener could start
        until(lambda: healthz(port)[0] == 200)  # the modal opened, the queue drained
        opened = fake_slack.calls_to("views.open")
        assert len(opened) == 1  # the second command was dropped, never run
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=40)
    assert "saturated: " in output and "no longer saturated" in output, output
