"""The app factory: a Bolt App wired to settings, the database and every feature."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from sqlalchemy.orm import Session, sessionmaker

from bot.domain.limits import PostLimits
from bot.installations import DatabaseStateStore, EncryptedInstallationStore
from bot.listening import answer_on_ack, match_on_body
from bot.pacing import ChannelPacer, PacedWebClient
from bot.responding import RespondOnKeptConnections, proxied
from bot.saturation import Saturation
from bot.settings import Settings
from handlers import register_handlers
from handlers.config import HandlerConfig
from handlers.dispatch import Dispatcher

log = logging.getLogger(__name__)

# A Web API call may wait out a 429's Retry-After; keep any single call bounded.
WEB_API_TIMEOUT_S = 10

# The bot scopes partnerbot asks for when a workspace installs it (as in manifest.yml).
BOT_SCOPES = [
    "commands",
    "chat:write",
    "chat:write.public",
    "im:write",
    "im:history",
    "channels:history",
    "groups:history",
    "users:read",
    "channels:read",
    "groups:read",
    "reactions:write",
    "files:write",
]


def installation_store(
    settings: Settings, session_factory: sessionmaker[Session]
) -> EncryptedInstallationStore | None:
    """The encrypted store of workspace installations, in multi-workspace mode only."""
    if not settings.distribution or settings.token_encryption_key is None:
        return None
    return EncryptedInstallationStore(
        session_factory, settings.token_encryption_key.get_secret_value()
    )


def make_client(
    settings: Settings,
    token: str | None = None,
    *,
    workspace_token: bool = True,
    pacer: ChannelPacer | None = None,
) -> WebClient:
    """A WebClient on SLACK_API_URL that retries rate limits, 5xx and dropped connections.

    Without ``token`` it carries SLACK_BOT_TOKEN, unless ``workspace_token`` is False (with
    OAuth every request brings its own workspace's token).
    """
    if token is None and workspace_token and settings.slack_bot_token is not None:
        token = settings.slack_bot_token.get_secret_value()
    if pacer is not None:
        return PacedWebClient(
            token=token, base_url=settings.slack_api_url, timeout=WEB_API_TIMEOUT_S, pacer=pacer
        )
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


def make_request_client(settings: Settings, *, workspace_token: bool = True) -> WebClient:
    """The client listeners use: it never sleeps on a 429 or a 5xx inside an interaction.

    A listener must answer Slack within 3 s, and a sleeping retry holds one of the listener
    threads that other people's requests wait for. What fails after the commit goes back to
    the outbox (handlers.dispatch) and is retried there; a refused ``views.open`` is told.
    """
    client = make_client(settings, workspace_token=workspace_token)
    client.retry_handlers = [ConnectionErrorRetryHandler(max_retry_count=1)]
    return client


class ProvideDependencies(Middleware):
    """Hands listeners what they need through Bolt's context.

    Listeners open their session from ``session_factory`` inside handlers.boundary.listener.
    A Middleware subclass, not a function: Bolt builds every listener argument for function
    middleware, and that crashes (answering 500) on payloads missing fields it expects.
    """

    def __init__(self, values: dict[str, Any]) -> None:
        self.values = values

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        for key, value in self.values.items():
            req.context[key] = value
        return next()


def _is_str(value: Any) -> bool:
    return isinstance(value, str) and bool(value)


# Fields events need that Slack always sends with them.
EVENT_FIELDS = {
    "channel_id_changed": ("old_channel_id", "new_channel_id"),
    "channel_shared": ("channel",),
    "channel_unshared": ("channel",),
    "app_home_opened": ("user",),
}


def well_formed(body: dict[str, Any]) -> bool:
    """Whether a payload has the shape Slack always gives it, so listeners can rely on it."""
    kind = body.get("type")
    user = body.get("user")
    if "command" in body:
        return _is_str(body.get("user_id")) and _is_str(body.get("trigger_id"))
    if (
        kind is not None
        and "user" in body
        and not (isinstance(user, dict) and _is_str(user.get("id")))
    ):
        return False
    if kind == "block_actions":
        actions = body.get("actions")
        return (
            isinstance(actions, list)
            and bool(actions)
            and all(isinstance(a, dict) for a in actions)
            and _is_str(body.get("trigger_id"))
        )
    if kind in ("view_submission", "view_closed"):
        view = body.get("view")
        if not (isinstance(view, dict) and _is_str(view.get("type")) and _is_str(view.get("id"))):
            return False
        state = view.get("state", {})
        return isinstance(state, dict) and isinstance(state.get("values", {}), dict)
    if kind == "event_callback":
        event = body.get("event")
        if not isinstance(event, dict):
            return False
        return all(_is_str(event.get(f)) for f in EVENT_FIELDS.get(str(event.get("type")), ()))
    return True


class RefuseMalformedPayloads(Middleware):
    """Answers 400 to payloads missing what Slack always sends (and what Bolt's matchers and
    our listeners index into): Slack never sends these, and a listener should not have to
    guess what a hand-made one meant."""

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        body = req.body if isinstance(req.body, dict) else {}
        if not well_formed(body):
            return BoltResponse(status=400, body="malformed payload")
        return next()


def create_app(
    settings: Settings,
    session_factory: sessionmaker[Session],
    *,
    client: WebClient | None = None,
    listener_executor: Executor | None = None,
    token_verification: bool = True,
    saturation: Saturation | None = None,
) -> App:
    """Build the Bolt app. Nothing here runs at import time; tests build their own.

    ``saturation`` hears how long listeners wait for a thread (bot.saturation)."""
    settings.require_slack()
    store = installation_store(settings, session_factory)
    # With OAuth, each request is authorized with its workspace's token from the store.
    client = client or make_request_client(settings, workspace_token=store is None)
    oauth = None
    if store is not None and settings.slack_client_secret is not None:
        oauth = OAuthSettings(
            client_id=settings.slack_client_id,
            client_secret=settings.slack_client_secret.get_secret_value(),
            scopes=BOT_SCOPES,
            installation_store=store,
            installation_store_bot_only=True,
            state_store=DatabaseStateStore(session_factory),
            install_path="/slack/install",
            redirect_uri_path="/slack/oauth_redirect",
        )
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
        oauth_settings=oauth,
        user_facing_authorize_error_message=(
            "partnerbot isn't installed in your workspace yet, so it can't help here. Ask a "
            "Slack admin to install it from partnerbot's /slack/install page."
        ),
        token_verification_enabled=token_verification and oauth is None,
        # Nothing is lazy here: listeners ack themselves within Slack's 3 seconds.
        process_before_response=False,
        # A request no listener matches is logged by Bolt and answered 404.
        raise_error_for_unhandled_request=False,
    )
    config = HandlerConfig(
        wins_channel_id=settings.wins_channel_id,
        post_limits=PostLimits(
            per_person=settings.posts_per_person_per_hour,
            per_partnership=settings.posts_per_partnership_per_hour,
            repeat_share_minutes=settings.repeat_share_minutes,
        ),
    )

    app.use(RefuseMalformedPayloads())
    app.use(
        ProvideDependencies(
            {
                "session_factory": session_factory,
                "config": config,
                "installation_store": store,
                "dispatcher": Dispatcher(),
            }
        )
    )

    register_handlers(app)
    # Cheaper to find a request's listener, and answered the moment it acks (bot.listening).
    match_on_body(app)
    answer_on_ack(app, saturation)
    if not proxied():  # answers through response_url on kept connections (bot.responding)
        app.use(RespondOnKeptConnections())
    return app
