"""Pure view builders for deal registration's reminders: the decision nudge to the approvers,
and the protection reminder (by DM, or in the card's thread with a mention) with **Extend**
when the terms allow and **Update stage**.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import ActionsBlock, Block

from bot.domain.text import day
from handlers.blocks import button, section
from handlers.deals.funnel import deal_title
from handlers.ids import Action
from handlers.ids import Block as B
from handlers.text import Mrkdwn, cut, join, md, user
from handlers.text import date as date_token
from handlers.text import link as link_to
from storage.models import Registration


def _card(link: str | None) -> Mrkdwn:
    return md(" ({})", link_to(link, "the card")) if link else Mrkdwn("")


def decision_nudge(
    registration: Registration, business_days: int, source: str, link: str | None
) -> dict[str, Any]:
    """The DM to the approvers when a registration waits past its decision deadline."""
    text = md(
        ":hourglass: {} registered by {} on {} is still waiting for the vendor's decision, "
        "past its deadline ({} business days under {}). Approve it, reject it or ask for more "
        "on the card{}.",
        deal_title(registration),
        user(registration.registered_by),
        day(registration.created_at.date()),
        business_days,
        source,
        _card(link),
    )
    return {"text": cut(text, 3000), "blocks": [section(text).to_dict()]}


def protection_reminder(
    registration: Registration, extendable: bool, source: str, link: str | None
) -> dict[str, Any]:
    """The DM to the partner rep and the owners when protection ends in 14 days (or less)."""
    assert registration.protected_until is not None
    ends = date_token(
        registration.protected_until, day(registration.protected_until.date()), "{date_long_pretty}"
    )
    if extendable:
        how = md("You can extend it for another window ({}), or update where it stands.", source)
    elif registration.extensions:
        how = md(
            "It was extended already, as far as the terms allow ({}); update where it stands, "
            "or mark it won or lost.",
            source,
        )
    else:
        how = md(
            "It can't be extended under {}; update where it stands, or mark it won or lost.", source
        )
    text = md(
        ":shield: The protection of {} ends {}{}. {}",
        deal_title(registration),
        ends,
        _card(link),
        how,
    )
    value = str(registration.id)
    buttons = [button("Update stage", Action.DEAL_UPDATE, value)]
    if extendable:
        buttons.insert(0, button("Extend", Action.DEAL_EXTEND, value, style="primary"))
    blocks: list[Block] = [
        section(text),
        ActionsBlock(block_id=B.DEAL_REMINDER_ACTIONS, elements=buttons),
    ]
    return {"text": cut(text, 3000), "blocks": [b.to_dict() for b in blocks]}


def protection_in_thread(
    registration: Registration, people: list[str], extendable: bool, source: str
) -> dict[str, Any]:
    """The same reminder in the card's thread, for those Slack won't let partnerbot DM."""
    content = protection_reminder(registration, extendable, source, None)
    mention = md("{}: ", join(", ", (user(u) for u in people)))
    text = md("{}{}", mention, Mrkdwn(content["text"]))
    content["text"] = cut(text, 3000)
    content["blocks"][0] = section(text).to_dict()
    return content


def extended_note(registration: Registration, until: datetime) -> dict[str, Any]:
    text = md(
        ":shield: {} is protected until {} now.",
        deal_title(registration),
        date_token(until, day(until.date()), "{date_long_pretty}"),
    )
    return {"text": cut(text, 3000), "blocks": [section(text).to_dict()]}
