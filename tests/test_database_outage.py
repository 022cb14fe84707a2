"""The database goes away for a while: people get a clear "try again", nothing is lost, and
the scheduler picks up where it left off when the database returns."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy.engine import make_url

from bot.runtime import make_ticker
from handlers.boundary import DATABASE_DOWN
from storage import migrate
from storage.engine import make_engine, make_session_factory
from tests.bench.harness import CHANNEL, SlackBench, bench_settings, response_json
from tests.bench.scenarios import link_partnership
from tests.bench.tcpproxy import TcpProxy
from tests.reviews.helpers import linked, set_cadence

pytestmark = pytest.mark.postgres


@pytest.fixture
def outage(pg_schema, fake_slack):
    """A bench whose PostgreSQL connections go through a proxy the test can cut."""
    url, schema = pg_schema
    target = make_url(url)
    proxy = TcpProxy(target.host or "127.0.0.1", target.port or 5432)
    proxied = target.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    engine = make_engine(
        proxied, connect_args={"options": f"-csearch_path={schema}", "connect_timeout": 2}
    )
    migrate.upgrade(engine)
    sessions = make_session_factory(engine)
    bench = SlackBench(fake_slack, sessions, bench_settings(fake_slack, database_url=proxied))
    yield bench, proxy
    bench.executor.shutdown(wait=True)
    proxy.close()
    engine.dispose()


def test_requests_during_an_outage_get_try_again_and_recover(outage, fake_slack):
    bench, proxy = outage
    link_partnership(bench)
    proxy.cut()
    answer = response_json(bench.command("/partner"))
    assert answer["text"] == DATABASE_DOWN
    proxy.restore()
    summary = response_json(bench.command("/partner"))
    assert summary["response_type"] == "ephemeral" and "Acme Resellers" in str(summary["blocks"])


def test_the_scheduler_survives_an_outage_and_resumes(outage, fake_slack):
    bench, proxy = outage
    partnership = linked(bench, at=datetime(2026, 11, 30, 14, tzinfo=UTC))
    set_cadence(
        bench,
        partnership,
        every=1,
        weekday=2,
        at=time(10, 0),
        starting=date(2026, 12, 2),
        now=datetime(2026, 11, 30, 15, tzinfo=UTC),
    )
    due = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)  # Wednesday 10:00 in New York
    ticker = make_ticker(bench.settings, bench.sessions)
    proxy.cut()
    with freeze_time(due):
        ticker.tick_safely()  # logged, not raised: the interval job keeps running
    assert not fake_slack.posts(CHANNEL)[1:]  # only the link notice so far
    proxy.restore()
    for minute in (1, 2):
        with freeze_time(due + timedelta(minutes=minute)):
            ticker.tick(due + timedelta(minutes=minute))
    prompts = [
        m
        for m in fake_slack.posts(CHANNEL)
        if str((m.metadata or {}).get("event_payload", {}).get("key")).startswith("review:")
    ]
    assert len(prompts) == 1
