"""Slack allows about one message per second in a channel; the scheduler keeps to that.

A burst to one channel (five promise reminders to one TM at 09:00, overdue notes to an owner
of many partnerships) is spread out at the posting client instead of earning 429s; posts to
different channels are not held back.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from slack_sdk import WebClient
from slack_sdk.web import SlackResponse


class ChannelPacer:
    """Hands out send times at least ``interval`` seconds apart per channel."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, channel: str) -> float:
        """Sleep until ``channel`` may be posted to again; returns the seconds waited."""
        if self.interval <= 0:
            return 0.0
        with self._lock:
            now = time.monotonic()
            ready = max(now, self._next.get(channel, now))
            self._next[channel] = ready + self.interval
        delay = ready - now
        if delay > 0:
            time.sleep(delay)
        return max(delay, 0.0)


class PacedWebClient(WebClient):
    """A WebClient whose chat.postMessage calls keep to the pacer's per-channel interval."""

    def __init__(self, *args: Any, pacer: ChannelPacer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pacer = pacer

    def api_call(self, api_method: str, **kwargs: Any) -> SlackResponse:
        if api_method == "chat.postMessage":
            params = kwargs.get("json") or kwargs.get("params") or kwargs.get("data") or {}
            channel = params.get("channel") if isinstance(params, dict) else None
            if channel:
                self.pacer.wait(str(channel))
        return super().api_call(api_method, **kwargs)
