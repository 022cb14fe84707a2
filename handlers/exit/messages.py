"""The exit messages: pure builders of what partnerbot posts and tells."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import (
    Block,
)

from bot.domain.partners.service import owners
from handlers.blocks import actions, button, message, section
from handlers.blocks import note as note_block
from handlers.ids import Action
from handlers.text import Mrkdwn, channel, escape, md, user, users
from storage.models import Partnership


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
        actions(
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
