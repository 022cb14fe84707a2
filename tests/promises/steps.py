"""Steps of a promise's life, done the way people do them through Slack."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from bot.app import make_client
from bot.scheduler import Ticker
from handlers.ids import Action, Callback
from handlers.ids import Block as B
from sandbox import requests as rq
from storage.models import Occurrence, OccurrenceStatus, Promise, PromiseEvent
from tests.bench.harness import PARTNER, VENDOR, SlackBench, block_texts, response_json

# Monday 30 Nov 2026, 10:00 in New York (U_TM's zone; the partnership's holidays are US).
MADE_AT = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)
DUE = "2026-12-04"  # a Friday


def make_values(owed_to: str = "U_DANA", due: str = DUE, **overrides: Any) -> dict[str, Any]:
    values = {
        B.PROMISE_OWED_TO: rq.user(owed_to),
        B.PROMISE_RAW_DEAL: rq.text("We took the Globex deal direct"),
        B.PROMISE_TEXT: rq.text("Register your next three Globex opportunities first"),
        B.PROMISE_DUE: rq.date(due),
    }
    values.update({str(k): v for k, v in overrides.items()})
    return values


def make_promise(bench: SlackBench, user: str = "U_TM", **overrides: Any) -> Promise:
    """/promise in the shared channel and a valid submission; returns the stored promise."""
    bench.command("/promise", user=user)
    view = bench.last_view()
    assert view["callback_id"] == Callback.PROMISE_MAKE
    response = bench.submit(make_values(**overrides), user=user, view=view)
    assert response.status == 200 and not response.body, response.body
    return latest_promise(bench)


def latest_promise(bench: SlackBench) -> Promise:
    with bench.session() as session:
        promise = session.scalar(select(Promise).order_by(Promise.id.desc()))
        assert promise is not None
        promise.partnership  # noqa: B018 - load it before the session closes
        return promise


def stored(bench: SlackBench, promise_id: int) -> Promise:
    with bench.session() as session:
        promise = session.get(Promise, promise_id)
        promise.partnership  # noqa: B018
        return promise


def events(bench: SlackBench, promise_id: int) -> list[str]:
    with bench.session() as session:
        rows = session.scalars(
            select(PromiseEvent)
            .where(PromiseEvent.promise_id == promise_id)
            .order_by(PromiseEvent.id)
        )
        return [e.kind.value for e in rows]


def pending_reminders(bench: SlackBench, promise_id: int) -> list[Occurrence]:
    with bench.session() as session:
        return list(
            session.scalars(
                select(Occurrence)
                .where(
                    Occurrence.subject_id == promise_id,
                    Occurrence.kind == "promise_reminder",
                    Occurrence.status == OccurrenceStatus.PENDING,
                )
                .order_by(Occurrence.due_at)
            )
        )


def ticker(bench: SlackBench, name: str = "test-ticker") -> Ticker:
    """A ticker like the runtime's, with the real senders (no review materializers)."""
    return Ticker(bench.sessions, make_client(bench.settings), name=name, materializers=[])


def dms(bench: SlackBench, user: str) -> list:
    return bench.fake.posts("D" + user)


def texts(message) -> str:
    return (message.text or "") + "\n" + block_texts(message.blocks)


def action_value(message, action_id: str) -> str:
    for block in message.blocks or []:
        for element in block.get("elements") or []:
            if element.get("action_id") == action_id:
                if "options" in element:
                    return json.dumps([o["value"] for o in element["options"]])
                return element.get("value", "")
    raise AssertionError(f"no {action_id} in {json.dumps(message.blocks)[:500]}")


def click_partner(bench: SlackBench, action: str, value: str, user: str = "U_DANA", **kw: Any):
    return bench.click(action, value, user=user, user_team=PARTNER, channel="D" + user, **kw)


def click_vendor(bench: SlackBench, action: str, value: str, user: str = "U_TM", **kw: Any):
    return bench.click(action, value, user=user, user_team=VENDOR, channel="D" + user, **kw)


def made_good(bench: SlackBench, promise_id: int, note: str = "Registered all three") -> None:
    click_vendor(bench, Action.PROMISE_MADE_GOOD, str(promise_id))
    view = bench.last_view()
    assert view["callback_id"] == Callback.PROMISE_MADE_GOOD
    response = bench.submit({B.PROMISE_NOTE: rq.text(note)}, view=view)
    assert response.status == 200 and not response.body, response_json(response)


def last_reply(bench: SlackBench) -> dict[str, Any]:
    assert bench.fake.responses, "nothing was said to the clicker"
    return bench.fake.responses[-1]
