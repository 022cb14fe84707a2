"""Pure view builders for leaving a partnership: the exit modal, notices, the resume offer."""

from __future__ import annotations

import json
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
    SectionBlock,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.domain.exit import MAX_CLOSING_NOTE, ExitChoice, default_closing_note
from bot.domain.partnerships import owners
from handlers.blocks import button, context, field_input, mentions, truncate
from handlers.ids import Action, Callback
from handlers.ids import Block as B
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
        Option(value=choice.value, text=label, description=truncate(what, 75))
        for choice, (label, what) in CHOICES.items()
    ]
    blocks: list[Block] = [
        SectionBlock(
            text=truncate(
                f"*Leaving the partnership with {partnership.partner_name}*\n"
                f"Owners now: {mentions(owners(partnership))}.",
                3000,
            )
        ),
        field_input(B.EXIT_CHOICE, "What do you want to do?", RadioButtonsElement(options=options)),
        field_input(
            B.EXIT_SUCCESSOR,
            "Who takes over from you",
            UserSelectElement(placeholder="Someone in your organization"),
            optional=True,
            hint="Needed when you step back as the last owner; they become an owner.",
        ),
        field_input(
            B.EXIT_NOTE,
            "Closing note to the partner",
            PlainTextInputElement(
                multiline=True,
                max_length=MAX_CLOSING_NOTE,
                initial_value=default_closing_note(partnership),
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


def closing_message(partnership: Partnership, note: str, ended_by: str) -> dict[str, Any]:
    """The closing note in the shared channel, seen by both sides."""
    blocks: list[Block] = [
        SectionBlock(text=truncate(f":wave: {note}", 3000)),
        context(f"<@{ended_by}> ended the partnership with {partnership.partner_name}."),
    ]
    return {"text": truncate(note, 3000), "blocks": [b.to_dict() for b in blocks]}


def ended_notice(partnership: Partnership, exported_to: list[str], failed: list[str]) -> str:
    text = (
        f"The partnership with {partnership.partner_name} has ended. Reviews and reminders "
        "stopped, open rule proposals were withdrawn, and unresolved promises stay open until "
        f"they are made good or released. The export went to {mentions(exported_to)} by DM."
    )
    if failed:
        text += f" I couldn't send it to {mentions(failed)}: run `/partner export` there."
    return text


def stepped_back_notice(partnership: Partnership, successor: str | None) -> str:
    text = f"You stepped back from the partnership with {partnership.partner_name}."
    if successor:
        text += f" <@{successor}> is an owner now."
    return text + f" Owners: {mentions(owners(partnership))}."


def handed_over_notice(partnership: Partnership, by: str) -> str:
    return (
        f"<@{by}> stepped back and handed you the partnership with {partnership.partner_name} "
        f"in <#{partnership.channel_id}>: you are one of its owners now."
    )


def resume_offer(partnership: Partnership) -> dict[str, Any]:
    """A DM to each owner when the channel is shared again: nothing resumes on its own."""
    text = (
        f"<#{partnership.channel_id}> is shared with {partnership.partner_name} again. "
        "The partnership is paused: resume it to bring back reviews and reminders."
    )
    blocks: list[Block] = [
        SectionBlock(text=truncate(text, 3000)),
        ActionsBlock(
            elements=[
                button(
                    "Resume the partnership",
                    Action.RESUME_PARTNERSHIP,
                    str(partnership.id),
                    style="primary",
                )
            ]
        ),
    ]
    return {"text": text, "blocks": [b.to_dict() for b in blocks]}


def resumed_notice(partnership: Partnership, by: str, changed: bool) -> str:
    if changed:
        return f"<@{by}> resumed the partnership with {partnership.partner_name}."
    return f"The partnership with {partnership.partner_name} is {partnership.status.value} already."
