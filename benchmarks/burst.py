"""Burst: ten wins logged at once in one channel while Slack rate-limits its posts.

``python -m benchmarks.burst [--wins 10] [--limited 3]``
Ten people submit the win modal at the same moment (signed ``view_submission`` requests
through the app); Slack answers 429 (Retry-After 1) to ``--limited`` of every ten
``chat.postMessage`` calls. The outbox ticks every ``--interval`` seconds, as ``partnerbot
run`` does (``SCHEDULER_INTERVAL_SECONDS``, 15 by default). Prints how many wins were celebrated,
how many 429s Slack answered, the slowest ack, the time until the last celebration appeared,
and duplicates.
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

from slack_bolt import BoltRequest
from sqlalchemy import select

from bot.runtime import make_ticker
from bot.scheduler import create_scheduler
from handlers.ids import Block as B
from sandbox import requests as rq
from sandbox.slack import FakeSlack, Fault
from storage import migrate
from storage.engine import make_engine, make_session_factory
from storage.models import Win
from tests.bench.harness import CHANNEL, SECRET, VENDOR, SlackBench, bench_settings
from tests.bench.scenarios import link_partnership
from tests.wins.helpers import win_values


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wins", type=int, default=10)
    parser.add_argument("--limited", type=int, default=3, help="429s in every ten posts")
    parser.add_argument("--interval", type=float, default=15, help="seconds between ticks")
    args = parser.parse_args()

    fake = FakeSlack(bot_team=VENDOR).start()
    for n in range(args.wins):
        fake.add_user(f"U_TM{n}", VENDOR, f"Seller {n}", "America/New_York")
    fake.add_user("U_TM", VENDOR, "Terry TM", "America/New_York")
    fake.add_user("U_DANA", "T_PARTNER", "Dana", "Europe/Berlin")
    fake.add_user("U_CAM", VENDOR, "Casey CAM", "America/Chicago")
    fake.add_user("U_PAT", "T_PARTNER", "Pat", "Europe/Berlin")
    folder = Path(tempfile.mkdtemp(prefix="partnerbot-burst-"))
    engine = make_engine(f"sqlite:///{folder / 'burst.db'}")
    migrate.upgrade(engine)
    sessions = make_session_factory(engine)
    settings = bench_settings(fake, database_url=str(engine.url), channel_post_interval_seconds=1)
    bench = SlackBench(fake, sessions, settings)
    link_partnership(bench)

    # each seller opens the modal, then all submit at once
    views = []
    for n in range(args.wins):
        bench.command("/win", user=f"U_TM{n}")
        views.append(bench.last_view())
    pattern = [
        Fault(status=429, error="ratelimited", retry_after=1) if i % 10 < args.limited else Fault()
        for i in range(200)
    ]
    fake.fail("chat.postMessage", *pattern)
    ticker = make_ticker(settings, sessions)
    scheduler = create_scheduler(ticker, interval_seconds=args.interval)
    scheduler.start()

    acks: list[float] = [0.0] * args.wins
    barrier = threading.Barrier(args.wins)

    def submit(n: int) -> None:
        closed = (date.today() - timedelta(days=2)).isoformat()
        values = win_values(
            **{B.WIN_HEADLINE: rq.text(f"Burst deal {n}"), B.WIN_CLOSED_ON: rq.date(closed)}
        )
        body = rq.view_submission_body(
            views[n], values, user=f"U_TM{n}", user_team=VENDOR, app_team=VENDOR
        )
        headers = rq.signed_headers(SECRET, body)
        barrier.wait()
        started = time.perf_counter()
        response = bench.app.dispatch(BoltRequest(body=body, headers=headers))
        acks[n] = time.perf_counter() - started
        assert response.status == 200, response.body
        if response.body and "errors" in response.body:
            print("refused:", response.body[:300])

    started = time.perf_counter()
    threads = [threading.Thread(target=submit, args=(n,)) for n in range(args.wins)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    last = None
    while time.perf_counter() - started < 120:
        with sessions() as session:
            wins = list(session.scalars(select(Win).where(Win.headline.like("Burst deal %"))))
        if len(wins) == args.wins and all(w.message_ts for w in wins):
            last = time.perf_counter() - started
            break
        time.sleep(0.2)
    scheduler.shutdown(wait=True)
    bench.executor.wait_idle()

    posted = [m for m in fake.posts(CHANNEL) if "Burst deal" in (m.text or "")]
    per_win = Counter(m.text.split("Burst deal ")[1].split()[0].strip(":") for m in posted)
    answered_429 = sum(
        1 for c in fake.calls_to("chat.postMessage") if c.args.get("channel") == CHANNEL
    ) - len([m for m in fake.posts(CHANNEL)])
    rows = [
        ("wins logged at once", f"{args.wins}"),
        ("chat.postMessage answered 429", f"{max(0, answered_429)} (Retry-After 1)"),
        ("wins celebrated", f"{len(per_win)} of {args.wins}"),
        ("duplicate celebrations", f"{sum(c - 1 for c in per_win.values())}"),
        ("slowest ack of a submission", f"{max(acks) * 1000:.0f} ms"),
        ("median ack", f"{sorted(acks)[len(acks) // 2] * 1000:.0f} ms"),
        (
            "time to the last celebration",
            f"{last:.1f} s" if last is not None else "not within 120 s",
        ),
    ]
    print(
        f"\nBurst: {args.wins} wins at once while Slack answers 429 to {args.limited} in 10 "
        f"posts; the outbox ticks every {args.interval:g} s\n"
    )
    print("| measure | value |\n| --- | --- |")
    for name, value in rows:
        print(f"| {name} | {value} |")
    fake.stop()
    engine.dispose()
    return 0 if last is not None and all(c == 1 for c in per_win.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
