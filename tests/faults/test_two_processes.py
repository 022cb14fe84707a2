"""Two ``partnerbot run`` processes against one PostgreSQL database when 200 reviews come due
at the same moment: each prompt is posted once, and both processes did part of the work."""

from __future__ import annotations

import re
import signal
import socket
import time
import urllib.request
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.domain.clock import utcnow
from bot.domain.reviews.schedules import PROMPT
from sandbox.slack import Fault
from storage import migrate
from storage.engine import make_session_factory
from storage.models import Occurrence
from tests.faults.processes import environment, pg_url_in, start, wait_for
from tests.reviews.test_pg_tickers import seed

pytestmark = pytest.mark.postgres

REVIEWS = 200
LEAD = timedelta(seconds=6)  # the burst comes due once both processes are up
SENT = re.compile(r"tick (\S+): \d+ due, (\d+) sent")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as answer:
            return answer.status == 200
    except OSError:
        return False


def prompt_keys(fake) -> Counter[str]:
    return Counter(
        m.metadata["event_payload"]["key"]
        for m in fake.posts()
        if (m.metadata or {}).get("event_type") == "partnerbot_reminder"
    )


def test_two_processes_post_a_burst_of_200_prompts_once_each(
    pg_schema, pg_engine, fake_slack, tmp_path
):
    migrate.upgrade(pg_engine)  # before either process starts: they would race to migrate
    sessions = make_session_factory(pg_engine)
    due = utcnow().replace(microsecond=0) + LEAD
    seed(sessions, REVIEWS, due + timedelta(minutes=1))  # every review due at ``due``
    # Slack takes 20 ms a post: one process alone would need seconds, so the other joins in.
    fake_slack.fail("chat.postMessage", *[Fault(delay=0.02)] * (2 * REVIEWS))

    url = pg_url_in(*pg_schema)
    processes = []
    ports = [free_port(), free_port()]
    try:
        for n, port in enumerate(ports):
            env = environment(
                fake_slack,
                url,
                PORT=str(port),
                SCHEDULER_INTERVAL_SECONDS="1",
                LOG_LEVEL="INFO",
                WEB_CONCURRENCY="1",
            )
            processes.append(start(["-m", "bot", "run"], env, tmp_path / f"run-{n}.log"))
        for port in ports:
            wait_for(lambda port=port: healthy(port), 30, f"/healthz on {port}", step=0.1)
        wait_for(lambda: len(prompt_keys(fake_slack)) >= REVIEWS, 60, "the burst", step=0.1)
        # two more ticks of each process: nothing more may be posted
        late = len(fake_slack.calls_to("chat.postMessage"))
        time.sleep(2.5)
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=15)
            except Exception:
                process.kill()
                raise
    logs = [(tmp_path / f"run-{n}.log").read_text() for n in range(len(ports))]

    posted = prompt_keys(fake_slack)
    assert len(posted) == REVIEWS and set(posted.values()) == {1}, posted.most_common(3)
    assert len(fake_slack.calls_to("chat.postMessage")) == late
    with sessions() as session:
        statuses = Counter(
            s.value
            for s in session.scalars(select(Occurrence.status).where(Occurrence.kind == PROMPT))
        )
    assert statuses == {"sent": REVIEWS}, statuses
    shares = [sum(int(sent) for _worker, sent in SENT.findall(log)) for log in logs]
    print(f"\nprompts sent by each process: {shares}")
    assert sum(shares) == REVIEWS, (shares, logs)
    assert all(shares), f"one process did all the work: {shares}"
