"""The partners messages: pure builders of what partnerbot posts and tells."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    DividerBlock,
)

from bot.domain.partners.service import contacts, named_approvers, owners
from handlers.blocks import FIELD_LIMIT, as_json, button, header, message, note, section
from handlers.ids import Action
from handlers.ids import Block as B
from handlers.text import Mrkdwn, channel, cut, escape, join, md, user, users
from storage.models import ContactRole, Partnership, PartnershipStatus, Side

ROLE_LABELS = {
    ContactRole.EXECUTIVE: "Executive sponsor(s)",
    ContactRole.SALES: "Sales contacts",
    ContactRole.OPERATIONS: "Operations / admin contacts",
}


ROLE_BLOCKS = {
    ContactRole.EXECUTIVE: B.CONTACTS_EXECUTIVE,
    ContactRole.SALES: B.CONTACTS_SALES,
    ContactRole.OPERATIONS: B.CONTACTS_OPERATIONS,
}


STATUS_LABELS = {
    PartnershipStatus.ACTIVE: "active",
    PartnershipStatus.DISCONNECTED: "paused: the channel is no longer shared",
    PartnershipStatus.ENDED: "ended",
}


@dataclass(frozen=True)
class SummaryExtras:
    """Lines other features add to the summary card (next review, open promises, ...).

    Each line is Mrkdwn; a plain str is escaped (shown as text, whatever it holds)."""

    lines: list[Mrkdwn | str] = field(default_factory=list)


def summary_blocks(p: Partnership, extras: SummaryExtras | None = None) -> list[dict[str, Any]]:
    """The partnership card: who is who, settings, and buttons for what people do next."""
    roles = contacts(p)
    fields = [
        md("*Channel*\n{}", channel(p.channel_id)),
        md("*Status*\n{}", STATUS_LABELS[p.status]),
        md("*Owners*\n{}", cut(users(owners(p)), FIELD_LIMIT - 100)),
        md("*Time zone · holidays*\n{} · {}", p.time_zone, p.holiday_country or "none"),
    ]
    people = [
        md("*{}:* {}", ROLE_LABELS[role], users(roles[role])) for role in ContactRole if roles[role]
    ]
    approvers = []
    for side, label in ((Side.VENDOR, "vendor"), (Side.PARTNER, "partner")):
        named = named_approvers(p, side)
        who = users(named) if named else md("anyone on the {} side", label)
        approvers.append(md("*Rule approvers, {}:* {}", label, who))
    blocks: list[Block] = [
        header(f"Partnership with {p.partner_name}"),
        section(fields=fields),
        section(join("\n", people + approvers)),
    ]
    for line in extras.lines if extras else []:
        blocks.append(section(escape(line)))
    blocks += [
        DividerBlock(),
        ActionsBlock(
            block_id=B.SUMMARY_ACTIONS,
            elements=[
                button("Edit setup", Action.EDIT_PARTNERSHIP, str(p.id)),
                button("Log a win", Action.LOG_WIN, str(p.id)),
                button("Propose a rule", Action.ROE_PROPOSE, str(p.id)),
                button("Rulebook", Action.ROE_RULEBOOK, str(p.id)),
                button("KPIs", Action.SHOW_KPIS, str(p.id)),
            ],
        ),
    ]
    return [as_json(b) for b in blocks]


def linked_message(p: Partnership, linked_by: str) -> dict[str, Any]:
    """The notice posted in the channel once it is linked (both sides see it)."""
    text = md(
        "{} linked this channel to the partnership with *{}*. Owners: {}.",
        user(linked_by),
        p.partner_name,
        users(owners(p)),
    )
    blocks: list[Block] = [
        section(md(":handshake: {}", text)),
        note(md("Partner-side people: use the button to see the partnership and what you can do.")),
        ActionsBlock(elements=[button("Partnership summary", Action.SHOW_SUMMARY, str(p.id))]),
    ]
    return message(text, blocks)


# (command, what it does) — every slash command partnerbot answers, for /partner help.
def help_blocks(entries: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """`/partner help`: every command, as the router lists them."""
    lines = join("\n", (md("• `{}` — {}", command, what) for command, what in entries))
    blocks: list[Block] = [
        section(md("*partnerbot commands*\n{}", lines)),
        note(
            md(
                "People at the partner can't run these commands; they use the buttons on "
                "partnerbot's messages in the shared channel."
            )
        ),
    ]
    return [b.to_dict() for b in blocks]
