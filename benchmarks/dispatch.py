"""Dispatch: how fast the scheduler delivers due messages to Slack, keeping Slack's limits.

``python -m benchmarks.dispatch [--prompts 1000] [--burst 20]``
``--prompts`` partnerships each have a review prompt due (one per channel), and one TM has
``--burst`` promise reminders due at the same moment (all to one DM). The test bench's fake
Slack answers over HTTP on loopback and, like Slack, answers 429 to a second post in a
channel within a second. Prints a table.
"""

from __future__ import annotations

import argparse
import itertools
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from freezegun import freeze_time
from sqlalchemy import func, select

from benchmarks.scheduler import seed
from bot.domain.people import Actor, Profile, remember
from bot.domain.promises.service import PromiseForm, make_promise
from bot.runtime import make_ticker
from bot.settings import load_settings
from sandbox.slack import FakeSlack
from storage import migrate
from storage.engine import make_engine, make_session_factory
from storage.models import Member, Occurrence, OccurrenceStatus, Partnership, Side


def seed_burst(sessions, burst: int, now: datetime) -> None:
    """``burst`` promises by U_TM on the first partnership, each with a reminder due now."""
    with sessions() as session:
        partnership = session.scalar(select(Partnership).order_by(Partnership.id))
        partnership.partner_team_id = "T_PARTNER"
        session.add_all(
            [
                Member(
                    partnership_id=partnership.id,
                    user_id="U_TM",
                    side=Side.VENDOR,
                    is_owner=True,
                    is_approver=False,
                ),
                Member(
                    partnership_id=partnership.id,
                    user_id="U_DANA",
                    side=Side.PARTNER,
                    is_owner=False,
                    is_approver=False,
                ),
            ]
        )
        remember(session, Profile("U_TM", "T_VENDOR", "Terry", "America/New_York"))
        remember(session, Profile("U_DANA", "T_PARTNER", "Dana", "Europe/Berlin"))
        session.commit()
        made = now - timedelta(days=10)
        with freeze_time(made):
            for i in range(burst):
                make_promise(
                    session,
                    partnership,
                    PromiseForm(
                        "U_DANA",
                        f"raw deal {i}",
                        f"make good {i}",
                        (made + timedelta(days=5)).date(),
                    ),
                    Actor("U_TM", "T_VENDOR"),
                    "America/New_York",
                    f"bench-{i}",
                )
        session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--prompts", type=int, default=1000)
    parser.add_argument("--burst", type=int, default=20)
    args = parser.parse_args()

    fake = FakeSlack().start()
    fake.enforce_channel_rate(1.0)
    fake.add_user("U_TM", "T_VENDOR", "Terry TM")
    fake.add_user("U_DANA", "T_PARTNER", "Dana", "Europe/Berlin")
    database = f"sqlite:///{Path(tempfile.mkdtemp(prefix='partnerbot-dispatch-')) / 'd.db'}"
    engine = make_engine(database)
    migrate.upgrade(engine)
    sessions = make_session_factory(engine)
    now = datetime.now(UTC).replace(microsecond=0)
    seed(sessions, args.prompts, now)
    seed_burst(sessions, args.burst, now)
    settings = load_settings(
        _env_file=None,
        slack_bot_token="xoxb-bench",
        slack_signing_secret="s" * 16,
        slack_api_url=fake.url,
        database_url=database,
    )
    ticker = make_ticker(settings, sessions)

    started = time.perf_counter()
    ticks = 0
    while True:
        ticks += 1
        ticker.tick(datetime.now(UTC))
        with sessions() as session:
            waiting = session.scalar(
                select(func.count())
                .select_from(Occurrence)
                .where(
                    Occurrence.status.in_([OccurrenceStatus.PENDING, OccurrenceStatus.SENDING]),
                    Occurrence.due_at <= datetime.now(UTC),
                )
            )
        if not waiting or ticks > 50:
            break
    elapsed = time.perf_counter() - started
    posts = fake.calls_to("chat.postMessage")
    by_channel: dict[str, list[float]] = {}
    for call in posts:
        by_channel.setdefault(str(call.args.get("channel")), []).append(call.at)
    gaps = [b - a for times in by_channel.values() for a, b in itertools.pairwise(times)]
    dm = max(by_channel.values(), key=len, default=[])  # the TM's DM gets the burst
    fake.stop()
    engine.dispose()

    print(
        f"\nScheduler dispatch: {args.prompts:,} review prompts (one per channel) and "
        f"{args.burst} promise reminders to one TM, due at once; SQLite; fake Slack over "
        "HTTP enforcing 1 post per second per channel\n"
    )
    print("| measure | value |")
    print("| --- | --- |")
    print(f"| messages posted | {len(posts):,} in {elapsed:.1f} s over {ticks} tick(s) |")
    spread = [t for times in by_channel.values() if times is not dm for t in times]
    span = max(spread) - min(spread) if len(spread) > 1 else 0.0
    print(f"| dispatch rate, one post per channel | {len(spread) / max(span, 1e-9):.0f} per s |")
    print(f"| reminders to one DM | {len(dm)} over {dm[-1] - dm[0] if len(dm) > 1 else 0:.1f} s |")
    print(f"| shortest gap between posts in one channel | {min(gaps) if gaps else 0:.2f} s |")
    print(f"| 429s from the per-channel limit | {fake.rate_limited} |")
    print(f"| left undelivered | {waiting} |")


if __name__ == "__main__":
    main()
