"""Fixtures: a database per test, the fake Slack, and the bench that drives the app."""

from __future__ import annotations

import json
import logging
import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from sandbox.slack import FakeSlack
from storage.engine import make_engine, make_session_factory
from storage.models import Base
from tests.bench.harness import OTHER, PARTNER, VENDOR, SlackBench, bench_settings

PG_URL = os.environ.get("PARTNERBOT_TEST_DATABASE_URL")
PG_REQUIRED = os.environ.get("PARTNERBOT_REQUIRE_POSTGRES") == "1"


# What a crash looks like from outside: the error boundary's log line, a sender that raised,
# and the apology a person is shown.
CRASH_LOGS = ("unexpected error in", "sender for ")
APOLOGY = "Something went wrong"


class _Crashes(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.seen: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if message.startswith(CRASH_LOGS):
            self.seen.append(message)


@pytest.fixture(autouse=True)
def no_hidden_crash(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail a test in which a listener or a sender crashed, or a person was told "something
    went wrong", even if its own assertions passed; ``@pytest.mark.expect_unexpected`` says a
    test provokes that on purpose."""
    # Asked for now, so the fake Slack is torn down after this check reads it.
    fake = request.getfixturevalue("fake_slack") if "fake_slack" in request.fixturenames else None
    handler = _Crashes()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield
    finally:
        root.removeHandler(handler)
    if request.node.get_closest_marker("expect_unexpected"):
        return
    apologies: list[str] = []
    if fake is not None:
        for call in list(fake.calls) + [{"args": r} for r in fake.responses]:
            args = call.args if hasattr(call, "args") else call["args"]
            if APOLOGY in json.dumps(args, default=str):
                apologies.append(json.dumps(args, default=str)[:300])
    assert not handler.seen, f"a listener or sender crashed: {handler.seen[:3]}"
    assert not apologies, f"a person was told something went wrong: {apologies[:2]}"


@pytest.fixture
def engine(tmp_path) -> Iterator[Engine]:
    """A fresh SQLite file (WAL, as in production) with every table."""
    engine = make_engine(f"sqlite:///{tmp_path / 'partnerbot.db'}")
    Base.metadata.create_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(engine)


@pytest.fixture
def session(sessions: sessionmaker[Session]) -> Iterator[Session]:
    with sessions() as session:
        yield session


@pytest.fixture
def pg_url() -> str:
    """The PostgreSQL URL for tests; CI sets it, so these tests never skip there."""
    if not PG_URL:
        if PG_REQUIRED:
            pytest.fail("PARTNERBOT_REQUIRE_POSTGRES=1 but PARTNERBOT_TEST_DATABASE_URL is unset")
        pytest.skip("PostgreSQL tests need PARTNERBOT_TEST_DATABASE_URL (CI sets it)")
    return PG_URL


@pytest.fixture
def pg_schema(pg_url: str) -> Iterator[tuple[str, str]]:
    """A throw-away schema on the test PostgreSQL; yields (url, schema)."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_engine(pg_url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield pg_url, schema
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def pg_engine(pg_schema: tuple[str, str]) -> Iterator[Engine]:
    """An engine whose connections work inside the throw-away schema (no tables yet)."""
    url, schema = pg_schema
    engine = make_engine(url, connect_args={"options": f"-csearch_path={schema}"})
    yield engine
    engine.dispose()


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    fake = FakeSlack(bot_team=VENDOR).start()
    fake.add_user("U_TM", VENDOR, "Terry TM", "America/New_York")
    fake.add_user("U_CAM", VENDOR, "Casey CAM", "America/Chicago")
    fake.add_user("U_DANA", PARTNER, "Dana", "Europe/Berlin")
    fake.add_user("U_PAT", PARTNER, "Pat", "Europe/Berlin")
    fake.add_user("U_OUT", OTHER, "Olli Outsider", "Asia/Kolkata")
    yield fake
    fake.stop()


@pytest.fixture
def bench(fake_slack: FakeSlack, sessions: sessionmaker[Session], engine: Engine) -> SlackBench:
    settings = bench_settings(fake_slack, database_url=str(engine.url))
    bench = SlackBench(fake_slack, sessions, settings)
    yield bench
    bench.executor.shutdown(wait=True)
