"""The partners messages: pure builders of what partnerbot posts and tells."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ButtonElement,
)

from bot.domain.partners.names import Sides
from bot.domain.partners.service import contacts, is_owner, named_approvers, owners
from bot.domain.text import zone_name
from handlers.blocks import (
    FIELD_LIMIT,
    actions,
    as_json,
    button,
    divider,
    header,
    message,
    note,
    section,
)
from handlers.ids import Action
from handlers.ids import Block as B
from handlers.text import Mrkdwn, channel, cut, either, escape, join, md, user, users
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


@dataclass(frozen=True)
class Reader:
    """Who reads the summary card: their side decides what it offers them."""

    user_id: str
    side: Side

    @property
    def is_partner(self) -> bool:
        return self.side is Side.PARTNER


def holidays_of(p: Partnership) -> str:
    return f"{p.holiday_country} public holidays" if p.holiday_country else "no holiday calendar"


def _approvers(p: Partnership, names: Sides) -> Mrkdwn:
    """Who approves rules, each company named alike."""
    parts = []
    for side in (Side.VENDOR, Side.PARTNER):
        named = named_approvers(p, side)
        who = users(named) if named else md("anyone at {}", names.name(side))
        parts.append(md("{}: {}", names.name(side), who))
    return md("*Rule approvers* · {}", join(" · ", parts))


def _partner_people(p: Partnership) -> list[Mrkdwn]:
    roles = contacts(p)
    return [
        md("{}: {}", ROLE_LABELS[role], users(roles[role])) for role in ContactRole if roles[role]
    ]


def vendor_actions(p: Partnership, reader: Reader) -> list[ButtonElement]:
    """The vendor side's buttons: the setup only for its owners, who alone may change it."""
    buttons = []
    if is_owner(p, reader.user_id):
        buttons.append(button("Edit setup", Action.EDIT_PARTNERSHIP, str(p.id)))
    buttons += [
        button("Log a win", Action.LOG_WIN, str(p.id)),
        register_deal_button(p),
        button("Propose a rule", Action.ROE_PROPOSE, str(p.id)),
        button("Rulebook", Action.ROE_RULEBOOK, str(p.id)),
        button("KPIs", Action.SHOW_KPIS, str(p.id)),
    ]
    return buttons


def partner_actions(p: Partnership) -> list[ButtonElement]:
    """What the partner's people can start from the card: nothing here refuses them. A
    feature that gives the partner something to start (registering a deal, say) adds its
    button here and its line to ``partner_can``."""
    return [
        button("Log a win", Action.LOG_WIN, str(p.id), style="primary"),
        register_deal_button(p),
        button("Propose a rule", Action.ROE_PROPOSE, str(p.id)),
        button("Rulebook", Action.ROE_RULEBOOK, str(p.id)),
    ]


def partner_can(p: Partnership, names: Sides, reader: Reader) -> list[Mrkdwn]:
    """What a partner-side person can do in the partnership, in their words."""
    approvers = named_approvers(p, Side.PARTNER)
    if not approvers:
        approve = md("anyone at {} can approve", names.partner)
    elif reader.user_id in approvers:
        approve = Mrkdwn("you approve them for your side")
    else:
        approve = md("{} approve them for your side", users(approvers))
    return [
        md(
            "• *Log a win*: celebrate a deal you closed together; it is posted in {} with "
            "credit to the people of both companies.",
            channel(p.channel_id),
        ),
        md(
            "• *Register a deal* you are working on: {} decides on it, and an approved "
            "registration protects it for the window your rules of engagement agree.",
            names.vendor,
        ),
        md(
            "• *Propose a rule* of engagement, or approve, amend or reject one {} proposes in "
            "its thread: a rule is in force once both companies approve it ({}).",
            names.vendor,
            approve,
        ),
        md(
            "• *Review held*: when a review prompt appears in {}, press it once you have met.",
            channel(p.channel_id),
        ),
        md(
            "• *Promises*: when someone at {} makes good on a promise to you, you get a "
            "message to confirm it.",
            names.vendor,
        ),
    ]


def summary_blocks(
    p: Partnership, names: Sides, reader: Reader, extras: SummaryExtras | None = None
) -> list[dict[str, Any]]:
    """The partnership card, built for its reader's side: who is who, the settings, and
    buttons for what that reader can do next (none that would refuse them)."""
    lines = [escape(line) for line in (extras.lines if extras else [])]
    partner_people = _partner_people(p)
    # The owners are the partner's contacts at the vendor: named so on the partner's card.
    owners_label = "Your contacts at {}" if reader.is_partner else "Owners at {}"
    blocks: list[Block] = [
        header(names.joint),
        section(
            fields=[
                md("*Channel*\n{}", channel(p.channel_id)),
                md("*Status*\n{}", STATUS_LABELS[p.status]),
                md(
                    "*" + owners_label + "*\n{}",
                    names.vendor,
                    cut(users(owners(p)), FIELD_LIMIT - 300),
                ),
                md("*Time zone · holidays*\n{} · {}", zone_name(p.time_zone), holidays_of(p)),
            ]
        ),
    ]
    if reader.is_partner:
        can = [*partner_can(p, names, reader), md("Anything else: ask {}.", either(owners(p)))]
        blocks += [
            section(
                md(
                    "*At {}:* {}\n{}",
                    names.partner,
                    join(" · ", partner_people) if partner_people else Mrkdwn("nobody named yet"),
                    _approvers(p, names),
                )
            ),
            *[section(line) for line in lines],
            divider(),
            section(md("*What you can do here*\n{}", join("\n", can))),
            actions(block_id=B.SUMMARY_ACTIONS, elements=partner_actions(p)),
        ]
    else:
        blocks += [
            section(
                md(
                    "*At {} (partner side):* {}\n{}",
                    names.partner,
                    join(" · ", partner_people) if partner_people else Mrkdwn("nobody named yet"),
                    _approvers(p, names),
                )
            ),
            *[section(line) for line in lines],
            divider(),
            actions(block_id=B.SUMMARY_ACTIONS, elements=vendor_actions(p, reader)),
            note(
                md(
                    "`/partner cadence` sets the review rhythm, `/promise` makes a make-good "
                    "promise, `/partner help` lists every command. People at {} use the "
                    "buttons on partnerbot's messages.",
                    names.partner,
                )
            ),
        ]
    return [as_json(b) for b in blocks]


def register_deal_button(p: Partnership) -> ButtonElement:
    """**Register a deal**: how the partner's people register one (they can't run /deal)."""
    return button("Register a deal", Action.DEAL_REGISTER, str(p.id))


def summary_text(names: Sides) -> Mrkdwn:
    """The card's notification text."""
    return md("Partnership: {}", names.joint)


def linked_message(p: Partnership, names: Sides, linked_by: str) -> dict[str, Any]:
    """The notice posted in the channel once it is linked (both companies read it)."""
    text = md(
        "{} linked this channel to the partnership between *{}* and *{}*. Owners at {}: {}.",
        user(linked_by),
        names.vendor,
        names.partner,
        names.vendor,
        users(owners(p)),
    )
    blocks: list[Block] = [
        section(md(":handshake: {}", text)),
        section(
            md(
                "What will appear here: the wins either company logs, rules of engagement for "
                "both to approve in their threads, and review prompts on the agreed rhythm."
            )
        ),
        note(
            md(
                "Everyone here, at {} or {}: *Partnership summary* shows who is who and what "
                "you can do.",
                names.vendor,
                names.partner,
            )
        ),
        actions(elements=[button("Partnership summary", Action.SHOW_SUMMARY, str(p.id))]),
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
