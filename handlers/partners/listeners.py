"""Listeners for /partner, the summary button and the setup modal."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, Respond
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.domain.clock import utcnow
from bot.domain.partners import service as partnerships
from bot.domain.partners.names import sides
from bot.domain.partners.service import PartnershipForm
from bot.domain.partners.zones import zone_groups
from bot.domain.people import Actor
from handlers import directory, forms
from handlers.boundary import TrackedAck, listener
from handlers.effects import declare, note_to
from handlers.ids import Action, Callback
from handlers.ids import Block as B
from handlers.partners import messages, modals, senders
from handlers.reviews import listeners as reviews_listeners
from handlers.subjects import button_partnership, channel_partnership, id_in
from handlers.text import md
from storage.models import ContactRole, Partnership, Side

log = logging.getLogger(__name__)


def open_setup(
    client: WebClient, session: Session, body: dict[str, Any], partnership: Partnership | None
) -> None:
    actor = directory.actor_of(body)
    channel = body.get("channel_id") or (body.get("channel") or {}).get("id")
    own = directory.time_zone(client, session, actor.user_id)
    defaults = modals.SetupDefaults(
        channel_id=channel if partnership is None else partnership.channel_id,
        time_zone=own,
        owners=[actor.user_id],
        partnership=partnership,
        zones=zone_groups(own, partnership.time_zone if partnership else None, utcnow()),
    )
    client.views_open(trigger_id=body["trigger_id"], view=modals.setup_modal(defaults))


def summary_extras(
    client: WebClient, session: Session, partnership: Partnership, actor: Actor, side: Side
) -> messages.SummaryExtras:
    """Lines features add to the summary card, in the reader's own time zone and worded for
    their side."""
    reader_tz = directory.time_zone(client, session, actor.user_id)
    return messages.SummaryExtras(
        lines=[reviews_listeners.summary_line(session, partnership, reader_tz, side=side)]
    )


def summary(
    client: WebClient, session: Session, partnership: Partnership, body: dict[str, Any]
) -> dict[str, Any]:
    """The summary card for whoever asked, built for their side."""
    actor = directory.actor_of(body)
    side = partnerships.actor_side(partnership, actor) or Side.VENDOR
    names = sides(session, partnership)
    return {
        "text": messages.summary_text(names),
        "blocks": messages.summary_blocks(
            partnership,
            names,
            messages.Reader(actor.user_id, side),
            summary_extras(client, session, partnership, actor, side),
        ),
    }


def link_or_summary(
    ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session, **_: Any
) -> None:
    partnership = partnerships.live_partnership_in(session, body.get("channel_id", ""))
    if partnership is None:
        ack()
        open_setup(client, session, body, None)
        return
    ack(response_type="ephemeral", **summary(client, session, partnership, body))


def edit(
    ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session, **_: Any
) -> None:
    partnership = channel_partnership(session, body)
    partnerships.require_owner(partnership, directory.actor_of(body), "change the setup")
    ack()
    open_setup(client, session, body, partnership)


@listener
def show_summary(
    ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session, respond: Respond
) -> None:
    ack()
    partnership = button_partnership(session, body)
    partnerships.require_side(partnership, directory.actor_of(body))
    respond(
        response_type="ephemeral",
        replace_original=False,
        **summary(client, session, partnership, body),
    )


@listener
def edit_from_button(
    ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session
) -> None:
    ack()
    partnership = button_partnership(session, body)
    partnerships.require_owner(partnership, directory.actor_of(body), "change the setup")
    open_setup(client, session, body, partnership)


def read_setup(body: dict[str, Any], channel_id: str | None) -> PartnershipForm:
    return PartnershipForm(
        channel_id=forms.conversation(body, B.CHANNEL) or channel_id,
        partner_name=forms.text(body, B.PARTNER_NAME),
        owners=forms.users(body, B.OWNERS),
        contacts={role: forms.users(body, messages.ROLE_BLOCKS[role]) for role in ContactRole},
        vendor_approvers=forms.users(body, B.VENDOR_APPROVERS),
        partner_approvers=forms.users(body, B.PARTNER_APPROVERS),
        deal_approvers=forms.users(body, B.DEAL_APPROVERS),
        time_zone=forms.option(body, B.TIME_ZONE) or "",
        holiday_country=forms.text(body, B.HOLIDAY_COUNTRY) or None,
    )


@listener
def submit_setup(
    ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session
) -> None:
    meta = forms.metadata(body)
    form = read_setup(body, None)
    actor = directory.actor_of(body)
    editing = id_in(meta["partnership_id"]) if meta.get("partnership_id") else None
    if editing is not None:  # who may, before anyone is looked up in Slack
        partnerships.require_owner(
            partnerships.get_partnership(session, editing),
            actor,
            "change the partnership setup",
        )
    partnerships.require_sizes(form)
    directory.refresh(
        client,
        session,
        [
            actor.user_id,
            *form.owners,
            *form.vendor_approvers,
            *form.partner_approvers,
            *form.deal_approvers,
            *(u for ids in form.contacts.values() for u in ids),
        ],
    )
    if editing is not None:
        partnership = partnerships.update_partnership(session, editing, form, actor)
        ack()
        names = sides(session, partnership)
        text = md("Saved the setup of the partnership {}.", names.joint)
        card = messages.summary_blocks(
            partnership, names, messages.Reader(actor.user_id, Side.VENDOR)
        )
        note_to(
            session,
            actor.user_id,
            text,
            partnership.channel_id,
            content={"text": text, "blocks": card},
        )
        return
    partnership = partnerships.link_partnership(session, form, actor)
    ack()
    declare(
        session,
        senders.LINKED,
        f"linked:{partnership.id}",
        actor=actor.user_id,
        what="The partnership",
        where=partnership.channel_id,
        partnership_id=partnership.id,
        reply_in=partnership.channel_id,
    )


def register(app: App) -> None:
    app.action(Action.SHOW_SUMMARY)(show_summary)
    app.action(Action.EDIT_PARTNERSHIP)(edit_from_button)
    app.view(Callback.PARTNERSHIP_SETUP)(submit_setup)
