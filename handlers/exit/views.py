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
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.domain.exit.service import MAX_CLOSING_NOTE, ExitChoice, default_closing_note
from bot.domain.partners.service import owners
from handlers.blocks import button, field_input, message, section
from handlers.blocks import note as note_block
from handlers.ids import Action, Callback
from handlers.ids import Block as B
from handlers.text import Mrkdwn, channel, escape, fit, md, plain, user, users
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


def closing_message(partnership: Partnership, note: str, ended_by: str) -> dict[str, Any]:
    """The closing note in the shared channel, seen by both sides (the note shown as text)."""
    blocks: list[Block] = [
        section(md(":wave: {}", note)),
        note_block(
            md("{} ended the partnership with {}.", user(ended_by), partnership.partner_name)
        ),
    ]
    return message(escape(note), blocks)


def ended_notice(partnership: Partnership, exported_to: list[str], failed: list[str]) -> Mrkdwn:
    text = md(
        "The partnership with {} has ended. Reviews and reminders stopped, open rule proposals "
        "were withdrawn, and unresolved promises stay open until they are made good or "
        "released. The export went to {} by DM.",
        partnership.partner_name,
        users(exported_to),
    )
    if failed:
        text = md("{} I couldn't send it to {}: run `/partner export` there.", text, users(failed))
    return text


def stepped_back_notice(partnership: Partnership, successor: str | None) -> Mrkdwn:
    text = md("You stepped back from the partnership with {}.", partnership.partner_name)
    if successor:
        text = md("{} {} is an owner now.", text, user(successor))
    return md("{} Owners: {}.", text, users(owners(partnership)))


def handed_over_notice(partnership: Partnership, by: str) -> Mrkdwn:
    return md(
        "{} stepped back and handed you the partnership with {} in {}: you are one of its "
        "owners now.",
        user(by),
        partnership.partner_name,
        channel(partnership.channel_id),
    )


def resume_offer(partnership: Partnership) -> dict[str, Any]:
    """A DM to each owner when the channel is shared again: nothing resumes on its own."""
    text = md(
        "{} is shared with {} again. The partnership is paused: resume it to bring back "
        "reviews and reminders.",
        channel(partnership.channel_id),
        partnership.partner_name,
    )
    blocks: list[Block] = [
        section(text),
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
    return message(text, blocks)


def resumed_notice(partnership: Partnership, by: str, changed: bool) -> Mrkdwn:
    if changed:
        return md("{} resumed the partnership with {}.", user(by), partnership.partner_name)
    return md(
        "The partnership with {} is {} already.",
        partnership.partner_name,
        partnership.status.value,
    )
