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
        "Reviews and reminders stop; the records stay. Owners or admins only.",
    ),
}
# The submit button says what it does (Slack's limit: 24 characters).
SUBMIT = {ExitChoice.STEP_BACK: "Step back", ExitChoice.END: "End the partnership"}
ENDING = (
    "Ending it pauses the review cadence and drops pending reminders, withdraws open rule "
    "proposals, and keeps unresolved promises open (they are still owed). The records stay "
    "readable and exportable, and each owner gets the export by DM."
)


def exit_modal(
    partnership: Partnership,
    choice: ExitChoice | None = None,
    *,
    successor: str | None = None,
    closing_note: str | None = None,
) -> dict[str, Any]:
    """Step back or end: the choice comes first, and the modal follows it (``choice``: the
    one picked so far) with that choice's own fields and a submit button that says it."""
    options = {
        c: Option(value=c.value, text=label, description=plain(what, 75))
        for c, (label, what) in CHOICES.items()
    }
    picker = field_input(
        B.EXIT_CHOICE,
        "What do you want to do?",
        RadioButtonsElement(
            options=list(options.values()),
            initial_option=options[choice] if choice is not None else None,
        ),
    )
    picker.dispatch_action = True  # the modal follows the choice as soon as it is made
    blocks: list[Block] = [
        section(
            md(
                "*Leaving the partnership with {}*\nOwners now: {}.",
                partnership.partner_name,
                users(owners(partnership)),
            )
        ),
        picker,
    ]
    if choice is ExitChoice.STEP_BACK:
        blocks.append(
            field_input(
                B.EXIT_SUCCESSOR,
                "Who takes over from you",
                UserSelectElement(
                    placeholder="Someone in your organization", initial_user=successor
                ),
                optional=True,
                hint="Owners only: needed when the last owner steps back; they become an owner.",
            )
        )
    elif choice is ExitChoice.END:
        note = default_closing_note(partnership) if closing_note is None else closing_note
        blocks += [
            section(md("{}", ENDING)),
            field_input(
                B.EXIT_NOTE,
                "Closing note to the partner",
                PlainTextInputElement(
                    multiline=True,
                    max_length=MAX_CLOSING_NOTE,
                    initial_value=fit(note, MAX_CLOSING_NOTE) or None,
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
        submit=SUBMIT[choice] if choice else "Continue",
        close="Cancel",
        private_metadata=json.dumps({"partnership_id": partnership.id}),
        blocks=blocks,
    ).to_dict()
