"""The reviews modals: pure builders of the forms people fill in."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    DatePickerElement,
    Option,
    PlainTextInputElement,
    StaticSelectElement,
    TimePickerElement,
    UserMultiSelectElement,
)
from slack_sdk.models.views import View

from bot.domain.reviews.cadence import MAX_WEEKS
from bot.domain.text import moment_for, zone_name
from handlers.blocks import (
    field_input,
    section,
)
from handlers.ids import Block as B
from handlers.ids import Callback
from handlers.reviews.messages import BUSINESS_WEEKDAYS
from handlers.text import Mrkdwn, escape, md
from storage.models import Partnership, Review, ReviewSchedule


def held_modal(review: Review, partnership: Partnership, today: date) -> dict[str, Any]:
    """The "Review held" modal: date, who attended, notes, next steps."""
    blocks: list[Block] = [
        field_input(
            B.REVIEW_HELD_ON,
            "Held on",
            DatePickerElement(initial_date=today.isoformat()),
        ),
        field_input(
            B.REVIEW_ATTENDEES,
            "Who attended",
            UserMultiSelectElement(placeholder="People from both sides"),
        ),
        field_input(
            B.REVIEW_NOTES,
            "Notes",
            PlainTextInputElement(multiline=True, max_length=2900),
            optional=True,
        ),
        field_input(
            B.REVIEW_NEXT_STEPS,
            "Next steps",
            PlainTextInputElement(multiline=True, max_length=2900),
            optional=True,
            hint="Who does what by when.",
        ),
    ]
    return View(
        type="modal",
        callback_id=Callback.REVIEW_HELD,
        title="Review held",
        submit="Record",
        close="Cancel",
        private_metadata=json.dumps({"review_id": review.id}),
        blocks=blocks,
    ).to_dict()


def _options(pairs: list[tuple[str, str]]) -> list[Option]:
    return [Option(value=value, label=label) for value, label in pairs]


def cadence_modal(partnership: Partnership, schedule: ReviewSchedule | None) -> dict[str, Any]:
    """Set the review cadence (every N weeks, weekday, local time, starting)."""
    weeks = _options(
        [(str(n), "every week" if n == 1 else f"every {n} weeks") for n in range(1, MAX_WEEKS + 1)]
    )
    days = _options([(str(i), name) for i, name in enumerate(BUSINESS_WEEKDAYS)])
    every = str(schedule.every_weeks) if schedule else "2"
    weekday = str(schedule.weekday) if schedule else "1"
    at = f"{schedule.at:%H:%M}" if schedule else "10:00"
    blocks: list[Block] = [
        section(
            md(
                "Reviews with *{}* are scheduled in {}, skipping weekends{} "
                "(change these with `/partner edit`).",
                escape(partnership.partner_name, 600),
                zone_name(partnership.time_zone),
                md(" and {} holidays", partnership.holiday_country)
                if partnership.holiday_country
                else Mrkdwn(""),
            )
        ),
        field_input(
            B.REVIEW_EVERY_WEEKS,
            "How often",
            StaticSelectElement(
                options=weeks, initial_option=next(o for o in weeks if o.value == every)
            ),
        ),
        field_input(
            B.REVIEW_WEEKDAY,
            "On",
            StaticSelectElement(
                options=days, initial_option=next(o for o in days if o.value == weekday)
            ),
        ),
        field_input(B.REVIEW_AT, "At (partnership time)", TimePickerElement(initial_time=at)),
        field_input(
            B.REVIEW_STARTING_ON,
            "Starting",
            DatePickerElement(),
            optional=True,
            hint="The first review is on this day's weekday or after it. Leave empty for today.",
        ),
    ]
    return View(
        type="modal",
        callback_id=Callback.REVIEW_CADENCE,
        title="Review cadence",
        submit="Save",
        close="Cancel",
        private_metadata=json.dumps({"partnership_id": partnership.id, "mode": "set"}),
        blocks=blocks,
    ).to_dict()


def move_modal(
    partnership: Partnership, schedule: ReviewSchedule, reader_tz: str
) -> dict[str, Any]:
    """Move just the next review to another day and time (partnership time)."""
    assert schedule.next_due_at is not None
    current = moment_for(schedule.next_due_at, partnership.time_zone, reader_tz)
    blocks: list[Block] = [
        section(
            md(
                "The next review with *{}* is prompted {}. The reviews after it keep their "
                "cadence.",
                escape(partnership.partner_name, 600),
                current,
            )
        ),
        field_input(B.REVIEW_MOVE_ON, "Move it to", DatePickerElement()),
        field_input(
            B.REVIEW_MOVE_AT,
            "At (partnership time)",
            TimePickerElement(initial_time=f"{schedule.at:%H:%M}"),
        ),
    ]
    return View(
        type="modal",
        callback_id=Callback.REVIEW_CADENCE,
        title="Move the next review",
        submit="Move",
        close="Cancel",
        private_metadata=json.dumps({"partnership_id": partnership.id, "mode": "move"}),
        blocks=blocks,
    ).to_dict()
