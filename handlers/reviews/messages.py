"""The reviews messages: pure builders of what partnerbot posts and tells."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ButtonElement,
)

from bot.domain.partners.names import Sides
from bot.domain.reviews.agenda import (
    AgendaItem,
    AgendaSection,
    DealItem,
    PromiseItem,
    RuleItem,
    WinItem,
)
from bot.domain.reviews.cadence import WEEKDAYS, Cadence
from bot.domain.text import day
from handlers.blocks import (
    MAX_MESSAGE_BLOCKS,
    actions,
    button,
    header,
    link_button,
    local_time,
    message,
    note,
    section,
)
from handlers.deals.funnel import agenda_line, funnel_button
from handlers.delivery import how_to_fix
from handlers.ids import Action
from handlers.ids import Block as B
from handlers.text import Mrkdwn, channel, escape, join, md, user, users, when
from storage.models import Partnership, Review, ReviewSchedule, ReviewStatus, Side

BUSINESS_WEEKDAYS = WEEKDAYS[:5]


def _item(item: AgendaItem) -> Mrkdwn:
    """One line of the agenda, people's text escaped."""
    if isinstance(item, WinItem):
        amount = md(" — {}", item.amount) if item.amount else Mrkdwn("")
        return md("{}{}", item.headline, amount)
    if isinstance(item, RuleItem):
        return md("{}: {}", "Agreed" if item.agreed else "Proposed", item.title)
    if isinstance(item, PromiseItem):
        return md(
            "{} {}: {} to {} — {}",
            "Overdue" if item.overdue else "Due",
            day(item.due_on),
            user(item.maker_id),
            user(item.owed_to_id),
            item.text,
        )
    if isinstance(item, DealItem):
        return agenda_line(item)
    raise TypeError(f"not an agenda item: {item!r}")


def agenda_text(section_: AgendaSection) -> Mrkdwn:
    """A section of the agenda: its title in bold, then a bullet per item."""
    lines = [md("• {}", _item(item)) for item in section_.items]
    if section_.more:
        lines.append(md("• … and {} more", section_.more))
    return (
        md("*{}*\n{}", section_.title, join("\n", lines)) if lines else md("*{}*", section_.title)
    )


def agenda_block(section_: AgendaSection, partnership: Partnership) -> Block:
    """A section of the agenda; the deals' one has a button that opens the whole funnel."""
    deals = any(isinstance(item, DealItem) for item in section_.items)
    return section(
        agenda_text(section_), accessory=funnel_button(partnership.id) if deals else None
    )


def prompt_message(
    partnership: Partnership,
    names: Sides,
    review: Review,
    sections: list[AgendaSection],
    since: datetime,
) -> dict[str, Any]:
    """The review prompt posted in the shared channel: agenda since the last review, buttons.

    The review belongs to both companies; its header and first line follow its state (due,
    held, skipped), since the same message stays in the channel once it is closed."""
    header_text, opening = _prompt_state(review, since)
    blocks: list[Block] = [header(f"{header_text} · {names.joint}"), section(opening)]
    room = MAX_MESSAGE_BLOCKS - len(blocks) - 3
    blocks += [agenda_block(s, partnership) for s in sections[:room]]
    if not sections:
        blocks.append(note(md("Nothing logged in partnerbot since the last review.")))
    blocks += [
        actions(
            block_id=B.REVIEW_ACTIONS,
            elements=[
                button("Review held", Action.REVIEW_HELD, str(review.id), style="primary"),
                button("Snooze a day", Action.REVIEW_SNOOZE, str(review.id)),
                button("Skip this cycle", Action.REVIEW_SKIP, str(review.id)),
                register_deal_button(partnership),
            ],
        ),
        note(md("Anyone from either organization can use these buttons."), block_id=B.REVIEW_HINT),
    ]
    return message(md("{}: {}", header_text, names.joint), blocks)


def _prompt_state(review: Review, since: datetime) -> tuple[str, Mrkdwn]:
    """The prompt's header and opening line for where its review stands."""
    if review.status is ReviewStatus.HELD and review.held_on is not None:
        return ":white_check_mark: Review held", md(
            "This cycle's review ({}) was held on {}. What it went over, since the review "
            "before ({}):",
            day(review.nominal_on),
            day(review.held_on),
            day(since.date()),
        )
    if review.status is ReviewStatus.SKIPPED:
        return ":fast_forward: Review skipped", md(
            "This cycle's review ({}) was skipped. What happened since the last review ({}) "
            "comes up at the next one:",
            day(review.nominal_on),
            day(since.date()),
        )
    return ":calendar: Time for the funnel and account review", md(
        "This cycle's review ({}) is due. Focus on the opportunities and accounts that matter "
        "most. Since the last review ({}):",
        day(review.nominal_on),
        day(since.date()),
    )


def register_deal_button(partnership: Partnership) -> ButtonElement:
    """**Register a deal** from the review: a new opportunity often comes up there."""
    return button("Register a deal", Action.DEAL_REGISTER, str(partnership.id))


def closed_blocks(original: list[dict[str, Any]], line: Mrkdwn) -> list[dict[str, Any]]:
    """The prompt once held or skipped: the same agenda, the buttons replaced by ``line``."""
    kept = [b for b in original if b.get("block_id") not in (B.REVIEW_ACTIONS, B.REVIEW_HINT)]
    return [*kept[: MAX_MESSAGE_BLOCKS - 1], note(line).to_dict()]


def closed_line(review: Review) -> Mrkdwn:
    if review.status is ReviewStatus.HELD and review.held_on is not None:
        return md(
            ":white_check_mark: Held on {}, recorded by {}.",
            day(review.held_on),
            user(review.closed_by),
        )
    return md(":fast_forward: {} skipped this cycle.", user(review.closed_by))


def held_summary(review: Review) -> dict[str, Any]:
    """The short summary posted in the prompt's thread once the review is recorded."""
    assert review.held_on is not None
    text = md("Review held on {}", day(review.held_on))
    parts = [
        md(":white_check_mark: *{}* (recorded by {})", text, user(review.closed_by)),
        md("*Attended:* {}", users(list(review.attendees or []))),
    ]
    if review.notes:
        parts.append(md("*Notes*\n{}", escape(review.notes, 2900)))
    if review.next_steps:
        parts.append(md("*Next steps*\n{}", escape(review.next_steps, 2900)))
    return message(text, [section(part) for part in parts])


def snoozed_note(actor: str, review: Review, tz: str, remind_at: datetime) -> Mrkdwn:
    """Posted in the prompt's thread, which both companies read: the time is a Slack date
    token, so each reader sees their own clock (``tz``, the partnership's, where it can't)."""
    return md(
        ":zzz: {} snoozed the review a day; I'll remind this thread {}.",
        user(actor),
        when(remind_at, tz),
    )


def snoozed_reminder(names: Sides, by: str | None) -> dict[str, Any]:
    who = md(" (snoozed by {} yesterday)", user(by)) if by else Mrkdwn("")
    return message(
        md(
            ":bell: Reminder: the {} review is still due{}. Use the buttons above once it's "
            "held, or skip this cycle.",
            escape(names.joint, 600),
            who,
        )
    )


_PAUSED_BY = re.compile(r"^paused by <@([UW][A-Z0-9_]+)>$")
_SLACK_SAID = re.compile(r"^Slack said ([a-z_]+)$")


def paused_because(code: str) -> str:
    """The paused reason stored when Slack refused a prompt (its error code inside)."""
    return f"Slack said {code}"


def _paused_reason(reason: str, channel_id: str) -> Mrkdwn:
    """Why reviews are paused: "paused by <@U…>" names who did it; a Slack refusal is told
    as its cause and fix (never the raw code); anything else is shown as text."""
    by = _PAUSED_BY.match(reason)
    if by:
        return md("paused by {}", user(by.group(1)))
    refused = _SLACK_SAID.match(reason)
    if refused:
        fix = how_to_fix(refused.group(1), channel_id)
        return md("the last prompt couldn't be posted: {}", fix)
    return escape(reason, 300)


def schedule_line(
    schedule: ReviewSchedule | None,
    cadence: Cadence | None,
    reader_tz: str,
    *,
    side: Side = Side.VENDOR,
    owners: list[str] | None = None,
    channel_id: str = "",
) -> Mrkdwn:
    """The summary card's line about reviews, with the next one in the reader's time zone.

    Only the vendor side can run ``/partner cadence``: the partner's card names the owners
    who set and resume the rhythm instead of a command they can't run."""
    who = users(owners or [], empty="the partnership's owners")
    if schedule is None or cadence is None:
        if side is Side.PARTNER:
            return md("*Reviews:* no rhythm set yet; {} set it.", who)
        return md("*Reviews:* no cadence yet. Set one with `/partner cadence`.")
    if schedule.paused:
        reason = (
            md(" ({})", _paused_reason(schedule.paused_reason, channel_id))
            if schedule.paused_reason
            else Mrkdwn("")
        )
        if side is Side.PARTNER:
            return md("*Reviews:* paused{}; {} can resume them.", reason, who)
        return md("*Reviews:* paused{}. Resume with `/partner cadence resume`.", reason)
    next_at = local_time(schedule.next_due_at, reader_tz) if schedule.next_due_at else "—"
    return md("*Next review:* {} · {}", next_at, cadence.describe())


def cadence_saved(schedule: ReviewSchedule, cadence: Cadence, reader_tz: str) -> Mrkdwn:
    assert schedule.next_due_at is not None
    return md(
        "Reviews are set {}. The next prompt goes out {}.",
        cadence.describe(),
        local_time(schedule.next_due_at, reader_tz),
    )


def overdue_dm(
    partnership: Partnership, review: Review, reader_tz: str, link: str | None = None
) -> dict[str, Any]:
    """To the owners: the review was prompted two business days ago and is still open; a
    button takes them to the prompt, where its buttons are."""
    text = md(
        ":hourglass: The review with *{}* prompted {} in {} hasn't been marked held after "
        "two business days. Hold it and press *Review held* on the prompt, or "
        "*Skip this cycle*.",
        escape(partnership.partner_name, 600),
        local_time(review.due_at, reader_tz),
        channel(partnership.channel_id),
    )
    go = link_button("Open the review prompt", link)
    if go is None:
        return message(text)
    return message(text, [section(text), actions(elements=[go])])


def paused_dm(partnership: Partnership, reason: str) -> dict[str, Any]:
    return message(
        md(
            "I couldn't post the review prompt for *{}* in {}, so I paused its reviews. {}, "
            "then run `/partner cadence resume` there.",
            escape(partnership.partner_name, 600),
            channel(partnership.channel_id),
            how_to_fix(reason, partnership.channel_id),
        )
    )
