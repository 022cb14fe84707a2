"""Scheduled posts keep to Slack's one-message-per-second-per-channel limit.

The pacer's clock is replaced here, so these tests check the waits it hands out, not how long
anything took; ``python -m benchmarks pacing`` measures the real gaps.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from bot import pacing
from bot.app import make_client
from bot.pacing import ChannelPacer
from tests.bench.harness import bench_settings


class FakeTime:
    """Stands in for the ``time`` module in bot.pacing: a clock that only moves when told.

    With ``advance_on_sleep`` a sleep moves it (one thread sleeping, as the ticker does);
    without, sleeps are only recorded, so concurrent reservations are easy to read.
    """

    def __init__(self) -> None:
        self.now = 1000.0
        self.advance_on_sleep = True
        self.slept: list[float] = []
        self._lock = threading.Lock()

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.slept.append(seconds)
            if self.advance_on_sleep:
                self.now += seconds

    def advance(self, seconds: float) -> None:
        self.now += seconds


class RecordingPacer(ChannelPacer):
    def __init__(self, interval: float) -> None:
        super().__init__(interval)
        self.waits: list[tuple[str, float]] = []

    def wait(self, channel: str) -> float:
        waited = super().wait(channel)
        self.waits.append((channel, waited))
        return waited


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeTime:
    fake = FakeTime()
    monkeypatch.setattr(pacing, "time", fake)
    return fake


def test_posts_to_one_channel_are_spaced_and_others_are_not_held(fake_slack, clock):
    settings = bench_settings(fake_slack, channel_post_interval_seconds=0.3)
    pacer = RecordingPacer(settings.channel_post_interval_seconds)
    client = make_client(settings, pacer=pacer)
    for _ in range(3):
        client.chat_postMessage(channel="C_BUSY", text="reminder")
    client.chat_postMessage(channel="C_OTHER", text="prompt")
    assert pacer.waits == [
        ("C_BUSY", 0.0),
        ("C_BUSY", pytest.approx(0.3)),
        ("C_BUSY", pytest.approx(0.3)),
        ("C_OTHER", 0.0),  # a different channel did not wait its turn
    ]
    assert clock.slept == [pytest.approx(0.3), pytest.approx(0.3)]
    posted = [c.args["channel"] for c in fake_slack.calls_to("chat.postMessage")]
    assert posted == ["C_BUSY", "C_BUSY", "C_BUSY", "C_OTHER"]


def test_the_pacer_reserves_turns_across_threads(clock):
    clock.advance_on_sleep = False  # every thread reserves before any turn has passed
    pacer = ChannelPacer(0.2)
    with ThreadPoolExecutor(max_workers=4) as pool:
        waits = sorted(pool.map(lambda _: pacer.wait("C1"), range(4)))
    assert waits == [0.0, pytest.approx(0.2), pytest.approx(0.4), pytest.approx(0.6)]
    assert pacer.wait("C2") == 0
    clock.advance(1.0)  # every reserved turn (the last at +0.6 s) has passed
    assert pacer.wait("C1") == 0
    assert ChannelPacer(0).wait("C1") == 0
