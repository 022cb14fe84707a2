"""A ticker process killed with SIGKILL in the middle of a batch, right after Slack took a
prompt but before the process recorded it: once its lease runs out, a new ticker delivers
everything still due, and the prompt Slack already has is found by its key, not posted again."""

from __future__ import annotations

import signal
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select

from bot.domain.outbox import LEASE
from bot.domain.reviews.schedules import PROMPT
from bot.runtime import make_ticker
from sandbox.slack import Fault
from storage import migrate
from storage.engine import make_engine, make_session_factory
from storage.models import Occurrence, OccurrenceStatus
from tests.bench.harness import bench_settings
from tests.faults.processes import environment, pg_url_in, start, wait_for
from tests.reviews.test_pg_tickers import seed

PROMPTS = 40
POSTED_BEFORE_THE_KILL = 6  # the sixth is taken by Slack, then the answer hangs
NOW = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)

TICK = """
import sys
from datetime import datetime
from freezegun import freeze_time
from bot.runtime import make_ticker
from bot.settings import load_settings
from storage.engine import make_engine, make_session_factory

settings = load_settings(_env_file=None)
now = datetime.fromisoformat(sys.argv[1])
with freeze_time(now):
    make_ticker(settings, make_session_factory(make_engine(settings.database_url))).tick(now)
print("the tick finished: it should have been killed")
"""


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'killed.db'}"
    url, schema = request.getfixturevalue("pg_schema")
    return pg_url_in(url, schema)


def keys_posted(fake) -> Counter[str]:
    return Counter(m.metadata["event_payload"]["key"] for m in fake.posts() if m.metadata)


def test_a_tick_killed_mid_batch_is_finished_by_the_next_one_without_doubles(
    database_url, fake_slack, tmp_path
):
    engine = make_engine(database_url)
    migrate.upgrade(engine)
    sessions = make_session_factory(engine)
    with freeze_time(NOW):
        seed(sessions, PROMPTS, NOW)
    # The killed process ticks at NOW: Slack stamps what it posts then.
    fake_slack.clock = NOW.timestamp
    # Slack answers the first posts at once, then takes one and hangs before answering.
    fake_slack.fail(
        "chat.postMessage",
        *[Fault()] * (POSTED_BEFORE_THE_KILL - 1),
        Fault(delay=30, done_first=True),
    )
    process = start(
        ["-c", TICK, NOW.isoformat()], environment(fake_slack, database_url), tmp_path / "tick.log"
    )
    try:
        wait_for(lambda: len(fake_slack.posts()) >= POSTED_BEFORE_THE_KILL, 30, "the posts")
        process.send_signal(signal.SIGKILL)
        assert process.wait(timeout=10) == -signal.SIGKILL
    finally:
        if process.poll() is None:
            process.kill()
    log = (tmp_path / "tick.log").read_text()
    assert "should have been killed" not in log, log

    with sessions() as session:
        at_the_kill = Counter(
            s.value
            for s in session.scalars(select(Occurrence.status).where(Occurrence.kind == PROMPT))
        )
    # Killed mid-batch: some prompts recorded, one in Slack but not recorded, the rest waiting.
    assert at_the_kill["sent"] == POSTED_BEFORE_THE_KILL - 1, at_the_kill
    assert at_the_kill["sending"] >= 1 and at_the_kill["pending"] >= 1, at_the_kill
    assert len(keys_posted(fake_slack)) == POSTED_BEFORE_THE_KILL

    # A new process's ticker before the lease ran out leaves the claimed ones alone ...
    settings = bench_settings(fake_slack, database_url=database_url)
    early = NOW + timedelta(seconds=30)
    with freeze_time(early):
        make_ticker(settings, sessions).tick(early)
    with sessions() as session:
        still_claimed = session.scalar(
            select(func.count()).where(
                Occurrence.kind == PROMPT, Occurrence.status == OccurrenceStatus.SENDING
            )
        )
    assert still_claimed == at_the_kill["sending"]

    # ... and after it delivers them, looking up the one Slack already has.
    later = NOW + LEASE + timedelta(seconds=1)
    with freeze_time(later):
        report = make_ticker(settings, sessions).tick(later)
    posted = keys_posted(fake_slack)
    print(f"\n{at_the_kill}; after the restart: {report.summary()}")
    assert len(posted) == PROMPTS and set(posted.values()) == {1}, posted
    with sessions() as session:
        statuses = Counter(
            s.value
            for s in session.scalars(select(Occurrence.status).where(Occurrence.kind == PROMPT))
        )
        assert statuses == {"sent": PROMPTS}, statuses
    assert fake_slack.calls_to("conversations.history")  # the key was looked up in Slack
    engine.dispose()
