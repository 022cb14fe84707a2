"""Pure view builders for promises: the cards and messages both sides read."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    HeaderBlock,
    MarkdownTextObject,
    Option,
    SectionBlock,
    StaticSelectElement,
)

from bot.domain import promise_plan as plan
from bot.domain.promise_records import PromiseList
from bot.domain.promises import calendar_of
from handlers.blocks import MAX_MESSAGE_BLOCKS, button, context, truncate
from handlers.ids import Action
from handlers.ids import Block as B
from storage.models import Promise, PromiseState

STATE_LABELS = {
    PromiseState.OPEN: "open",
    PromiseState.MADE_GOOD: "made good, waiting for the partner to confirm",
    PromiseState.KEPT: "kept",
    PromiseState.RELEASED: "released by the partner",
}

# The reminder number sets the tone: each one a little firmer than the one before.
TONES = [
    (":wave:", "A friendly heads-up about your promise"),
    (":alarm_clock:", "A reminder: your promise is due"),
    (":warning:", "Time to make good on your promise"),
    (":rotating_light:", "Your promise is overdue, and the partner's trust is on the line"),
]


def day(value: date) -> str:
    """A date as people read it, e.g. 'Fri 4 Dec 2026'."""
    return f"{value:%a} {value.day} {value:%b %Y}"


def when_due(promise: Promise, moment: datetime) -> str:
    left = plan.days_left(promise.due_date, calendar_of(promise), moment)
    if left > 1:
        return f"due in {left} days, on {day(promise.due_date)}"
    if left == 1:
        return f"due tomorrow, {day(promise.due_date)}"
    if left == 0:
        return f"due today, {day(promise.due_date)}"
    late = -left
    return f"overdue by {late} day{'s' if late > 1 else ''} (it was due {day(promise.due_date)})"


def tone(number: int) -> tuple[str, str]:
    return TONES[min(max(number, 1), len(TONES)) - 1]


def _what(promise: Promise) -> SectionBlock:
    return SectionBlock(
        fields=[
            MarkdownTextObject(text=truncate(f"*Promised*\n{promise.promise}", 2000)),
            MarkdownTextObject(text=truncate(f"*For the raw deal*\n{promise.raw_deal}", 2000)),
            MarkdownTextObject(text=f"*To*\n<@{promise.owed_to_id}>"),
            MarkdownTextObject(text=f"*By*\n{day(promise.due_date)}"),
        ]
    )


def maker_actions(promise: Promise) -> ActionsBlock:
    """What the maker can do: made good, snooze, ask for a new date."""
    pid = str(promise.id)
    return ActionsBlock(
        block_id=B.PROMISE_ACTIONS,
        elements=[
            button("I made good", Action.PROMISE_MADE_GOOD, pid, style="primary"),
            StaticSelectElement(
                action_id=Action.PROMISE_SNOOZE,
                placeholder="Snooze",
                options=[
                    Option(value=f"{pid}:{option.value}", label=label)
                    for option, label in plan.SNOOZE_LABELS.items()
                ],
            ),
            button("Renegotiate", Action.PROMISE_RENEGOTIATE, pid),
        ],
    )


def _message(text: str, blocks: list[Block]) -> dict[str, Any]:
    assert len(blocks) <= MAX_MESSAGE_BLOCKS
    return {"text": truncate(text, 3000), "blocks": [b.to_dict() for b in blocks]}


def maker_card(promise: Promise, now: datetime, note: str | None = None) -> dict[str, Any]:
    """The DM card the maker gets when the promise is recorded."""
    p = promise.partnership
    text = (
        f"You promised <@{promise.owed_to_id}> at {p.partner_name} to make good by "
        f"{day(promise.due_date)}."
    )
    blocks: list[Block] = [
        HeaderBlock(text=truncate(f"Promise to {p.partner_name}", 150)),
        _what(promise),
        context(
            f"I'll remind you before it is due ({when_due(promise, now)}). It counts as kept "
            f"once <@{promise.owed_to_id}> confirms you made good."
        ),
    ]
    if note:
        blocks.append(context(note))
    blocks.append(maker_actions(promise))
    return _message(text, blocks)


def reminder_message(promise: Promise, number: int, now: datetime) -> dict[str, Any]:
    """Reminder ``number`` to the maker: the further along, the firmer."""
    emoji, opening = tone(number)
    due = when_due(promise, now)
    text = f"{emoji} {opening}: {promise.promise} (to <@{promise.owed_to_id}>, {due})."
    blocks: list[Block] = [
        SectionBlock(
            text=truncate(
                f"{emoji} *{opening}* to <@{promise.owed_to_id}> at "
                f"{promise.partnership.partner_name}: it is {due}.",
                3000,
            )
        ),
        _what(promise),
    ]
    if promise.proposed_due_date is not None:
        blocks.append(
            context(
                f"You asked for {day(promise.proposed_due_date)} instead; "
                f"<@{promise.owed_to_id}> hasn't answered yet, so the agreed date stands."
            )
        )
    blocks += [context(f"Reminder {number}"), maker_actions(promise)]
    return _message(text, blocks)


def _for(promise: Promise, in_thread: bool, text: str) -> str:
    return f"<@{promise.owed_to_id}> {text}" if in_thread else text


def release_button(promise: Promise) -> ButtonElement:
    return ButtonElement(
        text="Release this promise",
        action_id=Action.PROMISE_RELEASE,
        value=str(promise.id),
        style="danger",
        confirm=ConfirmObject(
            title="Release the promise?",
            text=f"<@{promise.maker_id}> will no longer owe you this.",
            confirm="Release",
            deny="Keep it",
        ),
    )


def thread_root(promise: Promise) -> dict[str, Any]:
    """The channel message whose thread carries notes for a partner we can't DM."""
    text = (
        f":handshake: <@{promise.maker_id}> made a promise to <@{promise.owed_to_id}>; "
        "the details are in this thread."
    )
    return {"text": text}


def partner_note(promise: Promise, in_thread: bool) -> dict[str, Any]:
    """What the partner reads when a promise is made to them."""
    text = _for(
        promise,
        in_thread,
        f"<@{promise.maker_id}> promised to make it up to you by {day(promise.due_date)}: "
        f"{promise.promise}",
    )
    blocks: list[Block] = [
        SectionBlock(text=truncate(":handshake: " + text, 3000)),
        _what(promise),
        context(
            "I'll follow up with them until it's done, and ask you to confirm when they say "
            "it is. If you'd rather let them off, release the promise."
        ),
        ActionsBlock(elements=[release_button(promise)]),
    ]
    return _message(text, blocks)


def made_good_request(promise: Promise, in_thread: bool) -> dict[str, Any]:
    """Asks the partner to confirm the promise was made good."""
    text = _for(
        promise,
        in_thread,
        f"<@{promise.maker_id}> says they made good on their promise: {promise.promise}",
    )
    pid = str(promise.id)
    blocks: list[Block] = [
        SectionBlock(text=truncate(":white_check_mark: " + text, 3000)),
        SectionBlock(text=truncate(f"*What they did*\n{promise.made_good_note or '—'}", 3000)),
        context("Only your confirmation closes the promise as kept."),
        ActionsBlock(
            elements=[
                button("Confirm, it's made good", Action.PROMISE_CONFIRM, pid, style="primary"),
                button("Not yet", Action.PROMISE_NOT_YET, pid),
                release_button(promise),
            ]
        ),
    ]
    return _message(text, blocks)


def renegotiation_request(promise: Promise, seq: int, in_thread: bool) -> dict[str, Any]:
    """Asks the partner to accept or decline a new due date."""
    assert promise.proposed_due_date is not None
    text = _for(
        promise,
        in_thread,
        f"<@{promise.maker_id}> asks to move the date of their promise from "
        f"{day(promise.due_date)} to {day(promise.proposed_due_date)}.",
    )
    value = f"{promise.id}:{seq}"
    blocks: list[Block] = [
        SectionBlock(text=truncate(":calendar: " + text, 3000)),
        SectionBlock(
            text=truncate(
                f"*Promised*\n{promise.promise}\n*Why*\n{promise.proposed_reason or '—'}", 3000
            )
        ),
        context("The agreed date stands unless you accept the new one."),
        ActionsBlock(
            elements=[
                button("Accept the new date", Action.PROMISE_ACCEPT_DATE, value, style="primary"),
                button("Decline", Action.PROMISE_DECLINE_DATE, value),
            ]
        ),
    ]
    return _message(text, blocks)


def answered(text: str) -> dict[str, Any]:
    """What a message with buttons becomes once they are answered."""
    return _message(text, [SectionBlock(text=truncate(text, 3000))])


def to_maker(promise: Promise, text: str, with_actions: bool = False) -> dict[str, Any]:
    """A note to the maker about their promise, with their buttons while it is open."""
    blocks: list[Block] = [
        SectionBlock(text=truncate(text, 3000)),
        context(truncate(f"Promise to <@{promise.owed_to_id}>: {promise.promise}", 2900)),
    ]
    if with_actions and promise.state is PromiseState.OPEN:
        blocks.append(maker_actions(promise))
    return _message(text, blocks)


def _line(promise: Promise, now: datetime, show_maker: bool) -> str:
    who = f"<@{promise.maker_id}> → " if show_maker else "to "
    state = (
        when_due(promise, now)
        if promise.state is PromiseState.OPEN
        else STATE_LABELS[promise.state]
    )
    pending = (
        f" · new date {day(promise.proposed_due_date)} proposed"
        if promise.proposed_due_date is not None
        else ""
    )
    return truncate(
        f"• *{promise.promise}* — {who}<@{promise.owed_to_id}> at "
        f"{promise.partnership.partner_name} · {state}{pending}",
        600,
    )


def list_message(promises: PromiseList, now: datetime) -> dict[str, Any]:
    """/promise list: the person's open promises, and those on partnerships they own."""
    blocks: list[Block] = []
    for title, rows, show_maker in (
        ("*Your open promises*", promises.mine, False),
        ("*Open promises on partnerships you own*", promises.owned, True),
    ):
        if rows:
            blocks.append(SectionBlock(text=title))
            blocks += [SectionBlock(text=_line(p, now, show_maker)) for p in rows]
    if promises.more:
        blocks.append(context(f"…and {promises.more} more, not shown."))
    if not blocks:
        text = "No open promises. Make one with `/promise` in a shared channel."
        return _message(text, [SectionBlock(text=text)])
    return _message("Open promises", blocks)


def reminder_lost(promise: Promise, reason: str | None) -> dict[str, Any]:
    """To the other owners: a reminder to the maker could not be delivered at all."""
    text = (
        f":warning: I couldn't remind <@{promise.maker_id}> of their promise to "
        f"<@{promise.owed_to_id}> ({reason}), so its reminders have stopped: "
        f"“{promise.promise}”, due {promise.due_date:%a %d %b %Y}. It is still owed; please "
        "follow it up with them, or make good on it for them."
    )
    return {"text": text}
