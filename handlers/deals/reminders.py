"""Pure view builders for deal registration's reminders: the decision nudge to the approvers,
and the protection reminder (by DM, or in the card's thread with a mention) with **Extend**
when the terms allow and **Update stage**.

Their tone follows where the registration stands, not how many reminders went before: a
decision due today or overdue by so many days, a protection ending in two weeks or
tomorrow. Each says what happens next. A DM says moments in its reader's time zone; the
card's thread, which both companies read, in Slack date tokens.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement, ConfirmObject

from bot.domain.deals.terms import Terms
from bot.domain.partners.names import Sides
from bot.domain.text import count, day, moment
from handlers.blocks import actions, button, link_button, mrkdwn, note, section
from handlers.deals.funnel import deal_title
from handlers.deals.messages import NAME_LIMIT, person
from handlers.ids import Action
from handlers.ids import Block as B
from handlers.text import Mrkdwn, cut, escape, join, md, user, when
from storage.models import Registration, Side

FIRM_AFTER_DAYS = 5  # a decision this late: the partner has waited most of a week
CONFIRM_TEXT = 300


def _local_days(later: datetime, earlier: datetime, tz: str) -> int:
    """Calendar days from ``earlier`` to ``later`` as the clock in ``tz`` shows them."""
    zone = ZoneInfo(tz)
    return (later.astimezone(zone).date() - earlier.astimezone(zone).date()).days


def decision_tone(late_days: int) -> tuple[str, str]:
    """The emoji and headline of a decision nudge, from how late the decision is."""
    if late_days <= 0:
        return ":hourglass:", "Decision due today"
    emoji = ":warning:" if late_days < FIRM_AFTER_DAYS else ":rotating_light:"
    return emoji, f"Overdue by {count(late_days, 'day')}"


def decision_buttons(registration: Registration, link: str | None) -> ActionsBlock:
    """The approver decides from the reminder itself (each opens its modal), or opens the
    card."""
    value = str(registration.id)
    elements: list[Any] = [
        button("Approve", Action.DEAL_APPROVE, value, style="primary"),
        button("Reject", Action.DEAL_REJECT, value),
        button("Ask for more", Action.DEAL_ASK, value),
    ]
    opener = link_button("Open the card", link)
    if opener is not None:
        elements.append(opener)
    return actions(block_id=B.DEAL_REMINDER_ACTIONS, elements=elements)


def decision_nudge(
    registration: Registration,
    names: Sides,
    terms_days: int,
    source: str,
    link: str | None,
    *,
    due_at: datetime,
    now: datetime,
    tz: str,
) -> dict[str, Any]:
    """The DM to an approver when a registration waits past its decision deadline (``due_at``),
    told in their time zone ``tz``; firmer the later it is."""
    late = _local_days(now, due_at, tz)
    emoji, headline = decision_tone(late)
    partner = escape(names.partner, NAME_LIMIT)
    registered = day(registration.created_at.astimezone(ZoneInfo(tz)).date())
    if late < FIRM_AFTER_DAYS:
        urging = md(
            "{} registered it on {} and waits for a decision from {}: {} under {}. Approve "
            "it, reject it or ask {} for more.",
            person(registration.registered_by, registration.registered_by_side, names),
            registered,
            escape(names.vendor, NAME_LIMIT),
            count(terms_days, "business day"),
            source,
            partner,
        )
    else:
        urging = md(
            "{} registered it on {} and has waited {} past the {} of {}. Decide today, or ask "
            "{} for what you need: a registration left waiting costs more trust than a quick no.",
            person(registration.registered_by, registration.registered_by_side, names),
            registered,
            count(late, "day"),
            count(terms_days, "business day"),
            source,
            partner,
        )
    text = md("{} *{}:* {}\n{}", emoji, headline, deal_title(registration), urging)
    blocks: list[Block] = [
        section(text),
        note(
            md(
                "This is the only reminder: until someone decides, the card shows {} that it "
                "is still waiting.",
                partner,
            )
        ),
        decision_buttons(registration, link),
    ]
    return {"text": cut(text, 3000), "blocks": [b.to_dict() for b in blocks]}


def protection_tone(days_left: int) -> tuple[str, str]:
    """The emoji and headline of a protection reminder, from the days left."""
    if days_left > 7:
        return ":shield:", f"Protection ends in {days_left} days"
    if days_left > 1:
        return ":alarm_clock:", f"Protection ends in {days_left} days"
    if days_left == 1:
        return ":alarm_clock:", "Protection ends tomorrow"
    if days_left == 0:
        return ":rotating_light:", "Protection ends today"
    return ":hourglass:", "Protection has ended"


def _said(at: datetime, tz: str | None, partnership_tz: str) -> Mrkdwn:
    """A moment in a DM's reader zone, or (``tz`` None: the shared thread) a date token."""
    if tz is None:
        return when(at, partnership_tz)
    return escape(moment(at, tz))


def extend_button(
    registration: Registration, terms: Terms, tz: str | None, partnership_tz: str
) -> ButtonElement:
    """**Extend**, confirmed first: an extension can't be taken back, and uses up what the
    terms allow."""
    assert registration.protected_until is not None
    new_end = registration.protected_until + timedelta(days=terms.protection_days)
    shown = (
        day(new_end.astimezone(ZoneInfo(tz or partnership_tz)).date()),
        day(registration.protected_until.astimezone(ZoneInfo(tz or partnership_tz)).date()),
    )
    extend = button("Extend", Action.DEAL_EXTEND, str(registration.id), style="primary")
    extend.confirm = ConfirmObject(
        title="Extend the protection?",
        text=mrkdwn(
            md(
                "{} will be protected until {} instead of {} ({} more, under {}). The terms "
                "allow it {}; it can't be undone.",
                registration.label,
                shown[0],
                shown[1],
                count(terms.protection_days, "day"),
                terms.source,
                "once" if terms.max_extensions == 1 else f"{terms.max_extensions} times",
            ),
            CONFIRM_TEXT,
        ),
        confirm="Extend",
        deny="Not now",
    )
    return extend


def protection_reminder(
    registration: Registration,
    names: Sides,
    terms: Terms,
    extendable: bool,
    link: str | None,
    *,
    now: datetime,
    tz: str | None,
    partnership_tz: str,
    side: Side | None = None,
) -> dict[str, Any]:
    """The reminder to the deal's rep and the owners before the protection ends: by DM in the
    reader's zone ``tz`` (their ``side`` chooses the words), or (``tz`` None) in the card's
    thread, with date tokens."""
    assert registration.protected_until is not None
    ends = registration.protected_until
    left = _local_days(ends, now, tz or partnership_tz)
    emoji, headline = protection_tone(left)
    partner = escape(names.partner, NAME_LIMIT)
    whose = md("Your registration") if side is Side.PARTNER else md("The registration")
    if extendable:
        how = md(
            "Extend it for another {} ({}), or update where it stands.",
            count(terms.protection_days, "day"),
            terms.source,
        )
    elif registration.extensions:
        how = md(
            "It was extended already, as far as the terms allow ({}): update where it stands, "
            "or mark it won or lost on its card.",
            terms.source,
        )
    else:
        how = md(
            "It can't be extended under {}: update where it stands, or mark it won or lost on "
            "its card.",
            terms.source,
        )
    text = md(
        "{} *{}:* {}\n{} protects {} on this account until {}. {}",
        emoji,
        headline,
        deal_title(registration),
        whose,
        partner,
        _said(ends, tz, partnership_tz),
        how,
    )
    value = str(registration.id)
    buttons: list[Any] = [button("Update stage", Action.DEAL_UPDATE, value)]
    if extendable:
        buttons.insert(0, extend_button(registration, terms, tz, partnership_tz))
    opener = link_button("Open the card", link)
    if opener is not None:
        buttons.append(opener)
    blocks: list[Block] = [
        section(text),
        note(
            md(
                "What happens next: when it ends, the registration expires and no longer claims "
                "the account for {} (it can still be marked won or lost). This is the only "
                "reminder before then.",
                partner,
            )
        ),
        actions(block_id=B.DEAL_REMINDER_ACTIONS, elements=buttons),
    ]
    return {"text": cut(text, 3000), "blocks": [b.to_dict() for b in blocks]}


def protection_in_thread(
    registration: Registration,
    names: Sides,
    people: list[str],
    terms: Terms,
    extendable: bool,
    *,
    now: datetime,
    partnership_tz: str,
) -> dict[str, Any]:
    """The same reminder in the card's thread, for those Slack won't let partnerbot DM: a
    mention tells them, and the date is a token each reader sees in their own zone."""
    content = protection_reminder(
        registration,
        names,
        terms,
        extendable,
        None,
        now=now,
        tz=None,
        partnership_tz=partnership_tz,
    )
    mention = md("{}: ", join(", ", (user(u) for u in people)))
    text = md("{}{}", mention, Mrkdwn(content["text"]))
    content["text"] = cut(text, 3000)
    content["blocks"][0] = section(text).to_dict()
    return content


def extended_note(
    registration: Registration, until: datetime, terms: Terms, tz: str
) -> dict[str, Any]:
    """Told to whoever pressed Extend, in their time zone: the new end, and what comes next."""
    again = (
        md("It can't be extended again under {}", terms.source)
        if registration.extensions >= terms.max_extensions
        else md("It can be extended again under {}", terms.source)
    )
    text = md(
        ":shield: Extended: {} is protected until {}. {}; a reminder comes before "
        "it ends. The card's thread tells both companies.",
        deal_title(registration),
        moment(until, tz),
        again,
    )
    return {"text": cut(text, 3000), "blocks": [section(text).to_dict()]}
