"""Listeners for the review prompt's buttons, the "Review held" modal and /partner cadence."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt import App
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.domain.clock import utcnow
from bot.domain.errors import DomainError
from bot.domain.partners import service as partnerships
from bot.domain.partners.service import owners, require_side, require_vendor
from bot.domain.reviews import schedules as review_schedules
from bot.domain.reviews import service as reviews
from bot.domain.reviews.schedules import CadenceForm
from bot.domain.reviews.service import HeldForm
from handlers import directory, forms
from handlers.boundary import TrackedAck, listener
from handlers.effects import note_to
from handlers.ids import Action, Callback
from handlers.ids import Block as B
from handlers.reviews import messages, modals, senders
from handlers.subjects import button_id, channel_partnership, form_id, id_in
from storage.models import Partnership, Review, Side

log = logging.getLogger(__name__)


def review_from_button(session: Session, body: dict[str, Any]) -> Review:
    return reviews.get_review(session, button_id(body))


@listener
def open_held(ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session) -> None:
    ack()
    review = review_from_button(session, body)
    partnership = partnerships.get_partnership(session, review.partnership_id)
    require_side(partnership, directory.actor_of(body))
    if not reviews.still_open(review):
        raise reviews.already_closed(review)
    today = utcnow().astimezone(ZoneInfo(partnership.time_zone)).date()
    client.views_open(
        trigger_id=body["trigger_id"], view=modals.held_modal(review, partnership, today)
    )


def read_held(body: dict[str, Any]) -> HeldForm:
    picked = forms.date(body, B.REVIEW_HELD_ON)
    return HeldForm(
        held_on=date.fromisoformat(picked) if picked else None,
        attendees=forms.users(body, B.REVIEW_ATTENDEES),
        notes=forms.text(body, B.REVIEW_NOTES),
        next_steps=forms.text(body, B.REVIEW_NEXT_STEPS),
    )


@listener
def submit_held(ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session) -> None:
    review_id = form_id(body, "review_id")
    review = reviews.get_review(session, review_id)
    partnership = partnerships.get_partnership(session, review.partnership_id)
    # The agenda the prompt showed starts where it did before this review is held.
    since = reviews.agenda_since(session, partnership)
    actor = directory.actor_of(body)
    review = reviews.mark_held(session, review_id, actor, read_held(body))
    ack()
    senders.closed(session, review, actor.user_id, since)


@listener
def snooze(ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session) -> None:
    ack()
    actor = directory.actor_of(body)
    review = reviews.snooze(session, review_from_button(session, body).id, actor)
    partnership = partnerships.get_partnership(session, review.partnership_id)
    note = messages.snoozed_note(
        actor.user_id, review, partnership.time_zone, utcnow() + timedelta(days=1)
    )
    senders.thread_note(session, review, actor.user_id, note)


@listener
def skip(ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session) -> None:
    ack()
    partnership_since = reviews.agenda_since(
        session,
        partnerships.get_partnership(session, review_from_button(session, body).partnership_id),
    )
    actor = directory.actor_of(body)
    review = reviews.skip(session, review_from_button(session, body).id, actor)
    senders.closed(session, review, actor.user_id, partnership_since)


# -- /partner cadence --------------------------------------------------------------------------


def _reader_tz(client: WebClient, session: Session, user_id: str) -> str:
    return directory.time_zone(client, session, user_id)


def cadence_command(
    ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session, args: str, **_: Any
) -> None:
    """``/partner cadence [pause|resume|move]``."""
    partnership = channel_partnership(session, body)
    actor = directory.actor_of(body)
    word = args.strip().lower()
    if word == "pause":
        review_schedules.pause(session, partnership, actor, f"paused by <@{actor.user_id}>")
        ack(
            response_type="ephemeral",
            text="Paused the reviews. Resume with `/partner cadence resume`.",
        )
    elif word == "resume":
        schedule = review_schedules.resume(session, partnership, actor)
        cadence = review_schedules.cadence_of(schedule, partnership)
        ack(
            response_type="ephemeral",
            text=messages.cadence_saved(
                schedule, cadence, _reader_tz(client, session, actor.user_id)
            ),
        )
    elif word == "move":
        require_vendor(partnership, actor, "move the next review")
        upcoming = review_schedules.schedule_of(session, partnership.id)
        if upcoming is None or upcoming.paused or upcoming.next_due_at is None:
            raise DomainError(
                "There is no upcoming review to move. Set or resume the cadence first."
            )
        ack()
        client.views_open(
            trigger_id=body["trigger_id"],
            view=modals.move_modal(
                partnership, upcoming, _reader_tz(client, session, actor.user_id)
            ),
        )
    elif word == "":
        require_vendor(partnership, actor, "set the review cadence")
        ack()
        client.views_open(
            trigger_id=body["trigger_id"],
            view=modals.cadence_modal(
                partnership, review_schedules.schedule_of(session, partnership.id)
            ),
        )
    else:
        raise DomainError("Use `/partner cadence`, `/partner cadence move`, `pause` or `resume`.")


@listener
def submit_cadence(
    ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session
) -> None:
    meta = forms.metadata(body)
    partnership = partnerships.get_partnership(session, id_in(meta.get("partnership_id")))
    actor = directory.actor_of(body)
    if meta.get("mode") == "move":
        picked = forms.date(body, B.REVIEW_MOVE_ON)
        schedule = review_schedules.move_next(
            session,
            partnership,
            actor,
            date.fromisoformat(picked) if picked else None,
            forms.element(body, B.REVIEW_MOVE_AT).get("selected_time") or "",
        )
    else:
        picked = forms.date(body, B.REVIEW_STARTING_ON)
        form = CadenceForm(
            every_weeks=forms.option(body, B.REVIEW_EVERY_WEEKS) or "",
            weekday=forms.option(body, B.REVIEW_WEEKDAY) or "",
            at=forms.element(body, B.REVIEW_AT).get("selected_time") or "",
            starting_on=date.fromisoformat(picked) if picked else None,
        )
        schedule = review_schedules.set_cadence(session, partnership, form, actor)
    ack()
    cadence = review_schedules.cadence_of(schedule, partnership)
    text = messages.cadence_saved(schedule, cadence, _reader_tz(client, session, actor.user_id))
    note_to(session, actor.user_id, text, partnership.channel_id)


def summary_line(
    session: Session, partnership: Partnership, reader_tz: str, *, side: Side = Side.VENDOR
) -> str:
    """The /partner summary's line about reviews, in the reader's time zone, worded for the
    reader's side (the partner's names the owners instead of commands it can't run)."""
    schedule = review_schedules.schedule_with(session, partnership)
    cadence = review_schedules.cadence_of(schedule, partnership) if schedule else None
    return messages.schedule_line(
        schedule,
        cadence,
        reader_tz,
        side=side,
        owners=owners(partnership),
        channel_id=partnership.channel_id,
    )


def register(app: App) -> None:
    app.action(Action.REVIEW_HELD)(open_held)
    app.action(Action.REVIEW_SNOOZE)(snooze)
    app.action(Action.REVIEW_SKIP)(skip)
    app.view(Callback.REVIEW_HELD)(submit_held)
    app.view(Callback.REVIEW_CADENCE)(submit_cadence)
