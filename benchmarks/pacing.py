"""Pacing: the real gaps between posts to one channel, and that other channels are not held.

``python -m benchmarks.pacing [--interval 1.0] [--burst 5] [--threads 4]``
A client with the channel pacer (as the scheduler's) posts ``--burst`` messages to one channel,
then one to another; the test bench's fake Slack answers over HTTP on loopback and, like Slack,
answers 429 to a post sooner than the interval after the last in that channel. Then
``--threads`` threads take turns in one channel at once. Prints a table. (The tests check the
waits the pacer hands out with its clock replaced; these are the wall-clock figures.)
"""

from __future__ import annotations

import argparse
import itertools
import time
from concurrent.futures import ThreadPoolExecutor

from bot.app import make_client
from bot.pacing import ChannelPacer
from bot.settings import load_settings
from sandbox.slack import FakeSlack


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between posts")
    parser.add_argument("--burst", type=int, default=5, help="posts to one channel")
    parser.add_argument("--threads", type=int, default=4, help="threads taking turns")
    args = parser.parse_args()

    fake = FakeSlack().start()
    fake.enforce_channel_rate(args.interval)
    settings = load_settings(
        _env_file=None,
        slack_bot_token="xoxb-bench",
        slack_signing_secret="s" * 16,
        slack_api_url=fake.url,
        database_url="sqlite://",
        channel_post_interval_seconds=args.interval,
    )
    client = make_client(settings, pacer=ChannelPacer(args.interval))
    started = time.monotonic()
    for _ in range(args.burst):
        client.chat_postMessage(channel="C_BUSY", text="reminder")
    client.chat_postMessage(channel="C_OTHER", text="prompt")
    burst_s = time.monotonic() - started
    posts = fake.calls_to("chat.postMessage")
    busy = [c.at for c in posts if c.args["channel"] == "C_BUSY"]
    other = next(c.at for c in posts if c.args["channel"] == "C_OTHER")
    gaps = [b - a for a, b in itertools.pairwise(busy)]
    rate_limited = fake.rate_limited
    fake.stop()

    pacer = ChannelPacer(args.interval)
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=args.threads) as pool:
        waits = sorted(pool.map(lambda _: pacer.wait("C1"), range(args.threads)))
    threads_s = time.monotonic() - started

    print(
        f"\nChannel pacing: {args.burst} posts to one channel then one to another, "
        f"{args.interval:g} s apart per channel; fake Slack over HTTP enforcing the same\n"
    )
    print("| measure | value |")
    print("| --- | --- |")
    ideal = (args.burst - 1) * args.interval
    print(f"| the burst and the other post | {burst_s:.2f} s (ideal {ideal:.2f} s) |")
    if gaps:
        print(f"| gaps between posts in one channel | {min(gaps):.3f} to {max(gaps):.3f} s |")
    print(f"| other channel's post after the burst's last | {other - busy[-1]:.3f} s |")
    print(f"| 429s from the per-channel limit | {rate_limited} |")
    print(
        f"| {args.threads} threads taking turns in one channel | {threads_s:.2f} s "
        f"(waits {', '.join(f'{w:.2f}' for w in waits)} s) |"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
