"""The sandbox's web page and the JSON routes it calls, served beside the Web API."""

from __future__ import annotations

import json
import mimetypes
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from typing import Any
from urllib.parse import parse_qs, urlsplit

from sandbox.platform import Platform, Refused
from sandbox.screen import HOME, Screen

Reply = tuple[int, bytes, str]
LONG_POLL_SECONDS = 20.0


@dataclass
class Status:
    """How the sandbox is doing, for the banner: starting, setting up the demo, ready."""

    phase: str = "starting partnerbot"
    ready: bool = False
    lines: list[str] = field(default_factory=list)  # what the scheduler runs reported


def _json(value: Any, status: int = 200) -> Reply:
    return status, json.dumps(value).encode(), "application/json"


class Page:
    """Routes: ``/`` and ``/static/*``; ``/sandbox/*`` for what the page shows and does."""

    def __init__(
        self,
        platform: Platform,
        status: Status,
        run_scheduler: Callable[[datetime], str] | None = None,
        port: int = 0,
    ) -> None:
        self.platform = platform
        self.screen = Screen(platform)
        self.status = status
        self.run_scheduler = run_scheduler
        self.port = port

    def __call__(self, method: str, path: str, headers: dict[str, str], body: bytes) -> Reply:
        host = headers.get("host", "")
        if self.port and host not in (f"127.0.0.1:{self.port}", f"localhost:{self.port}"):
            return 403, b"the sandbox answers only on 127.0.0.1", "text/plain"
        url = urlsplit(path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        if method == "GET":
            return self.get(url.path, query)
        if "application/json" not in headers.get("content-type", ""):
            return 415, b"send JSON", "text/plain"
        try:
            args = json.loads(body or b"{}")
            return self.post(url.path, args)
        except Refused as refusal:
            return _json({"ok": False, "error": str(refusal)})
        except (KeyError, ValueError, TypeError) as error:
            return _json({"ok": False, "error": f"bad request: {error}"}, 400)

    # -- reading -----------------------------------------------------------------------------
    def get(self, path: str, query: dict[str, str]) -> Reply:
        if path in ("/", "/index.html"):
            return self._static("index.html")
        if path.startswith("/static/"):
            return self._static(path.rsplit("/", 1)[-1])
        if path == "/healthz":
            return 200, b"ok", "text/plain"
        if path == "/sandbox/world":
            return _json(self._world())
        if path == "/sandbox/screen":
            return self._screen(query)
        if path == "/sandbox/data":
            return _json(self._data(query["as"], query.get("place") or HOME))
        if path.startswith("/sandbox/files/"):
            return self._file(path.rsplit("/", 1)[-1])
        return 404, b"not found", "text/plain"

    def _static(self, name: str) -> Reply:
        if name not in ("index.html", "page.js", "page.css"):
            return 404, b"not found", "text/plain"
        content = resources.files("sandbox").joinpath("static", name).read_bytes()
        kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return 200, content, f"{kind}; charset=utf-8"

    def _world(self) -> dict[str, Any]:
        world = self.platform.world
        people = []
        for p in world.people:
            channels = world.channels_of(p.id)
            people.append(
                {
                    "id": p.id,
                    "name": p.name,
                    "title": p.title,
                    "org": world.teams[p.team],
                    "vendor": p.team == world.vendor,
                    "first": channels[0].id if channels else HOME,
                }
            )
        return {"people": people, "commands": list(world.commands), "app": world.app_name}

    def _screen(self, query: dict[str, str]) -> Reply:
        user, place = query["as"], query.get("place") or HOME
        self.platform.world.person(user)  # a KeyError for someone who doesn't exist
        if "since" in query:
            self.platform.slack.wait_change(int(query["since"]), LONG_POLL_SECONDS)
        state = self.screen.state(user, place, query.get("thread") or None)
        state["status"] = {"phase": self.status.phase, "ready": self.status.ready}
        state["log"] = self.status.lines[-5:]
        return _json(state)

    def _data(self, user: str, place: str) -> dict[str, Any]:
        """What ``user`` sees, as Slack's JSON rather than HTML (for scripts and tests)."""
        slack = self.platform.slack
        stack = slack.modal_stack(user)
        with slack._lock:
            seen = [m for m in slack.messages if m.channel == place and not m.deleted]
            seen += [
                m
                for m in slack.ephemerals
                if m.channel == place and m.user == user and not m.deleted
            ]
        messages = [
            {
                "ts": m.ts,
                "text": m.text,
                "blocks": m.blocks,
                "thread_ts": m.thread_ts,
                "ephemeral": m.user is not None,
                "author": m.author,
            }
            for m in sorted(seen, key=lambda m: float(m.ts))
        ]
        return {
            "modal": stack[-1] if stack else None,
            "errors": self.platform.field_errors.get(stack[-1]["id"], {}) if stack else {},
            "messages": messages,
            "home": slack.home.get(user),
            "version": slack.version,
        }

    def _file(self, file_id: str) -> Reply:
        for stored in self.platform.slack.files:
            if stored["id"] == file_id:
                name = str(stored.get("filename") or file_id)
                kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
                return 200, bytes(stored.get("content") or b""), kind
        return 404, b"no such file", "text/plain"

    # -- doing -------------------------------------------------------------------------------
    def post(self, path: str, args: dict[str, Any]) -> Reply:
        platform = self.platform
        user = str(args.get("as", ""))
        if path != "/sandbox/clock":
            platform.world.person(user)
        if path == "/sandbox/say":
            place, text = str(args["place"]), str(args.get("text", "")).strip()
            if not text:
                raise Refused("type something first")
            if text.startswith("/") and not args.get("thread"):
                platform.command(user, place, text)
            else:
                platform.say(user, place, text, args.get("thread") or None)
        elif path == "/sandbox/act":
            platform.act(
                user,
                dict(args["container"]),
                str(args["block_id"]),
                str(args["action_id"]),
                args.get("value"),
                args.get("state"),
            )
        elif path == "/sandbox/submit":
            platform.submit(user, str(args["view_id"]), dict(args.get("values") or {}))
        elif path == "/sandbox/close":
            platform.close(user, str(args["view_id"]))
        elif path == "/sandbox/home":
            platform.open_home(user, str(args.get("tab") or "home"))
        elif path == "/sandbox/dismiss":
            platform.slack.dismiss(user, str(args["channel"]), str(args["ts"]))
        elif path == "/sandbox/scheduler":
            return _json({"ok": True, "report": self._run_scheduler(str(args["at"]))})
        elif path == "/sandbox/sharing":
            platform.set_sharing(str(args.get("channel") or ""), bool(args.get("shared")))
        elif path == "/sandbox/clock":
            self._set_clock(args.get("at"))
        else:
            return _json({"ok": False, "error": "no such route"}, 404)
        return _json({"ok": True})

    def _run_scheduler(self, at: str) -> str:
        if self.run_scheduler is None:
            raise Refused("the scheduler can't be run from this sandbox")
        moment = datetime.fromisoformat(at.replace("Z", "+00:00"))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        report = self.run_scheduler(moment.astimezone(UTC))
        self.status.lines.append(f"Scheduler run at {moment:%Y-%m-%d %H:%M %Z}: {report}")
        self.platform.slack.changed()
        return report

    def _set_clock(self, at: float | None) -> None:
        """The sandbox's clock (message times, request timestamps): ``at`` now, or real time."""
        offset = 0.0 if at is None else float(at) - time.time()
        self.platform.slack.clock = lambda: time.time() + offset
