"""Pure view builders for what changed in the shared funnel: a line in a registration card's
thread, and a deal's history (every change, who made it and when, in the reader's time zone).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import Block, DividerBlock
from slack_sdk.models.views import View

from bot.domain.deals.funnel import History
from bot.domain.deals.reminders import BY_PARTNERBOT
from bot.domain.text import day
from handlers.blocks import MAX_MODAL_BLOCKS, local_time, note, section
from handlers.deals.funnel import STATUS_WORDS, day_text, deal_title, money_text, stage_name
from handlers.text import Mrkdwn, cut, escape, join, md, plain, user
from handlers.text import date as date_token
from storage.models import DealChange, DealChangeKind, Registration

LINES_PER_SECTION = 2900


def _updated(change: DealChange) -> Mrkdwn:
    before, after = change.before or {}, change.after or {}
    parts: list[Mrkdwn] = []
    if "stage" in after:
        parts.append(
            md("stage {} → *{}*", stage_name(before.get("stage")), stage_name(after["stage"]))
        )
    if "amount" in after or "currency" in after:
        parts.append(
            md(
                "amount {} → *{}*",
                money_text(before.get("amount"), before.get("currency")),
                money_text(after.get("amount"), after.get("currency")),
            )
        )
    if "close_on" in after:
        parts.append(
            md(
                "close date {} → *{}*",
                day_text(before.get("close_on")),
                day_text(after["close_on"]),
            )
        )
    return join("; ", parts) if parts else md("no change")


def _moment(value: str | None, tz: str | None) -> Mrkdwn:
    """A moment from the history: in ``tz``, or as each reader's own (a date token)."""
    try:
        when = datetime.fromisoformat(str(value))
    except ValueError:
        return escape(value)
    if tz:
        return escape(local_time(when, tz))
    return date_token(when, day(when.date()), "{date_short_pretty}")


def describe(change: DealChange, tz: str | None = None) -> Mrkdwn:
    """What a change did, after who did it: "moved it from …", "marked it lost: …"."""
    after = change.after or {}
    kind = change.kind
    if kind is DealChangeKind.UPDATED:
        return md("updated {}", _updated(change))
    if kind is DealChangeKind.EXTENDED:
        return md(
            "extended its protection until {} ({})",
            _moment(after.get("protected_until"), tz),
            change.comment or "the terms",
        )
    if kind is DealChangeKind.WON:
        amount = (
            money_text(after.get("amount"), after.get("currency")) if after.get("amount") else ""
        )
        return md(
            "marked it won{}: the win “{}” is linked to it (partner-sourced)",
            md(" ({})", amount) if after.get("amount") else Mrkdwn(""),
            escape(change.comment or "", 150),
        )
    if kind is DealChangeKind.LOST:
        return md("marked it lost: “{}”", escape(change.comment or "", 1500))
    if kind is DealChangeKind.EXPIRED:
        return md("its protection ended: the registration expired")
    if kind is DealChangeKind.REGISTERED:
        return md("registered it")
    if kind is DealChangeKind.IMPORTED:
        return md("imported it from the CRM")
    if kind is DealChangeKind.APPROVED:
        return md("approved it ({})", change.comment or "the default terms")
    if kind is DealChangeKind.REJECTED:
        return md("rejected it: “{}”", escape(change.comment or "", 1500))
    if kind is DealChangeKind.ASKED:
        return md("asked for more: “{}”", escape(change.comment or "", 1500))
    if kind is DealChangeKind.ANSWERED:
        return md("answered: “{}”", escape(change.comment or "", 1500))
    return md("changed it")


def _who(change: DealChange) -> Mrkdwn:
    if change.changed_by == BY_PARTNERBOT:
        return md("partnerbot")
    if change.changed_by == "import":
        return md("The CRM import")
    side = md(" ({} side)", change.side.value) if change.side is not None else Mrkdwn("")
    return md("{}{}", user(change.changed_by), side)


def change_line(change: DealChange, registration: Registration) -> dict[str, Any]:
    """The line in the card's thread that tells both sides what changed."""
    icon = {
        DealChangeKind.WON: ":trophy:",
        DealChangeKind.LOST: ":heavy_multiplication_x:",
        DealChangeKind.EXPIRED: ":hourglass:",
        DealChangeKind.EXTENDED: ":shield:",
    }.get(change.kind, ":pencil2:")
    if change.changed_by == BY_PARTNERBOT:
        text = md("{} {}: {}.", icon, registration.label, describe(change))
    else:
        text = md("{} {} {} ({}).", icon, _who(change), describe(change), registration.label)
    return {"text": cut(text, 3000)}


# --- history -------------------------------------------------------------------------------


def history_modal(registration: Registration, found: History, tz: str) -> dict[str, Any]:
    """Every change to a registration, newest first, in the reader's time zone."""
    lines = [
        md("• {} · {} {}", local_time(c.changed_at, tz), _who(c), describe(c, tz))
        for c in found.changes
    ]
    blocks: list[Block] = [
        section(deal_title(registration)),
        note(md("Now {} · times in {}", STATUS_WORDS[registration.status], tz)),
        DividerBlock(),
    ]
    sections: list[Mrkdwn] = []
    current: list[Mrkdwn] = []
    size = 0
    for line in lines:
        line = cut(line, LINES_PER_SECTION)
        if current and size + len(line) + 1 > LINES_PER_SECTION:
            sections.append(join("\n", current))
            current, size = [], 0
        current.append(line)
        size += len(line) + 1
    if current:
        sections.append(join("\n", current))
    room = MAX_MODAL_BLOCKS - len(blocks) - 1
    blocks += [section(text) for text in sections[:room]]
    if found.more or len(sections) > room:
        blocks.append(note(md("{} earlier changes are not shown.", found.more or "Some")))
    return View(
        type="modal",
        title=plain(f"History of {registration.label}", 24),
        close="Close",
        blocks=blocks,
    ).to_dict()
