"""The partners modals: pure builders of the forms people fill in."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ConversationFilter,
    ConversationSelectElement,
    Option,
    OptionGroup,
    PlainTextInputElement,
    StaticSelectElement,
    UserMultiSelectElement,
)
from slack_sdk.models.views import View

from bot.domain.clock import utcnow
from bot.domain.partners.service import contacts, named_approvers, owners
from bot.domain.partners.zones import ZoneGroup, zone_groups
from handlers.blocks import field_input
from handlers.ids import Block as B
from handlers.ids import Callback
from handlers.partners.messages import ROLE_BLOCKS, ROLE_LABELS
from handlers.text import fit, plain
from storage.models import ContactRole, Partnership, Side


@dataclass(frozen=True)
class SetupDefaults:
    """What the setup modal starts with: a new link, or an existing partnership to edit.
    ``time_zone`` is the setter's own; ``zones`` what the time zone select offers."""

    channel_id: str | None
    time_zone: str
    owners: list[str]
    partnership: Partnership | None = None
    zones: list[ZoneGroup] = field(default_factory=list)


def _zone_select(groups: list[ZoneGroup], initial: str) -> StaticSelectElement:
    """The time zone select: the setter's own zone first, then common ones by region."""
    options = {
        group.label: [Option(value=c.zone, label=plain(c.label, 75)) for c in group.choices]
        for group in groups
    }
    option_groups = [OptionGroup(label=plain(name, 75), options=o) for name, o in options.items()]
    chosen = next((o for group in options.values() for o in group if o.value == initial), None)
    return StaticSelectElement(
        placeholder="Choose a time zone", option_groups=option_groups, initial_option=chosen
    )


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


def deal_approvers_field(p: Partnership | None) -> Block:
    """Who decides on deal registrations, besides the owners (vendor side)."""
    return _users(
        B.DEAL_APPROVERS,
        "Who approves deal registrations",
        [m.user_id for m in p.members if m.is_deal_approver] if p else [],
        optional=True,
        hint="People on your side; the owners always can. Leave empty for the owners only.",
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
        deal_approvers_field(p),
        field_input(
            B.TIME_ZONE,
            "Partnership time zone",
            _zone_select(
                defaults.zones
                or zone_groups(defaults.time_zone, p.time_zone if p else None, utcnow()),
                p.time_zone if p else defaults.time_zone,
            ),
            hint="Reviews are scheduled in it; everyone sees times in their own zone.",
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
