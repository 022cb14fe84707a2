"""Pure view builders for what changed in the shared funnel: a line in a registration card's
thread (both companies read it: people named with their company, moments as Slack date
tokens), and a deal's history (every change, who made it and when, in the reader's time
zone).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.domain.deals.funnel import History
from bot.domain.deals.reminders import BY_PARTNERBOT
from bot.domain.partners.names import Sides
from bot.domain.text import day, zone_name
from handlers.blocks import MAX_MODAL_BLOCKS, divider, note, section
from handlers.deals.funnel import STATUS_WORDS, day_text, deal_title, money_text, stage_name
from handlers.text import Mrkdwn, cut, escape, join, md, of_company, plain, user
from handlers.text import date as date_token
from storage.models import DealChange, DealChangeKind, Registration, RegistrationStatus

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


def _imported(change: DealChange) -> Mrkdwn:
    """What an import from the CRM did: created the registration, or changed these fields."""
    before, after = change.before, change.after or {}
    if before is None:
        return md("created it")
    parts: list[Mrkdwn] = []
    for name, label in (("account", "account"), ("opportunity", "opportunity")):
        if after.get(name) != before.get(name):
            parts.append(md("{} → *{}*", label, escape(str(after.get(name) or ""), 200)))
    if after.get("stage") != before.get("stage"):
        parts.append(
            md("stage {} → *{}*", stage_name(before.get("stage")), stage_name(after.get("stage")))
        )
    if (after.get("amount"), after.get("currency")) != (
        before.get("amount"),
        before.get("currency"),
    ):
        parts.append(
            md(
                "amount {} → *{}*",
                money_text(before.get("amount"), before.get("currency")),
                money_text(after.get("amount"), after.get("currency")),
            )
        )
    if after.get("close_on") != before.get("close_on"):
        parts.append(
            md(
                "close date {} → *{}*",
                day_text(before.get("close_on")),
                day_text(after.get("close_on")),
            )
        )
    if after.get("status") != before.get("status"):
        parts.append(
            md("status {} → *{}*", _status(before.get("status")), _status(after.get("status")))
        )
    return md("updated {}", join("; ", parts)) if parts else md("linked it to its CRM record")


def _moment(value: str | None, tz: str | None) -> Mrkdwn:
    """A moment from the history: in ``tz``, or as each reader's own (a date token)."""
    try:
        when = datetime.fromisoformat(str(value))
    except ValueError:
        return escape(value)
    if tz:
        return escape(day(when.astimezone(ZoneInfo(tz)).date()))
    return date_token(when, day(when.date()), "{date_short_pretty}")


def _status(value: object) -> str:
    try:
        return STATUS_WORDS[RegistrationStatus(str(value))]
    except ValueError:
        return str(value)


def describe(change: DealChange, tz: str | None = None) -> Mrkdwn:
    """What a change did, after who did it: "updated stage …", "marked it lost: …"."""
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
    if kind is DealChangeKind.WIN_WITHDRAWN:
        ended = (
            md(" (its protection had ended meanwhile)")
            if after.get("status") == RegistrationStatus.EXPIRED.value
            and (change.before or {}).get("restores") == RegistrationStatus.APPROVED.value
            else Mrkdwn("")
        )
        return md(
            "withdrew its win “{}”, so it is no longer won: it is {} again{}",
            escape(change.comment or "", 150),
            _status(after.get("status")),
            ended,
        )
    if kind is DealChangeKind.LOST:
        return md("marked it lost: “{}”", escape(change.comment or "", 1500))
    if kind is DealChangeKind.EXPIRED:
        return md(
            "its protection ended, so the registration expired: it no longer claims the "
            "account, and can still be marked won or lost"
        )
    if kind is DealChangeKind.REGISTERED:
        return md("registered it")
    if kind is DealChangeKind.IMPORTED:
        return _imported(change)
    if kind is DealChangeKind.APPROVED:
        return md("approved it ({})", change.comment or "the default terms")
    if kind is DealChangeKind.REJECTED:
        return md("rejected it: “{}”", escape(change.comment or "", 1500))
    if kind is DealChangeKind.ASKED:
        return md("asked for more: “{}”", escape(change.comment or "", 1500))
    if kind is DealChangeKind.ANSWERED:
        return md("answered: “{}”", escape(change.comment or "", 1500))
    return md("changed it")


def _who(change: DealChange, names: Sides) -> Mrkdwn:
    if change.changed_by == BY_PARTNERBOT:
        return md("partnerbot")
    if change.changed_by == "import":
        return md("The import from the CRM at {}", names.vendor[:200])
    if change.side is None:
        return user(change.changed_by)
    return of_company(change.changed_by, names.name(change.side)[:200])


def change_line(change: DealChange, registration: Registration, names: Sides) -> dict[str, Any]:
    """The line in the card's thread that tells both companies what changed."""
    icon = {
        DealChangeKind.WON: ":trophy:",
        DealChangeKind.LOST: ":heavy_multiplication_x:",
        DealChangeKind.EXPIRED: ":hourglass:",
        DealChangeKind.EXTENDED: ":shield:",
        DealChangeKind.WIN_WITHDRAWN: ":leftwards_arrow_with_hook:",
    }.get(change.kind, ":pencil2:")
    if change.changed_by == BY_PARTNERBOT:
        text = md("{} {}: {}.", icon, registration.label, describe(change))
    else:
        text = md("{} {} {} ({}).", icon, _who(change, names), describe(change), registration.label)
    return {"text": cut(text, 3000)}


# --- history -------------------------------------------------------------------------------


def _stamp(when: datetime, tz: str) -> str:
    """A moment in the reader's zone, which the modal names once: "Tue 1 Dec 2026, 18:00"."""
    local = when.astimezone(ZoneInfo(tz))
    return f"{day(local.date())}, {local:%H:%M}"


def history_modal(
    registration: Registration, found: History, tz: str, names: Sides
) -> dict[str, Any]:
    """Every change to a registration, newest first, in the reader's time zone."""
    lines = [
        md("• {} · {} {}", _stamp(c.changed_at, tz), _who(c, names), describe(c, tz))
        for c in found.changes
    ]
    blocks: list[Block] = [
        section(deal_title(registration)),
        note(
            md(
                "{} · now {} · times are {}, your time zone",
                escape(names.joint, 300),
                STATUS_WORDS[registration.status],
                zone_name(tz),
            )
        ),
        divider(),
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
