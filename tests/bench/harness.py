"""SlackBench: the app under test, driven by signed requests, talking to a FakeSlack."""

from __future__ import annotations

import io
import json
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any
from wsgiref.util import setup_testing_defaults

from slack_bolt import App, BoltRequest, BoltResponse
from sqlalchemy.orm import Session, sessionmaker

from bot.app import create_app, make_request_client
from bot.settings import Settings, load_settings
from sandbox import requests as rq
from sandbox.slack import FakeSlack

SECRET = "test-signing-secret"
TOKEN = "xoxb-test-token"
VENDOR, PARTNER, OTHER = "T_VENDOR", "T_PARTNER", "T_OTHER"
CHANNEL = "C0SHARED"


class TrackingExecutor(ThreadPoolExecutor):
    """A thread pool that can wait until every submitted listener has finished."""

    def __init__(self, workers: int = 8) -> None:
        super().__init__(max_workers=workers, thread_name_prefix="test-listener")
        self._pending = 0
        self._idle = threading.Condition()

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        with self._idle:
            self._pending += 1
        future = super().submit(fn, *args, **kwargs)
        future.add_done_callback(self._done)
        return future

    def _done(self, _future: Future[Any]) -> None:
        with self._idle:
            self._pending -= 1
            self._idle.notify_all()

    def wait_idle(self, timeout: float = 20) -> None:
        with self._idle:
            assert self._idle.wait_for(lambda: self._pending == 0, timeout), "listeners still busy"


def bench_settings(fake: FakeSlack, database_url: str = "sqlite://", **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "slack_bot_token": TOKEN,
        "slack_signing_secret": SECRET,
        "slack_app_token": "",
        "slack_api_url": fake.url,
        # frozen clocks would turn every same-channel pause into a full second
        "channel_post_interval_seconds": 0,
        # flows log many wins and proposals in a minute; tests/test_post_limits.py sets these
        "posts_per_person_per_hour": 1000,
        "posts_per_partnership_per_hour": 5000,
        "repeat_share_minutes": 0,
        "database_url": database_url,
    }
    values.update(overrides)
    return load_settings(_env_file=None, **values)


class SlackBench:
    """Sends what Slack would send and waits until the app has finished with it."""

    def __init__(self, fake: FakeSlack, sessions: sessionmaker[Session], settings: Settings):
        self.fake = fake
        self.sessions = sessions
        self.settings = settings
        self.executor = TrackingExecutor()
        self.app: App = create_app(
            settings,
            sessions,
            client=make_request_client(settings),
            listener_executor=self.executor,
            token_verification=False,
        )

    # -- plumbing ----------------------------------------------------------------------------
    def send(
        self,
        body: str,
        content_type: str = "application/x-www-form-urlencoded",
        headers: dict[str, str] | None = None,
    ) -> BoltResponse:
        signed = (
            headers
            if headers is not None
            else rq.signed_headers(SECRET, body, content_type=content_type)
        )
        response = self.app.dispatch(BoltRequest(body=body, headers=signed))
        self.executor.wait_idle()
        return response

    def post(self, body: str | bytes, headers: dict[str, str]) -> tuple[int, str]:
        """POST /slack/events through the production WSGI app (as gunicorn would)."""
        from bot.server import make_wsgi

        raw = body.encode("utf-8", "surrogateescape") if isinstance(body, str) else body
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": "/slack/events",
            "QUERY_STRING": "",
            "CONTENT_LENGTH": str(len(raw)),
            "wsgi.input": io.BytesIO(raw),
            "CONTENT_TYPE": headers.get("content-type", ""),
        }
        environ.update({"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items()})
        setup_testing_defaults(environ)
        seen: dict[str, Any] = {}

        def start_response(status: str, _headers: list[tuple[str, str]]) -> None:
            seen["status"] = int(status.split()[0])

        wsgi = make_wsgi(self.app, self.sessions.kw["bind"])
        answer = b"".join(wsgi(environ, start_response)).decode("utf-8", "replace")
        self.executor.wait_idle()
        return seen["status"], answer

    def session(self) -> Session:
        return self.sessions()

    # -- what people do ----------------------------------------------------------------------
    def command(
        self,
        command: str,
        text: str = "",
        *,
        user: str = "U_TM",
        team: str = VENDOR,
        channel: str = CHANNEL,
    ) -> BoltResponse:
        return self.send(
            rq.command_body(
                command,
                text,
                user=user,
                team=team,
                channel=channel,
                response_url=self.fake.response_url(command.strip("/")),
            )
        )

    def click(
        self,
        action_id: str,
        value: str = "",
        *,
        user: str = "U_TM",
        user_team: str = VENDOR,
        channel: str | None = CHANNEL,
        message: dict[str, Any] | None = None,
        view: dict[str, Any] | None = None,
        selected_option: str | None = None,
    ) -> BoltResponse:
        message = (
            message if message is not None or view is not None else {"ts": "1.000001", "text": ""}
        )
        return self.send(
            rq.action_body(
                action_id,
                value,
                user=user,
                user_team=user_team,
                app_team=VENDOR,
                channel=channel if view is None else None,
                message=message,
                response_url=self.fake.response_url("action") if view is None else None,
                view=view,
                selected_option=selected_option,
            )
        )

    def last_view(self) -> dict[str, Any]:
        assert self.fake.views, "no modal was opened"
        return list(self.fake.views.values())[-1]

    def submit(
        self,
        values: dict[str, dict[str, Any]],
        *,
        user: str = "U_TM",
        user_team: str = VENDOR,
        view: dict[str, Any] | None = None,
        app_team: str = VENDOR,
    ) -> BoltResponse:
        return self.send(
            rq.view_submission_body(
                view or self.last_view(), values, user=user, user_team=user_team, app_team=app_team
            )
        )

    def event(
        self, event: dict[str, Any], *, event_id: str | None = None, retry_num: int | None = None
    ) -> BoltResponse:
        body = rq.event_body(event, team=VENDOR, event_id=event_id)
        headers = rq.signed_headers(SECRET, body, content_type="application/json")
        if retry_num is not None:
            headers["x-slack-retry-num"] = str(retry_num)
            headers["x-slack-retry-reason"] = "http_timeout"
        return self.send(body, "application/json", headers=headers)


def response_json(response: BoltResponse) -> dict[str, Any]:
    """The JSON a listener acked with (empty when it acked with nothing)."""
    if not response.body:
        return {}
    try:
        return json.loads(response.body)
    except ValueError:  # ack(text=...) answers with the bare text
        return {"text": response.body}


def block_texts(blocks: list[dict[str, Any]] | None) -> str:
    """All the text a person would read in some blocks, joined, for assertions."""
    out: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") in ("mrkdwn", "plain_text") and "text" in node:
                out.append(str(node["text"]))
            for value in node.values():
                if isinstance(value, dict | list):
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(blocks or [])
    return "\n".join(out)
