"""A new person's first two requests at the same moment (a double click) are one person, not a
database error."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from bot.domain.people import Profile, remember
from storage import migrate
from storage.engine import make_session_factory
from storage.models import Person


@pytest.mark.postgres
def test_a_first_seen_person_racing_their_own_double_click_is_remembered_once(pg_engine):
    migrate.upgrade(pg_engine)
    sessions = make_session_factory(pg_engine)
    for round_ in range(10):
        user = f"U_NEW{round_}"
        barrier = threading.Barrier(2)
        errors: list[Exception] = []

        def first_request(
            user: str = user, barrier: threading.Barrier = barrier, errors: list = errors
        ) -> None:
            with sessions() as session:
                try:
                    barrier.wait()
                    remember(session, Profile(user, "T_VENDOR", "New person", "UTC"))
                    session.commit()
                except Exception as error:  # recorded for the assertion below
                    errors.append(error)

        threads = [threading.Thread(target=first_request) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(10)
        assert errors == []
        with sessions() as session:
            count = session.scalar(select(func.count()).where(Person.user_id == user))
            assert count == 1
