"""Every wins test runs on a known day (dates are checked against "today" in the user's zone)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from freezegun import freeze_time

NOW = "2026-12-01 15:00:00"  # a Tuesday afternoon UTC; 10:00 in New York


@pytest.fixture(autouse=True)
def clock() -> Iterator[Any]:
    """Frozen time that still ticks (the bench waits on real threads); tests may move it."""
    with freeze_time(NOW, tick=True) as frozen:
        yield frozen


WINS_CHANNEL = "C0WINS"


@pytest.fixture
def wins_bench(fake_slack, sessions, engine) -> Iterator[Any]:
    """The bench with an internal wins channel configured (WINS_CHANNEL_ID)."""
    from tests.bench.harness import SlackBench, bench_settings

    settings = bench_settings(
        fake_slack, database_url=str(engine.url), wins_channel_id=WINS_CHANNEL
    )
    bench = SlackBench(fake_slack, sessions, settings)
    yield bench
    bench.executor.shutdown(wait=True)
