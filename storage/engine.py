"""Engine and session factories. Nothing is built at import time."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import Engine, create_engine, event, exc
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 10_000
# A pooled PostgreSQL connection unused this long is pinged before a request gets it (a
# restarted server or a proxy's idle timeout may have closed it meanwhile); one given back
# within the last second was working then, and isn't. Pinging every checkout, as SQLAlchemy's
# pool_pre_ping does, cost each request a round trip of its own.
PING_AFTER_IDLE_S = 1.0
_RETURNED_AT = "partnerbot_returned_at"


def normalize_url(url: str) -> str:
    """Use psycopg 3 for plain PostgreSQL URLs (``postgres://`` or ``postgresql://``)."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def is_sqlite(url: str) -> bool:
    return make_url(normalize_url(url)).get_backend_name() == "sqlite"


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Build an engine: SQLite with WAL and a busy timeout, or PostgreSQL through psycopg 3."""
    url = normalize_url(url)
    if is_sqlite(url):
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
            **kwargs,
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        @event.listens_for(engine, "savepoint")
        def _outer_transaction_first(connection: Any, _name: str) -> None:
            # pysqlite starts a transaction only before DML, so a SAVEPOINT issued first
            # would open one itself and its RELEASE would commit: a later rollback of the
            # request couldn't undo what the savepoint wrote. Begin the real one first, as
            # a writer (the savepoint is there to write).
            dbapi = connection.connection.dbapi_connection
            if not dbapi.in_transaction:
                dbapi.execute("BEGIN IMMEDIATE")

        return engine
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 10)
    engine = create_engine(url, **kwargs)
    if not kwargs.get("pool_pre_ping"):
        ping_idle_connections(engine)
    return engine


def ping_idle_connections(engine: Engine, idle_s: float = PING_AFTER_IDLE_S) -> None:
    """Ping a pooled connection before use when it has been idle over ``idle_s`` seconds: a
    dead one is replaced (SQLAlchemy's pool reconnects on DisconnectionError) before the
    request's first query could fail on it."""

    @event.listens_for(engine, "checkin")
    def _returned(_dbapi_connection: Any, record: Any) -> None:
        record.info[_RETURNED_AT] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        returned = record.info.get(_RETURNED_AT)
        if returned is not None and time.monotonic() - returned <= idle_s:
            return
        try:
            alive = engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            if engine.dialect.is_disconnect(error, dbapi_connection, None):
                raise exc.DisconnectionError() from error
            raise
        if not alive:
            raise exc.DisconnectionError()


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded values after commit, so views can render them."""
    return sessionmaker(bind=engine, expire_on_commit=False)
