"""People using the sandbox from a script: the page's own routes, without a browser.

The demo history is made with it, the way a person would make it on the page.
"""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlencode

from sandbox.blocks import block_id

T = TypeVar("T")
VALUE = "value"  # partnerbot's inputs all use this action_id


class DriverError(Exception):
    pass


def words(node: Any) -> str:
    """All the text in a message or view, for finding it."""
    if isinstance(node, dict):
        own = node["text"] if isinstance(node.get("text"), str) else ""
        inner = [words(v) for v in node.values() if isinstance(v, dict | list)]
        return " ".join([own, *inner])
    if isinstance(node, list):
        return " ".join(words(v) for v in node)
    return ""


def elements(blocks: list[dict[str, Any]] | None) -> list[tuple[str, str, dict[str, Any]]]:
    """(block_id, action_id, element) of each interactive element, named as the page names
    them."""
    found = []
    for index, block in enumerate(blocks or []):
        bid = block_id(block, index)
        if block.get("type") == "actions":
            items = list(enumerate(block.get("elements") or []))
        elif block.get("type") == "section" and block.get("accessory"):
            items = [(0, block["accessory"])]
        else:
            items = []
        found += [(bid, str(el.get("action_id") or f"a{i}"), el) for i, el in items]
    return found


class Driver:
    def __init__(self, base: str, timeout: float = 15.0) -> None:
        self.base = base.rstrip("/")
        self.timeout = timeout

    def _call(self, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        data = json.dumps(body).encode() if body is not None else None
        headers = {"content-type": "application/json"} if data else {}
        request = urllib.request.Request(self.base + path, data, headers)
        with urllib.request.urlopen(request, timeout=self.timeout + 5) as answer:
            result: dict[str, Any] = json.loads(answer.read())
        if body is not None and not result.get("ok"):
            raise DriverError(f"{path}: {result.get('error')}")
        return result

    def post(self, route: str, user: str, **body: Any) -> dict[str, Any]:
        return self._call(f"/sandbox/{route}", {"as": user, **body})

    def data(self, user: str, place: str) -> dict[str, Any]:
        return self._call("/sandbox/data?" + urlencode({"as": user, "place": place}))

    def wait(self, found: Callable[[], T | None], what: str) -> T:
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            value = found()
            if value:
                return value
            time.sleep(0.05)
        raise DriverError(f"waited {self.timeout:.0f} s for {what}")

    def set_clock(self, at: float | None) -> None:
        self._call("/sandbox/clock", {"at": at})

    # -- what people do ----------------------------------------------------------------------
    def type(self, user: str, place: str, text: str) -> None:
        self.post("say", user, place=place, text=text)

    def modal(self, user: str, callback: str) -> dict[str, Any]:
        """The modal ``user`` has open, once it is the one with ``callback``."""

        def opened() -> dict[str, Any] | None:
            view = self.data(user, "").get("modal")
            return view if view and view.get("callback_id") == callback else None

        return self.wait(opened, f"the {callback} modal")

    def submit(self, user: str, callback: str, values: dict[str, Any]) -> None:
        """Fill the modal's fields (block id -> what to enter) and submit it."""
        view = self.modal(user, callback)
        raw = {block: {VALUE: value} for block, value in values.items()}
        self.post("submit", user, view_id=view["id"], values=raw)
        errors = self.data(user, "").get("errors")
        if errors:
            raise DriverError(f"{callback} refused: {errors}")

    def close(self, user: str) -> None:
        view = self.data(user, "").get("modal")
        if view:
            self.post("close", user, view_id=view["id"])

    def find(
        self, user: str, place: str, action: str, text: str = "", ts: str | None = None
    ) -> tuple[dict[str, Any], str]:
        """The newest message ``user`` sees in ``place`` with an element ``action`` (showing
        ``text``; or the message ``ts``), and the element's block id."""

        def seen() -> tuple[dict[str, Any], str] | None:
            for message in reversed(self.data(user, place)["messages"]):
                if (text and text not in words(message)) or (ts and message["ts"] != ts):
                    continue
                for bid, aid, _el in elements(message.get("blocks")):
                    if aid == action:
                        return message, bid
            return None

        return self.wait(seen, f"{action} in {place}")

    def click(
        self,
        user: str,
        place: str,
        action: str,
        text: str = "",
        ts: str | None = None,
        choose: str | None = None,
    ) -> dict[str, Any]:
        """Click the element ``action`` on the newest message showing ``text`` (or message
        ``ts``); ``choose``: the option picked from a menu."""
        message, bid = self.find(user, place, action, text, ts)
        container = {
            "kind": "message",
            "channel": place,
            "ts": message["ts"],
            "ephemeral": message["ephemeral"],
        }
        self.post("act", user, container=container, block_id=bid, action_id=action, value=choose)
        return message

    def dismiss(self, user: str, place: str, ts: str) -> None:
        self.post("dismiss", user, channel=place, ts=ts)
