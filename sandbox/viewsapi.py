"""The Web API methods about views (modals, App Home) and files."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from sandbox.webapi import Answer, StandInState

TRIGGER_LIFETIME = 3.0  # seconds: Slack's trigger_id lives 3 s and works once
MODAL_STACK = 3  # Slack stacks at most three views in a modal


@dataclass
class Trigger:
    user: str
    issued: float
    used: bool = False


class ViewsApi(StandInState):
    views: dict[str, dict[str, Any]]
    home: dict[str, dict[str, Any]]
    files: list[dict[str, Any]]
    triggers: dict[str, Trigger]
    modals: dict[str, list[str]]  # user -> the stack of views they see, bottom first

    def base_address(self) -> str:
        raise NotImplementedError

    def issue_trigger(self, user: str, trigger_id: str) -> None:
        """Remember whose interaction ``trigger_id`` came from, so a modal opened with it
        shows to that person, once, within 3 s, as Slack does."""
        with self._lock:
            self.triggers[trigger_id] = Trigger(user, time.monotonic())

    def _use_trigger(self, trigger_id: str) -> tuple[str | None, str | None]:
        """(the person, an error); unknown triggers (tests make their own) work for nobody."""
        with self._lock:
            trigger = self.triggers.get(trigger_id)
            if trigger is None:
                return None, None
            if trigger.used or time.monotonic() - trigger.issued > TRIGGER_LIFETIME:
                return None, "expired_trigger_id"
            trigger.used = True
            return trigger.user, None

    def new_view_id(self) -> str:
        return f"V{next(self._ids):08d}"

    def store_view(self, args: Answer, view_id: str) -> dict[str, Any]:
        """Keep ``args["view"]`` as view ``view_id``, with a new hash, as Slack does."""
        view = dict(args.get("view") or {})
        view.update({"id": view_id, "hash": f"h{view_id}.{next(self._ids)}"})
        view.setdefault("state", {"values": {}})
        view["app_installed_team_id"] = self.bot_team
        with self._lock:
            self.views[view_id] = view
        return view

    def api_views_open(self, args: Answer) -> Answer:
        if not args.get("trigger_id"):
            return {"ok": False, "error": "invalid_trigger_id"}
        user, error = self._use_trigger(str(args["trigger_id"]))
        if error:
            return {"ok": False, "error": error}
        view = self.store_view(args, self.new_view_id())
        if user is not None:
            with self._lock:
                self.modals[user] = [view["id"]]
        return {"ok": True, "view": view}

    def api_views_push(self, args: Answer) -> Answer:
        user, error = self._use_trigger(str(args.get("trigger_id") or ""))
        if error or user is None:
            return {"ok": False, "error": error or "invalid_trigger_id"}
        with self._lock:
            stack = self.modals.setdefault(user, [])
            if len(stack) >= MODAL_STACK:
                return {"ok": False, "error": "push_limit_reached"}
            view = self.store_view(args, self.new_view_id())
            stack.append(view["id"])
        return {"ok": True, "view": view}

    def api_views_update(self, args: Answer) -> Answer:
        view_id = str(args.get("view_id", ""))
        if not view_id and args.get("external_id"):
            found = [
                k for k, v in self.views.items() if v.get("external_id") == args["external_id"]
            ]
            view_id = found[-1] if found else ""
        if view_id not in self.views:
            return {"ok": False, "error": "not_found"}
        return {"ok": True, "view": self.store_view(args, view_id)}

    def api_views_publish(self, args: Answer) -> Answer:
        view = dict(args.get("view") or {})
        blocks = view.get("blocks") or []
        if len(blocks) > 100:
            return {"ok": False, "error": "invalid_arguments", "detail": "more than 100 blocks"}
        with self._lock:
            self.home[str(args.get("user_id"))] = view
        return {"ok": True, "view": view}

    def push_view(self, user: str, view: dict[str, Any]) -> dict[str, Any]:
        """Stack ``view`` on the modal ``user`` sees (an app's ``response_action: push``)."""
        pushed = self.store_view({"view": view}, self.new_view_id())
        with self._lock:
            self.modals.setdefault(user, []).append(pushed["id"])
        return pushed

    def modal_stack(self, user: str) -> list[dict[str, Any]]:
        """The views ``user`` sees in a modal, bottom first (empty: no modal open)."""
        with self._lock:
            return [self.views[v] for v in self.modals.get(user, []) if v in self.views]

    def close_views(self, user: str, view_id: str, clear: bool = False) -> None:
        """The person closed a view (or the app answered ``clear``): pop it, or them all."""
        with self._lock:
            stack = self.modals.get(user, [])
            if clear or view_id not in stack:
                self.modals[user] = []
            else:
                del stack[stack.index(view_id) :]

    def api_files_getUploadURLExternal(self, args: Answer) -> Answer:
        file_id = f"F{next(self._ids):08d}"
        entry = {"id": file_id, "filename": args.get("filename"), "content": b""}
        with self._lock:
            self.files.append(entry)
        return {
            "ok": True,
            "upload_url": f"{self.base_address()}/upload/{file_id}",
            "file_id": file_id,
        }

    def api_files_completeUploadExternal(self, args: Answer) -> Answer:
        files = args.get("files") or []
        if isinstance(files, str):
            files = json.loads(files)
        channel = args.get("channel_id") or args.get("channels")
        shared = self._next_ts()
        with self._lock:
            for entry in files:
                for stored in self.files:
                    if stored["id"] == entry.get("id"):
                        stored["title"] = entry.get("title")
                        stored["channel"] = channel
                        stored["completed"] = True
                        stored["ts"] = shared
                        stored["initial_comment"] = args.get("initial_comment")
                        stored["thread_ts"] = args.get("thread_ts")
        return {"ok": True, "files": [{"id": f.get("id")} for f in files]}

    def store_upload(self, file_id: str, content: bytes) -> None:
        with self._lock:
            for stored in self.files:
                if stored["id"] == file_id:
                    stored["content"] = content
