"""A fake Slack Web API on a real local HTTP port.

It records every call, answers the methods partnerbot uses the way Slack does, keeps posted
messages so ``chat.update`` edits them, and injects faults on demand: 429 with Retry-After,
500/503, slow answers (timeouts), reset connections and ``ok: false`` errors.
"""

from __future__ import annotations

import itertools
import json
import random
import socket
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    at: float


@dataclass
class Fault:
    status: int = 200
    error: str | None = None
    retry_after: int | None = None
    delay: float = 0.0
    reset: bool = False
    done_first: bool = False  # with a delay: do what was asked, then answer late


@dataclass
class Message:
    channel: str
    ts: str
    text: str | None
    blocks: list[dict[str, Any]] | None
    thread_ts: str | None = None
    user: str | None = None  # for ephemeral messages: who sees it
    metadata: dict[str, Any] | None = None
    reactions: list[str] = field(default_factory=list)
    deleted: bool = False


@dataclass
class User:
    id: str
    team_id: str
    name: str
    tz: str = "America/New_York"
    dm_refused: bool = False  # conversations.open answers invalid_user_combination
    is_admin: bool = False  # a workspace admin (users.info is_admin)


def _coerce(value: Any) -> Any:
    """Form-encoded values arrive as strings; JSON-looking ones (blocks, view) are decoded."""
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


class FakeSlack:
    def __init__(self, bot_team: str = "T_VENDOR") -> None:
        self.bot_team = bot_team
        self.calls: list[Call] = []
        self.messages: list[Message] = []
        self.ephemerals: list[Message] = []
        self.views: dict[str, dict[str, Any]] = {}
        self.home: dict[str, dict[str, Any]] = {}
        self.users: dict[str, User] = {}
        self.channel_errors: dict[str, str] = {}  # channel -> error for posts there
        self.files: list[dict[str, Any]] = []
        self.responses: list[dict[str, Any]] = []  # what listeners sent to response_url
        self.post_interval: float | None = None  # see enforce_channel_rate
        self.rate_limited = 0
        self._last_post: dict[str, float] = {}
        self._faults: dict[str, list[Fault]] = defaultdict(list)
        self._flaky: tuple[float, random.Random, float] | None = None
        self.injected: list[tuple[str, str]] = []  # (method, fault kind) of random faults
        self._lock = threading.RLock()
        self._last_ts = 0.0
        # Where message timestamps come from; a test whose scheduler runs at a made-up "now"
        # in another process points this at that moment.
        self.clock: Callable[[], float] = lambda: time.time()  # a frozen clock, when frozen
        self._ids = itertools.count(1)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    # -- lifecycle ---------------------------------------------------------------------------
    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/api/"

    def start(self) -> FakeSlack:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def response_url(self, name: str = "r") -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/response/{name}"

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

    def fail(self, method: str, *faults: Fault) -> None:
        """Answer the next calls of ``method`` with these faults, in order."""
        with self._lock:
            self._faults[method].extend(faults)

    def flaky(self, rate: float = 0.1, seed: int = 0, timeout: float = 1.0) -> None:
        """Answer about ``rate`` of all Web API calls with a random fault, from then on.

        The faults, in turn: 429 with Retry-After 1, 500, 503, an answer ``timeout`` seconds
        late (longer than the client waits; Slack still does what was asked, as it does when
        a client gives up) and a reset connection. ``rate=0`` turns it off. Each injected
        fault is recorded in ``injected``.
        """
        with self._lock:
            self._flaky = (rate, random.Random(seed), timeout) if rate else None

    def _random_fault(self, method: str) -> Fault | None:
        """Called under the lock for a call no queued fault applies to."""
        if self._flaky is None:
            return None
        rate, rng, timeout = self._flaky
        if rng.random() >= rate:
            return None
        kinds = ("429", "500", "503", "timeout", "reset")
        kind = kinds[len(self.injected) % len(kinds)]  # each kind in turn
        self.injected.append((method, kind))
        return {
            "429": Fault(status=429, error="ratelimited", retry_after=1),
            "500": Fault(status=500, error="internal_error"),
            "503": Fault(status=503, error="service_unavailable"),
            "timeout": Fault(delay=timeout, done_first=True),
            "reset": Fault(reset=True),
        }[kind]

    def enforce_channel_rate(self, interval: float = 1.0, tolerance: float = 0.05) -> None:
        """Answer 429 to a post that comes sooner than ``interval`` after the last one in the
        same channel, as Slack does for bursts (counted in ``rate_limited``)."""
        self.post_interval = interval - tolerance

    def too_soon(self, channel: str) -> bool:
        if self.post_interval is None:
            return False
        now = time.monotonic()
        with self._lock:
            last = self._last_post.get(channel)
            if last is not None and now - last < self.post_interval:
                self.rate_limited += 1
                return True
            self._last_post[channel] = now
        return False

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

    def message(self, channel: str, ts: str) -> Message:
        with self._lock:
            for m in self.messages:
                if m.channel == channel and m.ts == ts:
                    return m
        raise KeyError((channel, ts))

    def reset_calls(self) -> None:
        with self._lock:
            self.calls.clear()

    # -- the API -----------------------------------------------------------------------------
    def _next_ts(self) -> str:
        """Like Slack's: the posting time (the test's frozen clock, if any), unique."""
        with self._lock:
            moment = max(self.clock(), self._last_ts + 0.000001)
            self._last_ts = moment
        return f"{moment:.6f}"

    def _dm_channel(self, user: str) -> str:
        return "D" + user

    def answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        handler = getattr(self, "api_" + method.replace(".", "_"), None)
        if handler is None:
            return {"ok": False, "error": "unknown_method"}
        return handler(args)

    def api_auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        # Tokens handed out by oauth.v2.access belong to the workspace that installed.
        other = str(args.get("token", "")).startswith(("xoxb-new", "xoxb-rotated"))
        return {
            "ok": True,
            "team": "New Co" if other else "Vendor Inc",
            "team_id": "T_NEW" if other else self.bot_team,
            "user": "partnerbot",
            "user_id": "UBOT",
            "bot_id": "BBOT",
        }

    def api_apps_connections_open(self, args: dict[str, Any]) -> dict[str, Any]:
        # Socket Mode's first step; no WebSocket server stands behind this URL.
        if not str(args.get("token", "")).startswith("xapp-"):
            return {"ok": False, "error": "invalid_auth"}
        return {"ok": True, "url": "ws://127.0.0.1:9/link"}

    def api_oauth_v2_access(self, args: dict[str, Any]) -> dict[str, Any]:
        """An install for team T_NEW, or a refreshed token when rotating."""
        if args.get("grant_type") == "refresh_token":
            n = next(self._ids)
            return {
                "ok": True,
                "access_token": f"xoxb-rotated-{n}",
                "token_type": "bot",
                "refresh_token": f"xoxe-refresh-{n}",
                "expires_in": 43200,
                "team": {"id": "T_NEW"},
                "bot_user_id": "UBOTNEW",
                "app_id": "A0PARTNER",
                "scope": "commands,chat:write",
            }
        if args.get("code") != "good-code":
            return {"ok": False, "error": "invalid_code"}
        return {
            "ok": True,
            "access_token": "xoxb-new-workspace",
            "token_type": "bot",
            "scope": "commands,chat:write",
            "bot_user_id": "UBOTNEW",
            "app_id": "A0PARTNER",
            "refresh_token": "xoxe-refresh-0",
            "expires_in": 43200,
            "team": {"id": "T_NEW", "name": "New Co"},
            "enterprise": None,
            "is_enterprise_install": False,
            "authed_user": {"id": "U_INSTALLER"},
        }

    def api_users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user = self.users.get(args.get("user", ""))
        if user is None:
            return {"ok": False, "error": "user_not_found"}
        return {
            "ok": True,
            "user": {
                "id": user.id,
                "team_id": user.team_id,
                "name": user.name,
                "real_name": user.name,
                "tz": user.tz,
                "is_admin": user.is_admin,
                "profile": {"display_name": user.name},
            },
        }

    def api_conversations_open(self, args: dict[str, Any]) -> dict[str, Any]:
        users = str(args.get("users", "")).split(",")
        for user_id in users:
            user = self.users.get(user_id)
            if user is not None and user.dm_refused:
                return {"ok": False, "error": "invalid_user_combination"}
        return {"ok": True, "channel": {"id": self._dm_channel(users[0])}}

    def api_conversations_info(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = args.get("channel", "")
        if channel in self.channel_errors:
            return {"ok": False, "error": self.channel_errors[channel]}
        return {"ok": True, "channel": {"id": channel, "is_ext_shared": True, "is_private": False}}

    def _post(self, args: dict[str, Any], ephemeral: bool) -> dict[str, Any]:
        channel = str(args.get("channel", ""))
        if channel in self.channel_errors:
            return {"ok": False, "error": self.channel_errors[channel]}
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        if not args.get("text") and not args.get("blocks"):
            return {"ok": False, "error": "no_text"}
        blocks = args.get("blocks")
        if isinstance(blocks, list) and len(blocks) > 50:
            return {"ok": False, "error": "invalid_blocks", "detail": "more than 50 blocks"}
        if channel.startswith("U"):  # posting to a user id goes to the DM with them
            channel = self._dm_channel(channel)
        message = Message(
            channel=channel,
            ts=self._next_ts(),
            text=args.get("text"),
            blocks=blocks,
            thread_ts=args.get("thread_ts"),
            user=args.get("user") if ephemeral else None,
            metadata=args.get("metadata"),
        )
        with self._lock:
            (self.ephemerals if ephemeral else self.messages).append(message)
        if ephemeral:
            return {"ok": True, "message_ts": message.ts}
        return {
            "ok": True,
            "channel": channel,
            "ts": message.ts,
            "message": {"text": message.text, "ts": message.ts},
        }

    def api_chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        return self._post(args, ephemeral=False)

    def api_chat_postEphemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        return self._post(args, ephemeral=True)

    def api_chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args.get("channel", ""))
        if channel in self.channel_errors:
            return {"ok": False, "error": self.channel_errors[channel]}
        try:
            message = self.message(channel, str(args.get("ts")))
        except KeyError:
            return {"ok": False, "error": "message_not_found"}
        if message.deleted:
            return {"ok": False, "error": "message_not_found"}
        message.text = args.get("text", message.text)
        message.blocks = args.get("blocks", message.blocks)
        if "metadata" in args:
            message.metadata = args["metadata"]
        return {"ok": True, "channel": channel, "ts": message.ts}

    def api_chat_delete(self, args: dict[str, Any]) -> dict[str, Any]:
        try:
            message = self.message(str(args.get("channel")), str(args.get("ts")))
        except KeyError:
            return {"ok": False, "error": "message_not_found"}
        message.deleted = True
        return {"ok": True}

    def api_chat_getPermalink(self, args: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "permalink": f"https://slack.test/archives/{args.get('channel')}/p{args.get('message_ts')}",
        }

    def api_conversations_replies(self, args: dict[str, Any]) -> dict[str, Any]:
        """A thread: its parent and replies, oldest first (as Slack lists them)."""
        channel, thread = str(args.get("channel", "")), str(args.get("ts", ""))
        with self._lock:
            found = [
                m
                for m in self.messages
                if m.channel == channel
                and not m.deleted
                and not m.user
                and (m.ts == thread or m.thread_ts == thread)
            ]
        oldest = float(args.get("oldest") or 0)
        return {
            "ok": True,
            "messages": [
                {"ts": m.ts, "thread_ts": m.thread_ts, "text": m.text, "metadata": m.metadata}
                for m in found
                if m.ts == thread or float(m.ts) >= oldest
            ],
            "has_more": False,
        }

    def api_conversations_history(self, args: dict[str, Any]) -> dict[str, Any]:
        """Top-level messages only, newest first: thread replies are in conversations.replies."""
        channel = str(args.get("channel", ""))
        with self._lock:
            found = [
                m
                for m in self.messages
                if m.channel == channel
                and not m.deleted
                and not m.user
                and (m.thread_ts is None or m.thread_ts == m.ts)
            ]
        oldest = float(args.get("oldest") or 0)
        found = [m for m in found if float(m.ts) >= oldest]
        return {
            "ok": True,
            "messages": [
                {"ts": m.ts, "text": m.text, "metadata": m.metadata} for m in reversed(found)
            ],
            "has_more": False,
        }

    def api_reactions_add(self, args: dict[str, Any]) -> dict[str, Any]:
        try:
            message = self.message(str(args.get("channel")), str(args.get("timestamp")))
        except KeyError:
            return {"ok": False, "error": "message_not_found"}
        name = str(args.get("name"))
        if name in message.reactions:
            return {"ok": False, "error": "already_reacted"}
        message.reactions.append(name)
        return {"ok": True}

    def api_views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        if not args.get("trigger_id"):
            return {"ok": False, "error": "invalid_trigger_id"}
        view = dict(args.get("view") or {})
        view_id = f"V{next(self._ids):08d}"
        view.update({"id": view_id, "hash": f"h{view_id}"})
        with self._lock:
            self.views[view_id] = view
        return {"ok": True, "view": view}

    def api_views_update(self, args: dict[str, Any]) -> dict[str, Any]:
        view_id = str(args.get("view_id", ""))
        if view_id not in self.views:
            return {"ok": False, "error": "not_found"}
        view = dict(args.get("view") or {})
        view.update({"id": view_id})
        self.views[view_id] = view
        return {"ok": True, "view": view}

    def api_views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        view = dict(args.get("view") or {})
        blocks = view.get("blocks") or []
        if len(blocks) > 100:
            return {"ok": False, "error": "invalid_arguments", "detail": "more than 100 blocks"}
        with self._lock:
            self.home[str(args.get("user_id"))] = view
        return {"ok": True, "view": view}

    def api_files_getUploadURLExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        file_id = f"F{next(self._ids):08d}"
        host, port = self.server.server_address[:2]
        with self._lock:
            self.files.append({"id": file_id, "filename": args.get("filename"), "content": b""})
        return {
            "ok": True,
            "upload_url": f"http://{host}:{port}/upload/{file_id}",
            "file_id": file_id,
        }

    def api_files_completeUploadExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        files = args.get("files") or []
        if isinstance(files, str):
            files = json.loads(files)
        with self._lock:
            for entry in files:
                for stored in self.files:
                    if stored["id"] == entry.get("id"):
                        stored["title"] = entry.get("title")
                        stored["channel"] = args.get("channel_id") or args.get("channels")
                        stored["completed"] = True
        return {"ok": True, "files": [{"id": f.get("id")} for f in files]}

    # -- HTTP --------------------------------------------------------------------------------
    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # keep test output quiet
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                if self.path.startswith("/upload/"):
                    file_id = self.path.rsplit("/", 1)[-1]
                    with fake._lock:
                        for stored in fake.files:
                            if stored["id"] == file_id:
                                stored["content"] = raw
                    self._send(200, b"OK - uploaded", "text/plain")
                    return
                if self.path.startswith("/response/"):
                    reply = json.loads(raw or b"{}")
                    with fake._lock:
                        fake.calls.append(Call("response_url", reply, time.time()))
                        fake.responses.append(reply)
                    self._send(200, b"ok", "text/plain")
                    return
                method = self.path.split("/api/", 1)[-1].split("?")[0]
                content_type = self.headers.get("Content-Type", "")
                if "json" in content_type:
                    args = json.loads(raw or b"{}")
                elif "multipart" in content_type:
                    args = {}
                else:
                    args = {k: _coerce(v[0]) for k, v in parse_qs(raw.decode()).items()}
                auth = self.headers.get("Authorization", "")
                if auth.startswith("Bearer ") and "token" not in args:
                    args["token"] = auth[len("Bearer ") :]
                with fake._lock:
                    fake.calls.append(Call(method, args, time.time()))
                    queued = fake._faults[method]
                    fault = queued.pop(0) if queued else fake._random_fault(method)
                if fault is not None:
                    if fault.reset:
                        self.connection.setsockopt(
                            socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
                        )
                        self.connection.close()
                        self.close_connection = True
                        return
                    if fault.delay and fault.done_first:
                        answer = fake.answer(method, args)
                        time.sleep(fault.delay)
                        try:  # the client has usually given up by now
                            self._send(200, json.dumps(answer).encode(), "application/json")
                        except OSError:
                            self.close_connection = True
                        return
                    if fault.delay:
                        time.sleep(fault.delay)
                    if fault.status != 200 or fault.error:
                        body = {"ok": False, "error": fault.error or "fault"}
                        headers = (
                            {"Retry-After": str(fault.retry_after)} if fault.retry_after else {}
                        )
                        self._send(
                            fault.status, json.dumps(body).encode(), "application/json", headers
                        )
                        return
                if method == "chat.postMessage" and fake.too_soon(str(args.get("channel", ""))):
                    body = b'{"ok": false, "error": "ratelimited"}'
                    self._send(429, body, "application/json", {"Retry-After": "1"})
                    return
                answer = fake.answer(method, args)
                self._send(200, json.dumps(answer).encode(), "application/json")

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
