"""A partnership linked through Slack, under frozen time, for every promise test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from freezegun import freeze_time

from storage.models import Partnership
from tests.bench.harness import SlackBench
from tests.bench.scenarios import link_partnership
from tests.promises.steps import MADE_AT


@pytest.fixture
def clock() -> Iterator:
    with freeze_time(MADE_AT) as frozen:
        yield frozen


@pytest.fixture
def partnership(bench: SlackBench, clock) -> Partnership:
    partnership = link_partnership(bench)
    bench.fake.reset_calls()
    return partnership
