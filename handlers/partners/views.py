"""Pure view builders for /partner: the setup modal, the summary card, the link notice, help."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ConversationFilter,
    ConversationSelectElement,
    DividerBlock,
    PlainTextInputElement,
    UserMultiSelectElement,
)
from slack_sdk.models.views import View

from bot.domain.partners.service import contacts, named_approvers, owners
from handlers.blocks import FIELD_LIMIT, button, field_input, header, message, note, section
from handlers.ids import Action, Callback
from handlers.ids import Block as B
from handlers.text import Mrkdwn, channel, cut, escape, fit, join, md, user, users
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
class SetupDefaults:
    """What the setup modal starts with: a new link, or an existing partnership to edit."""

    channel_id: str | None
    time_zone: str
    owners: list[str]
    partnership: Partnership | None = None


@dataclass(frozen=True)
class SummaryExtras:
    """Lines other features add to the summary card (next review, open promises, ...).

    Each line is Mrkdwn; a plain str is escaped (shown as text, whatever it holds)."""

    lines: list[Mrkdwn | str] = field(default_factory=list)


def _users(
    block_id: str, label: str, initial: list[str], *, optional: bool, hint: str | None = None
):
    return field_input(
        block_id,
        label,
        UserMultiSelectElement(placeholder="Choose people", initial_users=initial or None),
        optional=optional,
        hint=hint,
    )


def setup_modal(defaults: SetupDefaults) -> dict[str, Any]:
    """The modal that links a channel to a partner, or edits the link."""
    p = defaults.partnership
    blocks: list[Block] = []
    if p is None:
        blocks.append(
            field_input(
                B.CHANNEL,
                "Shared channel",
                ConversationSelectElement(
                    placeholder="The Slack Connect channel with the partner",
                    initial_conversation=defaults.channel_id,
                    filter=ConversationFilter(
                        include=["public", "private"], exclude_bot_users=True
                    ),
                ),
                hint="The channel you share with the partner organization.",
            )
        )
    role_members = contacts(p) if p else {role: [] for role in ContactRole}
    blocks += [
        field_input(
            B.PARTNER_NAME,
            "Partner organization",
            PlainTextInputElement(
                placeholder="e.g. Acme Resellers",
                max_length=200,
                initial_value=fit(p.partner_name, 200) if p else None,
            ),
        ),
        _users(
            B.OWNERS,
            "Owners on your side (CAM, TMs)",
            owners(p) if p else defaults.owners,
            optional=False,
        ),
        *[
            _users(
                ROLE_BLOCKS[role],
                f"Partner {ROLE_LABELS[role].lower()}",
                role_members[role],
                optional=True,
                hint="Name at least one partner contact in one of these three fields."
                if role is ContactRole.SALES
                else None,
            )
            for role in ContactRole
        ],
        _users(
            B.VENDOR_APPROVERS,
            "Who approves rules on your side",
            named_approvers(p, Side.VENDOR) if p else [],
            optional=True,
            hint="Leave empty to let anyone in your organization approve.",
        ),
        _users(
            B.PARTNER_APPROVERS,
            "Who approves rules on the partner side",
            named_approvers(p, Side.PARTNER) if p else [],
            optional=True,
            hint="Leave empty to let anyone at the partner approve.",
        ),
        field_input(
            B.TIME_ZONE,
            "Partnership time zone",
            PlainTextInputElement(
                initial_value=p.time_zone if p else defaults.time_zone, max_length=64
            ),
            hint="An IANA name such as America/New_York; reviews are scheduled in it.",
        ),
        field_input(
            B.HOLIDAY_COUNTRY,
            "Holiday calendar (country code)",
            PlainTextInputElement(
                placeholder="e.g. US, DE, GB",
                max_length=8,
                initial_value=(p.holiday_country if p else None) or None,
            ),
            optional=True,
            hint="Reviews skip this country's public holidays. Leave empty for none.",
        ),
    ]
    metadata = {"partnership_id": p.id if p else None, "channel_id": defaults.channel_id}
    return View(
        type="modal",
        callback_id=Callback.PARTNERSHIP_SETUP,
        title="Edit partnership" if p else "Link a partner",
        submit="Save" if p else "Link",
        close="Cancel",
        private_metadata=json.dumps(metadata),
        blocks=blocks,
    ).to_dict()


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
    return [b.to_dict() for b in blocks]


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
