"""Every deals test runs on a known day (close dates are checked against "today")."""

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
