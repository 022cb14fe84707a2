"""The promise service on PostgreSQL: guarded updates, reminders by key, keeping figures."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from bot.domain.errors import Conflict, NotAllowed
from bot.domain.people import Actor, Profile, remember
from bot.domain.promises import keeping as keeping
from bot.domain.promises.records import promise_keeping
from bot.domain.promises.service import PromiseForm, make_promise, promises_open_and_overdue
from storage import migrate
from storage.engine import make_session_factory
from storage.models import Member, Occurrence, Partnership, PromiseState, Side, Workspace

NOW = datetime(2026, 11, 30, 15, tzinfo=UTC)
TM = Actor("U_TM", "T_VENDOR")
DANA = Actor("U_DANA", "T_PARTNER")


@freeze_time(NOW)
def test_a_promise_on_postgresql(pg_engine):
    migrate.upgrade(pg_engine)
    with make_session_factory(pg_engine)() as session:
        session.add(Workspace(team_id="T_VENDOR", active=True, installed_at=NOW))
        session.flush()
        partnership = Partnership(
            channel_id="C1",
            partner_name="Acme",
            vendor_team_id="T_VENDOR",
            partner_team_id="T_PARTNER",
            time_zone="America/New_York",
            holiday_country="US",
            created_by="U_TM",
            created_at=NOW,
            updated_at=NOW,
            members=[
                Member(user_id="U_TM", side=Side.VENDOR, is_owner=True, is_approver=False),
                Member(user_id="U_DANA", side=Side.PARTNER, is_owner=False, is_approver=False),
            ],
        )
        session.add(partnership)
        remember(session, Profile("U_TM", "T_VENDOR", "Terry", "America/New_York"))
        remember(session, Profile("U_DANA", "T_PARTNER", "Dana", "Europe/Berlin"))
        session.flush()
        form = PromiseForm("U_DANA", "direct deal", "three leads", date(2026, 12, 4))
        promise, new = make_promise(session, partnership, form, TM, "America/New_York", "V1")
        again, second = make_promise(session, partnership, form, TM, "America/New_York", "V1")
        assert new and not second and again.id == promise.id
        session.commit()

        keeping.made_good(session, promise, TM, "done")
        with pytest.raises(Conflict, match="already marked made good"):
            keeping.made_good(session, promise, TM, "done")
        with pytest.raises(NotAllowed, match="Only <@U_DANA>"):
            keeping.confirm(session, promise, TM)
        keeping.confirm(session, promise, DANA)
        session.commit()
        assert promise.state is PromiseState.KEPT and promise.kept_on_time is True
        keys = session.scalars(select(Occurrence.key)).all()
        assert keys == [f"promise:{promise.id}:1:1"]

        [figures] = promise_keeping(session, NOW, by="partnership")
        assert (figures.kept_on_time, figures.total) == (1, 1)
        agenda = promises_open_and_overdue(session, partnership.id, NOW)
        assert agenda.open == [] and agenda.overdue == []
