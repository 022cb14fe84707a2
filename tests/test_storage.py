"""Storage: UTC datetimes, migrations that match the models, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from storage import migrate
from storage.engine import (
    _RETURNED_AT,
    PING_AFTER_IDLE_S,
    make_engine,
    make_session_factory,
    normalize_url,
)
from storage.models import Base, Partnership, PartnershipStatus, Person, Workspace


def test_utc_datetime_round_trips_aware_utc(session):
    moment = datetime(2026, 3, 29, 1, 30, tzinfo=timezone(timedelta(hours=2)))
    session.add(Person(user_id="U1", updated_at=moment))
    session.commit()
    session.expunge_all()
    stored = session.get(Person, "U1").updated_at
    assert stored == moment and stored.tzinfo == UTC
    assert stored.hour == 23  # 01:30 at +02:00 is 23:30 UTC the day before


def test_naive_datetimes_are_refused(session):
    session.add(Person(user_id="U1", updated_at=datetime(2026, 1, 1)))
    with pytest.raises(Exception, match="naive datetime"):
        session.commit()


def test_sqlite_runs_in_wal_mode(engine):
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_postgres_urls_use_psycopg3():
    assert normalize_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalize_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"


def assert_migrations_match_models(engine):
    with engine.connect() as connection:
        diffs = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diffs == [], f"models and migrations differ: {diffs}"


def test_sqlite_migrations_up_match_models_and_go_down(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    migrate.upgrade(engine)
    assert migrate.current_revision(engine) == migrate.head_revision()
    assert_migrations_match_models(engine)
    migrate.downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) == {"alembic_version"}
    migrate.upgrade(engine)
    engine.dispose()


def one_live_partnership_per_channel(engine):
    sessions = make_session_factory(engine)
    now = datetime.now(UTC)
    with sessions() as session:
        session.add(Workspace(team_id="T1", active=True, installed_at=now))
        session.flush()

        def partnership(status):
            return Partnership(
                channel_id="C1",
                partner_name="Acme",
                vendor_team_id="T1",
                status=status,
                time_zone="UTC",
                created_by="U1",
                created_at=now,
                updated_at=now,
            )

        session.add(partnership(PartnershipStatus.ENDED))
        session.add(partnership(PartnershipStatus.ACTIVE))
        session.commit()  # an ended partnership frees its channel
        session.add(partnership(PartnershipStatus.ACTIVE))
        with pytest.raises(Exception, match=r"(?i)unique"):
            session.commit()


def test_one_live_partnership_per_channel_sqlite(engine):
    one_live_partnership_per_channel(engine)


@pytest.mark.postgres
def test_postgres_migrations_up_match_models_and_go_down(pg_engine):
    migrate.upgrade(pg_engine)
    assert migrate.current_revision(pg_engine) == migrate.head_revision()
    assert_migrations_match_models(pg_engine)
    one_live_partnership_per_channel(pg_engine)
    migrate.downgrade(pg_engine, "base")
    assert set(inspect(pg_engine).get_table_names()) == {"alembic_version"}
    migrate.upgrade(pg_engine)
    assert migrate.current_revision(pg_engine) == migrate.head_revision()


def first_delivery_counts_once(engine):
    from bot.domain.events import first_delivery

    sessions = make_session_factory(engine)
    with sessions() as session:
        assert first_delivery(session, "Ev1") is True
        assert first_delivery(session, "Ev1") is False
        assert first_delivery(session, "Ev2") is True
        session.commit()


def test_event_dedup_on_sqlite(engine):
    first_delivery_counts_once(engine)


@pytest.mark.postgres
def test_event_dedup_on_postgres(pg_engine):
    Base.metadata.create_all(pg_engine)
    first_delivery_counts_once(pg_engine)


def test_a_savepoint_before_any_write_is_still_undone_by_a_rollback(sessions):
    """SQLite: what a nested transaction flushed stays part of the request's transaction,
    so refusing the request afterwards (a limit, a domain error) leaves nothing behind."""
    from datetime import UTC, datetime

    from sqlalchemy import select

    from storage.models import Workspace

    with sessions() as session:
        with session.begin_nested():
            session.add(
                Workspace(team_id="T_SAVEPOINT", active=True, installed_at=datetime.now(UTC))
            )
            session.flush()
        session.rollback()
    with sessions() as session:
        assert session.scalar(select(Workspace).where(Workspace.team_id == "T_SAVEPOINT")) is None


def _backend_pid(engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text("SELECT pg_backend_pid()")).scalar_one())


def _age_pooled_connections(engine, seconds: float) -> None:
    """Make the pool's idle connections look given back ``seconds`` ago."""
    for record in list(engine.pool._pool.queue):
        record.info[_RETURNED_AT] -= seconds


@pytest.mark.postgres
def test_a_connection_used_a_moment_ago_is_not_pinged_again(pg_engine, monkeypatch):
    pings: list[object] = []
    ping = pg_engine.dialect.do_ping
    monkeypatch.setattr(pg_engine.dialect, "do_ping", lambda c: pings.append(c) or ping(c))
    first = _backend_pid(pg_engine)  # a new connection: pinged, like any unknown one
    for _ in range(5):
        assert _backend_pid(pg_engine) == first
    assert len(pings) == 1
    _age_pooled_connections(pg_engine, PING_AFTER_IDLE_S + 1)
    assert _backend_pid(pg_engine) == first
    assert len(pings) == 2  # idle over a second: pinged before use


@pytest.mark.postgres
def test_an_idle_connection_the_server_closed_is_replaced_before_a_query_fails(pg_engine, pg_url):
    gone = _backend_pid(pg_engine)
    admin = make_engine(pg_url)
    with admin.begin() as connection:
        connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": gone})
    admin.dispose()
    _age_pooled_connections(pg_engine, PING_AFTER_IDLE_S + 1)
    replacement = _backend_pid(pg_engine)  # no error: the ping found it dead
    assert replacement != gone
