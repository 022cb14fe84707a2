"""The demo partnership: a quarter of history, made by people using the sandbox's page.

Run by ``partnerbot sandbox`` before partnerbot starts serving: this process serves
partnerbot's own app (the WSGI app ``partnerbot run`` serves) on partnerbot's port under a
clock set back to each moment of the story, while the sandbox's clock follows, so wins,
rules, reviews and an overdue promise happen on their days, and the scheduler's ticks post
the prompts and reminders they would have posted.
"""

from __future__ import annotations

import argparse
import heapq
import itertools
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from sandbox.driver import Driver
from sandbox.story import Step, Story


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


class Listeners(ThreadPoolExecutor):
    """partnerbot's listener threads, which the story waits out before the clock moves on
    (a send still under way when hours jump would look abandoned to the outbox)."""

    def __init__(self) -> None:
        super().__init__(max_workers=8, thread_name_prefix="demo-listener")
        self._busy = 0
        self._idle = threading.Condition()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        with self._idle:
            self._busy += 1
        future = super().submit(fn, *args, **kwargs)
        future.add_done_callback(self._done)
        return future

    def _done(self, _future: Future[Any]) -> None:
        with self._idle:
            self._busy -= 1
            self._idle.notify_all()

    def wait_idle(self, timeout: float = 30) -> None:
        with self._idle:
            self._idle.wait_for(lambda: self._busy == 0, timeout)


def main() -> int:
    parser = argparse.ArgumentParser(description="set up the sandbox's demo partnership")
    parser.add_argument("--sandbox", required=True, help="the sandbox's page, http://...")
    parser.add_argument("--port", type=int, required=True, help="where partnerbot answers")
    args = parser.parse_args()
    logging.basicConfig(
        level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )

    from freezegun import freeze_time

    from bot.app import create_app
    from bot.runtime import make_ticker
    from bot.server import make_wsgi
    from bot.settings import load_settings
    from storage import migrate
    from storage.engine import make_engine, make_session_factory

    settings = load_settings(channel_post_interval_seconds=0)
    engine = make_engine(settings.database_url)
    migrate.upgrade(engine)
    driver = Driver(args.sandbox)
    story = Story(driver, datetime.now(UTC))
    listeners = Listeners()
    with freeze_time(story.start, tick=True) as frozen:
        sessions = make_session_factory(engine)
        app = create_app(settings, sessions, listener_executor=listeners, token_verification=False)
        ticker = make_ticker(settings, sessions)
        server = make_server("127.0.0.1", args.port, make_wsgi(app, engine), _Server, _Quiet)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        queue: list[tuple[datetime, int, Step]] = []
        order = itertools.count()
        try:
            for moment, step in story.steps(lambda at: ticker.tick(at)):
                heapq.heappush(queue, (moment, next(order), step))
            while queue:
                moment, _, step = heapq.heappop(queue)
                frozen.move_to(moment)
                driver.set_clock(moment.timestamp())
                follow_ups = story.run(step)
                listeners.wait_idle()
                for later, follow_up in follow_ups:
                    heapq.heappush(queue, (later, next(order), follow_up))
        finally:
            driver.set_clock(None)
            server.shutdown()
            listeners.shutdown(wait=True)
            engine.dispose()
    return 1 if story.failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
