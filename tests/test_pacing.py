"""Scheduled posts keep to Slack's one-message-per-second-per-channel limit."""

from __future__ import annotations

import itertools
import time

from bot.app import make_client
from bot.pacing import ChannelPacer
from tests.bench.harness import bench_settings


def test_posts_to_one_channel_are_a_second_apart_and_others_are_not_held(fake_slack):
    settings = bench_settings(fake_slack, channel_post_interval_seconds=0.3)
    client = make_client(settings, pacer=ChannelPacer(settings.channel_post_interval_seconds))
    for _ in range(3):
        client.chat_postMessage(channel="C_BUSY", text="reminder")
    client.chat_postMessage(channel="C_OTHER", text="prompt")
    busy = [c.at for c in fake_slack.calls_to("chat.postMessage") if c.args["channel"] == "C_BUSY"]
    gaps = [b - a for a, b in itertools.pairwise(busy)]
    assert len(gaps) == 2 and min(gaps) >= 0.29
    other = next(
        c.at for c in fake_slack.calls_to("chat.postMessage") if c.args["channel"] == "C_OTHER"
    )
    assert other - busy[-1] < 0.25  # a different channel did not wait its turn


def test_the_pacer_reserves_turns_across_threads():
    pacer = ChannelPacer(0.2)
    started = time.monotonic()
    waits = [pacer.wait("C1") for _ in range(4)]
    assert waits[0] == 0 and all(w > 0 for w in waits[1:])
    assert time.monotonic() - started >= 0.55
    assert pacer.wait("C2") == 0
    assert ChannelPacer(0).wait("C1") == 0
