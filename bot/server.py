"""Serving the app: gunicorn (threaded) for HTTP, or a Socket Mode connection."""

from __future__ import annotations

import json
import logging
import signal
import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from gunicorn.app.base import BaseApplication

if TYPE_CHECKING:
    from slack_bolt import App
    from sqlalchemy import Engine

log = logging.getLogger(__name__)

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
HTTP_THREADS = 16
GRACEFUL_TIMEOUT_S = 25


def make_wsgi(app: App, engine: Engine) -> WSGIApp:
    """``POST /slack/events`` for Slack and ``GET /healthz`` for load balancers."""
    # Imported here: gunicorn's master imports this module but never serves requests.
    from slack_bolt.adapter.wsgi import SlackRequestHandler
    from sqlalchemy import text

    slack = SlackRequestHandler(app, path="/slack/events")

    def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/healthz":
            try:
                with engine.connect() as connection:
                    connection.execute(text("SELECT 1"))
                status, body = "200 OK", {"ok": True}
            except Exception as exc:  # the probe reports it; it must not crash the server
                log.warning("health check: database unavailable: %s", exc.__class__.__name__)
                status, body = "503 Service Unavailable", {"ok": False, "database": "unavailable"}
            payload = json.dumps(body).encode()
            start_response(
                status,
                [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))],
            )
            return [payload]
        try:
            return slack(environ, start_response)
        except Exception:  # a body Bolt can't parse: refuse it instead of answering 500
            log.warning("unreadable request to %s refused", environ.get("PATH_INFO"), exc_info=True)
            payload = b"unreadable request"
            start_response(
                "400 Bad Request",
                [("Content-Type", "text/plain"), ("Content-Length", str(len(payload)))],
            )
            return [payload]

    return wsgi


class HttpServer(BaseApplication):  # type: ignore[misc]
    """gunicorn with one process of threads by default; ``build`` runs in each worker."""

    def __init__(
        self,
        build: Callable[[], WSGIApp],
        *,
        port: int,
        workers: int,
        log_level: str,
        on_worker_exit: Callable[..., None] | None = None,
    ):
        self.build = build
        self.options: dict[str, Any] = {
            "bind": f"0.0.0.0:{port}",
            "workers": workers,
            "worker_class": "gthread",
            "threads": HTTP_THREADS,
            "graceful_timeout": GRACEFUL_TIMEOUT_S,
            "timeout": 60,
            "keepalive": 5,
            "accesslog": None,
            "loglevel": log_level.lower(),
            "proc_name": "partnerbot",
        }
        if on_worker_exit is not None:
            self.options["worker_exit"] = on_worker_exit
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> WSGIApp:
        return self.build()


def run_socket_mode(app: App, app_token: str, on_stop: Callable[[], None]) -> None:
    """Hold a Socket Mode connection until SIGTERM or SIGINT."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    handler = SocketModeHandler(app, app_token)
    stopped = threading.Event()

    def stop(signum: int, _frame: Any) -> None:
        log.info("signal %s: closing the Socket Mode connection", signum)
        stopped.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    handler.connect()
    log.info("connected to Slack over Socket Mode")
    stopped.wait()
    handler.close()
    on_stop()
