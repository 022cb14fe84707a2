"""Faults the Slack stand-in injects on demand: the ways Slack fails a client."""

from __future__ import annotations

import random
import threading
import time
from collections import defaultdict
from dataclasses import dataclass


@dataclass
class Fault:
    status: int = 200
    error: str | None = None
    retry_after: int | None = None
    delay: float = 0.0
    reset: bool = False
    done_first: bool = False  # with a delay: do what was asked, then answer late


class FaultInjection:
    """Queued faults per method, random faults at a rate, and Slack's per-channel post rate."""

    _lock: threading.RLock

    def _init_faults(self) -> None:
        self.post_interval: float | None = None  # see enforce_channel_rate
        self.rate_limited = 0
        self.injected: list[tuple[str, str]] = []  # (method, fault kind) of random faults
        self._last_post: dict[str, float] = {}
        self._faults: dict[str, list[Fault]] = defaultdict(list)
        self._flaky: tuple[float, random.Random, float] | None = None

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

    def next_fault(self, method: str) -> Fault | None:
        """The fault for this call, if any: a queued one first, else maybe a random one."""
        with self._lock:
            queued = self._faults[method]
            return queued.pop(0) if queued else self._random_fault(method)

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
