"""Knowing when a process is past its capacity: requests wait longer than Slack will.

Slack waits 3 seconds for an answer, then shows the person an error (and retries an event
later). So the process watches, counting from the moment a request's bytes reached the
machine (the kernel records it): how long requests wait for one of the server's threads and
for a listener thread, and how long they take to be answered. Past its capacity a process
shows it one way or the other: requests queue for threads, or every thread has one and all
of them crawl, sharing too little CPU.

It is saturated while a request has waited for a thread longer than
``SATURATED_AFTER_SECONDS`` (2.5 s by default), or several were answered that late: it logs
it, and ``/healthz`` answers 503 so a load balancer sends work elsewhere, until that hasn't
happened for twice that time. A request that waited past Slack's 3 s is answered 503 without
being run: Slack has already told the person it failed, and doing it now would change
things behind their back; the work it would have cost goes to the requests behind it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

log = logging.getLogger("partnerbot.capacity")

SLACK_WAITS_S = 3.0  # Slack gives up on an answer after this
DEFAULT_LIMIT_S = 2.5
REPORT_EVERY_S = 10.0  # while saturated, one log line this often
LATE_ANSWERS = 3  # this many answers past the limit (within the hold) make it saturated;
# one alone may be a slow listener rather than a process short of capacity


class Saturation:
    """How long requests wait for a thread, and whether that makes the process saturated.

    A request is ``waiting`` (with a token of its own) from the moment it queues for a thread
    until it ``started``; tokens are anything hashable. ``answered`` says how long a request
    took from its arrival to its answer. Thread-safe.
    """

    def __init__(
        self, limit_s: float = DEFAULT_LIMIT_S, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit_s
        self.hold = 2 * limit_s
        self._clock = clock
        self._lock = threading.Lock()
        self._waiting: dict[Any, float] = {}
        self._late_until = float("-inf")
        self._late_answers: deque[float] = deque(maxlen=LATE_ANSWERS)  # when, lately
        self._longest = 0.0  # the longest wait seen since the last report
        self._late = 0  # requests that waited or were answered past the limit, since then
        self._dropped = 0  # requests dropped since the last report
        self._reported: float | None = None  # when the last "saturated" line was logged

    # -- the queues ----------------------------------------------------------------------------

    def waiting(self, token: Any, since: float | None = None) -> None:
        """``token`` queues for a thread, since ``since`` (the clock's time; now if None)."""
        with self._lock:
            self._waiting[token] = self._clock() if since is None else since

    def started(self, token: Any) -> float:
        """``token`` got its thread: how long it waited (0 if it wasn't waiting)."""
        now = self._clock()
        with self._lock:
            since = self._waiting.pop(token, None)
            if since is None:
                return 0.0
            waited = now - since
            if waited > self.limit:
                self._note_late(now, waited)
                self._late_until = now + self.hold
        self._report(now)
        return waited

    def answered(self, seconds: float) -> None:
        """A request was answered ``seconds`` after it arrived."""
        if seconds <= self.limit:
            return
        now = self._clock()
        with self._lock:
            self._note_late(now, seconds)
            self._late_answers.append(now)
            if len(self._late_answers) == LATE_ANSWERS and now - self._late_answers[0] <= self.hold:
                self._late_until = now + self.hold
        self._report(now)

    def _note_late(self, now: float, seconds: float) -> None:
        """Called under the lock."""
        self._late += 1
        self._longest = max(self._longest, seconds)

    def dropped(self, what: str, waited: float) -> None:
        """A request that waited ``waited`` s was dropped unanswered (Slack had given up)."""
        with self._lock:
            self._dropped += 1
        log.debug("dropped %s: it waited %.1f s for a thread", what, waited)

    # -- what it adds up to -------------------------------------------------------------------

    def saturated(self) -> bool:
        return bool(self.status()["saturated"])

    def status(self) -> dict[str, Any]:
        """Whether the process is saturated, and the figures that say so."""
        now = self._clock()
        with self._lock:
            saturated, oldest_wait = self._saturated(now)
            waiting = len(self._waiting)
        self._report(now)
        return {
            "saturated": saturated,
            "waiting": waiting,
            "oldest_wait_s": round(oldest_wait, 2),
            "limit_s": self.limit,
        }

    def _saturated(self, now: float) -> tuple[bool, float]:
        """Called under the lock: saturated or not, and the oldest request's wait so far."""
        oldest_wait = self._oldest_wait(now)
        return oldest_wait > self.limit or now < self._late_until, oldest_wait

    def _oldest_wait(self, now: float) -> float:
        return max(0.0, now - min(self._waiting.values(), default=now))

    def _report(self, now: float) -> None:
        """Log when the process becomes saturated, every so often while it is, and when it
        no longer is."""
        with self._lock:
            oldest_wait = self._oldest_wait(now)
            saturated = now < self._late_until or oldest_wait > self.limit
            if saturated and (self._reported is None or now - self._reported >= REPORT_EVERY_S):
                first = self._reported is None
                late, dropped, longest = self._late, self._dropped, self._longest
                waiting = len(self._waiting)
                self._late = self._dropped = 0
                self._longest = 0.0
                self._reported = now
            elif not saturated and self._reported is not None:
                self._reported = None
                log.warning("no longer saturated: requests are answered within %g s", self.limit)
                return
            else:
                return
        log.warning(
            "%s: requests wait or are answered after more than %g s; %d waiting for a thread "
            "now (the oldest for %.1f s), %d late (the longest %.1f s) and %d dropped after "
            "Slack's %g s since the last report; /healthz answers 503",
            "saturated" if first else "still saturated",
            self.limit,
            waiting,
            oldest_wait,
            late,
            longest,
            dropped,
            SLACK_WAITS_S,
        )
