"""One world (database, fake Slack, app, partnership) shared by every case of the matrix."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sandbox.slack import FakeSlack
from storage.engine import make_engine, make_session_factory
from storage.models import Base
from tests.authorization.world import PEOPLE, World
from tests.bench.harness import VENDOR, SlackBench, bench_settings

TIME_ZONES = (
    "America/New_York",
    "America/New_York",
    "Europe/Berlin",
    "Europe/Berlin",
    "Asia/Kolkata",
)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('authz') / 'partnerbot.db'}")
    Base.metadata.create_all(engine)
    fake = FakeSlack(bot_team=VENDOR).start()
    fake.add_user("U_CAM", VENDOR, "Casey CAM", "America/Chicago")
    fake.add_user("U_VAL", VENDOR, "Val Vendor", "America/Chicago")  # a successor, in exit's rows
    for person, tz in zip(PEOPLE, TIME_ZONES, strict=True):
        fake.add_user(person.user, person.team, person.name, tz)
    bench = SlackBench(
        fake,
        make_session_factory(engine),
        bench_settings(fake, database_url=str(engine.url)),
    )
    try:
        yield World(bench)
    finally:
        bench.executor.shutdown(wait=True)
        fake.stop()
        engine.dispose()
