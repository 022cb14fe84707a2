"""How Bolt finds a request's listener and waits for its answer, made cheaper.

Bolt tries each registered listener in turn, and for every matcher of every listener it
tries, it first builds all thirty-odd arguments a listener could ask for, to hand the matcher
the one it wants (``body``). partnerbot registers about sixty listeners, so a click on a
button registered late cost more in argument building than in the listener itself.
``match_on_body`` hands Bolt's own matchers the body directly: the same functions, the same
answers.

With ``process_before_response`` off (partnerbot answers first and carries on), Bolt runs the
listener on its pool and the request's thread checks for the ack every 10 ms, so every answer
took at least 10 ms and held a serving thread that long. ``PromptListenerRunner`` wakes the
request's thread the moment the listener acks. It also tells ``bot.saturation`` how long each
listener waited for a thread, and answers 503 when Slack's 3 s passed before its listener
could even start: that listener is then dropped when its turn comes, unrun.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.context.ack import Ack
from slack_bolt.listener import Listener
from slack_bolt.listener.thread_runner import ThreadListenerRunner
from slack_bolt.listener_matcher import ListenerMatcher
from slack_bolt.listener_matcher.builtins import BuiltinListenerMatcher
from slack_bolt.logger.messages import warning_did_not_call_ack
from slack_bolt.middleware import Middleware

from bot.saturation import Saturation


class BodyMatcher(ListenerMatcher):
    """One of Bolt's built-in matchers (a function of the body), called with the body."""

    def __init__(self, func: Callable[..., Any]) -> None:
        self.func = func

    def matches(self, req: BoltRequest, resp: BoltResponse) -> bool:
        return bool(self.func(body=req.body))


def match_on_body(app: App) -> int:
    """Give every listener of ``app`` body matchers where Bolt's take only the body; returns
    how many were replaced. Call it once every listener is registered."""
    replaced = 0
    for listener in app._listeners:  # Bolt keeps them there, in order
        matchers = list(listener.matchers)
        for i, matcher in enumerate(matchers):
            if type(matcher) is BuiltinListenerMatcher and list(matcher.arg_names) == ["body"]:
                matchers[i] = BodyMatcher(matcher.func)
                replaced += 1
        listener.matchers = matchers
    return replaced


class AnsweredAck(Ack):
    """Bolt's ack, which also tells the thread waiting for it that it was called."""

    def __init__(self) -> None:
        super().__init__()
        self.answered = threading.Event()

    def __call__(self, *args: Any, **kwargs: Any) -> BoltResponse:
        try:
            return super().__call__(*args, **kwargs)
        finally:
            self.answered.set()


class AnswerOnAck(Middleware):
    """Gives each request an ``AnsweredAck`` (before Bolt makes its own plain one)."""

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        req.context["ack"] = AnsweredAck()
        return next()


class PromptListenerRunner(ThreadListenerRunner):
    """Bolt's thread runner, whose request thread sleeps until the ack instead of polling.

    What it does is Bolt's own: ack at once for events, run the listener on the pool, give
    up after the listener's ``ack_timeout``, answer 500 for a listener that raised before
    acking. Lazy listeners and ``process_before_response`` (unused here) take Bolt's path.
    Besides, a listener still waiting for a thread when the ack's time is up is answered 503
    and not run later (an event, acknowledged at once, always runs).
    """

    saturation: Saturation | None = None

    def run(
        self,
        request: BoltRequest,
        response: BoltResponse,
        listener_name: str,
        listener: Listener,
        starting_time: float | None = None,
    ) -> BoltResponse | None:
        ack = request.context.ack
        if (
            self.process_before_response
            or request.lazy_only
            or listener.lazy_functions
            or not isinstance(ack, AnsweredAck)
        ):
            return super().run(request, response, listener_name, listener, starting_time)
        started = starting_time if starting_time is not None else time.time()
        if listener.auto_acknowledgement:
            ack()  # events are acknowledged before their listener runs
        answer: BoltResponse | None = response
        turn = _Turn()
        if self.saturation is not None:
            self.saturation.waiting(turn)

        def run_listener() -> None:
            nonlocal answer
            waited = self.saturation.started(turn) if self.saturation is not None else 0.0
            with turn.lock:
                if turn.given_up:  # answered 503 meanwhile: Slack stopped waiting for it
                    if self.saturation is not None:
                        self.saturation.dropped(listener_name, waited)
                    return
                turn.running = True
            try:
                self.listener_start_handler.handle(request=request, response=answer)
                listener.run_ack_function(request=request, response=answer)  # type: ignore[arg-type]
            except Exception as error:
                if listener.auto_acknowledgement:
                    self.listener_error_handler.handle(
                        error=error, request=request, response=answer
                    )
                else:
                    if answer is None:
                        answer = BoltResponse(status=500)
                    answer.status = 500
                    if ack.response is not None:  # already acknowledged
                        answer = None
                    self.listener_error_handler.handle(
                        error=error, request=request, response=answer
                    )
                    ack.response = answer
                    ack.answered.set()
            finally:
                self.listener_completion_handler.handle(request=request, response=answer)

        self.listener_executor.submit(run_listener)
        if not ack.answered.wait(max(0.0, listener.ack_timeout - (time.time() - started))):
            with turn.lock:
                turn.given_up = not turn.running
            if turn.given_up:
                return BoltResponse(status=503, body='{"error": "saturated"}')
        if answer is None and ack.response is None:
            self.logger.warning(warning_did_not_call_ack(listener_name))
            return None
        if answer is None:
            return ack.response
        return answer


class _Turn:
    """A listener's place in the pool's queue: started yet, or given up on."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.running = False
        self.given_up = False


def answer_on_ack(app: App, saturation: Saturation | None = None) -> None:
    """Make ``app`` answer each request the moment its listener acks (and tell
    ``saturation`` how long listeners wait for a thread)."""
    runner = app.listener_runner
    prompt = PromptListenerRunner(
        logger=runner.logger,
        process_before_response=runner.process_before_response,
        listener_error_handler=runner.listener_error_handler,
        listener_start_handler=runner.listener_start_handler,
        listener_completion_handler=runner.listener_completion_handler,
        listener_executor=runner.listener_executor,
        lazy_listener_runner=runner.lazy_listener_runner,
    )
    prompt.saturation = saturation
    app._listener_runner = prompt  # Bolt has no setter for it
    app.use(AnswerOnAck())
