"""Pure view builders for promises: the cards and messages both sides read.

What was promised, the raw deal, notes, reasons and the partner's name are people's text: they
reach mrkdwn only as arguments of ``md()``, so none of them can ping a channel or a person.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    Option,
    StaticSelectElement,
)

from bot.domain.partners.names import Sides
from bot.domain.promises import plan as plan
from bot.domain.promises.keeping import answered_by_partner
from bot.domain.promises.records import OwedToYou, PromiseList
from bot.domain.promises.service import calendar_of
from bot.domain.text import day
from handlers.blocks import MAX_MESSAGE_BLOCKS, actions, button, header, message, mrkdwn, section
from handlers.blocks import note as context_note
from handlers.delivery import cause
from handlers.ids import Action
from handlers.ids import Block as B
from handlers.text import Mrkdwn, escape, md, of_company, ours, user
from storage.models import Promise, PromiseEventKind, PromiseState

STATE_LABELS = {
    PromiseState.OPEN: "open",
    PromiseState.MADE_GOOD: "made good, waiting for the partner to confirm",
    PromiseState.KEPT: "kept",
    PromiseState.RELEASED: "released by the partner",
}

# The state sets the tone, not how many reminders went before: firmer as the days pass.
FIRM_AFTER_DAYS = 5  # overdue this long: the partner has waited most of a week
WEEK = 7
NAME_LIMIT = 600  # a partner's name in a sentence
FIELD_TEXT = 1900  # what was promised, in a field of 2000
LINE_TEXT = 400  # what was promised, in one line of a list


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


def tone(days_left: int) -> tuple[str, str]:
    """The emoji and headline of a reminder, from how far the promise is from its due date
    (negative once overdue)."""
    if days_left > 1:
        return ":wave:", f"Due in {days_left} days"
    if days_left == 1:
        return ":alarm_clock:", "Due tomorrow"
    if days_left == 0:
        return ":alarm_clock:", "Due today"
    late = -days_left
    days = f"{late} day{'s' if late > 1 else ''}"
    return (":warning:" if late < FIRM_AFTER_DAYS else ":rotating_light:"), f"Overdue by {days}"


def _urging(promise: Promise, days_left: int) -> Mrkdwn:
    """What the reminder asks of the maker: calm before the date, firmer after it."""
    owed_to, due = user(promise.owed_to_id), day(promise.due_date)
    if days_left > 0:
        return md(
            "It is due on {}. If that date won't hold, ask {} for a new one now rather than "
            "on the day.",
            due,
            owed_to,
        )
    if days_left == 0:
        return md(
            "It is due today, {}. Mark it made good once you have, or ask {} for a new date.",
            due,
            owed_to,
        )
    late = -days_left
    if late < FIRM_AFTER_DAYS:
        return md(
            "It was due on {} and {} is still waiting. Make good on it, or ask them for a "
            "new date.",
            due,
            owed_to,
        )
    if late < WEEK:
        return md(
            "It was due on {}, and {} has been waiting {} days. Make good on it today, or agree "
            "a new date with them: a promise left to run late costs more trust than one moved "
            "in time.",
            due,
            owed_to,
            late,
        )
    return md(
        "It was due on {}, more than a week ago, and {} is still waiting. Make good on it now, "
        "or talk to them and agree a new date. Overdue promises are on the agenda of the "
        "partnership's next review.",
        due,
        owed_to,
    )


def _partner(promise: Promise) -> Mrkdwn:
    return escape(promise.partnership.partner_name, NAME_LIMIT)


def _said(text: str | None, limit: int = 2900) -> Mrkdwn:
    """Something a person wrote (a promise, a note, a reason), or a dash."""
    return escape(text, limit) if text else Mrkdwn("—")


def _ours(text: str) -> Mrkdwn:
    """A sentence handed in by a caller: kept if already Mrkdwn; otherwise only its mentions of
    people and channels stay live (``ours``), everything else is escaped."""
    return text if isinstance(text, Mrkdwn) else ours(text)


def _what(promise: Promise) -> Block:
    """What is promised, and what the partner accepted in return (who and by when are in the
    sentence above it, not repeated)."""
    return section(
        fields=[
            md("*The promise*\n{}", _said(promise.promise, FIELD_TEXT)),
            md("*In return for*\n{}", _said(promise.raw_deal, FIELD_TEXT)),
        ]
    )


def maker_actions(promise: Promise) -> ActionsBlock:
    """What the maker can do: made good, snooze, ask for a new date."""
    pid = str(promise.id)
    return actions(
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


def _message(text: Mrkdwn, blocks: list[Block]) -> dict[str, Any]:
    assert len(blocks) <= MAX_MESSAGE_BLOCKS
    return message(text, blocks)


def maker_card(promise: Promise, now: datetime, note: str | None = None) -> dict[str, Any]:
    """The DM card the maker gets when the promise is recorded (``note``: a line of ours,
    such as why the partner couldn't be reached)."""
    text = md(
        "You promised {} at {} to make good by {}.",
        user(promise.owed_to_id),
        _partner(promise),
        day(promise.due_date),
    )
    blocks: list[Block] = [
        header(f"Promise to {promise.partnership.partner_name}"),  # plain_text: not parsed
        _what(promise),
        context_note(
            md(
                "I'll remind you before it is due ({}). It counts as kept once {} confirms you "
                "made good.",
                when_due(promise, now),
                user(promise.owed_to_id),
            )
        ),
    ]
    if note:
        blocks.append(context_note(_ours(note)))
    blocks.append(maker_actions(promise))
    return _message(text, blocks)


def next_reminder_line(promise: Promise, now: datetime) -> Mrkdwn:
    """What happens next: the day of the next reminder, in the maker's zone."""
    calendar = calendar_of(promise)
    after = plan.next_reminder(promise.due_date, calendar, now)
    if after is None:
        return md("No more reminders are planned; mark it made good when you have.")
    return md(
        "Next reminder {}, unless you mark it made good or snooze it.",
        day(after.astimezone(calendar.zone).date()),
    )


def reminder_message(promise: Promise, now: datetime) -> dict[str, Any]:
    """A reminder to the maker: its tone follows where the promise stands (before its date,
    on the day, overdue by so many days), firmer as the days pass."""
    left = plan.days_left(promise.due_date, calendar_of(promise), now)
    emoji, headline = tone(left)
    owed_to = user(promise.owed_to_id)
    text = md(
        "{} {} — your promise to {}: {}", emoji, headline, owed_to, _said(promise.promise, 1000)
    )
    blocks: list[Block] = [
        section(
            md(
                "{} *{}:* your promise to {} at {}\n{}",
                emoji,
                headline,
                owed_to,
                _partner(promise),
                _urging(promise, left),
            )
        ),
        _what(promise),
    ]
    if promise.proposed_due_date is not None:
        blocks.append(
            context_note(
                md(
                    "You asked for {} instead; {} hasn't answered yet, so the agreed date stands.",
                    day(promise.proposed_due_date),
                    owed_to,
                )
            )
        )
    blocks += [context_note(next_reminder_line(promise, now)), maker_actions(promise)]
    return _message(text, blocks)


def _for(promise: Promise, in_thread: bool, text: Mrkdwn) -> Mrkdwn:
    return md("{} {}", user(promise.owed_to_id), text) if in_thread else text


def release_button(promise: Promise) -> ButtonElement:
    """Letting the maker off: offered to the partner, never the first choice (no colour), and
    confirmed, since it closes the promise for good."""
    return ButtonElement(
        text="Release them from it",
        action_id=Action.PROMISE_RELEASE,
        value=str(promise.id),
        confirm=ConfirmObject(
            title="Release the promise?",
            text=mrkdwn(
                md(
                    "{} will no longer owe you this, and I'll stop following it up. This "
                    "can't be undone.",
                    user(promise.maker_id),
                )
            ),
            confirm="Release",
            deny="Keep it",
        ),
    )


def first_answers(promise: Promise) -> ActionsBlock:
    """The partner's first, neutral answers to a promise made to them; releasing comes last."""
    pid = str(promise.id)
    return actions(
        block_id=B.PROMISE_ACTIONS,
        elements=[
            button("Acknowledge", Action.PROMISE_ACKNOWLEDGE, pid, style="primary"),
            button("That's not what we agreed", Action.PROMISE_DISPUTE, pid),
            release_button(promise),
        ],
    )


def thread_root(promise: Promise) -> dict[str, Any]:
    """The channel message whose thread carries notes for a partner we can't DM."""
    return message(
        md(
            ":handshake: {} made a promise to {}; the details are in this thread.",
            user(promise.maker_id),
            user(promise.owed_to_id),
        )
    )


def _maker(promise: Promise, names: Sides) -> Mrkdwn:
    """The maker beside their company: “@Terry (Globex)”."""
    return of_company(promise.maker_id, names.vendor[:NAME_LIMIT])


def partner_note(promise: Promise, names: Sides, in_thread: bool) -> dict[str, Any]:
    """What the partner reads when a promise is made to them: the promise in plain words,
    then a neutral first answer (acknowledge, or say it isn't what was agreed); releasing
    the maker is offered too, but last. Once they answered, the card says so."""
    text = _for(
        promise,
        in_thread,
        md(
            "{} promises to make it up to you by {}.",
            _maker(promise, names),
            day(promise.due_date),
        ),
    )
    blocks: list[Block] = [section(md(":handshake: {}", text)), _what(promise)]
    answer = answered_by_partner(promise)
    if promise.state is not PromiseState.OPEN and promise.state is not PromiseState.MADE_GOOD:
        blocks.append(context_note(md("This promise is {}.", STATE_LABELS[promise.state])))
        return _message(text, blocks)
    if answer is None:
        blocks += [
            context_note(
                md(
                    "I'll follow it up with {} until it's done, then ask you to confirm it. "
                    "If this isn't what you agreed, say so: your note goes to them.",
                    user(promise.maker_id),
                )
            ),
            first_answers(promise),
        ]
        return _message(text, blocks)
    if answer.kind is PromiseEventKind.ACKNOWLEDGED:
        said = md(
            ":ballot_box_with_check: {} acknowledged it on {}. I'll ask you to confirm once {} "
            "says it's done.",
            user(answer.actor_id),
            day(answer.at.date()),
            user(promise.maker_id),
        )
    else:
        said = md(
            ":speech_balloon: {} told {} this isn't what was agreed: “{}”",
            user(answer.actor_id),
            user(promise.maker_id),
            _said(answer.note, 1000),
        )
    blocks += [context_note(said), actions(elements=[release_button(promise)])]
    return _message(text, blocks)


def made_good_request(promise: Promise, in_thread: bool) -> dict[str, Any]:
    """Asks the partner to confirm the promise was made good."""
    text = _for(
        promise,
        in_thread,
        md(
            "{} says they made good on their promise: {}",
            user(promise.maker_id),
            _said(promise.promise, 1000),
        ),
    )
    pid = str(promise.id)
    blocks: list[Block] = [
        section(md(":white_check_mark: {}", text)),
        section(md("*What they did*\n{}", _said(promise.made_good_note))),
        context_note(md("Only your confirmation closes the promise as kept.")),
        actions(
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
        md(
            "{} asks to move the date of their promise from {} to {}.",
            user(promise.maker_id),
            day(promise.due_date),
            day(promise.proposed_due_date),
        ),
    )
    value = f"{promise.id}:{seq}"
    blocks: list[Block] = [
        section(md(":calendar: {}", text)),
        section(
            md(
                "*Promised*\n{}\n*Why*\n{}",
                _said(promise.promise, 1400),
                _said(promise.proposed_reason, 1400),
            )
        ),
        context_note(md("The agreed date stands unless you accept the new one.")),
        actions(
            elements=[
                button("Accept the new date", Action.PROMISE_ACCEPT_DATE, value, style="primary"),
                button("Decline", Action.PROMISE_DECLINE_DATE, value),
            ]
        ),
    ]
    return _message(text, blocks)


def answered(text: str) -> dict[str, Any]:
    """What a message with buttons becomes once they are answered. ``text`` should be Mrkdwn
    (built with ``md``); a plain str keeps only its mentions live."""
    line = _ours(text)
    return _message(line, [section(line)])


def to_maker(promise: Promise, text: str, with_actions: bool = False) -> dict[str, Any]:
    """A note to the maker about their promise, with their buttons while it is open. ``text``
    should be Mrkdwn (built with ``md``); a plain str keeps only its mentions live."""
    line = _ours(text)
    blocks: list[Block] = [
        section(line),
        context_note(
            md("Promise to {}: {}", user(promise.owed_to_id), _said(promise.promise, 2800))
        ),
    ]
    if with_actions and promise.state is PromiseState.OPEN:
        blocks.append(maker_actions(promise))
    return _message(line, blocks)


def _line(promise: Promise, now: datetime, show_maker: bool) -> Mrkdwn:
    who = md("{} → ", user(promise.maker_id)) if show_maker else Mrkdwn("to ")
    state = (
        when_due(promise, now)
        if promise.state is PromiseState.OPEN
        else STATE_LABELS[promise.state]
    )
    pending = (
        md(" · new date {} proposed", day(promise.proposed_due_date))
        if promise.proposed_due_date is not None
        else Mrkdwn("")
    )
    return md(
        "• *{}* — {}{} at {} · {}{}",
        _said(promise.promise, LINE_TEXT),
        who,
        user(promise.owed_to_id),
        escape(promise.partnership.partner_name, 200),
        state,
        pending,
    )


def list_message(promises: PromiseList, now: datetime) -> dict[str, Any]:
    """/promise list: the person's open promises, and those on partnerships they own."""
    blocks: list[Block] = []
    for title, rows, show_maker in (
        (md("*Your open promises*"), promises.mine, False),
        (md("*Open promises on partnerships you own*"), promises.owned, True),
    ):
        if rows:
            blocks.append(section(title))
            blocks += [section(_line(p, now, show_maker)) for p in rows]
    if promises.more:
        blocks.append(context_note(md("…and {} more, not shown.", promises.more)))
    if not blocks:
        text = md("No open promises. Make one with `/promise` in a shared channel.")
        return _message(text, [section(text)])
    return _message(md("Open promises"), blocks)


def owed_to_you_blocks(owed: OwedToYou, now: datetime) -> list[Block]:
    """“Promises made to you”, for the App Home of someone at the partner: each promise with
    what it waits for from them (Confirm / Not yet once it's made good; Acknowledge while
    they haven't answered it). No blocks when nothing is owed to them."""
    if not owed.promises:
        return []
    blocks: list[Block] = [header("Promises made to you")]
    for promise in owed.promises:
        pid = str(promise.id)
        if promise.state is PromiseState.MADE_GOOD:
            state = md(":hourglass: {} says it's done and waits for you", user(promise.maker_id))
            elements: list[Any] = [
                button("Confirm, it's made good", Action.PROMISE_CONFIRM, pid, style="primary"),
                button("Not yet", Action.PROMISE_NOT_YET, pid),
            ]
        else:
            state = md("{}", when_due(promise, now))
            elements = []
            if answered_by_partner(promise) is None:
                elements = [
                    button("Acknowledge", Action.PROMISE_ACKNOWLEDGE, pid),
                    button("That's not what we agreed", Action.PROMISE_DISPUTE, pid),
                ]
        blocks.append(
            section(
                md(
                    "*{}* · from {} · {}",
                    _said(promise.promise, LINE_TEXT),
                    user(promise.maker_id),
                    state,
                )
            )
        )
        if elements:
            blocks.append(actions(elements=elements))
    if owed.more:
        blocks.append(context_note(md("…and {} more.", owed.more)))
    return blocks


def reminder_lost(promise: Promise, reason: str | None) -> dict[str, Any]:
    """To the other owners: a reminder to the maker could not be delivered at all."""
    return message(
        md(
            "I couldn't remind {} of their promise to {} ({}), so its reminders have "
            "stopped: “{}”, due {}. It is still owed; please follow it up with them, or make "
            "good on it for them.",
            user(promise.maker_id),
            user(promise.owed_to_id),
            cause(reason, promise.partnership.channel_id),
            _said(promise.promise, 1000),
            day(promise.due_date),
        )
    )
