"""Putting the pieces together for a running process."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from apscheduler.schedulers.background import BackgroundScheduler
from slack_bolt import App
from slack_sdk.oauth.token_rotation import TokenRotator
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from bot.app import create_app, installation_store, make_client
from bot.installations import WorkspaceClients
from bot.pacing import ChannelPacer
from bot.scheduler import SqliteTickerLock, Ticker, create_scheduler
from bot.server import HttpServer, WSGIApp, make_wsgi, run_socket_mode
from bot.settings import ConfigError, Settings
from storage import migrate
from storage.engine import is_sqlite, make_engine, make_session_factory, normalize_url

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    """Everything one serving process holds: the database, the app and the background jobs."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    app: App
    scheduler: BackgroundScheduler | None = None
    sqlite_lock: SqliteTickerLock | None = None

    def start_scheduler(self) -> None:
        """Tick the reminder outbox every few seconds in this process."""
        if is_sqlite(self.settings.database_url):
            path = make_url(normalize_url(self.settings.database_url)).database
            if path and path != ":memory:":
                self.sqlite_lock = SqliteTickerLock(path)
                self.sqlite_lock.acquire()
        self.scheduler = create_scheduler(make_ticker(self.settings, self.sessions))
        self.scheduler.start()
        log.info("scheduler started: the reminder outbox is checked every few seconds")

    def stop(self) -> None:
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=True)
        if self.sqlite_lock is not None:
            self.sqlite_lock.release()
        self.engine.dispose()


def make_ticker(settings: Settings, sessions: sessionmaker[Session]) -> Ticker:
    """The outbox ticker, sending with the token of each partnership's workspace.

    Its clients don't wait out 429s or retry 5xx themselves: the outbox retries on a later
    tick. With OAuth, tokens come from the encrypted installation store and are rotated
    before they expire (Bolt only rotates while authorizing a request).
    """
    client = make_client(
        settings,
        workspace_token=not settings.distribution,
        pacer=ChannelPacer(settings.channel_post_interval_seconds),
    )
    client.retry_handlers = []
    store = installation_store(settings, sessions)
    rotator = None
    if store is not None and settings.slack_client_id and settings.slack_client_secret:
        rotator = TokenRotator(
            client_id=settings.slack_client_id,
            client_secret=settings.slack_client_secret.get_secret_value(),
            client=client,
        )
    return Ticker(sessions, client, clients=WorkspaceClients(client, store, rotator))


def build_runtime(settings: Settings) -> Runtime:
    engine = make_engine(settings.database_url)
    sessions = make_session_factory(engine)
    app = create_app(settings, sessions)
    return Runtime(settings=settings, engine=engine, sessions=sessions, app=app)


def check_deployment(settings: Settings) -> None:
    """Refuse set-ups that would misbehave: several processes on one SQLite file."""
    settings.require_slack()
    if settings.web_concurrency > 1 and is_sqlite(settings.database_url):
        raise ConfigError(
            "WEB_CONCURRENCY is above 1 with a SQLite database: SQLite serves one process; "
            "set DATABASE_URL to PostgreSQL or WEB_CONCURRENCY=1"
        )


def upgrade_database(settings: Settings) -> None:
    engine = make_engine(settings.database_url)
    try:
        migrate.upgrade(engine)
    finally:
        engine.dispose()


def serve(settings: Settings) -> None:
    """``partnerbot run``: migrate, then serve over Socket Mode or HTTP until told to stop."""
    check_deployment(settings)
    upgrade_database(settings)
    if settings.socket_mode:
        runtime = build_runtime(settings)
        runtime.start_scheduler()
        assert settings.slack_app_token is not None
        run_socket_mode(runtime.app, settings.slack_app_token.get_secret_value(), runtime.stop)
        return

    def build_worker() -> WSGIApp:
        runtime = build_runtime(settings)
        runtime.start_scheduler()
        log.info("serving POST /slack/events and GET /healthz on port %s", settings.port)
        return make_wsgi(runtime.app, runtime.engine)

    HttpServer(
        build_worker,
        port=settings.port,
        workers=settings.web_concurrency,
        log_level=settings.log_level,
    ).run()
