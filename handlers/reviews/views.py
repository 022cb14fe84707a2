"""Pure view builders for reviews: the prompt, its modals, thread replies and DMs."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ContextBlock,
    DatePickerElement,
    HeaderBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    SectionBlock,
    StaticSelectElement,
    TimePickerElement,
    UserMultiSelectElement,
)
from slack_sdk.models.views import View

from bot.domain.agenda import AgendaSection
from bot.domain.cadence import MAX_WEEKS, WEEKDAYS, Cadence
from handlers.blocks import (
    MAX_MESSAGE_BLOCKS,
    button,
    context,
    field_input,
    local_time,
    mentions,
    truncate,
)
from handlers.ids import Action, Callback
from handlers.ids import Block as B
from storage.models import Partnership, Review, ReviewSchedule, ReviewStatus

BUSINESS_WEEKDAYS = WEEKDAYS[:5]


def _day(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


def prompt_message(
    partnership: Partnership,
    review: Review,
    sections: list[AgendaSection],
    since: datetime,
) -> dict[str, Any]:
    """The review prompt posted in the shared channel: agenda since the last review, buttons."""
    text = f"Time for the funnel and account review with {partnership.partner_name}"
    blocks: list[Block] = [
        HeaderBlock(text=truncate(f":calendar: {text}", 150)),
        SectionBlock(
            text=truncate(
                f"This cycle's review ({_day(review.nominal_on)}) is due. Focus on the "
                "opportunities and accounts that matter most. Since the last review "
                f"({_day(since.date())}):",
                3000,
            )
        ),
    ]
    room = MAX_MESSAGE_BLOCKS - len(blocks) - 3
    for section in sections[:room]:
        body = "\n".join(f"• {line}" for line in section.lines)
        blocks.append(SectionBlock(text=truncate(f"*{section.title}*\n{body}".strip(), 3000)))
    if not sections:
        blocks.append(context("Nothing logged in partnerbot since the last review."))
    blocks += [
        ActionsBlock(
            block_id=B.REVIEW_ACTIONS,
            elements=[
                button("Review held", Action.REVIEW_HELD, str(review.id), style="primary"),
                button("Snooze a day", Action.REVIEW_SNOOZE, str(review.id)),
                button("Skip this cycle", Action.REVIEW_SKIP, str(review.id)),
            ],
        ),
        ContextBlock(
            block_id=B.REVIEW_HINT,
            elements=[
                MarkdownTextObject(text="Anyone from either organization can use these buttons.")
            ],
        ),
    ]
    return {"text": text, "blocks": [b.to_dict() for b in blocks]}


def closed_blocks(original: list[dict[str, Any]], line: str) -> list[dict[str, Any]]:
    """The prompt once held or skipped: the same agenda, the buttons replaced by ``line``."""
    kept = [b for b in original if b.get("block_id") not in (B.REVIEW_ACTIONS, B.REVIEW_HINT)]
    return [*kept[: MAX_MESSAGE_BLOCKS - 1], context(line).to_dict()]


def closed_line(review: Review) -> str:
    if review.status is ReviewStatus.HELD and review.held_on is not None:
        return (
            f":white_check_mark: Held on {_day(review.held_on)}, recorded by <@{review.closed_by}>."
        )
    return f":fast_forward: <@{review.closed_by}> skipped this cycle."


def held_summary(review: Review) -> dict[str, Any]:
    """The short summary posted in the prompt's thread once the review is recorded."""
    assert review.held_on is not None
    text = f"Review held on {_day(review.held_on)}"
    parts = [
        f":white_check_mark: *{text}* (recorded by <@{review.closed_by}>)",
        f"*Attended:* {mentions(list(review.attendees or []))}",
    ]
    if review.notes:
        parts.append(f"*Notes*\n{review.notes}")
    if review.next_steps:
        parts.append(f"*Next steps*\n{review.next_steps}")
    blocks = [SectionBlock(text=truncate(part, 3000)) for part in parts]
    return {"text": text, "blocks": [b.to_dict() for b in blocks]}


def snoozed_note(actor: str, review: Review, reader_tz: str, remind_at: datetime) -> str:
    return (
        f":zzz: <@{actor}> snoozed the review a day; I'll remind this thread at "
        f"{local_time(remind_at, reader_tz)}."
    )


def snoozed_reminder(partnership: Partnership, by: str | None) -> dict[str, Any]:
    who = f" (snoozed by <@{by}> yesterday)" if by else ""
    text = (
        f":bell: Reminder: the review with {partnership.partner_name} is still due{who}. "
        "Use the buttons above once it's held, or skip this cycle."
    )
    return {"text": text}


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
        SectionBlock(
            text=truncate(
                f"Reviews with *{partnership.partner_name}* are scheduled in "
                f"{partnership.time_zone}, skipping weekends"
                + (
                    f" and {partnership.holiday_country} holidays"
                    if partnership.holiday_country
                    else ""
                )
                + " (change these with `/partner edit`).",
                3000,
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
    current = local_time(schedule.next_due_at, partnership.time_zone)
    blocks: list[Block] = [
        SectionBlock(
            text=truncate(
                f"The next review with *{partnership.partner_name}* is prompted {current} "
                f"({local_time(schedule.next_due_at, reader_tz)} for you). The reviews after "
                "it keep their cadence.",
                3000,
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


def schedule_line(schedule: ReviewSchedule | None, cadence: Cadence | None, reader_tz: str) -> str:
    """The summary card's line about reviews, with the next one in the reader's time zone."""
    if schedule is None or cadence is None:
        return "*Reviews:* no cadence yet. Set one with `/partner cadence`."
    if schedule.paused:
        reason = f" ({schedule.paused_reason})" if schedule.paused_reason else ""
        return f"*Reviews:* paused{reason}. Resume with `/partner cadence resume`."
    next_at = local_time(schedule.next_due_at, reader_tz) if schedule.next_due_at else "—"
    return f"*Next review:* {next_at} · {cadence.describe()}"


def cadence_saved(schedule: ReviewSchedule, cadence: Cadence, reader_tz: str) -> str:
    assert schedule.next_due_at is not None
    return (
        f"Reviews are set {cadence.describe()}. The next prompt goes out "
        f"{local_time(schedule.next_due_at, reader_tz)}."
    )


def overdue_dm(partnership: Partnership, review: Review, reader_tz: str) -> dict[str, Any]:
    text = (
        f":hourglass: The review with *{partnership.partner_name}* prompted "
        f"{local_time(review.due_at, reader_tz)} in <#{partnership.channel_id}> hasn't been "
        "marked held after two business days. Hold it and press *Review held* on the "
        "prompt, or *Skip this cycle*."
    )
    return {"text": text}


def paused_dm(partnership: Partnership, reason: str) -> dict[str, Any]:
    text = (
        f":warning: I couldn't post the review prompt for *{partnership.partner_name}* in "
        f"<#{partnership.channel_id}> (Slack said `{reason}`), so I paused its reviews. "
        "Make sure the channel exists, isn't archived and has partnerbot in it "
        "(`/invite @partnerbot`), then run `/partner cadence resume` there."
    )
    return {"text": text}
