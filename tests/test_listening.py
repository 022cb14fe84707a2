"""bot.listening: Bolt's matchers fed the body directly, and answers sent the moment of the ack."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from slack_bolt import Ack, App, BoltRequest
from slack_bolt.listener_matcher.builtins import BuiltinListenerMatcher
from slack_sdk import WebClient

from bot.listening import BodyMatcher, answer_on_ack, match_on_body
from sandbox import requests as rq
from sandbox.slack import FakeSlack
from tests.bench.harness import CHANNEL, SECRET, TOKEN, VENDOR, SlackBench


def test_every_listener_of_partnerbot_matches_on_the_body(bench: SlackBench) -> None:
    matchers = [m for listener in bench.app._listeners for m in listener.matchers]
    assert len(matchers) > 50
    assert not [m for m in matchers if isinstance(m, BuiltinListenerMatcher)]
    assert all(isinstance(m, BodyMatcher) for m in matchers)


@pytest.fixture
def pool() -> Any:
    executor = ThreadPoolExecutor(max_workers=4)
    yield executor
    executor.shutdown(wait=True, cancel_futures=True)


def small_app(fake_slack: FakeSlack, pool: ThreadPoolExecutor) -> App:
    app = App(
        signing_secret=SECRET,
        client=WebClient(token=TOKEN, base_url=fake_slack.url),
        token_verification_enabled=False,
        listener_executor=pool,
    )
    return app


def command(text: str = "") -> BoltRequest:
    body = rq.command_body(
        "/partner", text, user="U_TM", team=VENDOR, channel=CHANNEL, response_url="http://x/r"
    )
    return BoltRequest(body=body, headers=rq.signed_headers(SECRET, body))


def test_the_answer_goes_out_when_the_listener_acks_while_it_carries_on(
    fake_slack: FakeSlack, pool: ThreadPoolExecutor
) -> None:
    app = small_app(fake_slack, pool)
    release, finished = threading.Event(), threading.Event()

    @app.command("/partner")
    def slow(ack: Ack) -> None:
        ack(text="on it")
        release.wait(timeout=30)  # what comes after the answer: Slack calls, effects
        finished.set()

    match_on_body(app)
    answer_on_ack(app)
    response = app.dispatch(command())
    assert (response.status, response.body) == (200, "on it")
    assert not finished.is_set()  # answered while the listener was still at work
    release.set()
    assert finished.wait(timeout=30)


def test_a_listener_that_fails_before_acking_is_answered_500(
    fake_slack: FakeSlack, pool: ThreadPoolExecutor
) -> None:
    app = small_app(fake_slack, pool)

    @app.command("/partner")
    def broken(ack: Ack) -> None:
        raise RuntimeError("before the ack")

    answer_on_ack(app)
    assert app.dispatch(command()).status == 500


def test_events_are_acknowledged_before_their_listener_runs(
    fake_slack: FakeSlack, pool: ThreadPoolExecutor
) -> None:
    app = small_app(fake_slack, pool)
    release, seen = threading.Event(), threading.Event()

    @app.event("app_home_opened")
    def opened() -> None:
        release.wait(timeout=30)
        seen.set()

    answer_on_ack(app)
    body = rq.event_body({"type": "app_home_opened", "user": "U_TM", "tab": "home"}, team=VENDOR)
    request = BoltRequest(
        body=body, headers=rq.signed_headers(SECRET, body, content_type="application/json")
    )
    assert app.dispatch(request).status == 200
    assert not seen.is_set()
    release.set()
    assert seen.wait(timeout=30)
