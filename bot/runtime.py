"""What one serving process holds: the database, the Slack app and the scheduler."""

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
from bot.saturation import Saturation
from bot.scheduler import SqliteTickerLock, Ticker, create_scheduler
from bot.settings import Settings
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
        self.scheduler = create_scheduler(
            make_ticker(self.settings, self.sessions), self.settings.scheduler_interval_seconds
        )
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


def build_runtime(settings: Settings, saturation: Saturation | None = None) -> Runtime:
    engine = make_engine(settings.database_url)
    sessions = make_session_factory(engine)
    # The token was checked once at start-up (verify_slack), not again in every worker.
    app = create_app(settings, sessions, token_verification=False, saturation=saturation)
    return Runtime(settings=settings, engine=engine, sessions=sessions, app=app)
