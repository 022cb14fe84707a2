"""A Slack Web API stand-in on a real local HTTP port.

It records every call, answers the methods partnerbot uses the way Slack does, keeps posted
messages so ``chat.update`` edits them, and injects faults on demand: 429 with Retry-After,
500/503, slow answers (timeouts), reset connections and ``ok: false`` errors. The flow tests
use it, and so does the sandbox's page (``sandbox.server``), which adds routes of its own.
"""

from __future__ import annotations

import itertools
import json
import socket
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

from sandbox.faults import Fault, FaultInjection
from sandbox.records import Call, Channel, Message, User, coerce
from sandbox.responses import ResponseTarget, ResponseUrls
from sandbox.viewsapi import ViewsApi
from sandbox.webapi import MessagesApi

__all__ = ["Call", "Channel", "FakeSlack", "Fault", "Message", "ResponseTarget", "User"]

# A page's own routes: (HTTP method, path with query, headers, body) -> (status, body,
# content type), or None when the route isn't the page's.
PageRoutes = Callable[[str, str, dict[str, str], bytes], tuple[int, bytes, str] | None]


class FakeSlack(MessagesApi, ViewsApi, ResponseUrls, FaultInjection):
    def __init__(self, bot_team: str = "T_VENDOR", host: str = "127.0.0.1", port: int = 0) -> None:
        self.bot_team = bot_team
        self.bot_team_name = "Vendor Inc"
        self.bot_user = "UBOT"
        self.calls: list[Call] = []
        self.messages: list[Message] = []
        self.ephemerals: list[Message] = []
        self.views: dict[str, dict[str, Any]] = {}
        self.home: dict[str, dict[str, Any]] = {}
        self.users: dict[str, User] = {}
        self.channels: dict[str, Channel] = {}
        self.channel_errors: dict[str, str] = {}  # channel -> error for posts there
        self.files: list[dict[str, Any]] = []
        self.responses: list[dict[str, Any]] = []  # what listeners sent to response_url
        self.response_targets: dict[str, ResponseTarget] = {}
        self.triggers = {}
        self.modals = {}
        self.page: PageRoutes | None = None
        self._lock = threading.RLock()
        self._init_faults()
        self._last_ts = 0.0
        # Every change bumps the version; a page waits on it for live updates.
        self.version = 0
        self._changed = threading.Condition(self._lock)
        # Where message timestamps come from; a test whose scheduler runs at a made-up "now"
        # in another process points this at that moment.
        self.clock: Callable[[], float] = lambda: time.time()  # a frozen clock, when frozen
        self._ids = itertools.count(1)
        self.server = ThreadingHTTPServer((host, port), self._handler())
        self.server.daemon_threads = True
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    # -- lifecycle ---------------------------------------------------------------------------
    def base_address(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def url(self) -> str:
        return f"{self.base_address()}/api/"

    def start(self) -> FakeSlack:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # -- set-up ------------------------------------------------------------------------------
    def add_user(
        self,
        user_id: str,
        team_id: str,
        name: str,
        tz: str = "America/New_York",
        dm_refused: bool = False,
    ) -> User:
        user = User(user_id, team_id, name, tz, dm_refused)
        self.users[user_id] = user
        return user

    def add_channel(self, channel: Channel) -> Channel:
        self.channels[channel.id] = channel
        return channel

    # -- what happened -----------------------------------------------------------------------
    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def posts(self, channel: str | None = None) -> list[Message]:
        with self._lock:
            return [m for m in self.messages if channel is None or m.channel == channel]

    def last_post(self, channel: str | None = None) -> Message:
        found = self.posts(channel)
        assert found, f"nothing was posted to {channel or 'any channel'}"
        return found[-1]

    def ephemerals_for(self, user: str) -> list[Message]:
        with self._lock:
            return [m for m in self.ephemerals if m.user == user]

    def add_message(
        self,
        channel: str,
        text: str | None,
        blocks: list[dict[str, Any]] | None = None,
        *,
        author: str | None = None,
        user: str | None = None,
        thread_ts: str | None = None,
    ) -> Message:
        """A message not posted through the Web API: a person's own, or (with ``user``) an
        ephemeral one only they see, from Slack itself or an app's answer to a command."""
        message = Message(channel, self._next_ts(), text, blocks, thread_ts, user=user)
        message.author = author
        with self._lock:
            (self.ephemerals if user else self.messages).append(message)
        self.changed()
        return message

    def dismiss(self, user: str, channel: str, ts: str) -> None:
        """The reader dismissed an ephemeral message."""
        with self._lock:
            for m in self.ephemerals:
                if m.user == user and m.channel == channel and m.ts == ts:
                    m.deleted = True
        self.changed()

    def reset_calls(self) -> None:
        with self._lock:
            self.calls.clear()

    def changed(self) -> None:
        """Something people can see changed (a page waiting in ``wait_change`` wakes)."""
        with self._lock:
            self.version += 1
            self._changed.notify_all()

    def wait_change(self, since: int, timeout: float) -> int:
        """Wait until the version passes ``since`` (or ``timeout`` s); the version now."""
        with self._lock:
            self._changed.wait_for(lambda: self.version > since, timeout)
            return self.version

    # -- the API -----------------------------------------------------------------------------
    def answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        handler = getattr(self, "api_" + method.replace(".", "_"), None)
        if handler is None:
            return {"ok": False, "error": "unknown_method"}
        try:
            return handler(args)
        finally:
            self.changed()

    # -- HTTP --------------------------------------------------------------------------------
    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in two writes; without this, the second waits for the
            # client's delayed ACK (about 40 ms a call).
            disable_nagle_algorithm = True

            def log_message(self, *args: Any) -> None:  # keep test output quiet
                pass

            def do_GET(self) -> None:
                self._page("GET", b"")

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                if self.path.startswith("/upload/"):
                    fake.store_upload(self.path.rsplit("/", 1)[-1], raw)
                    self._send(200, b"OK - uploaded", "text/plain")
                elif self.path.startswith("/response/"):
                    fake.respond(self.path.rsplit("/", 1)[-1], json.loads(raw or b"{}"))
                    self._send(200, b"ok", "text/plain")
                elif self.path.startswith("/api/"):
                    self._api(raw)
                else:
                    self._page("POST", raw)

            def _page(self, method: str, raw: bytes) -> None:
                headers = {k.lower(): v for k, v in self.headers.items()}
                answer = fake.page(method, self.path, headers, raw) if fake.page else None
                if answer is None:
                    self._send(404, b"not found", "text/plain")
                else:
                    self._send(*answer)

            def _api(self, raw: bytes) -> None:
                method = self.path.split("/api/", 1)[-1].split("?")[0]
                content_type = self.headers.get("Content-Type", "")
                if "json" in content_type:
                    args = json.loads(raw or b"{}")
                elif "multipart" in content_type:
                    args = {}
                else:
                    args = {k: coerce(v[0]) for k, v in parse_qs(raw.decode()).items()}
                auth = self.headers.get("Authorization", "")
                if auth.startswith("Bearer ") and "token" not in args:
                    args["token"] = auth[len("Bearer ") :]
                with fake._lock:
                    fake.calls.append(Call(method, args, time.time()))
                fault = fake.next_fault(method)
                if fault is not None and self._fault(fault, method, args):
                    return
                if method == "chat.postMessage" and fake.too_soon(str(args.get("channel", ""))):
                    body = b'{"ok": false, "error": "ratelimited"}'
                    self._send(429, body, "application/json", {"Retry-After": "1"})
                    return
                answer = fake.answer(method, args)
                self._send(200, json.dumps(answer).encode(), "application/json")

            def _fault(self, fault: Fault, method: str, args: dict[str, Any]) -> bool:
                """Answer with ``fault``; False when it was only a delay and the call goes on."""
                if fault.reset:
                    linger = b"\x01\x00\x00\x00\x00\x00\x00\x00"
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
                    self.connection.close()
                    self.close_connection = True
                    return True
                if fault.delay and fault.done_first:
                    answer = fake.answer(method, args)
                    time.sleep(fault.delay)
                    try:  # the client has usually given up by now
                        self._send(200, json.dumps(answer).encode(), "application/json")
                    except OSError:
                        self.close_connection = True
                    return True
                if fault.delay:
                    time.sleep(fault.delay)
                if fault.status == 200 and not fault.error:
                    return False
                body = json.dumps({"ok": False, "error": fault.error or "fault"}).encode()
                headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after else {}
                self._send(fault.status, body, "application/json", headers)
                return True

            def _send(
                self,
                status: int,
                body: bytes,
                content_type: str,
                headers: dict[str, str] | None = None,
            ) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

        return Handler
