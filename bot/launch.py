"""Launching ``partnerbot run``: check the set-up, migrate, then serve over HTTP or Socket Mode.

This module is what gunicorn's master process runs. It loads neither the Slack app nor the
scheduler: each worker builds its own (``bot.runtime``) after the fork, so the master stays
small and no Web API connection or scheduler thread is shared across a fork.
"""

from __future__ import annotations

import logging
import subprocess
import sys
from typing import TYPE_CHECKING, Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.saturation import Saturation
from bot.server import HttpServer, WSGIApp, make_wsgi, run_socket_mode
from bot.settings import HOW_TO_FIX, ConfigError, Settings

if TYPE_CHECKING:
    from bot.runtime import Runtime

log = logging.getLogger(__name__)


def check_deployment(settings: Settings) -> None:
    """Refuse set-ups that would misbehave: several processes on one SQLite file."""
    settings.require_slack()
    if settings.workers > 1 and settings.uses_sqlite:
        raise ConfigError(
            "WEB_CONCURRENCY is above 1 with a SQLite database: SQLite serves one process; "
            "set DATABASE_URL to PostgreSQL or WEB_CONCURRENCY=1"
        )


def upgrade_database() -> None:
    """Migrate in a child process (``partnerbot migrate``), so the master never holds Alembic
    and the models: gunicorn's master only supervises, and stays small."""
    done = subprocess.run([sys.executable, "-m", "bot", "migrate"], check=False)
    if done.returncode != 0:
        raise ConfigError("the database could not be upgraded (the reason is above)")


def verify_slack(settings: Settings) -> None:
    """Stop with one clear line if Slack refuses a token or can't be reached."""
    if settings.distribution or settings.slack_bot_token is None:
        return  # with OAuth each workspace's token is checked when it is used
    client = WebClient(base_url=settings.slack_api_url, timeout=10)
    bot_token = settings.slack_bot_token.get_secret_value()
    checks = [("SLACK_BOT_TOKEN", lambda: client.auth_test(token=bot_token))]
    if settings.slack_app_token is not None:
        app_token = settings.slack_app_token.get_secret_value()
        # The same call Socket Mode makes to connect; the URL it hands out just goes unused.
        checks.append(
            ("SLACK_APP_TOKEN", lambda: client.apps_connections_open(app_token=app_token))
        )
    for name, check in checks:
        try:
            check()
        except SlackApiError as error:
            raise ConfigError(
                f"{name} was refused by Slack ({error.response.get('error')}): {HOW_TO_FIX[name]}"
            ) from None
        except OSError as error:
            raise ConfigError(
                f"SLACK_API_URL {settings.slack_api_url} can't be reached ({error}): check the "
                "network, or the URL if you changed it"
            ) from None


def serve(settings: Settings) -> None:
    """``partnerbot run``: migrate, then serve over Socket Mode or HTTP until told to stop."""
    check_deployment(settings)
    verify_slack(settings)
    upgrade_database()
    if settings.socket_mode:
        from bot.runtime import build_runtime

        runtime = build_runtime(settings)
        runtime.start_scheduler()
        assert settings.slack_app_token is not None
        run_socket_mode(runtime.app, settings.slack_app_token.get_secret_value(), runtime.stop)
        return

    worker: list[Runtime] = []
    # Each worker gets its own copy at the fork: its server threads, listeners and /healthz
    # all report to it.
    saturation = Saturation(settings.saturated_after_seconds)

    def build_worker() -> WSGIApp:
        from bot.runtime import build_runtime  # in the worker, after the fork

        runtime = build_runtime(settings, saturation=saturation)
        runtime.start_scheduler()
        worker.append(runtime)
        log.info(
            "serving POST /slack/events and GET /healthz on port %s (%d worker(s))",
            settings.port,
            settings.workers,
        )
        secret = settings.slack_signing_secret
        return make_wsgi(
            runtime.app,
            runtime.engine,
            signing_secret=secret.get_secret_value() if secret is not None else None,
            saturation=saturation,
        )

    def stop_worker(_server: Any, _worker: Any) -> None:
        # On SIGTERM: after in-flight requests, let a running tick finish and close the pool.
        for runtime in worker:
            runtime.stop()

    HttpServer(
        build_worker,
        port=settings.port,
        workers=settings.workers,
        log_level=settings.log_level,
        on_worker_exit=stop_worker,
        arrival_timeout=settings.request_arrival_timeout_seconds,
        saturation=saturation,
    ).run()
