"""The exit modals: pure builders of the forms people fill in."""

from __future__ import annotations

import json
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.domain.exit.service import MAX_CLOSING_NOTE, ExitChoice, default_closing_note
from bot.domain.partners.service import owners
from handlers.blocks import field_input, section
from handlers.ids import Block as B
from handlers.ids import Callback
from handlers.text import fit, md, plain, users
from storage.models import Partnership

CHOICES = {
    ExitChoice.STEP_BACK: (
        "Step back",
        "You stop being an owner; the partnership goes on with the other owners.",
    ),
    ExitChoice.END: (
        "End the partnership",
        "Reviews and reminders stop and open rule proposals are withdrawn; the records stay "
        "and the owners get an export. Owners or workspace admins only.",
    ),
}


def exit_modal(partnership: Partnership) -> dict[str, Any]:
    """Step back or end: one modal, the successor and closing note apply to one choice each."""
    options = [
        Option(value=choice.value, text=label, description=plain(what, 75))
        for choice, (label, what) in CHOICES.items()
    ]
    blocks: list[Block] = [
        section(
            md(
                "*Leaving the partnership with {}*\nOwners now: {}.",
                partnership.partner_name,
                users(owners(partnership)),
            )
        ),
        field_input(B.EXIT_CHOICE, "What do you want to do?", RadioButtonsElement(options=options)),
        field_input(
            B.EXIT_SUCCESSOR,
            "Who takes over from you",
            UserSelectElement(placeholder="Someone in your organization"),
            optional=True,
            hint="Owners only: needed when the last owner steps back; they become an owner.",
        ),
        field_input(
            B.EXIT_NOTE,
            "Closing note to the partner",
            PlainTextInputElement(
                multiline=True,
                max_length=MAX_CLOSING_NOTE,
                initial_value=fit(default_closing_note(partnership), MAX_CLOSING_NOTE),
            ),
            optional=True,
            hint="Posted in the shared channel when you end the partnership. "
            "Clear it to post nothing.",
        ),
    ]
    return View(
        type="modal",
        callback_id=Callback.EXIT,
        title="Exit the partnership",
        submit="Confirm",
        close="Cancel",
        private_metadata=json.dumps({"partnership_id": partnership.id}),
        blocks=blocks,
    ).to_dict()
