"""Reviews: the prompt's buttons are for anyone on either side; the cadence is the vendor's."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.app import make_client
from bot.domain import outbox
from bot.domain.reviews.schedules import PROMPT, prompt_key
from bot.scheduler import Ticker
from handlers.ids import Action as A
from handlers.ids import Block as B
from handlers.ids import Callback
from sandbox import requests as rq
from storage.models import Review, ReviewSchedule, ReviewStatus
from tests.authorization.spec import NOT_IN_PARTNERSHIP, Action, modal_opened, says
from tests.authorization.world import CHANNEL, OWNER, Person, Seen, World
from tests.bench.harness import block_texts

FIRST_NOMINAL = date(2020, 1, 6)


@dataclass(frozen=True)
class Prompted:
    review: Review
    message: dict[str, Any]  # the prompt as Slack sends it back with a click
    view: dict[str, Any] | None = None


def at_time(value: str) -> dict[str, Any]:
    return {"type": "timepicker", "selected_time": value}


def cadence_values(world: World) -> dict[str, Any]:
    return {
        B.REVIEW_EVERY_WEEKS: rq.option("3"),
        B.REVIEW_WEEKDAY: rq.option("2"),
        B.REVIEW_AT: at_time("11:00"),
        B.REVIEW_STARTING_ON: rq.date((world.today() + timedelta(days=60)).isoformat()),
    }


def set_cadence(world: World, channel: str = CHANNEL) -> None:
    """/partner cadence by the owner, saved (the first prompt is weeks away)."""
    view = world.command("/partner", "cadence", channel=channel).view(Callback.REVIEW_CADENCE)
    seen = world.submit(view, cadence_values(world), OWNER)
    assert not seen.response.body, seen.told()


def schedule_id(world: World, partnership_id: int) -> int | None:
    found = world.rows(
        select(ReviewSchedule.id).where(ReviewSchedule.partnership_id == partnership_id)
    )
    return found[0] if found else None


def due_review(world: World) -> Prompted:
    """A review due now, prompted in the shared channel by the scheduler (one tick)."""
    schedule = schedule_id(world, world.partnership_id)
    if schedule is None:
        set_cadence(world)
        schedule = schedule_id(world, world.partnership_id)
    assert schedule is not None
    nominal_on = FIRST_NOMINAL + timedelta(weeks=world.n())
    with world.bench.session() as session:
        outbox.enqueue(
            session,
            PROMPT,
            prompt_key(schedule, nominal_on),
            world.now() - timedelta(seconds=1),
            partnership_id=world.partnership_id,
            subject_id=schedule,
            payload={"nominal_on": nominal_on.isoformat()},
        )
        session.commit()
    settings = world.bench.settings
    Ticker(world.bench.sessions, make_client(settings), materializers=[]).tick(world.now())
    [review] = world.rows(
        select(Review).where(
            Review.partnership_id == world.partnership_id, Review.nominal_on == nominal_on
        )
    )
    assert review.ts is not None, "the prompt was not posted"
    prompt = world.fake.message(CHANNEL, review.ts)
    return Prompted(review, {"ts": prompt.ts, "text": prompt.text, "blocks": prompt.blocks})


def held_modal_open(world: World) -> Prompted:
    target = due_review(world)
    seen = press(world, target, A.REVIEW_HELD, OWNER)
    return Prompted(target.review, target.message, seen.view(Callback.REVIEW_HELD))


def press(world: World, target: Prompted, action: str, who: Person) -> Seen:
    return world.click(action, str(target.review.id), who, message=target.message)


def held_values(world: World) -> dict[str, Any]:
    return {
        B.REVIEW_HELD_ON: rq.date(world.yesterday().isoformat()),
        B.REVIEW_ATTENDEES: rq.users("U_TM", "U_DANA"),
        B.REVIEW_NOTES: rq.text("Walked the top ten opportunities."),
        B.REVIEW_NEXT_STEPS: rq.text("Register the Globex deal by Friday."),
    }


def new_partnership_cadence_modal(world: World) -> dict[str, Any]:
    _pid, channel = world.new_partnership()
    return world.command("/partner", "cadence", channel=channel).view(Callback.REVIEW_CADENCE)


def move_modal(world: World) -> dict[str, Any]:
    _pid, channel = world.new_partnership()
    set_cadence(world, channel)
    return world.command("/partner", "cadence move", channel=channel).view(Callback.REVIEW_CADENCE)


def move_values(world: World) -> dict[str, Any]:
    return {
        B.REVIEW_MOVE_ON: rq.date((world.today() + timedelta(days=20)).isoformat()),
        B.REVIEW_MOVE_AT: at_time("15:30"),
    }


# -- effects -------------------------------------------------------------------------------------


def in_thread(target: Prompted, seen: Seen, who: Person) -> str:
    said = [
        (m.text or "") + block_texts(m.blocks)
        for m in seen.posts
        if m.thread_ts == target.review.ts
    ]
    assert any(f"<@{who.user}>" in text for text in said), said
    return "\n".join(said)


def held(world: World, target: Prompted, who: Person, seen: Seen) -> None:
    review = world.get(Review, target.review.id)
    assert review.status is ReviewStatus.HELD and review.closed_by == who.user
    assert "Review held" in in_thread(target, seen, who)


def snoozed(world: World, target: Prompted, who: Person, seen: Seen) -> None:
    review = world.get(Review, target.review.id)
    assert review.status is ReviewStatus.DUE and review.snoozes == 1
    assert "snoozed the review a day" in in_thread(target, seen, who)


def skipped(world: World, target: Prompted, who: Person, seen: Seen) -> None:
    review = world.get(Review, target.review.id)
    assert review.status is ReviewStatus.SKIPPED and review.closed_by == who.user
    prompt = world.fake.message(CHANNEL, review.ts)
    assert f"<@{who.user}> skipped this cycle" in block_texts(prompt.blocks)


def cadence_saved(world: World, view: dict[str, Any], who: Person, seen: Seen) -> None:
    [schedule] = world.rows(
        select(ReviewSchedule).where(ReviewSchedule.partnership_id == _pid_of(view))
    )
    assert schedule.every_weeks == 3 and schedule.updated_by == who.user
    assert any("Reviews are set" in (m.text or "") for m in seen.ephemerals)


def moved(world: World, view: dict[str, Any], who: Person, seen: Seen) -> None:
    [schedule] = world.rows(
        select(ReviewSchedule).where(ReviewSchedule.partnership_id == _pid_of(view))
    )
    local = schedule.next_due_at.astimezone(ZoneInfo("America/New_York"))
    assert local.date() == world.today() + timedelta(days=20) and schedule.updated_by == who.user
    assert any("Reviews are set" in (m.text or "") for m in seen.ephemerals)


def _pid_of(view: dict[str, Any]) -> int:
    return int(json.loads(view["private_metadata"])["partnership_id"])


ACTIONS = [
    Action(
        "reviews: Review held (button)",
        setup=due_review,
        act=lambda world, target, who: press(world, target, A.REVIEW_HELD, who),
        effect=modal_opened(Callback.REVIEW_HELD),
        refusal=says(NOT_IN_PARTNERSHIP),
    ),
    Action(
        "reviews: review held (modal)",
        setup=held_modal_open,
        act=lambda world, target, who: world.submit(target.view, held_values(world), who),
        effect=held,
        refusal=says(NOT_IN_PARTNERSHIP),
    ),
    Action(
        "reviews: Snooze a day",
        setup=due_review,
        act=lambda world, target, who: press(world, target, A.REVIEW_SNOOZE, who),
        effect=snoozed,
        refusal=says(NOT_IN_PARTNERSHIP),
    ),
    Action(
        "reviews: Skip this cycle",
        setup=due_review,
        act=lambda world, target, who: press(world, target, A.REVIEW_SKIP, who),
        effect=skipped,
        refusal=says(NOT_IN_PARTNERSHIP),
    ),
    Action(
        "reviews: set the cadence (modal)",
        setup=new_partnership_cadence_modal,
        act=lambda world, view, who: world.submit(view, cadence_values(world), who),
        effect=cadence_saved,
        refusal=says("Only people at Vendor Inc can set the review cadence."),
    ),
    Action(
        "reviews: move the next review (modal)",
        setup=move_modal,
        act=lambda world, view, who: world.submit(view, move_values(world), who),
        effect=moved,
        refusal=says("Only people at Vendor Inc can move the next review."),
    ),
]
