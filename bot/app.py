"""The app factory: a Bolt App wired to settings, the database and every feature."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from sqlalchemy.orm import Session, sessionmaker

from bot.settings import Settings
from handlers import register_handlers
from handlers.config import HandlerConfig

log = logging.getLogger(__name__)

# A Web API call may wait out a 429's Retry-After; keep any single call bounded.
WEB_API_TIMEOUT_S = 10


def make_client(settings: Settings, token: str | None = None) -> WebClient:
    """A WebClient on SLACK_API_URL that retries rate limits, 5xx and dropped connections."""
    if token is None and settings.slack_bot_token is not None:
        token = settings.slack_bot_token.get_secret_value()
    return WebClient(
        token=token,
        base_url=settings.slack_api_url,
        timeout=WEB_API_TIMEOUT_S,
        retry_handlers=[
            RateLimitErrorRetryHandler(max_retry_count=2),
            ServerErrorRetryHandler(max_retry_count=2),
            ConnectionErrorRetryHandler(max_retry_count=2),
        ],
    )


def create_app(
    settings: Settings,
    session_factory: sessionmaker[Session],
    *,
    client: WebClient | None = None,
    listener_executor: Executor | None = None,
    token_verification: bool = True,
) -> App:
    """Build the Bolt app. Nothing here runs at import time; tests build their own."""
    settings.require_slack()
    client = client or make_client(settings)
    executor = listener_executor or ThreadPoolExecutor(
        max_workers=settings.listener_threads, thread_name_prefix="listener"
    )
    app = App(
        client=client,
        signing_secret=(
            settings.slack_signing_secret.get_secret_value()
            if settings.slack_signing_secret is not None
            else None
        ),
        # Socket Mode requests come over an authenticated socket and carry no signature.
        request_verification_enabled=not settings.socket_mode,
        listener_executor=executor,
        token_verification_enabled=token_verification,
        # Nothing is lazy here: listeners ack themselves within Slack's 3 seconds.
        process_before_response=False,
        # An unrecognized request is logged by Bolt; say so plainly in our log too.
        raise_error_for_unhandled_request=False,
    )
    config = HandlerConfig(wins_channel_id=settings.wins_channel_id)

    @app.middleware
    def provide(context: BoltContext, next: Callable[[], Any]) -> None:
        # Listeners open their session from this factory inside handlers.boundary.listener.
        context["session_factory"] = session_factory
        context["config"] = config
        next()

    register_handlers(app)
    return app
